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
#include "hub/ha/list_cache.hpp"

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

TEST_CASE("a state change keeps the findings of home rules that read other domains' states, as a full audit finds them",
          "[adapter][api]") {
  // The lock gets a firmware update entity with an update waiting and automatic updates off
  // (DG-UPD-001, DG-UPD-002: home rules reading only update entities' states).
  auto before = ws_replies();
  auto entities = json::parse(before["config/entity_registry/list"]);
  json::object update = entities.as_array().front().as_object();
  for (auto& e : entities.as_array())
    if (e.as_object().at("entity_id").as_string() == "lock.front_door") update = e.as_object();
  update["entity_id"] = "update.front_door_firmware";
  update["id"] = "r_update_front_door";
  update["unique_id"] = "zw-5-update";
  update["original_name"] = "Firmware";
  update["options"] = json::object{};
  entities.as_array().push_back(update);
  before["config/entity_registry/list"] = json::serialize(entities);
  auto states = json::parse(before["get_states"]);
  states.as_array().push_back(json::object{
      {"entity_id", "update.front_door_firmware"},
      {"state", "on"},
      {"attributes", json::object{{"installed_version", "1.0"}, {"latest_version", "1.1"}, {"auto_update", false}}},
      {"last_changed", "2026-01-02T10:00:00+00:00"},
      {"last_updated", "2026-01-02T10:00:00+00:00"}});
  before["get_states"] = json::serialize(states);
  auto incremental = service_with(before);
  auto has_rule = [](const std::set<std::string>& keys, const std::string& rule) {
    return std::any_of(keys.begin(), keys.end(), [&](const std::string& k) { return k.rfind(rule + "|", 0) == 0; });
  };
  REQUIRE(has_rule(keys(*incremental), "DG-UPD-001"));
  REQUIRE(has_rule(keys(*incremental), "DG-UPD-002"));

  // The lock jams: the update rules do not run again, their findings stay as a full audit has them.
  auto after = before;
  std::vector<std::string> changes = {change_state(after, "lock.front_door", "jammed")};
  auto d = incremental->patch_home([&](model::Home& home) { return hub::ha::apply_states(home, changes, "ws"); });
  REQUIRE(d);
  REQUIRE(d->has_value());
  auto full = service_with(after);
  CHECK(keys(*incremental) == keys(*full));
  CHECK(score(*incremental) == score(*full));
  CHECK(has_rule(keys(*incremental), "DG-UPD-001"));

  // The update is installed: the update rules run again and DG-UPD-001 resolves.
  changes = {change_state(after, "update.front_door_firmware", "off")};
  d = incremental->patch_home([&](model::Home& home) { return hub::ha::apply_states(home, changes, "ws"); });
  REQUIRE(d);
  REQUIRE(d->has_value());
  CHECK((*d)->resolved_keys.size() == 1);
  full = service_with(after);
  CHECK(keys(*incremental) == keys(*full));
  CHECK(score(*incremental) == score(*full));
  CHECK_FALSE(has_rule(keys(*incremental), "DG-UPD-001"));
  CHECK(has_rule(keys(*incremental), "DG-UPD-002"));
}

TEST_CASE("a full load through the registries' cache builds the home as a load without it", "[adapter][api]") {
  auto r = ws_replies();
  auto cache = hub::ha::make_list_cache();
  auto audited = [](model::Home home) {
    auto s = api::Service::create(api::ServiceOptions{"", "en"});
    REQUIRE(s);
    REQUIRE((*s)->set_home(std::move(home), "ws"));
    // The score as the status says it (null where the home is not scored: a registry missing).
    auto status = json::parse((*s)->handle(R"({"type":"domoguard/status"})"));
    return std::make_pair(keys(**s), json::serialize(status.at("result").at("score")));
  };
  auto names = [](const model::Home& h) {
    std::vector<std::string> out;
    for (const auto& d : h.devices) out.push_back(d.id + "=" + d.name + "@" + d.area_id);
    for (const auto& e : h.entities) out.push_back(e.entity_id + "=" + e.name + ":" + e.state.value_or("-"));
    return out;
  };
  auto check = [&](const hub::ha::Replies& replies) {
    auto plain = hub::ha::from_replies(replies, "ws", model::SourceKind::live);
    auto cached = hub::ha::from_replies(replies, "ws", model::SourceKind::live, *cache);
    REQUIRE(plain);
    REQUIRE(cached);
    CHECK(names(*cached) == names(*plain));
    CHECK(cached->present == plain->present);
    CHECK(cached->missing == plain->missing);
    CHECK(audited(std::move(*cached)) == audited(std::move(*plain)));
  };
  check(r);   // read, and kept
  check(r);   // both registries from the cache
  // A device renamed and an entity gone: both registries are read again.
  auto devices = json::parse(r["config/device_registry/list"]);
  auto& device_list = devices.is_object() ? devices.as_object()["result"].as_array() : devices.as_array();
  device_list.front().as_object()["name_by_user"] = "Renamed";
  r["config/device_registry/list"] = json::serialize(devices);
  auto entities = json::parse(r["config/entity_registry/list"]);
  (entities.is_object() ? entities.as_object()["result"].as_array() : entities.as_array()).pop_back();
  r["config/entity_registry/list"] = json::serialize(entities);
  check(r);
  check(r);
  // A registry missing, then back.
  auto without = r;
  without.erase("config/entity_registry/list");
  check(without);
  check(r);
}
