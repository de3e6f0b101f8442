#include "notice/notice.hpp"
#include "notice/notice_json.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <boost/json.hpp>
#include <set>

#include "audit/classify.hpp"
#include "util/resources.hpp"

namespace domoguard::notice {

namespace json = boost::json;
using model::Device;
using model::Entity;
using model::Home;

namespace {

constexpr const char* kVendorsPath = "manifests/catalog/vendors.json";
constexpr int kDefaultKeepDays = 10;   // Home Assistant's recorder default (purge_keep_days)

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string str_or(const json::object& o, const char* k, const char* dflt) {
  if (auto* v = o.if_contains(k); v && v->is_string()) return std::string(v->as_string());
  return dflt;
}

bool is_local(model::IotClass c) {
  using model::IotClass;
  return c == IotClass::local_push || c == IotClass::local_polling || c == IotClass::calculated ||
         c == IotClass::assumed_state;
}

bool has_any_token(const Entity& e, std::initializer_list<std::string_view> words) {
  for (auto w : words)
    if (audit::has_token(e.entity_id, w) || audit::has_token(e.translation_key, w) || audit::has_token(e.device_class, w))
      return true;
  return false;
}

// What one entity lets the hub learn about the people at home.
void senses_of(const Entity& e, std::set<std::string>& out) {
  const auto& d = e.domain;
  const auto& dc = e.device_class;
  if (d == "camera" || d == "image") out.insert("video");
  if (audit::is_microphone(e) || d == "assist_satellite" || d == "stt" || d == "wake_word") out.insert("audio");
  // Motion, doors and locks tell when people are in and when they come and go.
  if (d == "device_tracker" || d == "person" || d == "lock" ||
      (d == "binary_sensor" && (dc == "motion" || dc == "occupancy" || dc == "presence" || dc == "door" ||
                                dc == "opening" || dc == "garage_door")) ||
      (d == "event" && (dc == "doorbell" || dc == "motion")))
    out.insert("presence");
  if (audit::is_location(e)) out.insert("location");
  // Energy use over time shows daily routines (when people wake, cook, leave).
  if (d == "sensor" && (dc == "power" || dc == "energy" || dc == "current")) out.insert("energy");
  if (has_any_token(e, {"heart", "steps", "sleep", "blood", "spo2", "pulse", "bpm"})) out.insert("health");
}

json::object destination_json(const Destination& d) {
  return {{"kind", d.kind}, {"domain", d.domain}, {"vendor", d.vendor}, {"service", d.service},
          {"privacy_policy", d.privacy_policy}, {"source", d.source}};
}

json::array str_array(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

Destination destination_for(const std::string& kind, const std::string& domain, const std::vector<Vendor>& vendors) {
  Destination d{kind, domain, "", "", "unknown", ""};
  if (const auto* v = find_vendor(vendors, domain)) {
    d.vendor = v->vendor;
    d.service = v->cloud_service;
    d.privacy_policy = v->privacy_policy;
    d.source = v->source;
  }
  return d;
}

std::pair<int, int> people_accounts(const Home& home) {
  int users = 0, admins = 0;
  for (const auto& u : home.users) {
    if (u.system_generated || !u.active) continue;
    ++users;
    if (u.admin || u.owner) ++admins;
  }
  return {users, admins};
}

std::string assistant_name_key(const std::string& a) { return "notice.assistant." + a; }

}  // namespace

std::string sha256_hex(const std::string& text) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(text.data(), text.size(), md, &len, EVP_sha256(), nullptr) != 1) return "";
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out += hex[md[i] >> 4];
    out += hex[md[i] & 15];
  }
  return out;
}

Result<std::vector<Vendor>> parse_vendors(std::string_view text, const std::string& origin) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object())
    return Error{ErrorCode::bad_input, "error.vendors.malformed", "The vendor data is not a JSON object", origin, ""};
  auto* arr = v.as_object().if_contains("vendors");
  if (!arr || !arr->is_array())
    return Error{ErrorCode::bad_input, "error.vendors.malformed", "The vendor data has no \"vendors\" list", origin, ""};
  std::vector<Vendor> out;
  size_t i = 0;
  for (const auto& e : arr->as_array()) {
    if (!e.is_object() || !e.as_object().if_contains("domain") || !e.as_object().at("domain").is_string())
      return Error{ErrorCode::bad_input, "error.vendors.malformed", "A vendor entry has no domain", origin,
                   "vendors[" + std::to_string(i) + "]"};
    const auto& o = e.as_object();
    out.push_back({str_or(o, "domain", ""), str_or(o, "vendor", "unknown"), str_or(o, "cloud_service", ""),
                   str_or(o, "privacy_policy", "unknown"), str_or(o, "source", "unknown")});
    ++i;
  }
  return out;
}

