// The Home Assistant adapter against real-format fixtures (tests/fixtures/ha): config folders with
// both device-registry versions, a replies folder, backups built here, and hostile or broken input.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "audit/engine.hpp"
#include "hub/ha/adapter.hpp"
#include "locale/messages.hpp"
#include "archive/tar.hpp"
#include "util/text.hpp"

namespace fs = std::filesystem;
using namespace domoguard;
using model::Part;

namespace {

const std::string fixtures = std::string(DG_SOURCE_DIR) + "/tests/fixtures/ha";

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct TempDir {
  fs::path path;
  TempDir() {
    static int n = 0;
    path = fs::temp_directory_path() / ("dg_ha_" + std::to_string(::getpid()) + "_" + std::to_string(++n));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

model::Home must_load(const std::string& path) {
  auto r = hub::ha::load(path);
  if (!r) FAIL(r.error().describe());
  return std::move(*r);
}

const model::Device* device(const model::Home& h, const std::string& id) { return h.device(id); }
const model::Entity* entity(const model::Home& h, const std::string& id) { return h.entity(id); }
const model::Integration* by_domain(const model::Home& h, const std::string& d) { return h.integration_by_domain(d); }

// Every text the model holds, for the "no secret leaks" checks.
std::vector<std::string> all_strings(const model::Home& h) {
  std::vector<std::string> s;
  auto add = [&](const std::string& x) { s.push_back(x); };
  for (auto* x : {&h.hub.id, &h.hub.name, &h.hub.version, &h.hub.installation_type, &h.hub.internal_url, &h.hub.external_url}) add(*x);
  for (const auto& u : h.users) for (auto* x : {&u.id, &u.name, &u.username}) add(*x);
  for (const auto& a : h.areas) add(a.id), add(a.name);
  for (const auto& i : h.integrations)
    for (auto* x : {&i.entry_id, &i.domain, &i.title, &i.version, &i.state, &i.transport_host_kind}) add(*x);
  for (const auto& d : h.devices) {
    for (auto* x : {&d.id, &d.name, &d.manufacturer, &d.model, &d.model_id, &d.sw_version, &d.hw_version, &d.serial_number,
                    &d.area_id, &d.via_device_id, &d.parent_device_id, &d.configuration_url, &d.primary_domain}) add(*x);
    for (const auto& c : d.config_entry_ids) add(c);
    for (const auto& [a, b] : d.connections) add(a), add(b);
    for (const auto& [a, b] : d.identifiers) add(a), add(b);
  }
  for (const auto& e : h.entities) {
    for (auto* x : {&e.entity_id, &e.domain, &e.unique_id, &e.platform, &e.config_entry_id, &e.device_id, &e.area_id, &e.name,
                    &e.original_name, &e.device_class, &e.translation_key, &e.entity_category}) add(*x);
    if (e.state) add(*e.state);
    for (const auto& [k, v] : e.attributes) add(k), add(v);
  }
  for (const auto& d : h.deleted_devices) for (auto* x : {&d.id, &d.name, &d.domain, &d.area_id, &d.orphaned_at}) add(*x);
  for (const auto& a : h.automations) {
    add(a.id), add(a.entity_id), add(a.alias);
    for (auto* v : {&a.trigger_kinds, &a.trigger_entities, &a.condition_kinds, &a.action_services, &a.action_entities})
      for (const auto& x : *v) add(x);
  }
  for (const auto& [p, why] : h.missing) add(locale::say(why, locale::Messages("en")));
  add(h.source);
  return s;
}

std::string reason(const std::string& packed) { return locale::say(packed, locale::Messages("en")); }

void check_no_secrets(const model::Home& h) {
  const auto strings = all_strings(h);
  for (const char* secret : {"S3cr3t-Mqtt-Pa55", "4321", "9999", "TOTPSECRETBASE32", "ghp_SECRETTOKEN123", "REFRESH-TOKEN-SECRET",
                             "JWT-KEY-SECRET", "ZW-S2-KEY-0011223344", "CAMTOKEN"}) {
    INFO(secret);
    CHECK(std::none_of(strings.begin(), strings.end(), [&](const std::string& x) { return x.find(secret) != std::string::npos; }));
  }
}

bool clean(const std::string& s) {
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f) return false;
  return s.find("\xe2\x80\xae") == std::string::npos && s.find("\xc2\x85") == std::string::npos;
}

// The facts every source of the fixture home must agree on.
void check_common_devices(const model::Home& h) {
  REQUIRE(h.has(Part::devices));
  const auto* lock = device(h, "d_lock");
  REQUIRE(lock);
  CHECK(lock->name == "Front Door Lock");
  CHECK(lock->manufacturer == "Yale");
  CHECK(lock->config_entry_ids == std::vector<std::string>{"e_zwave"});
  CHECK(lock->area_id == "living_room");
  REQUIRE(lock->identifiers.size() == 2);
  CHECK(lock->identifiers[0] == std::pair<std::string, std::string>{"zwave_js", "3967834511-5"});
  const auto* cam = device(h, "d_cam");
  REQUIRE(cam);
  CHECK(cam->name == "Hall Cam");   // name_by_user wins
  CHECK(cam->connections.front().first == "mac");
  const auto* svc = device(h, "d_svc");
  REQUIRE(svc);
  CHECK(svc->service);
  const auto* hostile = device(h, "d_hostile");
  REQUIRE(hostile);
  CHECK(hostile->name == "EvilRedTxtCam");
  CHECK(hostile->manufacturer.empty());   // a number where text belongs is ignored, not a crash
  CHECK(hostile->model.empty());
}

}  // namespace

// Whether an entity holds an attribute of this name (found by walking them: asking Attributes for a
// name it never keeps is a mistake it reports).
[[maybe_unused]] static bool holds_attribute(const domoguard::model::Entity& e, std::string_view k) {
  return std::any_of(e.attributes.begin(), e.attributes.end(), [&](const auto& kv) { return kv.first == k; });
}

TEST_CASE("config folder with a major-3 device registry", "[adapter]") {
  auto h = must_load(fixtures + "/config-v3");
  check_common_devices(h);
  CHECK(h.devices.size() == 5);
  const auto* child = device(h, "d_child");
  REQUIRE(child);
  CHECK(child->child_device);
  CHECK(child->parent_device_id == "d_cam");

  CHECK(h.hub.version == "2026.11.1");
  CHECK(h.hub.id == "0f1e2d3c4b5a69788796a5b4c3d2e1f0");
  CHECK(h.hub.name == "Test Home");
  CHECK(h.hub.external_url == "https://home.example.org");
  CHECK(h.hub.analytics_base == true);
  CHECK(h.hub.analytics_diagnostics == false);
  CHECK(h.hub.remote_ui == true);
  CHECK(h.hub.alexa_enabled == true);
  CHECK(h.hub.cloud_logged_in == false);   // no .cloud credentials file
  CHECK(h.hub.google_secure_pin == false);
  CHECK(h.has(Part::http));
  CHECK(h.hub.tls == false);
  CHECK(h.hub.ip_ban == false);

  REQUIRE(h.deleted_devices.size() == 1);
  CHECK(h.deleted_devices[0].name == "Old Plug");
  CHECK(h.deleted_devices[0].domain == "tplink");
  CHECK(h.deleted_devices[0].orphaned);
  CHECK(h.deleted_devices[0].orphaned_at == "2025-10-09T08:53:20Z");

  REQUIRE(h.users.size() == 3);
  const auto& owner = h.users[0];
  CHECK(owner.owner);
  CHECK(owner.admin);
  CHECK(owner.username == "alice");
  CHECK(owner.mfa == true);
  CHECK(h.users[1].mfa == false);
  CHECK(h.users[1].local_only);
  CHECK_FALSE(h.users[1].admin);
  CHECK(h.users[2].system_generated);
  CHECK_FALSE(h.users[2].mfa.has_value());
  CHECK(h.has(Part::mfa));

  const auto* mqtt = by_domain(h, "mqtt");
  REQUIRE(mqtt);
  CHECK(mqtt->uses_tls == false);
  CHECK(mqtt->has_auth == true);
  CHECK_FALSE(mqtt->verify_tls.has_value());
  CHECK(mqtt->transport_host_kind == "local");
  CHECK(mqtt->custom == false);
  CHECK(by_domain(h, "zwave_js")->transport_host_kind == "local");
  CHECK(by_domain(h, "zwave_js")->uses_tls == false);
  const auto* hacs = by_domain(h, "hacs");
  REQUIRE(hacs);
  CHECK(hacs->custom == true);
  CHECK(hacs->version == "2.0.5");
  CHECK(hacs->iot_class == model::IotClass::cloud_polling);

  const auto* lock = entity(h, "lock.front_door");
  REQUIRE(lock);
  CHECK(lock->has_default_code);
  CHECK(lock->name == "Front door");   // registry name empty: original_name
  CHECK(lock->area_id == "living_room");   // from its device
  CHECK(lock->exposure.conversation == true);
  CHECK(lock->exposure.alexa == false);   // expose_new off for Alexa
  CHECK(entity(h, "alarm_control_panel.home")->has_default_code);
  CHECK(entity(h, "camera.hall")->area_id == "kids_bedroom");
  CHECK(entity(h, "camera.hall")->exposure.alexa == true);
  CHECK(entity(h, "camera.hall")->exposure.conversation == false);   // cameras are not exposed by default
  CHECK(entity(h, "light.cam_light")->exposure.conversation == true);   // lights are
  CHECK(entity(h, "sensor.cam_rssi")->exposure.conversation == false);   // diagnostic entities are not
  CHECK(entity(h, "sensor.hostile_temp")->name == "Temp");
  const auto* outside = entity(h, "sensor.demo_outside");   // known only from exposed_entities
  REQUIRE(outside);
  CHECK_FALSE(outside->in_registry);
  CHECK(outside->exposure.conversation == true);

  CHECK(h.has(Part::exposure));
  CHECK_FALSE(h.has(Part::states));
  // The YAML HA reads: automations.yaml through configuration.yaml's default_config.
  CHECK(h.has(Part::automations));
  REQUIRE(h.automations.size() == 1);
  CHECK(h.automations[0].alias == "Unlock when home");
  CHECK_FALSE(h.has(Part::radio_security));   // Z-Wave devices, but no security classes offline
  check_no_secrets(h);
  for (const auto& s : all_strings(h)) CHECK(clean(s));
}

TEST_CASE("a .storage folder with a major-1 device registry (before 2026.8)", "[adapter]") {
  auto h = must_load(fixtures + "/storage-v1/.storage");
  check_common_devices(h);
  CHECK(h.devices.size() == 4);
  REQUIRE(h.deleted_devices.size() == 1);
  CHECK(h.deleted_devices[0].orphaned);
  CHECK(h.deleted_devices[0].domain == "tplink");
  CHECK(h.has(Part::entities));
  CHECK(h.has(Part::integrations));
  CHECK_FALSE(h.has(Part::users));
  CHECK(h.missing.count(Part::users) == 1);
  check_no_secrets(h);

  // The same devices come out of both registry versions.
  auto v3 = must_load(fixtures + "/config-v3");
  for (const auto& d : h.devices) {
    const auto* other = v3.device(d.id);
    REQUIRE(other);
    CHECK(other->name == d.name);
    CHECK(other->config_entry_ids == d.config_entry_ids);
    CHECK(other->identifiers == d.identifiers);
  }
}

TEST_CASE("a folder of WebSocket replies", "[adapter]") {
  auto h = must_load(fixtures + "/ws");
  check_common_devices(h);
  CHECK(h.devices.size() == 5);
  CHECK(h.hub.version == "2026.11.1");
  CHECK(h.has(Part::states));
  CHECK(h.has(Part::manifests));
  CHECK_FALSE(h.has(Part::deleted_devices));
  // Only the connected user's two-factor status is visible: it is judged, the others stay unknown.
  CHECK(h.has(Part::mfa));
  CHECK(h.users[0].mfa == true);   // the connected user
  CHECK_FALSE(h.users[1].mfa.has_value());
  // http/config: the slot the running server started with (here the untried pending one).
  CHECK(h.has(Part::http));
  CHECK(h.hub.http.origin == "live");
  CHECK(h.hub.ip_ban == false);

  CHECK(by_domain(h, "hacs")->custom == true);
  CHECK(by_domain(h, "hacs")->version == "2.0.5");
  CHECK(by_domain(h, "mqtt")->custom == false);
  CHECK(by_domain(h, "mqtt")->iot_class == model::IotClass::local_push);
  CHECK(by_domain(h, "mqtt")->state == "loaded");
  CHECK_FALSE(by_domain(h, "mqtt")->uses_tls.has_value());   // entry settings are not on the WS API

  CHECK(device(h, "d_lock")->zwave_security == 7);
  CHECK(h.has(Part::radio_security));
  CHECK(h.hub.cloud_logged_in == true);
  CHECK(h.hub.remote_connected == true);

  const auto* lock = entity(h, "lock.front_door");
  REQUIRE(lock);
  CHECK(lock->state == "locked");
  CHECK(lock->supported_features == 1);
  CHECK(lock->has_default_code);
  const auto* cam = entity(h, "camera.hall");
  CHECK_FALSE(holds_attribute(*cam, "brand"));   // no rule reads it: not kept
  CHECK_FALSE(holds_attribute(*cam, "access_token"));
  CHECK_FALSE(holds_attribute(*cam, "nested"));   // only scalars
  const auto* outside = entity(h, "sensor.demo_outside");
  REQUIRE(outside);
  CHECK_FALSE(outside->in_registry);
  CHECK(outside->name == "Outside Temp");
  CHECK(outside->device_class == "temperature");
  CHECK(outside->exposure.conversation == true);

  REQUIRE(h.automations.size() == 2);
  const auto& a = h.automations[0];
  CHECK(a.alias == "Unlock when home");
  CHECK(a.entity_id == "automation.unlock_when_home");
  CHECK(a.enabled);
  CHECK(a.trigger_kinds == std::vector<std::string>{"state:person", "state:device_tracker", "zone"});
  CHECK(a.condition_kinds == std::vector<std::string>{"time"});
  CHECK(a.action_services == std::vector<std::string>{"lock.unlock", "cover.open_cover"});
  CHECK(a.action_entities == std::vector<std::string>{"lock.front_door", "cover.garage"});
  const auto& b = h.automations[1];
  CHECK_FALSE(b.enabled);
  CHECK(b.trigger_kinds == std::vector<std::string>{"webhook", "time"});
  CHECK(b.action_services == std::vector<std::string>{"alarm_control_panel.disarm", "alarm_control_panel.alarm_disarm"});
  check_no_secrets(h);
  for (const auto& s : all_strings(h)) CHECK(clean(s));
}

TEST_CASE("reply files are named after their command", "[adapter]") {
  CHECK(hub::ha::reply_file_name("config/device_registry/list") == "config__device_registry__list.json");
  const auto& cmds = hub::ha::audit_commands();
  CHECK(std::find(cmds.begin(), cmds.end(), "zwave_js/network_status") != cmds.end());
  // Registries before states, so states can attach to registry entries.
  auto pos = [&](const char* c) { return std::find(cmds.begin(), cmds.end(), c) - cmds.begin(); };
  CHECK(pos("config/entity_registry/list") < pos("get_states"));
  for (const auto& c : cmds) CHECK(fs::exists(fixtures + "/ws/" + hub::ha::reply_file_name(c)));
}

TEST_CASE("script/config replies: each script under the entity id it was asked for", "[adapter][scripts]") {
  hub::ha::Replies r;
  r["script/config"] = R"([{"entity_id":"script.let_in","config":{"alias":"Let the guests in","sequence":[
    {"action":"script.turn_on","target":{"entity_id":"script.unlock_front"}}]}},
    {"entity_id":"script.unlock_front","config":{"alias":"Unlock","sequence":[
    {"action":"lock.unlock","target":{"entity_id":"lock.front_door"}}]}}])";
  auto h = hub::ha::from_replies(r, "test");
  REQUIRE(h);
  REQUIRE(h->has(Part::scripts));
  REQUIRE(h->scripts.size() == 2);
  CHECK(h->scripts[0].id == "let_in");
  CHECK(h->scripts[0].entity_id == "script.let_in");
  CHECK(h->scripts[0].alias == "Let the guests in");
  CHECK(h->scripts[0].action_entities == std::vector<std::string>{"script.unlock_front"});
  CHECK(h->scripts[1].action_services == std::vector<std::string>{"lock.unlock"});
  // Without the reply the scripts are unknown, not empty.
  auto none = hub::ha::from_replies(hub::ha::Replies{}, "test");
  REQUIRE(none);
  CHECK_FALSE(none->has(Part::scripts));
}

