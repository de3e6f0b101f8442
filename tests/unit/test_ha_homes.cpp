// Real homes read whole: snapshots with too little to score, the HTTP store of every release line
// (version 1 flat, version 2 stable/pending), and devices as they are. Fixtures are written in the
// shapes HA itself stores (homeassistant/helpers/storage.py envelopes).
#include <catch2/catch.hpp>

#include <unistd.h>

#include <boost/json.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "audit/classify.hpp"
#include "audit/engine.hpp"
#include "audit/enough.hpp"
#include "hub/ha/adapter.hpp"

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace domoguard;
using model::Part;

namespace {

struct Folder {
  fs::path path;
  Folder() {
    static int n = 0;
    path = fs::temp_directory_path() / ("dg_homes_" + std::to_string(::getpid()) + "_" + std::to_string(++n));
    fs::remove_all(path);
    fs::create_directories(path / ".storage");
  }
  ~Folder() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  void write(const std::string& rel, const std::string& text) const {
    fs::create_directories((path / rel).parent_path());
    std::ofstream(path / rel) << text;
  }
  // A .storage file in HA's envelope.
  void store(const std::string& key, int major, int minor, const std::string& data) const {
    write(".storage/" + key, R"({"version":)" + std::to_string(major) + R"(,"minor_version":)" + std::to_string(minor) +
                                 R"(,"key":")" + key + R"(","data":)" + data + "}");
  }
};

model::Home must_load(const fs::path& p) {
  auto r = hub::ha::load(p.string());
  if (!r) FAIL(r.error().describe());
  return std::move(*r);
}

int run_cli(const std::string& args, std::string* out = nullptr) {
  std::string cmd = std::string(DG_BINARY_DIR) + "/bin/domoguard " + args + " 2>/dev/null";
  FILE* p = ::popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[65536];
  size_t n;
  std::string text;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) text.append(buf, n);
  int status = ::pclose(p);
  if (out) *out = text;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

const char* kDevices = R"({"devices":[{"id":"d1","name":"Plug","config_entries":["e1"],"connections":[],"identifiers":[["tplink","x1"]],
  "manufacturer":"TP-Link","model":"HS100","disabled_by":null,"entry_type":null}],"deleted_devices":[]})";
const char* kEntities = R"({"entities":[{"entity_id":"switch.plug","unique_id":"x1","platform":"tplink","device_id":"d1",
  "config_entry_id":"e1","disabled_by":null,"hidden_by":null,"options":{}}]})";

}  // namespace

TEST_CASE("a snapshot without device and entity registries gets no score", "[ha][homes][score]") {
  Folder empty;   // an empty .storage/: what a backup without one unpacks to as well
  empty.write("configuration.yaml", "default_config:\n");
  auto h = must_load(empty.path);
  CHECK_FALSE(audit::enough_to_score(h));
  CHECK(audit::unscored_parts(h) == std::vector<std::string>{"devices", "entities"});

  std::string out;
  CHECK(run_cli("audit " + empty.path.string() + " --no-history --format json --fail-on critical", &out) == 7);
  auto doc = json::parse(out).as_object();
  CHECK(doc.at("score").is_null());
  CHECK(doc.at("scored").as_bool() == false);
  CHECK(doc.at("unscored").at("parts").as_array().size() == 2);
  CHECK_FALSE(doc.at("not_run").as_array().empty());   // which checks could not run
  CHECK(run_cli("audit " + empty.path.string() + " --no-history --no-color", &out) == 7);
  CHECK(out.find("Not enough data to score") != std::string::npos);
  CHECK(out.find("100/100") == std::string::npos);

  Folder blank;   // registries present but empty (a hub with nothing paired)
  blank.store("core.device_registry", 1, 12, R"({"devices":[],"deleted_devices":[]})");
  blank.store("core.entity_registry", 1, 18, R"({"entities":[],"deleted_entities":[]})");
  CHECK_FALSE(audit::enough_to_score(must_load(blank.path)));

  Folder home;
  home.store("core.device_registry", 1, 12, kDevices);
  home.store("core.entity_registry", 1, 18, kEntities);
  CHECK(audit::enough_to_score(must_load(home.path)));
  CHECK(run_cli("audit " + home.path.string() + " --no-history --format json") == 0);
}

TEST_CASE(".storage/http version 1 (HA up to 2026.7) is the flat configuration last started", "[ha][homes][http]") {
  Folder f;
  f.store("http", 1, 1, R"({"server_port":8123,"ssl_certificate":"/ssl/fullchain.pem","ssl_key":"/ssl/privkey.pem",
    "ip_ban_enabled":true,"login_attempts_threshold":5,"use_x_forwarded_for":true,"trusted_proxies":["172.30.33.0"],
    "cors_allowed_origins":["https://cast.home-assistant.io"],"ssl_profile":"modern"})");
  auto h = must_load(f.path);
  REQUIRE(h.has(Part::http));
  CHECK(h.hub.tls == true);
  CHECK(h.hub.http.ssl == true);
  CHECK(h.hub.http.ip_ban_enabled == true);
  CHECK(h.hub.http.login_attempts_threshold == 5);
  CHECK(h.hub.http.use_x_forwarded_for == true);
  REQUIRE(h.hub.http.trusted_proxies);
  CHECK(*h.hub.http.trusted_proxies == std::vector<std::string>{"172.30.33.0"});
  CHECK(h.hub.http.origin == "storage");
  for (const auto& s : {std::string("/ssl/privkey.pem"), std::string("/ssl/fullchain.pem")})
    CHECK(h.hub.http.origin.find(s) == std::string::npos);
}

