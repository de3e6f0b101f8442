#include "hub/ha/build.hpp"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <set>
#include <tuple>
#include <unordered_map>

#include "hub/ha/adapter.hpp"
#include "util/text.hpp"

namespace domoguard::hub::ha::detail {

namespace {

std::string domain_of(const std::string& entity_id) {
  auto dot = entity_id.find('.');
  return dot == std::string::npos ? std::string() : entity_id.substr(0, dot);
}

void pairs(const json::object& o, std::string_view key, std::vector<std::pair<std::string, std::string>>& out) {
  const auto* a = arr(o, key);
  if (!a) return;
  for (const auto& p : *a) {
    if (out.size() >= 64) break;
    const auto* pa = p.if_array();
    if (!pa || pa->size() != 2) continue;
    out.emplace_back(text((*pa)[0]), text((*pa)[1]));
  }
}

void push_unique(std::vector<std::string>& v, std::string s) {
  if (s.empty() || v.size() >= 256) return;
  if (std::find(v.begin(), v.end(), s) == v.end()) v.push_back(std::move(s));
}

// entity_id may be a string, a comma-separated string or a list.
void entity_ids(const json::value* v, std::vector<std::string>& out) {
  if (!v) return;
  if (v->is_string()) {
    std::string s = text(*v);
    std::size_t start = 0;
    while (start <= s.size()) {
      auto comma = s.find(',', start);
      std::string part = s.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      part.erase(0, part.find_first_not_of(' '));
      while (!part.empty() && part.back() == ' ') part.pop_back();
      if (part.find('.') != std::string::npos) push_unique(out, part);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  } else if (v->is_array()) {
    for (const auto& e : v->get_array()) entity_ids(&e, out);
  }
}

const json::value* either(const json::object& o, std::string_view a, std::string_view b) {
  if (const auto* v = o.if_contains(a)) return v;
  return o.if_contains(b);
}

void for_each_item(const json::value* v, const auto& fn) {
  if (!v) return;
  if (v->is_array()) {
    for (const auto& e : v->get_array())
      if (e.is_object()) fn(e.get_object());
  } else if (v->is_object()) {
    fn(v->get_object());
  }
}

void triggers(const json::value* v, model::Automation& a) {
  for_each_item(v, [&](const json::object& t) {
    std::string kind = str(t, "trigger");
    if (kind.empty()) kind = str(t, "platform");
    if (kind.empty()) return;
    std::vector<std::string> ents;
    entity_ids(t.if_contains("entity_id"), ents);
    if (kind == "device") {
      std::string d = str(t, "domain");
      push_unique(a.trigger_kinds, d.empty() ? kind : kind + ":" + d);
    } else if ((kind == "state" || kind == "numeric_state") && !ents.empty()) {
      for (const auto& e : ents) push_unique(a.trigger_kinds, kind + ":" + domain_of(e));
    } else {
      push_unique(a.trigger_kinds, kind);
    }
    for (auto& e : ents) push_unique(a.trigger_entities, e);
    if (kind == "zone") push_unique(a.trigger_entities, str(t, "zone"));
  });
}

void conditions(const json::value* v, model::Automation& a, int depth) {
  if (!v || depth > 16) return;
  if (v->is_string()) {
    push_unique(a.condition_kinds, "template");
    return;
  }
  if (v->is_array()) {
    for (const auto& c : v->get_array()) conditions(&c, a, depth + 1);
    return;
  }
  if (!v->is_object()) return;
  const auto& c = v->get_object();
  std::string kind = str(c, "condition");
  if (kind == "device") {
    std::string d = str(c, "domain");
    kind = d.empty() ? kind : kind + ":" + d;
  }
  push_unique(a.condition_kinds, kind);
  conditions(c.if_contains("conditions"), a, depth + 1);
}

void actions(const json::value* v, model::Automation& a, int depth) {
  if (!v || depth > 16) return;
  if (v->is_array()) {
    for (const auto& x : v->get_array()) actions(&x, a, depth + 1);
    return;
  }
  if (!v->is_object()) return;
  const auto& o = v->get_object();
  std::string service = str(o, "action");
  if (service.empty()) service = str(o, "service");
  if (service.empty() && str(o, "device_id").size() && str(o, "domain").size() && str(o, "type").size())
    service = str(o, "domain") + "." + str(o, "type");   // device action, e.g. lock.unlock
  if (!service.empty()) push_unique(a.action_services, service);
  entity_ids(o.if_contains("entity_id"), a.action_entities);
  if (const auto* t = obj(o, "target")) entity_ids(t->if_contains("entity_id"), a.action_entities);
  if (const auto* d = obj(o, "data")) entity_ids(d->if_contains("entity_id"), a.action_entities);
  if (const auto* sc = o.if_contains("scene"); sc && sc->is_string()) {
    push_unique(a.action_services, "scene.turn_on");
    push_unique(a.action_entities, text(*sc));
  }
  // Nested building blocks.
  for (const char* key : {"sequence", "then", "else", "default", "parallel"}) actions(o.if_contains(key), a, depth + 1);
  if (const auto* ch = o.if_contains("choose")) {
    for_each_item(ch, [&](const json::object& opt) {
      conditions(either(opt, "conditions", "condition"), a, depth + 1);
      actions(opt.if_contains("sequence"), a, depth + 1);
    });
  }
  if (const auto* r = obj(o, "repeat")) actions(r->if_contains("sequence"), a, depth + 1);
  if (const auto* c = o.if_contains("if")) conditions(c, a, depth + 1);
}

std::string_view tolower_view(std::string& buf, std::string_view s) {
  buf.assign(s.begin(), s.end());
  for (auto& c : buf) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return buf;
}

// Camera access tokens (also inside entity_picture URLs) and similar values grant access; never copied.
bool secret_attribute(std::string_view key) {
  for (std::string_view bad : {"token", "password", "secret", "api_key"})
    if (key.find(bad) != std::string_view::npos) return true;
  return key == "entity_picture" || key == "code" || key == "stream_source";
}

}  // namespace

void apply_http_settings(const json::object& conf, std::string_view origin, model::Home& home) {
  auto& h = home.hub.http;
  h = model::HttpSettings{};
  h.origin = std::string(origin);
  auto list = [&](std::string_view key) -> std::optional<std::vector<std::string>> {
    const auto* v = conf.if_contains(key);
    if (!v || v->is_null()) return std::nullopt;
    std::vector<std::string> out;
    if (v->is_string()) out.push_back(text(*v));   // HA's schema wraps a single value in a list
    else if (v->is_array())
      for (const auto& e : v->get_array())
        if (e.is_string() && out.size() < 64) out.push_back(text(e));
    return out;
  };
  // HA's HTTP schema (components/http/config.py): certificate optional; ip_ban_enabled true;
  // login_attempts_threshold -1 (never bans); cors_allowed_origins the cast app only;
  // use_x_forwarded_for and trusted_proxies unset (off, none).
  h.ssl = !raw(conf, "ssl_certificate").empty();
  h.ip_ban_enabled = boolean(conf, "ip_ban_enabled");
  if (!h.ip_ban_enabled) h.ip_ban_enabled = true, h.defaults_applied = true;
  if (auto n = integer(conf, "login_attempts_threshold")) h.login_attempts_threshold = static_cast<int>(*n);
  else h.login_attempts_threshold = -1, h.defaults_applied = true;
  h.use_x_forwarded_for = boolean(conf, "use_x_forwarded_for");
  if (!h.use_x_forwarded_for) h.use_x_forwarded_for = false, h.defaults_applied = true;
  h.trusted_proxies = list("trusted_proxies");
  if (!h.trusted_proxies) h.trusted_proxies = std::vector<std::string>{}, h.defaults_applied = true;
  h.cors_allowed_origins = list("cors_allowed_origins");
  if (!h.cors_allowed_origins)
    h.cors_allowed_origins = std::vector<std::string>{"https://cast.home-assistant.io"}, h.defaults_applied = true;
  auto hosts = list("server_host");
  h.server_host_set = hosts && !hosts->empty();
  home.hub.tls = h.ssl;
  home.hub.ip_ban = h.ip_ban_enabled;
  home.hub.has_http_data = true;
  home.mark_present(model::Part::http);
}

model::Device parse_device(const json::object& o, bool child) {
  model::Device d;
  d.id = str(o, "id");
  d.name = str(o, "name_by_user");
  if (d.name.empty()) d.name = str(o, "name");
  d.manufacturer = str(o, "manufacturer");
  d.model = str(o, "model");
  d.model_id = str(o, "model_id");
  d.sw_version = str(o, "sw_version");
  d.hw_version = str(o, "hw_version");
  d.serial_number = str(o, "serial_number");
  d.area_id = str(o, "area_id");
  // Major 3 (2026.8+) has one config entry; major 1 and older WS replies list several.
  // The entry that created the device comes first (it names its primary integration); entries that
  // only attached an entity through a shared connection (a router's tracker) follow.
  push_unique(d.config_entry_ids, str(o, "primary_config_entry"));
  push_unique(d.config_entry_ids, str(o, "config_entry_id"));
  if (const auto* a = arr(o, "config_entries"))
    for (const auto& e : *a) push_unique(d.config_entry_ids, text(e));
  d.via_device_id = str(o, "via_device_id");
  d.parent_device_id = str(o, "parent_device_id");
  d.configuration_url = str(o, "configuration_url");
  pairs(o, "connections", d.connections);
  pairs(o, "identifiers", d.identifiers);
  d.disabled = is_set(o, "disabled_by");
  d.service = raw(o, "entry_type") == "service";
  d.child_device = child || !d.parent_device_id.empty();
  return d;
}

model::DeletedDevice parse_deleted_device(const json::object& o) {
  model::DeletedDevice d;
  d.id = str(o, "id");
  d.name = str(o, "name_by_user");
  if (d.name.empty()) d.name = str(o, "name");
  d.domain = str(o, "domain");
  if (d.domain.empty()) {
    std::vector<std::pair<std::string, std::string>> ids;
    pairs(o, "identifiers", ids);
    if (!ids.empty()) d.domain = ids.front().first;
  }
  d.area_id = str(o, "area_id");
  pairs(o, "identifiers", d.identifiers);
  if (d.identifiers.size() > 8) d.identifiers.resize(8);
  if (const auto* t = o.if_contains("orphaned_timestamp"); t && !t->is_null()) {
    d.orphaned = true;
    d.orphaned_at = epoch_to_iso(*t);
  }
  // Major 3 nulls config_entry_id when the integration entry went away.
  if (o.contains("config_entry_id") && !is_set(o, "config_entry_id")) d.orphaned = true;
  if (const auto* a = arr(o, "config_entries"); a && a->empty()) d.orphaned = true;
  return d;
}

namespace {

// A hardware address written as six colon-separated octets, alone or at the end of an identifier
// after "_" (iBeacon identifiers end with the beacon's address); lower case, or "" when none.
std::string trailing_mac(std::string_view v) {
  if (v.size() < 17) return {};
  std::string_view tail = v.substr(v.size() - 17);
  if (v.size() > 17 && v[v.size() - 18] != '_') return {};
  for (std::size_t i = 0; i < 17; ++i) {
    const char c = tail[i];
    if (i % 3 == 2 ? c != ':' : !std::isxdigit(static_cast<unsigned char>(c))) return {};
  }
  std::string out(tail);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

void fold_same_devices(model::Home& home) {
  auto& devs = home.devices;
  const size_t n = devs.size();
  if (n < 2) return;
  std::vector<size_t> parent(n);
  for (size_t i = 0; i < n; ++i) parent[i] = i;
  auto root = [&](size_t i) {
    while (parent[i] != i) i = parent[i] = parent[parent[i]];
    return i;
  };
  std::unordered_map<std::string, size_t> first;
  auto lower = [](std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  };
  for (size_t i = 0; i < n; ++i) {
    const auto& d = devs[i];
    if (d.child_device || d.service) continue;   // child devices are parts of their parent, never copies
    auto link = [&](std::string key) {
      auto [it, fresh] = first.emplace(std::move(key), i);
      if (!fresh) parent[root(i)] = root(it->second);
    };
    for (const auto& [type, value] : d.connections) {
      if (!value.empty()) link("c\x1f" + lower(type) + "\x1f" + lower(value));
      if (auto mac = trailing_mac(value); !mac.empty()) link("m\x1f" + mac);
    }
    // The same radio seen by several integrations (govee_ble's connection, ble_monitor's and
    // ibeacon's identifiers) is one device.
    for (const auto& [domain, id] : d.identifiers) {
      if (!id.empty()) link("i\x1f" + domain + "\x1f" + id);
      if (auto mac = trailing_mac(id); !mac.empty()) link("m\x1f" + mac);
    }
  }
  // Entities per device, to pick the entry that says what the device is.
  std::unordered_map<std::string, std::pair<int, int>> weight;   // id -> (own entities, tracker entities)
  for (const auto& e : home.entities) {
    if (e.device_id.empty()) continue;
    auto& w = weight[e.device_id];
    (e.domain == "device_tracker" ? w.second : w.first)++;
  }
  std::unordered_map<size_t, std::vector<size_t>> groups;
  for (size_t i = 0; i < n; ++i) groups[root(i)].push_back(i);
  std::unordered_map<std::string, std::string> moved;   // folded id -> kept id
  std::vector<bool> drop(n, false);
  for (auto& [r, members] : groups) {
    if (members.size() < 2) continue;
    auto score = [&](size_t i) {
      const auto& d = devs[i];
      auto w = weight[d.id];
      return std::make_tuple(!d.disabled, w.first, !d.model.empty() || !d.manufacturer.empty(), w.second);
    };
    size_t keep = members.front();
    for (size_t i : members)
      if (score(i) > score(keep)) keep = i;
    auto& k = devs[keep];
    for (size_t i : members) {
      if (i == keep) continue;
      auto& o = devs[i];
      for (auto& e : o.config_entry_ids) push_unique(k.config_entry_ids, e);
      for (const auto& m : o.merged_ids) push_unique(k.merged_ids, m);
      push_unique(k.merged_ids, o.id);
      for (std::string model::Device::*f : {&model::Device::manufacturer, &model::Device::model, &model::Device::model_id,
                      &model::Device::sw_version, &model::Device::hw_version, &model::Device::area_id})
        if ((k.*f).empty()) k.*f = o.*f;
      moved.emplace(o.id, k.id);
      drop[i] = true;
    }
  }
  if (moved.empty()) return;
  for (auto& e : home.entities)
    if (auto it = moved.find(e.device_id); it != moved.end()) e.device_id = it->second;
  for (auto& d : devs) {
    if (auto it = moved.find(d.via_device_id); it != moved.end()) d.via_device_id = it->second;
    if (auto it = moved.find(d.parent_device_id); it != moved.end()) d.parent_device_id = it->second;
  }
  std::vector<model::Device> kept;
  kept.reserve(n - moved.size());
  for (size_t i = 0; i < n; ++i)
    if (!drop[i]) kept.push_back(std::move(devs[i]));
  devs = std::move(kept);
}

model::Entity parse_entity(const json::object& o) {
  model::Entity e;
  e.entity_id = str(o, "entity_id");
  e.domain = domain_of(e.entity_id);
  e.unique_id = str(o, "unique_id");
  e.platform = str(o, "platform");
  e.config_entry_id = str(o, "config_entry_id");
  e.device_id = str(o, "device_id");
  e.area_id = str(o, "area_id");
  e.original_name = str(o, "original_name");
  e.name = str(o, "name");
  if (e.name.empty()) e.name = e.original_name;
  e.device_class = str(o, "device_class");
  if (e.device_class.empty()) e.device_class = str(o, "original_device_class");
  e.translation_key = str(o, "translation_key");
  e.entity_category = str(o, "entity_category");
  e.disabled = is_set(o, "disabled_by");
  e.hidden = is_set(o, "hidden_by");
  e.supported_features = integer(o, "supported_features").value_or(0);
  if (const auto* opts = obj(o, "options")) {
    auto expose = [&](std::string_view assistant) -> model::Flag {
      if (const auto* a = obj(*opts, assistant)) return boolean(*a, "should_expose");
      return std::nullopt;
    };
    e.exposure.conversation = expose("conversation");
    e.exposure.alexa = expose("cloud.alexa");
    e.exposure.google = expose("cloud.google_assistant");
    // Only the fact that a code is stored; the code itself is never copied.
    for (const char* dom : {"lock", "alarm_control_panel"})
      if (const auto* d = obj(*opts, dom)) {
        const auto* c = d->if_contains("default_code");
        if (c && ((c->is_string() && !c->get_string().empty()) || c->is_number())) e.has_default_code = true;
      }
  }
  return e;
}

model::Area parse_area(const json::object& o) {
  model::Area a;
  a.id = str(o, "area_id");
  if (a.id.empty()) a.id = str(o, "id");   // storage form
  a.name = str(o, "name");
  return a;
}

model::IotClass parse_iot_class(std::string_view s) {
  using model::IotClass;
  if (s == "local_push") return IotClass::local_push;
  if (s == "local_polling") return IotClass::local_polling;
  if (s == "cloud_push") return IotClass::cloud_push;
  if (s == "cloud_polling") return IotClass::cloud_polling;
  if (s == "assumed_state") return IotClass::assumed_state;
  if (s == "calculated") return IotClass::calculated;
  return IotClass::unknown;
}

std::string host_kind(std::string_view host_in) {
  std::string buf;
  std::string_view h = tolower_view(buf, host_in);
  if (h.empty()) return {};
  if (auto p = h.find("://"); p != std::string_view::npos) h = h.substr(p + 3);
  if (auto p = h.find_first_of("/?#"); p != std::string_view::npos) h = h.substr(0, p);
  if (auto at = h.rfind('@'); at != std::string_view::npos) h = h.substr(at + 1);
  if (!h.empty() && h.front() == '[') {
    auto close = h.find(']');
    h = h.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1);
  } else if (std::count(h.begin(), h.end(), ':') == 1) {
    h = h.substr(0, h.find(':'));
  }
  if (h.empty()) return {};
  if (h == "localhost" || h == "::1" || h.rfind("127.", 0) == 0 || h == "0.0.0.0") return "loopback";
  // IPv4 literal?
  unsigned a[4] = {0, 0, 0, 0};
  int parts = 0;
  bool ipv4 = true;
  std::size_t i = 0;
  while (i <= h.size() && parts < 4) {
    std::size_t j = h.find('.', i);
    auto seg = h.substr(i, j == std::string_view::npos ? std::string_view::npos : j - i);
    if (seg.empty() || seg.size() > 3 || !std::all_of(seg.begin(), seg.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      ipv4 = false;
      break;
    }
    a[parts++] = static_cast<unsigned>(std::stoi(std::string(seg)));
    if (j == std::string_view::npos) break;
    i = j + 1;
  }
  if (ipv4 && parts == 4) {
    if (a[0] == 10 || (a[0] == 172 && a[1] >= 16 && a[1] <= 31) || (a[0] == 192 && a[1] == 168) ||
        (a[0] == 169 && a[1] == 254) || (a[0] == 100 && a[1] >= 64 && a[1] <= 127))
      return "local";
    return "remote";
  }
  if (h.find(':') != std::string_view::npos)   // IPv6 literal
    return (h.rfind("fe80", 0) == 0 || h.rfind("fd", 0) == 0 || h.rfind("fc", 0) == 0) ? "local" : "remote";
  // Single-label names (e.g. the "core-mosquitto" app) and mDNS/home suffixes resolve on the LAN.
  if (h.find('.') == std::string_view::npos) return "local";
  for (std::string_view suffix : {".local", ".lan", ".home", ".internal", ".home.arpa", ".localdomain"})
    if (h.size() > suffix.size() && h.substr(h.size() - suffix.size()) == suffix) return "local";
  return "remote";
}

void derive_connection_facts(const json::object* data, const json::object* options, model::Integration& in) {
  // Options override data, as HA merges them for most integrations.
  auto get = [&](std::string_view key) -> const json::value* {
    if (options)
      if (const auto* v = options->if_contains(key)) return v;
    if (data) return data->if_contains(key);
    return nullptr;
  };
  auto get_bool = [&](std::string_view key) -> model::Flag {
    const auto* v = get(key);
    if (v && v->is_bool()) return v->get_bool();
    return std::nullopt;
  };
  auto non_empty = [&](std::string_view key) {
    const auto* v = get(key);
    return v && v->is_string() && !v->get_string().empty();
  };
  auto host_string = [&](std::string_view key) -> std::string_view {
    const auto* v = get(key);
    return v && v->is_string() ? std::string_view(v->get_string().data(), v->get_string().size()) : std::string_view();
  };
  if (!data && !options) return;

  if (in.domain == "mqtt") {
    // MQTT: a "certificate" key ("auto" or a CA) switches TLS on; tls_insecure skips verification.
    const auto* cert = get("certificate");
    bool tls = (cert && !cert->is_null() && !(cert->is_string() && cert->get_string().empty())) ||
               non_empty("client_cert");
    auto port = get("port");
    if (port && port->is_int64() && port->get_int64() == 8883) tls = true;
    in.uses_tls = tls;
    in.has_auth = non_empty("username") || non_empty("client_cert");
    if (tls) in.verify_tls = !get_bool("tls_insecure").value_or(false);
    in.transport_host_kind = host_kind(host_string("broker"));
    return;
  }
  if (auto v = get_bool("ssl")) in.uses_tls = *v;
  if (auto v = get_bool("verify_ssl")) in.verify_tls = *v;
  for (std::string_view k : {"url", "host", "base_url", "broker", "server"}) {
    std::string_view h = host_string(k);
    if (h.empty()) continue;
    in.transport_host_kind = host_kind(h);
    if (h.rfind("https://", 0) == 0 || h.rfind("wss://", 0) == 0) in.uses_tls = true;
    else if (h.rfind("http://", 0) == 0 || h.rfind("ws://", 0) == 0) in.uses_tls = in.uses_tls.value_or(false);
    break;
  }
  if (non_empty("username") || non_empty("password") || non_empty("api_key") || non_empty("token") ||
      non_empty("access_token"))
    in.has_auth = true;
}

model::Automation parse_automation(const json::object& c) {
  model::Automation a;
  a.id = str(c, "id");
  a.alias = str(c, "alias");
  if (const auto* v = c.if_contains("enabled"); v && v->is_bool()) a.enabled = v->get_bool();
  triggers(either(c, "triggers", "trigger"), a);
  conditions(either(c, "conditions", "condition"), a, 0);
  actions(either(c, "actions", "action"), a, 0);
  return a;
}

void merge_states(const json::array& states, model::Home& home) {
  std::unordered_map<std::string, std::size_t> ix;
  for (std::size_t i = 0; i < home.entities.size(); ++i) ix.emplace(home.entities[i].entity_id, i);
  std::size_t n = 0;
  for (const auto& sv : states) {
    if (++n > max_items) break;
    const auto* s = sv.if_object();
    if (!s) continue;
    std::string id = str(*s, "entity_id");
    if (id.find('.') == std::string::npos) continue;
    auto it = ix.find(id);
    if (it == ix.end()) {
      if (home.entities.size() >= max_items) continue;
      model::Entity e;
      e.entity_id = id;
      e.domain = domain_of(id);
      e.in_registry = false;
      it = ix.emplace(id, home.entities.size()).first;
      home.entities.push_back(std::move(e));
    }
    merge_state(*s, home.entities[it->second]);
  }
}

void merge_state(const json::object& s, model::Entity& e) {
  if (const auto* st = s.if_contains("state")) e.state = scalar_text(*st).value_or("");
  else e.state = "";
  if (const auto* attrs = obj(s, "attributes")) {
    for (const auto& kv : *attrs) {
      if (e.attributes.size() >= 128) break;
      if (secret_attribute(kv.key())) continue;
      if (auto t = scalar_text(kv.value())) e.attributes[util::clean_text(std::string_view(kv.key().data(), kv.key().size()), max_text_chars)] = *t;
    }
    if (auto f = integer(*attrs, "supported_features")) e.supported_features = *f;
    if (e.device_class.empty()) e.device_class = str(*attrs, "device_class");
    if (e.name.empty()) e.name = str(*attrs, "friendly_name");
  }
}

void apply_exposure_defaults(model::Home& home) {
  static const std::set<std::string> domains = {"climate", "cover", "fan", "humidifier", "light", "lock",
                                                "scene", "script", "switch", "vacuum", "water_heater"};
  static const std::set<std::string> binary = {"door", "garage_door", "lock", "motion", "opening", "presence", "window"};
  static const std::set<std::string> sensor = {"aqi", "co", "co2", "humidity", "pm10", "pm25", "temperature",
                                               "volatile_organic_compounds"};
  // HA stores an assistant's "expose new entities" only once someone changes it; until then its
  // default applies: on for HA's own assistant, off for the others (DEFAULT_EXPOSED_ASSISTANT in
  // components/homeassistant/exposed_entities.py). The default is a fact, and marked as one.
  if (!home.hub.expose_new.count("conversation")) {
    home.hub.expose_new["conversation"] = true;
    home.hub.defaults_applied.push_back("expose_new.conversation");
  }
  auto expose_new = [&](const char* assistant) {
    auto it = home.hub.expose_new.find(assistant);
    if (it != home.hub.expose_new.end()) return it->second;
    return false;
  };
  for (auto& e : home.entities) {
    bool by_default = !(e.in_registry && (!e.entity_category.empty() || e.hidden)) &&
                      (domains.count(e.domain) || (e.domain == "binary_sensor" && binary.count(e.device_class)) ||
                       (e.domain == "sensor" && sensor.count(e.device_class)));
    if (!e.exposure.conversation) e.exposure.conversation = expose_new("conversation") && by_default;
    if (!e.exposure.alexa) e.exposure.alexa = expose_new("cloud.alexa") && by_default;
    if (!e.exposure.google) e.exposure.google = expose_new("cloud.google_assistant") && by_default;
  }
}

bool has_zwave_devices(const model::Home& home) {
  for (const auto& d : home.devices)
    for (const auto& [dom, id] : d.identifiers)
      if (dom == "zwave_js") return true;
  return false;
}

void merge_zwave(const json::value& status, model::Home& home) {
  if (status.is_array()) {
    for (const auto& s : status.get_array()) merge_zwave(s, home);
    return;
  }
  const auto* root = status.if_object();
  if (!root) return;
  const json::object* controller = obj(*root, "controller");
  const json::object* holder = controller ? controller : root;
  std::string home_id;
  if (const auto* h = holder->if_contains("home_id")) home_id = scalar_text(*h).value_or("");
  // The worst state over all networks: one controller left including is enough.
  if (auto inc = integer(*holder, "inclusion_state"); inc && *inc >= 0 && *inc <= 4) {
    const int s = static_cast<int>(*inc);
    auto rank = [](int x) { return x == 1 ? 3 : x == 2 ? 2 : x == 3 ? 1 : 0; };
    if (!home.hub.zwave_inclusion_state || rank(s) > rank(*home.hub.zwave_inclusion_state)) home.hub.zwave_inclusion_state = s;
  }
  const auto* nodes = arr(*holder, "nodes");
  if (!nodes) nodes = arr(*root, "nodes");
  if (!nodes) return;
  std::unordered_map<std::string, int> security;   // "<home_id>-<node_id>" -> class
  for (const auto& nv : *nodes) {
    const auto* n = nv.if_object();
    if (!n) continue;
    auto node_id = integer(*n, "node_id");
    if (!node_id) continue;
    int cls = -1;
    if (auto c = integer(*n, "highest_security_class")) cls = static_cast<int>(*c);
    else if (boolean(*n, "is_secure").value_or(false)) cls = 7;   // secure but class not told: treat as legacy
    security[home_id + "-" + std::to_string(*node_id)] = cls;
  }
  for (auto& d : home.devices)
    for (const auto& [dom, id] : d.identifiers) {
      if (dom != "zwave_js") continue;
      // Identifiers are "<home_id>-<node_id>", sometimes with a product suffix.
      auto first = id.find('-');
      if (first == std::string::npos) continue;
      auto second = id.find('-', first + 1);
      auto it = security.find(id.substr(0, second));
      if (it != security.end()) d.zwave_security = it->second;
    }
}

std::string epoch_to_iso(const json::value& v) {
  if (v.is_string()) return text(v);
  double secs = 0;
  if (v.is_double()) secs = v.get_double();
  else if (v.is_int64()) secs = static_cast<double>(v.get_int64());
  else if (v.is_uint64()) secs = static_cast<double>(v.get_uint64());
  else return {};
  if (!(secs >= 0 && secs < 253402300800.0)) return {};
  std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace domoguard::hub::ha::detail