TEST_CASE("a refused command degrades to a missing part", "[adapter]") {
  hub::ha::Replies r;
  r["config/auth/list"] = R"({"id":3,"type":"result","success":false,"error":{"code":"unauthorized","message":"Unauthorized"}})";
  auto h = hub::ha::from_replies(r, "test");
  REQUIRE(h);
  CHECK_FALSE(h->has(Part::users));
  CHECK(reason(h->missing.at(Part::users)).find("Unauthorized") != std::string::npos);
}

TEST_CASE("malformed JSON names the file, line and column", "[adapter]") {
  SECTION("a reply") {
    hub::ha::Replies r;
    r["get_config"] = "{\n  \"version\": \"1\",\n  oops\n}";
    auto h = hub::ha::from_replies(r, "snap");
    REQUIRE_FALSE(h);
    CHECK(h.error().code == ErrorCode::bad_input);
    CHECK(h.error().file == "snap/get_config.json");
    CHECK(h.error().where == "line 3, column 3");
  }
  SECTION("a storage file") {
    hub::ha::ConfigFiles f;
    f[".storage/core.device_registry"] = "{\"version\": 3, \"data\": {\"devices\": [1, 2,]}}";
    auto h = hub::ha::from_config_files(f, "cfg");
    REQUIRE_FALSE(h);
    CHECK(h.error().file == "cfg/.storage/core.device_registry");
    CHECK(h.error().where == "line 1, column 42");
  }
  SECTION("truncated") {
    hub::ha::ConfigFiles f;
    f[".storage/auth"] = "{\"version\": 1,\n\"data\": {";
    auto h = hub::ha::from_config_files(f, "cfg");
    REQUIRE_FALSE(h);
    CHECK(h.error().where == "line 2, column 10");
  }
  SECTION("too deep") {
    hub::ha::Replies r;
    r["get_states"] = std::string(10000, '[') + std::string(10000, ']');
    auto h = hub::ha::from_replies(r, "snap");
    REQUIRE_FALSE(h);
    CHECK(h.error().file == "snap/get_states.json");
  }
}