TEST_CASE(".storage/http version 2: pending when HA would start with it, else stable", "[ha][homes][http]") {
  const std::string stable = R"({"server_port":8123,"ip_ban_enabled":true,"login_attempts_threshold":-1,
    "cors_allowed_origins":["https://cast.home-assistant.io"],"ssl_profile":"modern","use_x_frame_options":true,
    "created_at":"2026-09-01T10:00:00+00:00","error":null,"error_message":null})";
  SECTION("an untried pending configuration is what runs") {
    Folder f;
    f.store("http", 2, 2, R"({"stable":)" + stable + R"(,"pending":{"server_port":8123,"ip_ban_enabled":false,
      "login_attempts_threshold":-1,"ssl_certificate":"/ssl/fullchain.pem","ssl_key":"/ssl/privkey.pem",
      "cors_allowed_origins":[],"ssl_profile":"modern","use_x_frame_options":true,
      "created_at":"2026-09-02T10:00:00+00:00","error":null,"error_message":null},"yaml_migration_done":true})");
    auto h = must_load(f.path);
    CHECK(h.hub.http.origin == "storage_pending");
    CHECK(h.hub.ip_ban == false);
    CHECK(h.hub.tls == true);
    REQUIRE(h.hub.http.cors_allowed_origins);
    CHECK(h.hub.http.cors_allowed_origins->empty());
  }
  SECTION("a pending configuration that failed its trial is never applied again") {
    Folder f;
    f.store("http", 2, 2, R"({"stable":)" + stable + R"(,"pending":{"server_port":8123,"ip_ban_enabled":false,
      "created_at":"2026-09-02T10:00:00+00:00","error":"not_promoted","error_message":null},"yaml_migration_done":true})");
    auto h = must_load(f.path);
    CHECK(h.hub.http.origin == "storage");
    CHECK(h.hub.ip_ban == true);
    CHECK(h.hub.tls == false);
  }
  SECTION("no pending: stable, with HA's defaults for what it does not store") {
    Folder f;
    f.store("http", 2, 2, R"({"stable":{"server_port":8123,"error":null},"pending":null,"yaml_migration_done":true})");
    auto h = must_load(f.path);
    CHECK(h.hub.http.origin == "storage");
    CHECK(h.hub.http.ip_ban_enabled == true);
    CHECK(h.hub.http.login_attempts_threshold == -1);
    CHECK(h.hub.http.use_x_forwarded_for == false);
    CHECK(h.hub.http.defaults_applied);
  }
}

namespace {

// Device registry 1.12 (HA up to 2026.7): one device may list several config entries. The router
// (fritz) attached its tracker to the dishwasher, the IR remote and the PC through their MACs.
const char* kRegistryV1 = R"({
  "devices":[
    {"id":"dw","name":"Dishwasher","name_by_user":null,"manufacturer":"Bosch","model":"SMV6ZCX42E","model_id":null,
     "sw_version":"1.2","hw_version":null,"serial_number":null,"area_id":"kitchen","config_entries":["hc","fritz"],
     "config_entries_subentries":{"hc":[null],"fritz":[null]},"primary_config_entry":"hc",
     "connections":[["mac","aa:bb:cc:00:00:01"]],"identifiers":[["home_connect","BOSCH-SMV6-1"]],
     "disabled_by":null,"entry_type":null,"via_device_id":null,"configuration_url":null,"labels":[]},
    {"id":"ir","name":"Living room IR","manufacturer":"Broadlink","model":"RM4 mini","sw_version":"52","area_id":null,
     "config_entries":["fritz","bl"],"config_entries_subentries":{"bl":[null],"fritz":[null]},"primary_config_entry":"bl",
     "connections":[["mac","aa:bb:cc:00:00:02"]],"identifiers":[["broadlink","24dfa7"]],"disabled_by":null,"entry_type":null},
    {"id":"phone","name":"Alex phone","manufacturer":"Google","model":"Pixel 8","sw_version":"15","area_id":null,
     "config_entries":["app","fritz"],"config_entries_subentries":{"app":[null],"fritz":[null]},"primary_config_entry":"app",
     "connections":[["mac","aa:bb:cc:00:00:03"]],"identifiers":[["mobile_app","c0ffee"]],"disabled_by":null,"entry_type":null},
    {"id":"guestphone","name":"Galaxy-S23","manufacturer":"AVM","model":null,"sw_version":null,"area_id":null,
     "config_entries":["fritz"],"config_entries_subentries":{"fritz":[null]},"primary_config_entry":"fritz",
     "connections":[["mac","aa:bb:cc:00:00:04"]],"identifiers":[],"disabled_by":null,"entry_type":null},
    {"id":"oldcam","name":"Attic camera","manufacturer":"Reolink","model":"E1","sw_version":"3.0","area_id":null,
     "config_entries":["rl"],"config_entries_subentries":{"rl":[null]},"primary_config_entry":"rl",
     "connections":[],"identifiers":[["reolink","E1-9"]],"disabled_by":"user","entry_type":null}
  ],
  "deleted_devices":[
    {"id":"5f0e1d2c3b4a","config_entries":[],"config_entries_subentries":{},"connections":[],
     "identifiers":[["zha","00:15:8d:00:01:02:03:04"]],"orphaned_timestamp":1759999999.0,"area_id":null,
     "disabled_by":null,"labels":[],"name_by_user":null,"created_at":"2025-01-01T00:00:00+00:00","modified_at":"2025-01-01T00:00:00+00:00"},
    {"id":"6a1b2c3d4e5f","config_entries":[],"config_entries_subentries":{},"connections":[],
     "identifiers":[["zha","00:15:8d:00:01:02:03:05"]],"orphaned_timestamp":1759999999.0,"area_id":null,
     "disabled_by":null,"labels":[],"name_by_user":null,"created_at":"2025-01-01T00:00:00+00:00","modified_at":"2025-01-01T00:00:00+00:00"}
  ]})";

