// The hub-neutral snapshot of a home. Hub adapters (hub/ha) fill it; rules read only this.
// No hub JSON shapes and no third-party types appear here.
#pragma once

#include <cassert>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace domoguard::model {

// Tri-state facts: a rule whose input is unknown reports "not run" instead of guessing.
using Flag = std::optional<bool>;

enum class IotClass { unknown, local_push, local_polling, cloud_push, cloud_polling, assumed_state, calculated };

// Annex D device types (our own grouping of the standard's per-type measures).
enum class DeviceType {
  other,
  camera,
  doorbell,
  lock,
  alarm,
  garage,           // garage doors and gates
  valve,            // water/gas shut-off valves
  voice_assistant,  // speakers and satellites with microphones
  safety_sensor,    // smoke, CO, gas, leak, moisture
  sensor,           // comfort sensors: temperature, motion, contact
  appliance,        // ovens, hobs, washers, dishwashers
  climate,          // thermostats, heaters, TRVs
  lighting,
  plug,             // plugs and switches
  presence,         // phones, trackers, person/location sources
  media,            // TVs, media players, content services
  gateway,          // bridges, coordinators, routers
  hub,              // the hub itself and its services
};

enum class Tier { normal, sensitive, critical };

enum class AreaKind { normal, bedroom, bathroom, kids };

// The hub's HTTP server settings as the hub runs them. Each fact is unknown (nullopt) until the
// adapter read it, from the hub's stored settings, its YAML or its documented default.
struct HttpSettings {
  Flag ssl;                                          // a TLS certificate is configured
  Flag ip_ban_enabled;                               // login-attempt banning on
  std::optional<int> login_attempts_threshold;       // failed logins before a ban; -1 = never bans
  Flag use_x_forwarded_for;                          // trusts a proxy's client address header
  std::optional<std::vector<std::string>> trusted_proxies;       // networks/addresses, as written
  std::optional<std::vector<std::string>> cors_allowed_origins;  // origins allowed cross-site
  Flag server_host_set;                              // bound to chosen addresses, not all interfaces
  std::string origin;                                // "storage", "yaml", "live", "default" ("" unknown)
  bool defaults_applied = false;                     // some facts are the hub's defaults, not stored
};

// One way users sign in (HA: homeassistant: auth_providers:). Secrets are never copied.
struct AuthProvider {
  std::string type;                                  // "homeassistant", "trusted_networks", "command_line", ...
  std::string id;                                    // the provider's own id, "" when none is set
  Flag allow_bypass_login;                           // trusted networks: log in without choosing a user
  std::vector<std::string> trusted_networks;         // networks/addresses, as written
  bool trusted_users_set = false;                    // trusted networks limited to named users
};

// History kept by the hub's recorder (HA: recorder:).
struct RecorderSettings {
  std::optional<int> purge_keep_days;                // days of history kept
  Flag auto_purge;                                   // old history is deleted nightly
  bool keep_days_default = false;                    // purge_keep_days is the hub's default, not set
  // What is left out of history (exclude) or the only things kept (include); unknown when unread.
  std::optional<std::vector<std::string>> exclude_domains;
  std::optional<std::vector<std::string>> exclude_entities;
  std::optional<std::vector<std::string>> exclude_entity_globs;
  std::optional<std::vector<std::string>> include_domains;
  std::optional<std::vector<std::string>> include_entities;
  std::optional<std::vector<std::string>> include_entity_globs;
};

struct Hub {
  std::string id;                    // installation id where the hub has one
  std::string name;
  std::string version;               // e.g. "2026.11.1"
  std::string installation_type;     // "Home Assistant OS", "Container", ... where known
  std::string internal_url;
  std::string external_url;
  Flag tls;                          // the hub's own HTTP server serves TLS (= http.ssl)
  Flag ip_ban;                       // login-attempt banning on (= http.ip_ban_enabled)
  HttpSettings http;                 // the full HTTP settings; the adapter fills tls/ip_ban alike
  Flag cloud_logged_in;
  Flag remote_ui;                    // remote access through the vendor cloud enabled
  Flag remote_connected;
  Flag alexa_enabled;
  Flag google_enabled;
  Flag google_secure_pin;            // the cloud assistant asks a PIN for secure devices
  Flag analytics_base;
  Flag analytics_usage;
  Flag analytics_statistics;
  Flag analytics_diagnostics;
  // Default exposure of new entities to each assistant ("conversation", "cloud.alexa", ...).
  std::map<std::string, bool> expose_new;
  bool has_exposure_data = false;    // the per-entity exposure settings were read
  bool has_cloud_data = false;
  bool has_analytics_data = false;
  bool has_http_data = false;
  // How many days the hub keeps history (= recorder.purge_keep_days), where the adapter read it.
  std::optional<int> recorder_keep_days;
  RecorderSettings recorder;
  // Sign-in providers in the hub's order; nullopt when the configuration was not read.
  std::optional<std::vector<AuthProvider>> auth_providers;
  // Facts that are the hub's documented defaults because it stores nothing until they change
  // ("expose_new.conversation", "recorder.purge_keep_days", ...): evidence says so.
  std::vector<std::string> defaults_applied;
  // Z-Wave controller's inclusion state (0 idle, 1 including, 2 excluding, 3 busy, 4 SmartStart).
  std::optional<int> zwave_inclusion_state;
};