Result<std::vector<Vendor>> load_vendors() {
  auto text = resources::get(kVendorsPath);
  if (!text) return Error{ErrorCode::internal, "error.vendors.missing", "The vendor data is not embedded", kVendorsPath, ""};
  return parse_vendors(*text, kVendorsPath);
}

const Vendor* find_vendor(const std::vector<Vendor>& vendors, const std::string& domain) {
  for (const auto& v : vendors)
    if (v.domain == domain) return &v;
  return nullptr;
}

const std::vector<std::string>& all_senses() {
  static const std::vector<std::string> s = {"video", "audio", "presence", "location", "energy", "health", "children"};
  return s;
}

bool has_notice(const Device& d) { return !d.disabled && d.type != model::DeviceType::hub; }

DeviceNotice device_notice(const Home& home, const Device& device, const std::vector<Vendor>& vendors) {
  DeviceNotice n;
  n.device_id = device.id;
  n.device_name = device.name;
  n.area_name = audit::area_name_of(home, device.area_id);
  n.type = model::to_string(device.type);

  std::set<std::string> senses;
  if (device.type == model::DeviceType::camera || device.type == model::DeviceType::doorbell) senses.insert("video");
  // A video doorbell answers the door: it carries the visitor's voice.
  if (device.type == model::DeviceType::doorbell || device.type == model::DeviceType::voice_assistant)
    senses.insert("audio");
  if (device.type == model::DeviceType::presence) senses.insert("presence");
  std::set<std::string> switches, exposed;
  for (size_t ix : device.entities) {
    if (ix >= home.entities.size()) continue;
    const auto& e = home.entities[ix];
    std::set<std::string> mine;
    senses_of(e, mine);
    if (!e.disabled && !mine.empty()) ++n.can_disable;
    if (!e.disabled) senses.insert(mine.begin(), mine.end());
    if (audit::is_privacy_switch(e)) switches.insert(e.entity_id);
    if (e.disabled) continue;
    if (e.exposure.conversation.value_or(false)) exposed.insert("conversation");
    if (e.exposure.alexa.value_or(false)) exposed.insert("alexa");
    if (e.exposure.google.value_or(false)) exposed.insert("google");
  }
  // Children's data: anything sensing in a child's room is about the child.
  if (!senses.empty() && audit::area_kind_of(home, device.area_id) == model::AreaKind::kids) senses.insert("children");
  for (const auto& s : all_senses())
    if (senses.count(s)) n.senses.push_back(s);
  n.privacy_switches.assign(switches.begin(), switches.end());
  for (const char* a : {"conversation", "alexa", "google"})
    if (exposed.count(a)) n.exposed_to.push_back(a);

  bool any_cloud = false, all_local = !device.config_entry_ids.empty();
  for (const auto& entry : device.config_entry_ids) {
    const auto* integ = home.integration(entry);
    if (!integ) {
      all_local = false;
      continue;
    }
    if (std::find(n.integrations.begin(), n.integrations.end(), integ->domain) == n.integrations.end())
      n.integrations.push_back(integ->domain);
    if (model::is_cloud(integ->iot_class)) {
      any_cloud = true;
      n.destinations.push_back(destination_for("vendor_cloud", integ->domain, vendors));
    } else if (!is_local(integ->iot_class)) {
      all_local = false;
    }
  }
  // Exposing an entity to a cloud voice assistant sends its state to that assistant's vendor,
  // unless the hub says the assistant link is off.
  if (exposed.count("alexa") && home.hub.alexa_enabled.value_or(true))
    n.destinations.push_back(destination_for("assistant", "alexa", vendors));
  if (exposed.count("google") && home.hub.google_enabled.value_or(true))
    n.destinations.push_back(destination_for("assistant", "google_assistant", vendors));
  n.data_path = any_cloud ? "cloud" : all_local ? "local" : "unknown";
  n.keep_days = home.hub.recorder_keep_days;
  std::tie(n.users, n.admins) = people_accounts(home);

  json::array dests;
  for (const auto& d : n.destinations) dests.push_back(destination_json(d));
  json::object c{{"schema", 1},
                 {"device_id", n.device_id},
                 {"type", n.type},
                 {"senses", str_array(n.senses)},
                 {"data_path", n.data_path},
                 {"integrations", str_array(n.integrations)},
                 {"destinations", std::move(dests)},
                 {"users", n.users},
                 {"admins", n.admins},
                 {"privacy_switches", str_array(n.privacy_switches)},
                 {"exposed_to", str_array(n.exposed_to)},
                 {"can_disable", n.can_disable}};
  if (n.keep_days) c["keep_days"] = *n.keep_days;
  else c["keep_days"] = "default";
  n.canonical = json::serialize(c);
  n.version = sha256_hex(n.canonical);
  return n;
}