std::string entity(const std::string& id, const std::string& platform, const std::string& device, const std::string& entry) {
  return R"({"entity_id":")" + id + R"(","unique_id":")" + id + R"(_u","platform":")" + platform + R"(","device_id":")" +
         device + R"(","config_entry_id":")" + entry + R"(","disabled_by":null,"hidden_by":null,"options":{}})";
}

std::string entities_v1() {
  return R"({"entities":[)" + entity("sensor.dishwasher_operation_state", "home_connect", "dw", "hc") + "," +
         entity("device_tracker.dishwasher", "fritz", "dw", "fritz") + "," +
         entity("remote.living_room_ir", "broadlink", "ir", "bl") + "," +
         entity("device_tracker.living_room_ir", "fritz", "ir", "fritz") + "," +
         entity("device_tracker.alex_phone", "mobile_app", "phone", "app") + "," +
         entity("sensor.alex_phone_battery_level", "mobile_app", "phone", "app") + "," +
         entity("device_tracker.galaxy_s23", "fritz", "guestphone", "fritz") + "," +
         entity("camera.attic", "reolink", "oldcam", "rl") + R"(],"deleted_entities":[]})";
}

const model::Device* dev(const model::Home& h, const std::string& id) {
  for (const auto& d : h.devices)
    if (d.id == id) return &d;
  return nullptr;
}

}  // namespace

TEST_CASE("devices are typed by what they are, not by a router's tracker", "[ha][homes][devices]") {
  Folder f;
  f.store("core.device_registry", 1, 12, kRegistryV1);
  f.store("core.entity_registry", 1, 18, entities_v1());
  auto h = must_load(f.path);
  auto result = audit::run_audit(h);
  REQUIRE(dev(h, "dw"));
  CHECK(dev(h, "dw")->type == model::DeviceType::appliance);
  CHECK(dev(h, "dw")->tier == model::Tier::normal);
  CHECK(dev(h, "ir")->type == model::DeviceType::media);
  CHECK(dev(h, "phone")->type == model::DeviceType::presence);
  CHECK(dev(h, "guestphone")->type == model::DeviceType::presence);   // a phone the router itself knows
  // "Tracks where someone is" only for what travels with a person.
  CHECK_FALSE(audit::is_location(*h.entity("device_tracker.dishwasher")));
  CHECK_FALSE(audit::is_location(*h.entity("device_tracker.living_room_ir")));
  CHECK(audit::is_location(*h.entity("device_tracker.alex_phone")));
  CHECK(audit::is_location(*h.entity("device_tracker.galaxy_s23")));
  for (const auto& fd : result.findings)
    if (fd.rule == "DG-PRV-002") CHECK((fd.device_id == "phone" || fd.device_id == "guestphone"));

  // Disabled devices are listed as disabled, not dropped.
  std::string out;
  run_cli("audit " + f.path.string() + " --no-history --format json", &out);
  bool listed = false;
  const auto doc = json::parse(out);
  for (const auto& d : doc.at("devices").as_array())
    if (d.at("id") == "oldcam") listed = d.at("disabled").as_bool() && d.at("score").is_null();
  CHECK(listed);

  // Removed devices: one finding, named by integration, never by the registry's hex ids.
  int inv002 = 0;
  for (const auto& fd : result.findings)
    if (fd.rule == "DG-INV-002") {
      ++inv002;
      for (const auto& [k, v] : fd.evidence) {
        CHECK(v.find("5f0e1d2c3b4a") == std::string::npos);
        if (k == "integrations") CHECK(v == "zha 2");
      }
    }
  CHECK(inv002 == 1);
}

