// Config folders captured from real Home Assistant runs of older release lines
// (tests/live/capture_release.py; tests/fixtures/ha-releases/<line>/README.md says how). CI reads
// only the committed folders: each test states facts HA itself wrote there, as DomoGuard reads them.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>

#include "audit/engine.hpp"
#include "hub/ha/adapter.hpp"

namespace json = boost::json;
using namespace domoguard;
using model::Part;

namespace {

const std::string releases = std::string(DG_SOURCE_DIR) + "/tests/fixtures/ha-releases";

json::object store_envelope(const std::string& folder, const std::string& key) {
  std::ifstream in(folder + "/.storage/" + key);
  std::stringstream text;
  text << in.rdbuf();
  return json::parse(text.str()).as_object();
}

std::pair<std::int64_t, std::int64_t> version_of(const std::string& folder, const std::string& key) {
  auto o = store_envelope(folder, key);
  return {o.at("version").as_int64(), o.contains("minor_version") ? o.at("minor_version").as_int64() : 1};
}

const model::Device* device_named(const model::Home& h, const std::string& name) {
  for (const auto& d : h.devices)
    if (d.name == name) return &d;
  return nullptr;
}

const model::User* user_named(const model::Home& h, const std::string& name) {
  for (const auto& u : h.users)
    if (u.name == name) return &u;
  return nullptr;
}

struct Release {
  std::string line;       // folder under tests/fixtures/ha-releases
  std::string version;    // .HA_VERSION
  std::pair<std::int64_t, std::int64_t> device_registry, entity_registry, area_registry;
  std::size_t devices;
  bool scripts_exposed_by_default;   // "script" in the release's DEFAULT_EXPOSED_DOMAINS
};

// What both captured households hold, however the release wrote it.
void check_household(const Release& rel) {
  const std::string folder = releases + "/" + rel.line + "/config";

  // The storage versions this release writes (helpers/*_registry.py, components/http/__init__.py).
  CHECK(version_of(folder, "core.device_registry") == rel.device_registry);
  CHECK(version_of(folder, "core.entity_registry") == rel.entity_registry);
  CHECK(version_of(folder, "core.area_registry") == rel.area_registry);
  CHECK(version_of(folder, "http").first == 1);   // flat, the configuration the server last started with
  CHECK(version_of(folder, "auth").first == 1);

  auto r = hub::ha::load(folder);
  if (!r) FAIL(r.error().describe());
  model::Home& h = *r;
  CHECK(h.hub.version == rel.version);
  for (Part p : {Part::devices, Part::entities, Part::areas, Part::users, Part::tokens, Part::http, Part::automations,
                 Part::scripts, Part::exposure})
    CHECK(h.has(p));

  // Devices as MQTT discovery and the companion app made them (and, from 2025.1, HA's own backup
  // integration, a service device).
  REQUIRE(h.devices.size() == rel.devices);
  const auto* lock = device_named(h, "Front door lock");
  REQUIRE(lock);
  CHECK(lock->manufacturer == "Acme Locks");
  CHECK(lock->model == "SmartLock 3");
  CHECK(lock->sw_version == "2.4.0");
  CHECK(lock->area_id == "entrance");
  const auto* phone = device_named(h, "Alex's iPhone");
  REQUIRE(phone);
  CHECK(phone->manufacturer == "Apple");
  CHECK(phone->primary_domain == "mobile_app");
  // Both releases still made entity ids from the discovery object_id.
  const auto* lock_entity = h.entity("lock.front_door");
  REQUIRE(lock_entity);
  CHECK(lock_entity->exposure.conversation == true);

  // Users: the owner from onboarding, an administrator and a local-only user made over the API.
  const auto* owner = user_named(h, "Test Owner");
  REQUIRE(owner);
  CHECK(owner->owner);
  CHECK(owner->admin);
  const auto* sam = user_named(h, "Sam");
  REQUIRE(sam);
  CHECK(sam->admin);
  CHECK_FALSE(sam->owner);
  const auto* guest = user_named(h, "Guest");
  REQUIRE(guest);
  CHECK_FALSE(guest->admin);
  CHECK(guest->local_only);
  CHECK(std::count_if(h.tokens.begin(), h.tokens.end(),
                      [](const auto& t) { return t.type == "long_lived_access_token"; }) == 1);

  // http: HA before 2026.8 reads the YAML block at every start; .storage/http v1 is only a copy
  // (with the proxy networks' masks lost), so the YAML is what runs.
  CHECK(h.hub.http.origin == "yaml");
  CHECK(h.hub.http.ip_ban_enabled == true);
  CHECK(h.hub.http.login_attempts_threshold == 5);
  CHECK(h.hub.http.use_x_forwarded_for == true);
  REQUIRE(h.hub.http.trusted_proxies);
  CHECK(*h.hub.http.trusted_proxies == std::vector<std::string>{"127.0.0.1", "172.30.33.0/24"});

  // 2024.3's editor writes trigger/condition/action with platform/service keys, 2025.12's the
  // plural keys with trigger/action inside: both read the same.
  REQUIRE(h.automations.size() == 1);
  CHECK(h.automations[0].trigger_kinds == std::vector<std::string>{"zone"});
  CHECK(h.automations[0].action_services == std::vector<std::string>{"lock.unlock"});
  REQUIRE(h.scripts.size() == 1);
  CHECK(h.scripts[0].entity_id == "script.let_in");

  auto result = audit::run_audit(h);
  auto subjects = [&](const char* rule) {
    std::vector<std::string> out;
    for (const auto& f : result.findings)
      if (f.rule == rule) out.push_back(f.subject.id);
    return out;
  };
  CHECK(subjects("DG-AUT-001") == std::vector<std::string>{"1710000000001"});
  // The script unlocks; whether a voice can run it is the release's default for scripts (exposed
  // in 2024.3, not in 2025.12: components/homeassistant/exposed_entities.py).
  CHECK(subjects("DG-AUT-003") ==
        (rel.scripts_exposed_by_default ? std::vector<std::string>{"script.let_in"} : std::vector<std::string>{}));
  const auto* script_entity = h.entity("script.let_in");
  REQUIRE(script_entity);
  CHECK(script_entity->exposure.conversation == rel.scripts_exposed_by_default);
  CHECK(subjects("DG-VOI-001") == std::vector<std::string>{lock->id});
  CHECK(subjects("DG-PRV-002") == std::vector<std::string>{phone->id});
  CHECK(subjects("DG-LOG-008").empty());   // a threshold is set
}

}  // namespace

TEST_CASE("HA 2024.3 (Debian bookworm, Python 3.11): a captured config folder is read whole", "[ha][releases]") {
  check_household({"2024.3", "2024.3.3", {1, 5}, {1, 13}, {1, 6}, 5, true});
}

TEST_CASE("HA 2025.12 (Debian trixie, Python 3.13): a captured config folder is read whole", "[ha][releases]") {
  check_household({"2025.12", "2025.12.5", {1, 12}, {1, 19}, {1, 9}, 6, false});
  // The backup integration's own device is the hub's, not a household device.
  auto r = hub::ha::load(releases + "/2025.12/config");
  REQUIRE(r);
  audit::run_audit(*r);   // types the devices
  const auto* backup = device_named(*r, "Backup");
  REQUIRE(backup);
  CHECK(backup->type == model::DeviceType::hub);
}