TEST_CASE("a folder that is no source says so, and names a config folder one level down", "[adapter]") {
  TempDir t;
  std::ofstream(t.path / "README.md") << "my home";
  auto none = hub::ha::load(t.path.string());
  REQUIRE_FALSE(none);
  CHECK(none.error().key == "error.snapshot.unknown");
  CHECK(none.error().code == ErrorCode::bad_input);
  // A repository with the config folder inside (as many public ones have), its name hostile.
  const std::string name = "config\x1b[2J";
  fs::create_directories(t.path / name / ".storage");
  auto inside = hub::ha::load(t.path.string());
  REQUIRE_FALSE(inside);
  CHECK(inside.error().key == "error.snapshot.config_inside");
  REQUIRE(inside.error().placeholders.size() == 1);
  const std::string& folder = inside.error().placeholders[0].second;
  CHECK(folder.find("config") != std::string::npos);
  CHECK(folder.find('\x1b') == std::string::npos);   // rendered inert: it is printed on a terminal
  CHECK(inside.error().message.find('\x1b') == std::string::npos);
  // The folder it names is one DomoGuard reads.
  fs::rename(t.path / name, t.path / "config");
  fs::copy(fixtures + "/config-v3/.storage", t.path / "config" / ".storage", fs::copy_options::recursive);
  CHECK(hub::ha::load((t.path / "config").string()));
}