TEST_CASE("device registry 3.x: per-entry splits fold into one device; child devices have no firmware",
          "[ha][homes][devices]") {
  // 2026.8+ splits a device that belonged to several entries into one per entry, each keeping a
  // copy of the identifiers and connections (helpers/device_registry.py, major version 3).
  Folder f;
  f.store("core.device_registry", 3, 4, R"({
    "devices":[
      {"id":"dw_hc","name":"Dishwasher","manufacturer":"Bosch","model":"SMV6ZCX42E","model_id":null,"sw_version":"1.2",
       "hw_version":null,"serial_number":null,"area_id":"kitchen","config_entry_id":"hc","config_subentry_id":null,
       "connections":[["mac","aa:bb:cc:00:00:01"]],"identifiers":[["home_connect","BOSCH-SMV6-1"]],"disabled_by":null,
       "entry_type":null,"via_device_id":null,"configuration_url":null,"labels":[],"composite_device_id":"dw",
       "split_at":"2026-08-06T10:00:00+00:00","has_composite_identifiers":true},
      {"id":"dw_fritz","name":"Dishwasher","manufacturer":"Bosch","model":"SMV6ZCX42E","model_id":null,"sw_version":"1.2",
       "hw_version":null,"serial_number":null,"area_id":"kitchen","config_entry_id":"fritz","config_subentry_id":null,
       "connections":[["mac","aa:bb:cc:00:00:01"]],"identifiers":[["home_connect","BOSCH-SMV6-1"]],"disabled_by":null,
       "entry_type":null,"via_device_id":null,"configuration_url":null,"labels":[],"composite_device_id":"dw",
       "split_at":"2026-08-06T10:00:00+00:00","has_composite_identifiers":true},
      {"id":"lock1","name":"Front door","manufacturer":"Yale","model":"Assure 2","sw_version":"1.1","area_id":null,
       "config_entry_id":"zw","config_subentry_id":null,"connections":[],"identifiers":[["zwave_js","1-5"]],
       "disabled_by":null,"entry_type":null,"via_device_id":null}
    ],
    "child_devices":[
      {"area_id":null,"config_entry_id":"zw","config_subentry_id":null,"created_at":"2026-09-10T10:00:00+00:00",
       "disabled_by":null,"id":"lock1_keypad","identifiers":[["zwave_js","1-5-keypad"]],"labels":[],
       "modified_at":"2026-09-10T10:00:00+00:00","name_by_user":null,"name":"Keypad","parent_device_id":"lock1"}
    ],
    "deleted_devices":[]})");
  f.store("core.entity_registry", 1, 18,
          R"({"entities":[)" + entity("sensor.dishwasher_operation_state", "home_connect", "dw_hc", "hc") + "," +
              entity("device_tracker.dishwasher", "fritz", "dw_fritz", "fritz") + "," +
              entity("lock.front_door", "zwave_js", "lock1", "zw") + "," +
              entity("lock.front_door_keypad", "zwave_js", "lock1_keypad", "zw") + R"(],"deleted_entities":[]})");
  auto h = must_load(f.path);
  auto result = audit::run_audit(h);
  int dishwashers = 0;
  for (const auto& d : h.devices) dishwashers += d.name == "Dishwasher";
  CHECK(dishwashers == 1);
  REQUIRE(dev(h, "dw_hc"));
  CHECK(dev(h, "dw_hc")->type == model::DeviceType::appliance);
  CHECK(dev(h, "dw_hc")->merged_ids == std::vector<std::string>{"dw_fritz"});
  CHECK(h.entity("device_tracker.dishwasher")->device_id == "dw_hc");
  REQUIRE(dev(h, "lock1_keypad"));
  CHECK(dev(h, "lock1_keypad")->child_device);
  for (const auto& fd : result.findings)
    if (fd.device_id == "lock1_keypad") CHECK((fd.rule != "DG-INV-001" && fd.rule != "DG-UPD-003"));
}