struct User {
  std::string id;
  std::string name;
  std::string username;
  bool owner = false;
  bool admin = false;
  bool active = true;
  bool system_generated = false;
  bool local_only = false;
  Flag mfa;                          // unknown when the hub does not tell
  bool child = false;                // named or tagged as a child account
};

// A refresh token as the hub keeps it, without its secret: never the token, its hash or its key.
struct Token {
  std::string user_id;
  std::string type;                  // "normal", "long_lived_access_token", "system"
  std::string client_name;           // the name a long-lived token was given
  std::string client_id;             // the app that signed in ("https://home-assistant.io/android", ...)
  std::string created_at;            // ISO 8601 UTC
  std::string last_used_at;          // ISO 8601 UTC, "" when never used
  Flag last_used_remote;             // last used from an address outside private ranges (the address is not kept)
};

// How a token is named without its secret, hash or id: its owner and the second it was made
// ("<user id>/<created at>"). A revoke action targets a token by it.
inline std::string token_key(const Token& t) { return t.user_id + "/" + t.created_at; }


// An app (formerly add-on) as the Supervisor describes it. Options are inspected, never copied.
struct App {
  std::string slug;
  std::string name;
  std::string version;
  std::string version_latest;
  std::string repository;            // "core", "local", or the id of a third-party repository
  std::string state;                 // "started", "stopped", ...
  Flag protection;                   // protection mode on
  Flag auto_update;
  bool update_available = false;
  bool host_network = false;
  bool host_pid = false;
  bool full_access = false;          // full hardware access
  bool docker_api = false;
  std::vector<std::string> privileged;                   // kernel capabilities it is granted
  std::optional<int> rating;                             // the Supervisor's security rating, 1 (worst) to 8
  std::vector<std::pair<std::string, int>> host_ports;   // container port -> port opened on the host
  Flag password_login;               // a login app (SSH, terminal) set up with a password
};

// A Thread network the hub holds credentials for (HA's `thread` integration: one dataset per
// extended PAN id). The adapter compares the network key and PSKc with published defaults and keeps
// only the answer: no key, PSKc or TLV is ever copied into the model.
struct ThreadNetwork {
  std::string id;                    // the dataset's id in the hub's store
  std::string source;                // who gave it ("Google", "OpenThread Border Router", ...)
  std::string network_name;
  std::string ext_pan_id;            // hex, lower case
  std::string pan_id;                // hex, lower case
  bool preferred = false;            // the one the hub hands to new Thread devices
  bool default_key = false;          // the network key is one published as a default
  bool default_pskc = false;         // the commissioner credential (PSKc) is one published as a default
  bool default_ids = false;          // network name + extended PAN id of a published default dataset
};

// A dashboard resource: JavaScript or CSS the browser loads into every dashboard.
struct DashboardResource {
  std::string id;
  std::string url;
  std::string type;                  // "module", "js", "css", "html"
};

struct Area {
  std::string id;
  std::string name;
  AreaKind kind = AreaKind::normal;
  bool indoor = true;
};

struct Integration {
  std::string entry_id;
  std::string domain;
  std::string title;
  IotClass iot_class = IotClass::unknown;
  Flag custom;                       // not shipped with the hub
  std::string version;               // custom integrations carry a version
  std::string state;                 // loaded, setup_error, not_loaded, ...
  bool disabled = false;
  // Connection facts derived from the entry's settings; secrets are never copied.
  Flag uses_tls;
  Flag has_auth;
  Flag verify_tls;
  std::string transport_host_kind;   // "loopback", "local", "remote", "" when unknown
};

struct Exposure {
  Flag conversation;                 // the hub's own voice assistant
  Flag alexa;
  Flag google;
  bool any() const { return conversation.value_or(false) || alexa.value_or(false) || google.value_or(false); }
};

