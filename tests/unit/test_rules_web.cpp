#include <catch2/catch.hpp>

#include <set>

#include "home_builder.hpp"
#include "hub/ha/adapter.hpp"

using namespace dgtest;
using audit::Severity;

namespace {
void resource(HomeBuilder& b, std::string url) {
  model::DashboardResource r;
  r.id = "r" + std::to_string(b.h.dashboard_resources.size());
  r.url = std::move(url);
  r.type = "module";
  b.h.dashboard_resources.push_back(std::move(r));
}
}  // namespace

TEST_CASE("DG-WEB-001/002 flag dashboard code from outside the hub and over plain http", "[rules][web]") {
  HomeBuilder b;
  b.h.hub.external_url = "https://home.example.net";
  resource(b, "/hacsfiles/button-card/button-card.js");
  resource(b, "/local/my-card.js");
  resource(b, "https://home.example.net/local/x.js");   // the hub's own address
  resource(b, "https://cdn.jsdelivr.net/npm/card@1/card.js");
  resource(b, "http://cards.example.org/evil.js");
  resource(b, "http://192.168.1.50:8080/card.js");
  auto& home = b.build();
  auto remote = run("DG-WEB-001", home);
  std::set<std::string> hosts;
  for (auto& f : remote) {
    hosts.insert(f.placeholders.at(1).second);
    CHECK(f.severity == Severity::high);
  }
  CHECK(hosts == std::set<std::string>{"cdn.jsdelivr.net", "cards.example.org", "192.168.1.50"});
  auto clear = run("DG-WEB-002", home);
  REQUIRE(clear.size() == 2);
  CHECK(clear[0].severity == Severity::critical);   // a remote server over http
  CHECK(clear[1].severity == Severity::medium);     // another machine at home

  HomeBuilder local;
  resource(local, "/hacsfiles/mushroom/mushroom.js");
  auto& lh = local.build();
  CHECK(run("DG-WEB-001", lh).empty());
  CHECK(run("DG-WEB-002", lh).empty());
  HomeBuilder none;
  none.without(model::Part::dashboard_resources);
  bool ran = true;
  run("DG-WEB-001", none.build(), &ran);
  CHECK_FALSE(ran);
}

TEST_CASE("dashboard resources give the same findings from .storage and from lovelace/resources", "[rules][web][adapter]") {
  const std::string fixtures = std::string(DG_SOURCE_DIR) + "/tests/fixtures/ha";
  for (const char* src : {"/config-v3", "/ws"}) {
    auto h = hub::ha::load(fixtures + src);
    REQUIRE(h);
    REQUIRE(h->dashboard_resources.size() == 2);
    // The query string (here a HACS tag; elsewhere it may carry a key) is not kept.
    CHECK(h->dashboard_resources[0].url == "/hacsfiles/button-card/button-card.js");
    auto f = run("DG-WEB-001", *h);
    REQUIRE(f.size() == 1);
    CHECK(f[0].placeholders.at(1).second == "cdn.jsdelivr.net");
    CHECK(run("DG-WEB-002", *h).empty());
  }
}

TEST_CASE("a dashboard resource's address keeps neither its query nor credentials written into it", "[rules][web][adapter]") {
  hub::ha::Replies r;
  r["lovelace/resources"] = R"([{"id":"a","type":"module","url":"https://bob:hunter2@cards.example.org/x.js?key=abc"},
                                {"id":"b","type":"module","url":"https://cdn.example.org/npm/card@1.2.0/card.js"}])";
  auto h = hub::ha::from_replies(r, "test");
  REQUIRE(h);
  REQUIRE(h->dashboard_resources.size() == 2);
  CHECK(h->dashboard_resources[0].url == "https://cards.example.org/x.js");
  CHECK(h->dashboard_resources[1].url == "https://cdn.example.org/npm/card@1.2.0/card.js");   // '@' in the path stays
}
