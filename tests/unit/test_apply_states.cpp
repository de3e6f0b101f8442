// State changes applied in place (hub::ha::apply_states through api::Service::patch_home), as the
// Home Assistant integration does for each state event: the audit must equal a full audit of the
// same home, and a change that cannot be applied in place must leave the home untouched.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "api/service.hpp"
#include "hub/ha/adapter.hpp"

using namespace domoguard;
namespace json = boost::json;

namespace {

hub::ha::Replies ws_replies() {
  const std::string dir = std::string(DG_SOURCE_DIR) + "/tests/fixtures/ha/ws/";
  hub::ha::Replies r;
  for (const auto& c : hub::ha::audit_commands()) {
    std::ifstream in(dir + hub::ha::reply_file_name(c), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    r[c] = ss.str();
  }
  return r;
}

// The fixture's get_states with one entity's state replaced; returns that state's JSON text.
std::string change_state(hub::ha::Replies& r, const std::string& entity_id, const std::string& state) {
  auto states = json::parse(r["get_states"]);
  std::string changed;
  for (auto& s : states.as_array())
    if (s.as_object().at("entity_id").as_string() == entity_id) {
      s.as_object()["state"] = state;
      changed = json::serialize(s);
    }
  r["get_states"] = json::serialize(states);
  REQUIRE_FALSE(changed.empty());
  return changed;
}

std::unique_ptr<api::Service> service_with(const hub::ha::Replies& r) {
  auto s = api::Service::create(api::ServiceOptions{"", "en"});
  REQUIRE(s);
  auto home = hub::ha::from_replies(r, "ws");
  REQUIRE(home);
  REQUIRE((*s)->set_home(std::move(*home), "ws"));
  return std::move(*s);
}

std::set<std::string> keys(api::Service& s) {
  auto reply = json::parse(s.handle(R"({"type":"domoguard/audit"})"));
  std::set<std::string> out;
  for (const auto& f : reply.at("result").at("findings").as_array()) {
    const auto& o = f.as_object();
    out.insert(std::string(o.at("rule").as_string()) + "|" + std::string(o.at("subject").at("id").as_string()) + "|" +
               std::string(o.at("severity").as_string()));
  }
  return out;
}

int score(api::Service& s) {
  return static_cast<int>(json::parse(s.handle(R"({"type":"domoguard/status"})")).at("result").at("score").as_int64());
}

}  // namespace

TEST_CASE("state changes applied in place audit as the whole home would", "[adapter][api]") {
  auto before = ws_replies();
  auto incremental = service_with(before);
  auto after = before;
  // The lock reports "jammed": a device rule's finding appears (DG-FS-004).
  std::vector<std::string> changes = {change_state(after, "lock.front_door", "jammed")};
  auto full = service_with(after);
  REQUIRE(keys(*incremental) != keys(*full));

  auto delta = incremental->patch_home(
      [&](model::Home& home) { return hub::ha::apply_states(home, changes, "ws"); });
  REQUIRE(delta);
  REQUIRE(delta->has_value());
  REQUIRE((*delta)->new_findings.size() == 1);
  CHECK((*delta)->new_findings[0].rule == "DG-FS-004");
  CHECK(keys(*incremental) == keys(*full));
  CHECK(score(*incremental) == score(*full));

  // The same change again opens and resolves nothing: the audit is kept in memory only.
  auto again = incremental->patch_home(
      [&](model::Home& home) { return hub::ha::apply_states(home, changes, "ws"); });
  REQUIRE(again);
  REQUIRE(again->has_value());
  CHECK((*again)->new_findings.empty());
  CHECK((*again)->resolved_keys.empty());
  CHECK((*again)->audit_id == 0);
  CHECK(keys(*incremental) == keys(*full));
}

TEST_CASE("a state change that cannot be applied in place leaves the home as it was", "[adapter][api]") {
  auto r = ws_replies();
  auto s = service_with(r);
  const auto was = keys(*s);
  auto lock_unlocked = change_state(r, "lock.front_door", "unlocked");

  SECTION("an entity the home does not know") {
    std::vector<std::string> changes = {lock_unlocked, R"({"entity_id":"switch.new_plug","state":"on","attributes":{}})"};
    auto d = s->patch_home([&](model::Home& home) { return hub::ha::apply_states(home, changes, "ws"); });
    REQUIRE(d);
    CHECK_FALSE(d->has_value());
  }
  SECTION("an entity without registry entry (its name and class come from its state)") {
    std::vector<std::string> changes = {R"({"entity_id":"sensor.demo_outside","state":"3","attributes":{}})"};
    auto d = s->patch_home([&](model::Home& home) { return hub::ha::apply_states(home, changes, "ws"); });
    REQUIRE(d);
    CHECK_FALSE(d->has_value());
  }
  SECTION("malformed JSON") {
    std::vector<std::string> changes = {lock_unlocked, R"({"entity_id":"lock.front_door","state":)"};
    auto d = s->patch_home([&](model::Home& home) { return hub::ha::apply_states(home, changes, "ws"); });
    REQUIRE_FALSE(d);
    CHECK(d.error().describe().find("state_changed") != std::string::npos);
  }
  CHECK(keys(*s) == was);
}