namespace {

const std::string yaml_home = std::string(DG_SOURCE_DIR) + "/tests/fixtures/ha/config-yaml";

const model::Automation* automation(const model::Home& h, const std::string& id) {
  for (const auto& a : h.automations)
    if (a.id == id) return &a;
  return nullptr;
}

template <class V>
bool has(const V& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

}  // namespace

TEST_CASE("a config folder's YAML is read: includes, packages, blueprints, secrets", "[ha][homes][yaml]") {
  auto h = must_load(yaml_home);
  REQUIRE(h.has(Part::automations));
  CHECK(h.automations.size() == 4);   // automations.yaml (2), automations/ (1), packages/ (1)
  const auto* unlock = automation(h, "1731598800123");
  REQUIRE(unlock);
  CHECK(has(unlock->trigger_kinds, "zone"));
  CHECK(has(unlock->action_services, "lock.unlock"));
  CHECK(unlock->origin == "configuration.yaml");
  const auto* motion = automation(h, "1731598800456");   // instantiated from its blueprint
  REQUIRE(motion);
  CHECK(motion->origin == "blueprints/automation/homeassistant/motion_light.yaml");
  CHECK(has(motion->trigger_entities, "binary_sensor.hallway_motion"));
  CHECK(has(motion->action_services, "light.turn_on"));
  CHECK(has(motion->action_entities, "light.hallway"));
  REQUIRE(automation(h, "garage_webhook"));
  CHECK(has(automation(h, "garage_webhook")->trigger_kinds, "webhook"));
  REQUIRE(automation(h, "disarm_on_arrival"));   // from a package

  // Scripts: scripts.yaml through script: !include, and a package's script: block.
  REQUIRE(h.has(Part::scripts));
  REQUIRE(h.scripts.size() == 4);
  auto script = [&](const std::string& key) -> const model::Script* {
    for (const auto& s : h.scripts)
      if (s.id == key) return &s;
    return nullptr;
  };
  REQUIRE(script("let_in"));
  CHECK(script("let_in")->entity_id == "script.let_in");
  CHECK(script("let_in")->alias == "Let the guests in");
  CHECK(has(script("let_in")->action_services, "script.turn_on"));
  CHECK(has(script("let_in")->action_entities, "script.unlock_front"));
  CHECK(has(script("unlock_front")->action_services, "lock.unlock"));
  CHECK(has(script("bedtime")->action_services, "lock.lock"));
  REQUIRE(script("open_garage"));
  CHECK(has(script("open_garage")->action_entities, "cover.garage_door"));

  // http: from YAML (no .storage/http: HA before 2026.8 reads it at every start).
  REQUIRE(h.has(Part::http));
  CHECK(h.hub.http.origin == "yaml");
  CHECK(h.hub.http.ssl == true);   // a !secret path counts as set; its value is never read
  CHECK(h.hub.http.login_attempts_threshold == 5);
  CHECK(h.hub.http.use_x_forwarded_for == true);
  CHECK(*h.hub.http.trusted_proxies == std::vector<std::string>{"172.30.33.0/24"});
  CHECK(h.hub.http.cors_allowed_origins->size() == 2);

  REQUIRE(h.has(Part::auth_providers));
  REQUIRE(h.hub.auth_providers);
  REQUIRE(h.hub.auth_providers->size() == 2);
  const auto& tn = (*h.hub.auth_providers)[1];
  CHECK(tn.type == "trusted_networks");
  CHECK(tn.allow_bypass_login == true);
  CHECK(tn.trusted_networks == std::vector<std::string>{"192.168.1.0/24", "fd00::/8"});

  REQUIRE(h.has(Part::recorder));
  CHECK(h.hub.recorder.purge_keep_days == 30);
  CHECK_FALSE(h.hub.recorder.keep_days_default);
  CHECK(h.hub.recorder_keep_days == 30);
  CHECK(*h.hub.recorder.exclude_domains == std::vector<std::string>{"device_tracker"});
  CHECK(*h.hub.recorder.exclude_entity_globs == std::vector<std::string>{"sensor.phone_*"});

  // The automation rules now run on the folder.
  auto result = audit::run_audit(h);
  int aut1 = 0, aut2 = 0;
  for (const auto& f : result.findings) {
    aut1 += f.rule == "DG-AUT-001";
    aut2 += f.rule == "DG-AUT-002";
  }
  CHECK(aut1 == 2);   // presence-only unlock, presence-only disarm
  CHECK(aut2 == 1);   // webhook opens the garage
  // Scripts a voice assistant can run: let_in is shared with Assist in the entity registry and
  // unlocks through unlock_front. The others have no registry entry: HA 2026.10 (this folder's
  // release) does not expose scripts by default, so unlock_front and open_garage are not named.
  std::vector<std::string> aut3;
  for (const auto& f : result.findings)
    if (f.rule == "DG-AUT-003") aut3.push_back(f.subject.id);
  CHECK(aut3 == std::vector<std::string>{"script.let_in"});
  const auto* unlisted = h.entity("script.open_garage");
  REQUIRE(unlisted);
  CHECK_FALSE(unlisted->in_registry);
  CHECK(unlisted->exposure.conversation == false);
  for (const auto& n : result.not_run) CHECK(n.rule.rfind("DG-AUT", 0) != 0);

  // Secrets and environment values never reach the output.
  std::string out;
  run_cli("audit " + yaml_home + " --no-history --format json", &out);
  CHECK(out.find("DG-AUT-001") != std::string::npos);
  CHECK(out.find("SECRET") == std::string::npos);
  CHECK(out.find("RECORDER_DB_URL") == std::string::npos);
}

TEST_CASE("HA's defaults are facts where nothing is stored", "[ha][homes][defaults]") {
  Folder f;
  f.store("core.device_registry", 1, 12, kDevices);
  f.store("core.entity_registry", 1, 18, kEntities);
  f.write("configuration.yaml", "default_config:\n");
  auto h = must_load(f.path);
  // No exposed_entities store: Assist's "expose new entities" is HA's default (on).
  CHECK(h.hub.expose_new.at("conversation") == true);
  CHECK(has(h.hub.defaults_applied, "expose_new.conversation"));
  auto result = audit::run_audit(h);
  bool voi3 = false;
  for (const auto& fd : result.findings)
    if (fd.rule == "DG-VOI-003")
      for (const auto& [k, v] : fd.evidence) voi3 = voi3 || (k == "setting" && v == "hub_default");
  CHECK(voi3);
  // No http:, recorder: or auth_providers: in YAML: HA's defaults.
  CHECK(h.hub.http.origin == "default");
  CHECK(h.hub.http.ip_ban_enabled == true);
  CHECK(h.hub.http.ssl == false);
  CHECK(h.hub.recorder.purge_keep_days == 10);
  CHECK(h.hub.recorder.keep_days_default);
  REQUIRE(h.hub.auth_providers);
  CHECK(h.hub.auth_providers->size() == 1);
}

TEST_CASE("hostile YAML is refused quickly with a clear error", "[ha][homes][yaml]") {
  SECTION("an alias bomb") {
    Folder f;
    std::string bomb = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n";
    for (char c = 'b'; c <= 'j'; ++c)
      bomb += std::string(1, c) + ": &" + c + " [*" + char(c - 1) + ",*" + char(c - 1) + ",*" + char(c - 1) + ",*" +
              char(c - 1) + ",*" + char(c - 1) + ",*" + char(c - 1) + ",*" + char(c - 1) + ",*" + char(c - 1) + ",*" +
              char(c - 1) + "]\n";
    f.write("configuration.yaml", bomb);
    auto r = hub::ha::load(f.path.string());
    REQUIRE_FALSE(r);
    CHECK(r.error().key == "error.yaml.too_many_nodes");
    CHECK(r.error().file.find("configuration.yaml") != std::string::npos);
  }
  SECTION("an include cycle") {
    Folder f;
    f.write("configuration.yaml", "automation: !include a.yaml\n");
    f.write("a.yaml", "- !include b.yaml\n");
    f.write("b.yaml", "- !include a.yaml\n");
    auto r = hub::ha::load(f.path.string());
    REQUIRE_FALSE(r);
    CHECK(r.error().key == "error.yaml.include_cycle");
  }
  SECTION("deep nesting") {
    Folder f;
    f.write("configuration.yaml", "x: " + std::string(5000, '[') + std::string(5000, ']') + "\n");
    auto r = hub::ha::load(f.path.string());
    REQUIRE_FALSE(r);
    CHECK((r.error().key == "error.yaml.too_deep" || r.error().key == "error.yaml.malformed"));
  }
  SECTION("malformed YAML names the line") {
    Folder f;
    f.write("configuration.yaml", "http:\n  ssl: [unclosed\n");
    auto r = hub::ha::load(f.path.string());
    REQUIRE_FALSE(r);
    CHECK(r.error().key == "error.yaml.malformed");
    CHECK(r.error().where.find("line") != std::string::npos);
  }
}

TEST_CASE("a backup's YAML is read like the folder's", "[ha][homes][yaml]") {
  Folder t;
  fs::path stage = t.path / "stage";
  fs::create_directories(stage / "inner");
  fs::copy(yaml_home, stage / "inner" / "data", fs::copy_options::recursive);
  { std::ofstream(stage / "backup.json") << R"({"slug":"abc","name":"Full","type":"full","protected":false})"; }
  std::string cmd = "cd '" + stage.string() + "' && tar czf homeassistant.tar.gz -C inner data && tar cf ../backup.tar "
                    "./backup.json ./homeassistant.tar.gz";
  REQUIRE(std::system(cmd.c_str()) == 0);
  auto folder = must_load(yaml_home);
  auto backup = must_load(t.path / "backup.tar");
  CHECK(backup.automations.size() == folder.automations.size());
  CHECK(backup.hub.http.login_attempts_threshold == 5);
  auto a = audit::run_audit(folder), b = audit::run_audit(backup);
  std::vector<std::string> fa, fb;
  for (const auto& f : a.findings) fa.push_back(f.key());
  for (const auto& f : b.findings) fb.push_back(f.key());
  CHECK(fa == fb);
}

TEST_CASE("one BLE sensor seen by three integrations is one sensor, not a tracker", "[ha][homes][devices]") {
  // govee_ble keys it by its Bluetooth connection, ble_monitor by an identifier holding the address,
  // ibeacon by an identifier ending with it; ibeacon adds a device_tracker (registry 1.8 shapes).
  Folder f;
  f.store("core.device_registry", 1, 8, R"({"devices":[
    {"id":"g","name":"H5074 1AE4","manufacturer":"Govee","model":"H5074","sw_version":null,"area_id":"office",
     "config_entries":["gv"],"primary_config_entry":"gv","connections":[["bluetooth","A4:C1:38:A8:1A:E4"]],
     "identifiers":[["bluetooth","A4:C1:38:A8:1A:E4"]],"disabled_by":null,"entry_type":null},
    {"id":"b","name":"A4C138A81AE4","manufacturer":"Govee","model":"H5074","area_id":null,"config_entries":["bm"],
     "primary_config_entry":"bm","connections":[],"identifiers":[["ble_monitor","A4:C1:38:A8:1A:E4"]],
     "disabled_by":null,"entry_type":null},
    {"id":"i","name":"Govee_H5074_1AE4","manufacturer":null,"model":null,"area_id":null,"config_entries":["ib"],
     "primary_config_entry":"ib","connections":[],
     "identifiers":[["ibeacon","494e5445-4c4c-495f-524f-434b535f4857_20597_62207_A4:C1:38:A8:1A:E4"]],
     "disabled_by":null,"entry_type":null},
    {"id":"z","name":"Hall motion","manufacturer":"Aqara","model":"RTCGQ11LM","area_id":null,"config_entries":["zha"],
     "primary_config_entry":"zha","connections":[["zigbee","00:15:8d:00:01:a4:c1:38"]],
     "identifiers":[["zha","00:15:8d:00:01:a4:c1:38"]],"disabled_by":null,"entry_type":null}
  ],"deleted_devices":[]})");
  f.store("core.entity_registry", 1, 15,
          R"({"entities":[)" + entity("sensor.h5074_1ae4_temperature", "govee_ble", "g", "gv") + "," +
              entity("sensor.h5074_1ae4_humidity", "govee_ble", "g", "gv") + "," +
              entity("sensor.a4c138a81ae4_temperature", "ble_monitor", "b", "bm") + "," +
              entity("device_tracker.govee_h5074_1ae4", "ibeacon", "i", "ib") + "," +
              entity("binary_sensor.hall_motion", "zha", "z", "zha") + R"(],"deleted_entities":[]})");
  auto h = must_load(f.path);
  audit::run_audit(h);
  CHECK(h.devices.size() == 2);   // the Zigbee address is eight octets: not a MAC, not folded
  REQUIRE(dev(h, "g"));
  CHECK(dev(h, "g")->type == model::DeviceType::sensor);
  CHECK(dev(h, "g")->merged_ids.size() == 2);
  CHECK_FALSE(audit::is_location(*h.entity("device_tracker.govee_h5074_1ae4")));
}