HomeNotice home_notice(const Home& home, const std::vector<Vendor>& vendors) {
  HomeNotice h;
  h.hub_name = home.hub.name;
  for (const auto& d : home.devices)
    if (has_notice(d)) h.devices.push_back(device_notice(home, d, vendors));
  std::sort(h.devices.begin(), h.devices.end(),
            [](const DeviceNotice& a, const DeviceNotice& b) { return a.device_id < b.device_id; });
  for (const auto& s : all_senses()) {
    int count = static_cast<int>(std::count_if(h.devices.begin(), h.devices.end(), [&](const DeviceNotice& n) {
      return std::find(n.senses.begin(), n.senses.end(), s) != n.senses.end();
    }));
    if (count) h.sense_counts.emplace_back(s, count);
  }
  std::set<std::string> seen;
  for (const auto& n : h.devices)
    for (const auto& d : n.destinations)
      if (seen.insert(d.domain).second) h.destinations.push_back(d);
  std::sort(h.destinations.begin(), h.destinations.end(),
            [](const Destination& a, const Destination& b) { return a.domain < b.domain; });
  h.keep_days = home.hub.recorder_keep_days;
  std::tie(h.users, h.admins) = people_accounts(home);
  h.remote_ui = home.hub.remote_ui;
  h.analytics = home.hub.analytics_base;

  json::array devices, dests;
  for (const auto& n : h.devices) devices.push_back(json::object{{"device_id", n.device_id}, {"version", n.version}});
  for (const auto& d : h.destinations) dests.push_back(destination_json(d));
  auto flag = [](const model::Flag& f) -> json::value { return f ? json::value(*f) : json::value(nullptr); };
  json::object c{{"schema", 1},
                 {"devices", std::move(devices)},
                 {"destinations", std::move(dests)},
                 {"users", h.users},
                 {"admins", h.admins},
                 {"remote_ui", flag(h.remote_ui)},
                 {"analytics", flag(h.analytics)}};
  if (h.keep_days) c["keep_days"] = *h.keep_days;
  else c["keep_days"] = "default";
  h.canonical = json::serialize(c);
  h.version = sha256_hex(h.canonical);
  return h;
}

namespace {

void keep_line(const std::optional<int>& days, std::vector<Line>& out) {
  if (days) out.push_back({"notice.keeps.days", {{"days", std::to_string(*days)}}});
  else out.push_back({"notice.keeps.default", {{"days", std::to_string(kDefaultKeepDays)}}});
}

void destination_line(const Destination& d, const char* cloud_key, const char* assistant_key, std::vector<Line>& out) {
  out.push_back({d.kind == "assistant" ? assistant_key : cloud_key,
                 {{"service", d.service.empty() ? "unknown" : d.service},
                  {"vendor", d.vendor.empty() ? "unknown" : d.vendor},
                  {"integration", d.domain},
                  {"policy", d.privacy_policy.empty() ? "unknown" : d.privacy_policy},
                  {"source", d.source.empty() ? "unknown" : d.source}}});
}

}  // namespace

std::vector<Line> lines(const DeviceNotice& n) {
  std::vector<Line> out;
  if (n.senses.empty()) out.push_back({"notice.senses.none", {}});
  for (const auto& s : n.senses) out.push_back({"notice.sense." + s, {}});
  if (n.data_path == "local") out.push_back({"notice.data.local", {}});
  else if (n.data_path == "unknown") out.push_back({"notice.data.unknown", {}});
  for (const auto& d : n.destinations) destination_line(d, "notice.data.cloud", "notice.data.assistant", out);
  keep_line(n.keep_days, out);
  out.push_back({"notice.who.hub", {{"users", std::to_string(n.users)}, {"admins", std::to_string(n.admins)}}});
  for (const auto& d : n.destinations)
    if (d.kind == "vendor_cloud") out.push_back({"notice.who.vendor", {{"vendor", d.vendor.empty() ? "unknown" : d.vendor}}});
  bool any_off = false;
  for (const auto& s : n.privacy_switches) {
    out.push_back({"notice.off.privacy_switch", {{"entity", s}}});
    any_off = true;
  }
  for (const auto& a : n.exposed_to) {
    out.push_back({"notice.off.exposure", {{"assistant_key", assistant_name_key(a)}}});
    any_off = true;
  }
  if (n.can_disable > 0) {
    out.push_back({"notice.off.disable", {{"count", std::to_string(n.can_disable)}}});
    any_off = true;
  }
  for (const auto& d : n.destinations)
    if (d.kind == "vendor_cloud") {
      out.push_back({"notice.off.remove_integration", {{"integration", d.domain}}});
      any_off = true;
    }
  if (!any_off) out.push_back({"notice.off.nothing", {}});
  return out;
}