TEST_CASE("an unknown storage version degrades to rules not run", "[adapter]") {
  hub::ha::ConfigFiles f;
  f[".storage/core.device_registry"] = R"({"version": 9, "minor_version": 1, "key": "core.device_registry",
                                          "data": {"devices": [{"id": "x", "name": "X"}]}})";
  f[".storage/core.entity_registry"] = R"({"version": 1, "minor_version": 18, "data": {"entities": "not a list"}})";
  auto h = hub::ha::from_config_files(f, "cfg");
  REQUIRE(h);
  CHECK(h->devices.empty());
  CHECK_FALSE(h->has(Part::devices));
  CHECK(reason(h->missing.at(Part::devices)).find("storage version 9") != std::string::npos);
  CHECK(h->has(Part::entities));   // a wrong type for one field is tolerated
  CHECK(h->entities.empty());
  auto result = audit::run_audit(*h);
  CHECK(std::any_of(result.not_run.begin(), result.not_run.end(), [](const audit::NotRun& n) { return n.part == "devices"; }));
}

TEST_CASE("text fields are cleaned of control characters and capped", "[adapter]") {
  struct Case {
    std::string in, out;
  };
  const std::vector<Case> cases = {
      {"Plain name", "Plain name"},
      {"Red\x1b[31;1mAlert\x1b[0m", "RedAlert"},
      {"Title\x1b]0;owned\x07Rest", "TitleRest"},
      {"a\x07" "b\x7f" "c", "abc"},
      {"multi\nline\tname", "multi line name"},
      {"rtl\u202eevil\u2066x\u2069", "rtlevilx"},
      {"c1\u0085\u009bx", "c1x"},
      {"<script>alert(1)</script>", "<script>alert(1)</script>"},   // HTML escaping is the renderer's job
      {"K\xc3\xbc" "che \xe2\x98\x95", "K\xc3\xbc" "che \xe2\x98\x95"},
      {"bad\xff\xfeutf", "bad\xef\xbf\xbd\xef\xbf\xbdutf"},
  };
  for (const auto& c : cases) {
    INFO(c.in);
    CHECK(util::clean_text(c.in) == c.out);
  }
  CHECK(util::clean_text(std::string(1000, 'x')).size() == 256);
  CHECK(util::clean_text(std::string(300, 'x') + "\xe2\x98\x95", 300) == std::string(300, 'x'));
  CHECK(util::line_column("ab\ncd", 4) == "line 2, column 2");
}