TEST_CASE("a router's clients without devices: phones and names may track, desktops and speakers do not",
          "[ha][homes][devices]") {
  Folder f;
  f.store("core.device_registry", 1, 3, kDevices);
  f.store("core.entity_registry", 1, 6,
          R"({"entities":[)" + entity("switch.plug", "tplink", "d1", "e1") + "," +
              entity("device_tracker.desktop_ut48gb7", "asuswrt", "", "r") + "," +
              entity("device_tracker.google_nest_mini", "asuswrt", "", "r") + "," +
              entity("device_tracker.homeassistant", "asuswrt", "", "r") + "," +
              entity("device_tracker.mabel_s_galaxy_note20_5g", "asuswrt", "", "r") + "," +
              entity("device_tracker.simone", "asuswrt", "", "r") + "," +
              entity("device_tracker.legacy_gps", "gpslogger", "", "g") + R"(],"deleted_entities":[]})");
  auto h = must_load(f.path);
  audit::run_audit(h);
  CHECK_FALSE(audit::is_location(*h.entity("device_tracker.desktop_ut48gb7")));
  CHECK_FALSE(audit::is_location(*h.entity("device_tracker.google_nest_mini")));
  CHECK_FALSE(audit::is_location(*h.entity("device_tracker.homeassistant")));
  CHECK(audit::is_location(*h.entity("device_tracker.mabel_s_galaxy_note20_5g")));
  CHECK(audit::is_location(*h.entity("device_tracker.simone")));
  CHECK(audit::is_location(*h.entity("device_tracker.legacy_gps")));
}

