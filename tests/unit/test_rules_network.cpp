#include <catch2/catch.hpp>

#include "home_builder.hpp"

using namespace dgtest;
using audit::Severity;

namespace {
model::Integration& mqtt(HomeBuilder& b, std::string host_kind, model::Flag tls, model::Flag auth) {
  auto& i = b.integration("m1", "mqtt");
  i.transport_host_kind = std::move(host_kind);
  i.uses_tls = tls;
  i.has_auth = auth;
  return i;
}
}  // namespace

TEST_CASE("DG-NET-001 flags MQTT without TLS to a broker on another machine", "[rules][network]") {
  struct Case {
    const char* host;
    model::Flag tls;
    int findings;
    Severity severity;
  };
  const Case cases[] = {
      {"remote", false, 1, Severity::high}, {"local", false, 1, Severity::medium}, {"loopback", false, 0, Severity::info},
      {"", false, 0, Severity::info},       {"remote", true, 0, Severity::info},   {"local", std::nullopt, 0, Severity::info},
  };
  for (const auto& c : cases) {
    INFO(c.host);
    HomeBuilder b;
    mqtt(b, c.host, c.tls, true);
    auto f = run("DG-NET-001", b.build());
    REQUIRE(static_cast<int>(f.size()) == c.findings);
    if (c.findings) {
      CHECK(f[0].severity == c.severity);
      CHECK(f[0].subject.kind == "integration");
    }
  }
}

TEST_CASE("DG-NET-002 flags an MQTT broker without authentication", "[rules][network]") {
  HomeBuilder b;
  mqtt(b, "local", true, false);
  auto f = run("DG-NET-002", b.build());
  REQUIRE(f.size() == 1);
  CHECK(f[0].severity == Severity::high);
  HomeBuilder lo;
  mqtt(lo, "loopback", true, false);
  CHECK(run("DG-NET-002", lo.build()).at(0).severity == Severity::low);
  HomeBuilder ok;
  mqtt(ok, "local", true, true);
  CHECK(run("DG-NET-002", ok.build()).empty());
  HomeBuilder none;
  none.without(model::Part::integrations);
  bool ran = true;
  run("DG-NET-002", none.build(), &ran);
  CHECK_FALSE(ran);
}

TEST_CASE("DG-NET-003 flags device admin pages over plain http", "[rules][network]") {
  struct Case {
    const char* url;
    bool flagged;
  };
  const Case cases[] = {
      {"http://192.168.1.20/", true},     {"HTTP://camera.lan:8080/setup", true}, {"https://192.168.1.20/", false},
      {"homeassistant://config/zwave", false}, {"http://127.0.0.1:8099", false},   {"http://localhost/x", false},
      {"http://[::1]:80/", false},        {"", false},
  };
  for (const auto& c : cases) {
    INFO(c.url);
    HomeBuilder b;
    b.device("d1", "Camera").configuration_url = c.url;
    auto f = run("DG-NET-003", b.build());
    CHECK(f.size() == (c.flagged ? 1u : 0u));
    if (!f.empty()) {
      CHECK(f[0].device_id == "d1");
      for (auto& [k, v] : f[0].evidence) CHECK(v.find("192.168") == std::string::npos);   // no address leaks
    }
  }
}

TEST_CASE("DG-NET-004 flags Z-Wave locks below S2", "[rules][network]") {
  struct Case {
    std::optional<int> security;
    int findings;
    Severity severity;
  };
  const Case cases[] = {{-1, 1, Severity::high}, {7, 1, Severity::medium}, {2, 0, Severity::info},
                        {0, 0, Severity::info},  {std::nullopt, 0, Severity::info}};
  for (const auto& c : cases) {
    HomeBuilder b;
    b.device("lock1", "Front door").zwave_security = c.security;
    b.entity("lock.front_door", "lock1", "locked");
    auto f = run("DG-NET-004", b.build());
    REQUIRE(static_cast<int>(f.size()) == c.findings);
    if (c.findings) CHECK(f[0].severity == c.severity);
  }
  HomeBuilder light;   // not a critical device type
  light.device("l1", "Lamp").zwave_security = -1;
  light.entity("light.lamp", "l1", "on");
  CHECK(run("DG-NET-004", light.build()).empty());
  HomeBuilder unknown;
  unknown.without(model::Part::radio_security);
  bool ran = true;
  run("DG-NET-004", unknown.build(), &ran);
  CHECK_FALSE(ran);
}

TEST_CASE("DG-NET-005 flags integrations that skip certificate checks", "[rules][network]") {
  HomeBuilder b;
  auto& i = b.integration("e1", "rest");
  i.verify_tls = false;
  i.transport_host_kind = "remote";
  b.integration("e2", "rest").verify_tls = true;
  b.integration("e3", "rest");
  auto f = run("DG-NET-005", b.build());
  REQUIRE(f.size() == 1);
  CHECK(f[0].subject.id == "e1");
  CHECK(f[0].severity == Severity::high);
}

TEST_CASE("DG-NET-006 flags plaintext connections to internet services, not MQTT or LAN", "[rules][network]") {
  HomeBuilder b;
  auto& i = b.integration("e1", "somecloud");
  i.uses_tls = false;
  i.transport_host_kind = "remote";
  auto& lan = b.integration("e2", "shelly");
  lan.uses_tls = false;
  lan.transport_host_kind = "local";
  mqtt(b, "remote", false, true);
  auto f = run("DG-NET-006", b.build());
  REQUIRE(f.size() == 1);
  CHECK(f[0].subject.id == "e1");
}