// Whether DomoGuard reads a state attribute of this name (rules, classification, plans): adapters
// keep only these in Entity::attributes. A hub's states carry many attributes per entity that
// nothing here reads; holding them all cost a large home's load a good part of its allocations.
// Whoever reads another attribute adds its name to the list (model/home.cpp).
bool kept_attribute(std::string_view key);

// An entity's state attributes by name: a map that holds only kept attributes. Asking for any other
// is a mistake (an adapter never fills it, so the answer would always be "absent"): builds with
// assertions (the sanitizer build the tests run in) stop there.
class Attributes {
 public:
  using Map = std::map<std::string, std::string, std::less<>>;
  using iterator = Map::iterator;
  using const_iterator = Map::const_iterator;

  Attributes() = default;
  Attributes(std::initializer_list<Map::value_type> kv) {
    for (const auto& [k, v] : kv) insert_or_assign(k, v);
  }

  const_iterator find(std::string_view k) const { return m_.find(checked(k)); }
  iterator find(std::string_view k) { return m_.find(checked(k)); }
  std::size_t count(std::string_view k) const { return m_.count(checked(k)); }
  const std::string& at(std::string_view k) const;
  std::string& operator[](std::string_view k) { return m_[std::string(checked(k))]; }
  void insert_or_assign(std::string k, std::string v) {
    checked(k);
    m_.insert_or_assign(std::move(k), std::move(v));
  }
  const_iterator begin() const { return m_.begin(); }
  const_iterator end() const { return m_.end(); }
  iterator begin() { return m_.begin(); }
  iterator end() { return m_.end(); }
  std::size_t size() const { return m_.size(); }
  bool empty() const { return m_.empty(); }
  void clear() { m_.clear(); }
  bool operator==(const Attributes&) const = default;

 private:
  static std::string_view checked(std::string_view k) {
    assert(kept_attribute(k) && "an attribute outside model::kept_attribute is never filled");
    return k;
  }
  Map m_;
};

struct Entity {
  std::string entity_id;             // "lock.front_door"
  std::string domain;                // "lock"
  std::string unique_id;
  std::string platform;              // integration domain that provides it
  std::string config_entry_id;
  std::string device_id;
  std::string area_id;               // effective: the entity's own area, else its device's
  std::string name;                  // display name as the household sees it
  std::string original_name;
  std::string device_class;          // effective device class
  std::string translation_key;
  std::string entity_category;       // "", "config", "diagnostic"
  bool disabled = false;
  bool hidden = false;
  bool in_registry = true;           // false for state-only entities (no unique id)
  Exposure exposure;
  bool has_default_code = false;     // a stored default code lets anyone operate it without typing one
  std::optional<std::string> state;  // absent when states were not read
  // Scalar attributes, rendered as text (numbers as written, booleans as true/false); only those
  // DomoGuard reads (kept_attribute), as adapters fill it.
  Attributes attributes;
  int64_t supported_features = 0;
  // Derived by audit::classify (what kind of control this is: child lock, privacy switch, ...),
  // computed once per snapshot because rules ask many times.
  uint8_t traits = 0;
  bool traits_known = false;
};

struct Device {
  std::string id;
  std::string name;                  // name_by_user, else name
  std::string manufacturer;
  std::string model;
  std::string model_id;
  std::string sw_version;
  std::string hw_version;
  std::string serial_number;
  std::string area_id;
  std::vector<std::string> config_entry_ids;
  std::string via_device_id;
  std::string parent_device_id;
  std::string configuration_url;
  std::vector<std::pair<std::string, std::string>> connections;   // (type, value): mac, zigbee, ...
  std::vector<std::pair<std::string, std::string>> identifiers;   // (domain, id)
  bool disabled = false;
  bool service = false;              // a cloud service entry, not a physical device
  bool child_device = false;
  std::optional<int> zwave_security; // -1 none, 0..2 S2 classes, 7 S0 legacy
  std::vector<size_t> entities;      // indices into Home::entities
  // Other registry entries of the same physical device (one per integration, or split per config
  // entry), folded into this one by shared connections or identifiers.
  std::vector<std::string> merged_ids;
  // Derived by audit::classify.
  DeviceType type = DeviceType::other;
  Tier tier = Tier::normal;
  std::string primary_domain;        // integration domain of its first config entry
  // What to call the device where it is shown: its name, or for a device the hub has no name for,
  // what the household can recognise it by (maker and model, or the integration and its id there).
  std::string label;
};

struct DeletedDevice {
  std::string id;
  std::string name;
  std::string domain;
  std::string area_id;
  std::string orphaned_at;           // ISO time, where known
  bool orphaned = false;             // its integration entry is gone too
  std::vector<std::pair<std::string, std::string>> identifiers;   // (domain, id) the hub remembers
};