TEST_CASE("a device that names itself as its via device is no bridge", "[ha][homes][devices]") {
  // Alexa Media Player sets via_device to the device itself for every Echo, Fire TV and speaker
  // group; ZHA does for its coordinator (registry 1.12 shapes). A real bridge keeps its type.
  Folder f;
  f.store("core.device_registry", 1, 12, R"J({"devices":[
    {"id":"fire","name":"Kitchen Fire TV","manufacturer":"Amazon","model":"Fire TV Stick 4K (Gen3)","area_id":null,
     "config_entries":["am"],"primary_config_entry":"am","connections":[],"identifiers":[["alexa_media","G070X1"]],
     "via_device_id":"fire","disabled_by":null,"entry_type":null},
    {"id":"group","name":"Everywhere","manufacturer":"Amazon","model":"Speaker Group","area_id":null,
     "config_entries":["am"],"primary_config_entry":"am","connections":[],"identifiers":[["alexa_media","G2A0X2"]],
     "via_device_id":"group","disabled_by":null,"entry_type":null},
    {"id":"br","name":"Bridge","manufacturer":"Olibra","model":"BD-1000","area_id":null,
     "config_entries":["bo"],"primary_config_entry":"bo","connections":[],"identifiers":[["bond","ZZ01"]],
     "via_device_id":null,"disabled_by":null,"entry_type":null},
    {"id":"fan","name":"Ceiling fan","manufacturer":"Olibra","model":"CF","area_id":null,
     "config_entries":["bo"],"primary_config_entry":"bo","connections":[],"identifiers":[["bond","ZZ01_1"]],
     "via_device_id":"br","disabled_by":null,"entry_type":null}
  ],"deleted_devices":[]})J");
  f.store("core.entity_registry", 1, 18,
          R"({"entities":[)" + entity("media_player.kitchen_fire_tv", "alexa_media", "fire", "am") + "," +
              entity("sensor.kitchen_fire_tv_next_alarm", "alexa_media", "fire", "am") + "," +
              entity("media_player.everywhere", "alexa_media", "group", "am") + "," +
              entity("fan.ceiling_fan", "bond", "fan", "bo") + R"(],"deleted_entities":[]})");
  auto h = must_load(f.path);
  audit::run_audit(h);
  REQUIRE(dev(h, "fire"));
  CHECK(dev(h, "fire")->type == model::DeviceType::media);
  CHECK(dev(h, "group")->type == model::DeviceType::media);
  CHECK(dev(h, "br")->type == model::DeviceType::gateway);
  // The same when one device is classified again (as the live view does on a registry update).
  auto& fire = h.devices[static_cast<size_t>(dev(h, "fire") - h.devices.data())];
  audit::classify_device(h, fire);
  CHECK(fire.type == model::DeviceType::media);
}