std::vector<Line> lines(const HomeNotice& h) {
  std::vector<Line> out;
  out.push_back({"notice.home.devices", {{"count", std::to_string(h.devices.size())}}});
  for (const auto& [sense, count] : h.sense_counts)
    out.push_back({"notice.home.sense", {{"count", std::to_string(count)}, {"sense_key", "notice.sense_name." + sense}}});
  if (h.destinations.empty()) out.push_back({"notice.home.local_only", {}});
  for (const auto& d : h.destinations) destination_line(d, "notice.home.cloud", "notice.home.assistant", out);
  keep_line(h.keep_days, out);
  out.push_back({"notice.who.hub", {{"users", std::to_string(h.users)}, {"admins", std::to_string(h.admins)}}});
  if (h.remote_ui.value_or(false)) out.push_back({"notice.home.remote_ui", {}});
  if (h.analytics.value_or(false)) out.push_back({"notice.home.analytics", {}});
  return out;
}

namespace {

// Placeholders ending in "_key" name another message: resolve them in the reader's language.
locale::Placeholders resolve(const Line& l, const locale::Messages& msg) {
  locale::Placeholders ph;
  for (const auto& [k, v] : l.ph) {
    if (k.size() > 4 && k.compare(k.size() - 4, 4, "_key") == 0) ph.emplace_back(k.substr(0, k.size() - 4), msg.text(v));
    else if (v == "unknown") ph.emplace_back(k, msg.text("notice.unknown"));
    else ph.emplace_back(k, v);
  }
  return ph;
}

json::array line_texts(const std::vector<Line>& ls, const locale::Messages& msg) {
  json::array a;
  for (const auto& l : ls) a.push_back(json::object{{"key", l.key}, {"text", msg.text(l.key, resolve(l, msg))}});
  return a;
}

}  // namespace

std::string text(const DeviceNotice& n, const locale::Messages& msg) {
  std::string out = msg.text("notice.title.device", {{"name", n.device_name}}) + "\n";
  for (const auto& l : lines(n)) out += "  " + msg.text(l.key, resolve(l, msg)) + "\n";
  out += "  " + msg.text("notice.version", {{"version", n.version.substr(0, 12)}}) + "\n";
  return out;
}

std::string text(const HomeNotice& h, const locale::Messages& msg) {
  std::string out = msg.text("notice.title.home", {{"name", h.hub_name}}) + "\n";
  for (const auto& l : lines(h)) out += "  " + msg.text(l.key, resolve(l, msg)) + "\n";
  out += "  " + msg.text("notice.version", {{"version", h.version.substr(0, 12)}}) + "\n";
  return out;
}

json::object to_json(const DeviceNotice& n, const locale::Messages& msg) {
  json::array dests;
  for (const auto& d : n.destinations) dests.push_back(destination_json(d));
  json::object o{{"device_id", n.device_id},
                 {"name", n.device_name},
                 {"area", n.area_name},
                 {"type", n.type},
                 {"title", msg.text("notice.title.device", {{"name", n.device_name}})},
                 {"version", n.version},
                 {"senses", str_array(n.senses)},
                 {"data_path", n.data_path},
                 {"integrations", str_array(n.integrations)},
                 {"destinations", std::move(dests)},
                 {"privacy_switches", str_array(n.privacy_switches)},
                 {"exposed_to", str_array(n.exposed_to)},
                 {"lines", line_texts(lines(n), msg)}};
  if (n.keep_days) o["keep_days"] = *n.keep_days;
  else o["keep_days"] = nullptr;
  return o;
}

json::object to_json(const HomeNotice& h, const locale::Messages& msg) {
  json::array devices, dests;
  for (const auto& n : h.devices)
    devices.push_back(json::object{{"device_id", n.device_id}, {"name", n.device_name}, {"version", n.version},
                                   {"senses", str_array(n.senses)}, {"data_path", n.data_path}});
  for (const auto& d : h.destinations) dests.push_back(destination_json(d));
  return json::object{{"title", msg.text("notice.title.home", {{"name", h.hub_name}})},
                      {"version", h.version},
                      {"devices", std::move(devices)},
                      {"destinations", std::move(dests)},
                      {"lines", line_texts(lines(h), msg)}};
}

const Device* find_device(const Home& home, const std::string& id_or_name) {
  if (const auto* d = home.device(id_or_name)) return d;
  const Device* found = nullptr;
  const std::string want = lower(id_or_name);
  for (const auto& d : home.devices)
    if (lower(d.name) == want) {
      if (found) return nullptr;
      found = &d;
    }
  return found;
}

}  // namespace domoguard::notice
