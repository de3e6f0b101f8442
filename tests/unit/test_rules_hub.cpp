#include <catch2/catch.hpp>

#include "home_builder.hpp"

using namespace dgtest;
using audit::Severity;

TEST_CASE("DG-HUB-001 severity grows with months behind the latest known release", "[rules][hub]") {
  struct Case {
    const char* version;
    int findings;
    Severity severity;
  };
  // hub_releases.json: latest 2026.11.0.
  const Case cases[] = {
      {"2026.11.1", 0, Severity::info}, {"2026.10.4", 0, Severity::info}, {"2026.9.0", 1, Severity::low},
      {"2026.5.2", 1, Severity::medium}, {"2025.11.0", 1, Severity::high}, {"0.118.5", 1, Severity::high},
  };
  for (const auto& c : cases) {
    INFO(c.version);
    HomeBuilder b;
    b.h.hub.version = c.version;
    auto f = run("DG-HUB-001", b.build());
    REQUIRE(static_cast<int>(f.size()) == c.findings);
    if (c.findings) {
      CHECK(f[0].severity == c.severity);
      CHECK(ev(f[0], "latest_known") == "2026.11.0");
      CHECK_FALSE(ev(f[0], "data_date").empty());
    }
  }
}

TEST_CASE("DG-HUB-001 is not run without the hub's version", "[rules][hub]") {
  HomeBuilder b;
  b.without(model::Part::hub_version);
  bool ran = true;
  run("DG-HUB-001", b.build(), &ran);
  CHECK_FALSE(ran);
}

TEST_CASE("DG-HUB-002 flags a plain http external URL", "[rules][hub]") {
  HomeBuilder b;
  b.h.hub.external_url = "HTTP://home.example.org:8123";
  auto f = run("DG-HUB-002", b.build());
  REQUIRE(f.size() == 1);
  CHECK(f[0].severity == Severity::high);
  HomeBuilder ok;
  ok.h.hub.external_url = "https://home.example.org";
  CHECK(run("DG-HUB-002", ok.build()).empty());
}

TEST_CASE("DG-HUB-003 flags a plain-HTTP hub reachable from outside", "[rules][hub]") {
  HomeBuilder b;
  b.h.hub.tls = false;
  b.h.hub.external_url = "https://home.example.org";
  auto f = run("DG-HUB-003", b.build());
  REQUIRE(f.size() == 1);
  CHECK(f[0].severity == Severity::medium);

  HomeBuilder remote;
  remote.h.hub.tls = false;
  remote.h.hub.remote_ui = true;
  REQUIRE(run("DG-HUB-003", remote.build()).size() == 1);

  HomeBuilder lan_only;
  lan_only.h.hub.tls = false;
  CHECK(run("DG-HUB-003", lan_only.build()).empty());
  HomeBuilder tls;
  tls.h.hub.tls = true;
  tls.h.hub.external_url = "https://home.example.org";
  CHECK(run("DG-HUB-003", tls.build()).empty());
  HomeBuilder unknown;
  unknown.h.hub.external_url = "https://home.example.org";
  CHECK(run("DG-HUB-003", unknown.build()).empty());
}

TEST_CASE("DG-HUB-004 notes remote access through the vendor cloud", "[rules][hub]") {
  HomeBuilder b;
  b.h.hub.remote_ui = true;
  auto f = run("DG-HUB-004", b.build());
  REQUIRE(f.size() == 1);
  CHECK(f[0].severity == Severity::low);
  HomeBuilder off;
  off.h.hub.remote_ui = false;
  CHECK(run("DG-HUB-004", off.build()).empty());
  HomeBuilder nocloud;
  nocloud.without(model::Part::cloud);
  bool ran = true;
  run("DG-HUB-004", nocloud.build(), &ran);
  CHECK_FALSE(ran);
}

TEST_CASE("DG-HUB-005 flags login banning off, worse when reachable", "[rules][hub]") {
  HomeBuilder b;
  b.h.hub.ip_ban = false;
  auto f = run("DG-HUB-005", b.build());
  REQUIRE(f.size() == 1);
  CHECK(f[0].severity == Severity::medium);
  CHECK(ev(f[0], "login_ban") == "false");
  b.h.hub.external_url = "https://x.example";
  CHECK(run("DG-HUB-005", b.build()).at(0).severity == Severity::high);
  HomeBuilder on;
  on.h.hub.ip_ban = true;
  CHECK(run("DG-HUB-005", on.build()).empty());
  HomeBuilder unknown;   // not read: no guess
  CHECK(run("DG-HUB-005", unknown.build()).empty());
}

TEST_CASE("DG-HUB-006 flags a cloud assistant without the secure-devices PIN", "[rules][hub]") {
  HomeBuilder b;
  b.h.hub.google_enabled = true;
  b.h.hub.google_secure_pin = false;
  b.device("lock1", "Front door");
  b.entity("lock.front_door", "lock1", "locked");
  auto f = run("DG-HUB-006", b.build());
  REQUIRE(f.size() == 1);
  CHECK(f[0].severity == Severity::low);
  CHECK(ev(f[0], "critical_exposed") == "0");

  // Once a lock is actually shared, DG-VOI-004 owns the finding; this latent one steps aside.
  HomeBuilder shared;
  shared.h.hub.google_enabled = true;
  shared.h.hub.google_secure_pin = false;
  shared.device("lock1", "Front door");
  shared.entity("lock.front_door", "lock1", "locked").exposure.google = true;
  auto& home = shared.build();
  CHECK(run("DG-HUB-006", home).empty());
  CHECK(run("DG-VOI-004", home).size() == 1);

  HomeBuilder pin;
  pin.h.hub.google_enabled = true;
  pin.h.hub.google_secure_pin = true;
  CHECK(run("DG-HUB-006", pin.build()).empty());
  HomeBuilder off;
  off.h.hub.google_enabled = false;
  off.h.hub.google_secure_pin = false;
  CHECK(run("DG-HUB-006", off.build()).empty());
}