struct Automation {
  std::string id;
  std::string entity_id;
  std::string alias;
  bool enabled = true;
  // Normalised structure: what starts it and what it does.
  std::vector<std::string> trigger_kinds;      // "state:person", "zone", "presence", "time", ...
  std::vector<std::string> trigger_entities;
  std::vector<std::string> condition_kinds;
  std::vector<std::string> action_services;    // "lock.unlock", "alarm_control_panel.alarm_disarm", ...
  std::vector<std::string> action_entities;
  std::string origin;                          // where it is defined: "storage", "automations.yaml", a blueprint path
};

// A script has an automation's normalised shape without triggers: it runs when something calls it
// (an automation, a voice assistant it is exposed to, a dashboard button). entity_id is
// "script.<key>", id its key in scripts.yaml or under script:.
using Script = Automation;

// What the adapter could read; rules that need a missing part report "not run".
enum class Part {
  devices, entities, areas, states, integrations, manifests, users, mfa, exposure,
  hub_config, analytics, cloud, http, automations, deleted_devices, radio_security,
  auth_providers, recorder,
  apps, tokens, sign_ins, dashboard_resources, thread, scripts,
  hub_version,   // the hub's release: .HA_VERSION, get_config, the WebSocket greeting
  hold,   // DomoGuard's own record of the modes it holds: only a host that holds them has it
};

// What kind of source a home was read from: a not-run reason says what that source lacks and
// what would let the rule run (--url for a folder or backup, an admin token for a live hub, ...).
enum class SourceKind { unknown, live, config_folder, replies_folder, backup, demo };

// A setting DomoGuard stopped putting back because something keeps undoing it (modes that hold):
// filled by the host that holds the modes, from its own state (not the hub).
struct HoldFight {
  std::string entity_id;
  std::string name;
  std::string mode;       // child_safe, scenario, level, privacy_default
  int attempts = 0;       // put-backs within the window before DomoGuard stopped
  int window_s = 0;
  std::string since;      // ISO 8601 UTC
};

struct Home {
  Hub hub;
  std::vector<User> users;
  std::vector<Area> areas;
  std::vector<Integration> integrations;
  std::vector<Device> devices;
  std::vector<Entity> entities;
  std::vector<DeletedDevice> deleted_devices;
  std::vector<Automation> automations;
  std::vector<Script> scripts;
  std::vector<Token> tokens;
  std::vector<App> apps;
  std::vector<DashboardResource> dashboard_resources;
  std::vector<ThreadNetwork> thread_networks;
  // The moment the snapshot describes (ISO 8601 UTC): ages (of tokens, ...) are measured from it.
  std::string taken_at;
  std::map<Part, std::string> missing;   // part -> why it could not be read (message key or text)
  std::vector<Part> present;
  std::string source;                    // describes where the snapshot came from
  SourceKind source_kind = SourceKind::unknown;
  std::vector<HoldFight> hold_fights;    // present (Part::hold) only where a host holds modes
  // DomoGuard's own state, filled from its store (not the hub): a child-safe plan has been set up.
  Flag child_safe_plan;

  bool has(Part p) const;
  void mark_present(Part p);
  void mark_missing(Part p, std::string why);

  // Lookups, built by index().
  const Device* device(const std::string& id) const;
  const Area* area(const std::string& id) const;
  const Integration* integration(const std::string& entry_id) const;
  const Integration* integration_by_domain(const std::string& domain) const;
  const Entity* entity(const std::string& entity_id) const;
  void index();
  // The lookups were built for the lists as they are now: none of devices, entities, areas or
  // integrations was replaced, grown or shrunk since index(). Whoever edits an id in place calls
  // index() again; classify() builds the index only when it is not current, so a home that its
  // adapter just indexed is not indexed twice.
  bool index_current() const;

 private:
  struct IndexStamp {
    const void* devices = nullptr;
    const void* entities = nullptr;
    const void* areas = nullptr;
    const void* integrations = nullptr;
    size_t n_devices = 0, n_entities = 0, n_areas = 0, n_integrations = 0;
    bool operator==(const IndexStamp&) const = default;
  };
  IndexStamp stamp() const;
  std::unordered_map<std::string, size_t> device_ix_, area_ix_, entry_ix_, domain_ix_, entity_ix_;
  std::optional<IndexStamp> indexed_;
};

const char* to_string(DeviceType);
const char* to_string(Tier);
const char* to_string(IotClass);
const char* to_string(AreaKind);
const char* to_string(Part);
const char* to_string(SourceKind);
bool is_cloud(IotClass c);

}  // namespace domoguard::model