namespace {

// Builds an HA backup the way the Supervisor lays it out: backup.json + homeassistant.tar.gz holding data/.
fs::path make_backup(const TempDir& t, const std::string& backup_json, bool gzip_outer) {
  fs::path stage = t.path / "stage";
  fs::create_directories(stage / "inner");
  fs::copy(fixtures + "/config-v3", stage / "inner" / "data", fs::copy_options::recursive);
  { std::ofstream(stage / "backup.json") << backup_json; }
  std::string cmd = "cd '" + stage.string() + "' && tar czf homeassistant.tar.gz -C inner data && tar c" +
                    (gzip_outer ? "z" : "") + "f ../backup.tar ./backup.json ./homeassistant.tar.gz";
  REQUIRE(std::system(cmd.c_str()) == 0);
  return t.path / "backup.tar";
}

}  // namespace

TEST_CASE("an HA backup archive", "[adapter]") {
  for (bool gz : {false, true}) {
    TempDir t;
    auto path = make_backup(t, R"({"slug":"abc","name":"Full","type":"full","protected":false,"compressed":true})", gz);
    auto h = must_load(path.string());
    check_common_devices(h);
    CHECK(h.devices.size() == 5);
    CHECK(h.hub.version == "2026.11.1");
    CHECK(h.users.size() == 3);
    CHECK(by_domain(h, "hacs")->custom == true);
    check_no_secrets(h);

    auto mem = hub::ha::from_backup_bytes(slurp(path), "mem");
    REQUIRE(mem);
    CHECK(mem->entities.size() == h.entities.size());
  }
}