TEST_CASE("smart displays listen; a presence radar's switch is no plug", "[ha][homes][devices]") {
  Folder f;
  f.store("core.device_registry", 1, 12, R"({"devices":[
    {"id":"hub","name":"Living Room display","manufacturer":"Google Inc.","model":"Google Nest Hub","area_id":null,
     "config_entries":["ca"],"primary_config_entry":"ca","connections":[],"identifiers":[["cast","7db5"]],
     "sw_version":null,"via_device_id":null,"disabled_by":null,"entry_type":null},
    {"id":"radar","name":"Kitchen Presence","manufacturer":"Espressif","model":"esp32dev","area_id":null,
     "config_entries":["es"],"primary_config_entry":"es","connections":[["mac","a4:f0:0f:00:00:01"]],"identifiers":[],
     "via_device_id":null,"disabled_by":null,"entry_type":null},
    {"id":"plug","name":"Desk plug","manufacturer":"Shelly","model":"Plus Plug S","area_id":null,
     "config_entries":["sh"],"primary_config_entry":"sh","connections":[["mac","a4:f0:0f:00:00:02"]],"identifiers":[],
     "via_device_id":null,"disabled_by":null,"entry_type":null}
  ],"deleted_devices":[]})");
  auto occupancy = [](const std::string& id) {
    return R"({"entity_id":")" + id + R"(","unique_id":")" + id +
           R"(_u","platform":"esphome","device_id":"radar","config_entry_id":"es","original_device_class":"occupancy",)"
           R"("disabled_by":null,"hidden_by":null,"options":{}})";
  };
  f.store("core.entity_registry", 1, 18,
          R"({"entities":[)" + entity("media_player.living_room_display", "cast", "hub", "ca") + "," +
              entity("switch.kitchen_presence_enable_presence_sensor", "esphome", "radar", "es") + "," +
              occupancy("binary_sensor.kitchen_presence_presence") + "," +
              entity("sensor.kitchen_presence_moving_distance", "esphome", "radar", "es") + "," +
              entity("switch.desk_plug", "shelly", "plug", "sh") + "," +
              entity("sensor.desk_plug_power", "shelly", "plug", "sh") + R"(],"deleted_entities":[]})");
  auto h = must_load(f.path);
  audit::run_audit(h);
  REQUIRE(dev(h, "hub"));
  CHECK(dev(h, "hub")->type == model::DeviceType::voice_assistant);
  CHECK(dev(h, "hub")->tier == model::Tier::sensitive);
  CHECK(dev(h, "radar")->type == model::DeviceType::sensor);
  CHECK(dev(h, "plug")->type == model::DeviceType::plug);
}

TEST_CASE("a backup whose backup.json has no date is dated by its activity, like the folder", "[ha][homes][backup]") {
  const fs::path home = std::string(DG_SOURCE_DIR) + "/tests/fixtures/ha/config-v3";
  Folder t;
  fs::path stage = t.path / "stage";
  fs::create_directories(stage / "inner");
  fs::copy(home, stage / "inner" / "data", fs::copy_options::recursive);
  { std::ofstream(stage / "backup.json") << R"({"slug":"abc","name":"Full","type":"full","protected":false})"; }
  std::string cmd = "cd '" + stage.string() + "' && tar czf homeassistant.tar.gz -C inner data && tar cf ../backup.tar "
                    "./backup.json ./homeassistant.tar.gz";
  REQUIRE(std::system(cmd.c_str()) == 0);
  auto folder = must_load(home);
  auto backup = must_load(t.path / "backup.tar");
  CHECK(backup.source_kind == model::SourceKind::backup);
  REQUIRE_FALSE(folder.taken_at.empty());
  CHECK(backup.taken_at == folder.taken_at);
  // The time-based checks (idle tokens, the owner's daily phone sessions) run on both.
  auto a = audit::run_audit(folder), b = audit::run_audit(backup);
  std::set<std::string> fa, fb;
  for (const auto& f : a.findings)
    if (f.rule.rfind("DG-TOK-", 0) == 0 || f.rule == "DG-LOG-002") fa.insert(f.key());
  for (const auto& f : b.findings)
    if (f.rule.rfind("DG-TOK-", 0) == 0 || f.rule == "DG-LOG-002") fb.insert(f.key());
  CHECK_FALSE(fa.empty());
  CHECK(fa == fb);
}

TEST_CASE("the hub's release comes from .HA_VERSION; without it the release checks are not run", "[ha][homes][version]") {
  auto not_run = [](const audit::AuditResult& r, const std::string& rule) {
    return std::any_of(r.not_run.begin(), r.not_run.end(), [&](const auto& n) { return n.rule == rule; });
  };
  Folder f;   // a docker home committed without .HA_VERSION and without core.config, as real ones are
  f.store("core.device_registry", 1, 5, kDevices);
  f.store("core.entity_registry", 1, 13, kEntities);
  auto bare = must_load(f.path);
  CHECK_FALSE(bare.has(model::Part::hub_version));
  auto a = audit::run_audit(bare);
  CHECK(not_run(a, "DG-HUB-001"));
  CHECK(not_run(a, "DG-VUL-003"));

  f.write(".HA_VERSION", "2024.3.1\n");   // the release, even with no .storage/core.config
  auto versioned = must_load(f.path);
  CHECK(versioned.hub.version == "2024.3.1");
  CHECK_FALSE(versioned.has(model::Part::hub_config));
  auto b = audit::run_audit(versioned);
  CHECK_FALSE(not_run(b, "DG-HUB-001"));
  CHECK_FALSE(not_run(b, "DG-VUL-003"));
  CHECK(std::any_of(b.findings.begin(), b.findings.end(), [](const auto& x) { return x.rule == "DG-HUB-001"; }));
}