TEST_CASE("an encrypted backup is refused clearly", "[adapter]") {
  SECTION("marked protected") {
    TempDir t;
    auto path = make_backup(t, R"({"slug":"abc","protected":true})", false);
    auto h = hub::ha::load(path.string());
    REQUIRE_FALSE(h);
    CHECK(h.error().message.rfind("This backup is encrypted;", 0) == 0);
    CHECK(h.error().key == "error.backup.encrypted");
  }
  SECTION("SecureTar inner archive") {
    TempDir t;
    fs::path stage = t.path / "s";
    fs::create_directories(stage);
    std::string body = std::string("SecureTar\x03\0\0\0\0\0\0", 16) + std::string(2048, '\x5a');
    { std::ofstream(stage / "homeassistant.tar.gz", std::ios::binary) << body; }
    { std::ofstream(stage / "backup.json") << R"({"slug":"abc"})"; }
    std::string cmd = "cd '" + stage.string() + "' && tar cf ../b.tar homeassistant.tar.gz backup.json";
    REQUIRE(std::system(cmd.c_str()) == 0);
    auto h = hub::ha::load((t.path / "b.tar").string());
    REQUIRE_FALSE(h);
    CHECK(h.error().message.rfind("This backup is encrypted;", 0) == 0);
  }
}

TEST_CASE("a truncated backup names the member", "[adapter]") {
  TempDir t;
  auto path = make_backup(t, R"({"protected":false})", false);
  std::string bytes = slurp(path);
  // Cut inside homeassistant.tar.gz (after backup.json's header, data and the inner header).
  auto h = hub::ha::from_backup_bytes(std::string_view(bytes).substr(0, 2048 + 700), "cut.tar");
  REQUIRE_FALSE(h);
  CHECK(h.error().file.find("cut.tar") == 0);
  CHECK(h.error().describe().find("homeassistant.tar.gz") != std::string::npos);

  auto junk = hub::ha::from_backup_bytes("not a tar at all", "junk");
  REQUIRE_FALSE(junk);
  CHECK(junk.error().code == ErrorCode::bad_input);
}

TEST_CASE("the tar reader follows GNU long names", "[adapter]") {
  TempDir t;
  std::string long_dir(120, 'd');
  fs::create_directories(t.path / "src" / long_dir);
  { std::ofstream(t.path / "src" / long_dir / "f.txt") << "hello"; }
  std::string cmd = "cd '" + (t.path / "src").string() + "' && tar --format=gnu -cf ../l.tar " + long_dir;
  REQUIRE(std::system(cmd.c_str()) == 0);
  std::string bytes = slurp(t.path / "l.tar");
  auto src = archive::memory_source(bytes);
  std::vector<std::pair<std::string, std::string>> seen;
  auto r = archive::walk_tar(*src, "l.tar", [&](const archive::TarEntry& e, archive::ByteSource& data) -> Result<bool> {
    auto c = archive::read_up_to(data, 100);
    if (!c) return c.error();
    seen.emplace_back(e.name, *c);
    return true;
  });
  REQUIRE(r);
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].first == long_dir + "/f.txt");
  CHECK(seen[0].second == "hello");
}

TEST_CASE("live captures: the storage files and the WS replies of one hub agree", "[adapter]") {
  // Files captured from a running HA go to tests/fixtures/ha-live/{storage,ws}; without them there is nothing to compare.
  const fs::path live = std::string(DG_SOURCE_DIR) + "/tests/fixtures/ha-live";
  if (!fs::is_directory(live / "storage") || !fs::is_directory(live / "ws")) {
    WARN("tests/fixtures/ha-live not present; skipped");
    return;
  }
  auto storage = must_load((live / "storage").string());
  auto ws = must_load((live / "ws").string());
  auto registered = [](const model::Home& h) {
    return std::count_if(h.entities.begin(), h.entities.end(), [](const model::Entity& e) { return e.in_registry; });
  };
  if (storage.has(Part::devices) && ws.has(Part::devices)) CHECK(storage.devices.size() == ws.devices.size());
  if (storage.has(Part::entities) && ws.has(Part::entities)) CHECK(registered(storage) == registered(ws));
  if (storage.has(Part::areas) && ws.has(Part::areas)) CHECK(storage.areas.size() == ws.areas.size());
  if (storage.has(Part::users) && ws.has(Part::users)) CHECK(storage.users.size() == ws.users.size());
  if (storage.has(Part::integrations) && ws.has(Part::integrations))
    CHECK(storage.integrations.size() == ws.integrations.size());
  for (const auto& d : ws.devices) CHECK(storage.device(d.id) != nullptr);
}

TEST_CASE("padded manifests, a decompression bomb and a whole-archive total are bounded before they are read", "[adapter][security]") {
  const std::string padded = R"({"domain":"pad","version":"1.0"})" + std::string(2u << 20, ' ');
  SECTION("thirty padded manifests in a backup: refused at the first, from its header") {
    TempDir t;
    fs::path stage = t.path / "stage";
    fs::create_directories(stage / "inner");
    fs::copy(fixtures + "/config-v3", stage / "inner" / "data", fs::copy_options::recursive);
    for (int i = 0; i < 30; ++i) {
      fs::create_directories(stage / "inner" / "data" / "custom_components" / ("pad" + std::to_string(i)));
      std::ofstream(stage / "inner" / "data" / "custom_components" / ("pad" + std::to_string(i)) / "manifest.json") << padded;
    }
    { std::ofstream(stage / "backup.json") << R"({"slug":"abc","protected":false})"; }
    std::string cmd = "cd '" + stage.string() + "' && tar czf homeassistant.tar.gz -C inner data && tar czf ../backup.tar.gz ./backup.json ./homeassistant.tar.gz";
    REQUIRE(std::system(cmd.c_str()) == 0);
    CHECK(fs::file_size(t.path / "backup.tar.gz") < 400u * 1024);  // a small file that would hold 60 MB of manifests
    auto h = hub::ha::load((t.path / "backup.tar.gz").string());
    REQUIRE_FALSE(h);
    CHECK(h.error().key == "error.file.too_large");
    CHECK(h.error().where.find("manifest.json") != std::string::npos);
  }
  SECTION("a padded manifest in a config folder (also what domoguardd --source reads)") {
    TempDir t;
    fs::copy(fixtures + "/config-v3", t.path / "config", fs::copy_options::recursive);
    fs::create_directories(t.path / "config" / "custom_components" / "pad");
    std::ofstream(t.path / "config" / "custom_components" / "pad" / "manifest.json") << padded;
    auto h = hub::ha::load((t.path / "config").string());
    REQUIRE_FALSE(h);
    CHECK(h.error().key == "error.file.too_large");
    CHECK(h.error().file.find("manifest.json") != std::string::npos);
  }
  SECTION("a gzip stream that inflates more than 200 times is stopped") {
    TempDir t;
    const auto gz = t.path / "zeros.gz";
    REQUIRE(std::system(("head -c 300000000 /dev/zero | gzip -9 > '" + gz.string() + "'").c_str()) == 0);
    std::string bytes = slurp(gz);
    auto mem = archive::memory_source(bytes);
    auto src = archive::gunzip_source(*mem, "zeros.gz", 64ull << 30);
    std::string buf(1u << 20, '\0');
    std::uint64_t out = 0;
    std::optional<Error> err;
    while (true) {
      auto got = src->read(buf.data(), buf.size());
      if (!got) {
        err = got.error();
        break;
      }
      if (*got == 0) break;
      out += *got;
    }
    REQUIRE(err);
    CHECK(err->message.find("expands more than") != std::string::npos);
    CHECK(out < 300000000u);
  }
}
