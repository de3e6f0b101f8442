#include "hub/ha/build.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <cstdio>
#include <ctime>
#include <set>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

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
  // One pass over the key (every attribute of every state is asked): a word can only start at
  // one of its first letters.
  for (std::size_t i = 0; i < key.size(); ++i) {
    std::string_view bad;
    switch (key[i]) {
      case 't': bad = "token"; break;
      case 'p': bad = "password"; break;
      case 's': bad = "secret"; break;
      case 'a': bad = "api_key"; break;
      default: continue;
    }
    if (key.compare(i, bad.size(), bad) == 0) return true;
  }
  return key == "entity_picture" || key == "code" || key == "stream_source";
}

}  // namespace

namespace {

// One field of an item as the builders read it, from a JSON tree or from the stream: its kind and,
// for strings, its characters. The builders below give the same answers as the json_util getters.
struct Field {
  bool present = false;
  Scalar::Kind kind = Scalar::Kind::null_;
  std::string str;
  bool b = false;
  std::int64_t i = 0;
  std::uint64_t u = 0;
  double d = 0;

  void set(const Scalar& v) {
    present = true;
    kind = v.kind;
    if (kind == Scalar::Kind::string) str.assign(v.str.data(), v.str.size());
    b = v.b;
    i = v.i;
    u = v.u;
    d = v.d;
  }
  void set(const json::value* v) {
    present = v != nullptr;
    if (!v) return;
    switch (v->kind()) {
      case json::kind::null: kind = Scalar::Kind::null_; break;
      case json::kind::bool_: kind = Scalar::Kind::boolean, b = v->get_bool(); break;
      case json::kind::int64: kind = Scalar::Kind::int64, i = v->get_int64(); break;
      case json::kind::uint64: kind = Scalar::Kind::uint64, u = v->get_uint64(); break;
      case json::kind::double_: kind = Scalar::Kind::double_, d = v->get_double(); break;
      case json::kind::string: kind = Scalar::Kind::string, str.assign(v->get_string().data(), v->get_string().size()); break;
      case json::kind::array: kind = Scalar::Kind::array; break;
      case json::kind::object: kind = Scalar::Kind::object; break;
    }
  }
  bool is_string() const { return present && kind == Scalar::Kind::string; }
};

std::string text(const Field& f) { return f.is_string() ? util::clean_text(f.str, max_text_chars) : std::string(); }
bool is_set(const Field& f) { return f.present && f.kind != Scalar::Kind::null_; }
std::optional<std::int64_t> integer(const Field& f) {
  if (!f.present) return std::nullopt;
  if (f.kind == Scalar::Kind::int64) return f.i;
  if (f.kind == Scalar::Kind::uint64 && f.u <= static_cast<std::uint64_t>(INT64_MAX)) return static_cast<std::int64_t>(f.u);
  if (f.kind == Scalar::Kind::double_ && f.d >= -9.0e18 && f.d <= 9.0e18) return static_cast<std::int64_t>(f.d);
  return std::nullopt;
}
std::optional<std::string> scalar_text(const Field& f) {
  if (!f.present) return std::nullopt;
  switch (f.kind) {
    case Scalar::Kind::string: return text(f);
    case Scalar::Kind::boolean: return std::string(f.b ? "true" : "false");
    case Scalar::Kind::int64: return std::to_string(f.i);
    case Scalar::Kind::uint64: return std::to_string(f.u);
    case Scalar::Kind::double_: return util::clean_text(json::serialize(json::value(f.d)), max_text_chars);
    default: return std::nullopt;
  }
}

// The position of a key in a list of names, found from its length and its first and last letters
// (most keys of an item are none of the names, and are turned away here without a comparison).
class KeyTable {
 public:
  template <std::size_t N>
  explicit KeyTable(const std::string_view (&names)[N]) : names_(names), n_(N) {
    for (auto& b : buckets_) b.fill(-1);
    for (std::size_t i = 0; i < N; ++i) {
      auto& b = buckets_[hash(names[i])];
      std::size_t j = 0;
      while (j < b.size() && b[j] >= 0) ++j;
      if (j == b.size()) crowded_ = true;
      else b[j] = static_cast<std::int8_t>(i);
    }
  }
  int find(std::string_view key) const {
    if (key.empty()) return -1;
    if (crowded_) {
      for (std::size_t i = 0; i < n_; ++i)
        if (names_[i] == key) return static_cast<int>(i);
      return -1;
    }
    for (std::int8_t i : buckets_[hash(key)]) {
      if (i < 0) return -1;
      const auto& n = names_[static_cast<std::size_t>(i)];
      if (n.size() == key.size() && std::memcmp(n.data(), key.data(), key.size()) == 0) return i;
    }
    return -1;
  }

 private:
  static std::size_t hash(std::string_view k) {
    if (k.empty()) return 0;
    return (k.size() * 7 + static_cast<unsigned char>(k.front()) * 3 + static_cast<unsigned char>(k.back())) & 63;
  }
  const std::string_view* names_;
  std::size_t n_;
  std::array<std::array<std::int8_t, 3>, 64> buckets_{};
  bool crowded_ = false;   // more names share a bucket than it holds: every lookup scans the list
};

// --- Entity registry entries ---

enum EntityKey : int {
  ek_entity_id, ek_unique_id, ek_platform, ek_config_entry_id, ek_device_id, ek_area_id, ek_original_name, ek_name,
  ek_device_class, ek_original_device_class, ek_translation_key, ek_entity_category, ek_disabled_by, ek_hidden_by,
  ek_supported_features, ek_options,
};
constexpr std::string_view entity_keys[] = {
    "entity_id", "unique_id", "platform", "config_entry_id", "device_id", "area_id", "original_name", "name",
    "device_class", "original_device_class", "translation_key", "entity_category", "disabled_by", "hidden_by",
    "supported_features", "options"};
constexpr int entity_fields = ek_options;
const KeyTable entity_table(entity_keys);
// Inside "options": the assistants (should_expose), then the domains that keep a default code.
constexpr std::string_view option_keys[] = {"conversation", "cloud.alexa", "cloud.google_assistant", "lock",
                                            "alarm_control_panel"};
constexpr int assistants = 3;
const KeyTable option_table(option_keys);

struct EntityFields {
  Field f[entity_fields];
  bool options = false;                  // "options" is an object
  model::Flag expose[assistants];        // per assistant: its should_expose
  bool code[2] = {false, false};         // lock, alarm_control_panel: a default code is stored
  void clear() {
    for (auto& x : f) x.present = false;
    clear_options(false);
  }
  void clear_options(bool is_object) {
    options = is_object;
    for (auto& x : expose) x.reset();
    code[0] = code[1] = false;
  }
};

bool stored_code(const Field& c) {
  return c.present && ((c.kind == Scalar::Kind::string && !c.str.empty()) || c.kind == Scalar::Kind::int64 ||
                       c.kind == Scalar::Kind::uint64 || c.kind == Scalar::Kind::double_);
}

model::Entity build_entity(const EntityFields& x) {
  model::Entity e;
  e.entity_id = text(x.f[ek_entity_id]);
  e.domain = domain_of(e.entity_id);
  e.unique_id = text(x.f[ek_unique_id]);
  e.platform = text(x.f[ek_platform]);
  e.config_entry_id = text(x.f[ek_config_entry_id]);
  e.device_id = text(x.f[ek_device_id]);
  e.area_id = text(x.f[ek_area_id]);
  e.original_name = text(x.f[ek_original_name]);
  e.name = text(x.f[ek_name]);
  if (e.name.empty()) e.name = e.original_name;
  e.device_class = text(x.f[ek_device_class]);
  if (e.device_class.empty()) e.device_class = text(x.f[ek_original_device_class]);
  e.translation_key = text(x.f[ek_translation_key]);
  e.entity_category = text(x.f[ek_entity_category]);
  e.disabled = is_set(x.f[ek_disabled_by]);
  e.hidden = is_set(x.f[ek_hidden_by]);
  e.supported_features = integer(x.f[ek_supported_features]).value_or(0);
  if (x.options) {
    e.exposure.conversation = x.expose[0];
    e.exposure.alexa = x.expose[1];
    e.exposure.google = x.expose[2];
    // Only the fact that a code is stored; the code itself is never copied.
    if (x.code[0] || x.code[1]) e.has_default_code = true;
  }
  return e;
}

class EntityReader final : public ItemVisitor {
 public:
  explicit EntityReader(std::vector<model::Entity>& out) : out_(out) {}
  void restart() override { out_.clear(); }
  void begin_item() override { x_.clear(); }
  void end_item() override { out_.push_back(build_entity(x_)); }
  int key(std::size_t depth, const int* path, std::string_view k) override {
    if (depth == 1) return entity_table.find(k);
    if (path[0] != ek_options || !x_.options) return -1;
    if (depth == 2) return option_table.find(k);
    if (depth == 3 && opt_object_) return k == (path[1] < assistants ? "should_expose" : "default_code") ? 0 : -1;
    return -1;
  }
  void value(std::size_t depth, const int* path, const Scalar& v) override {
    if (depth == 1) {
      if (path[0] < entity_fields) x_.f[path[0]].set(v);
      else if (path[0] == ek_options) x_.clear_options(v.kind == Scalar::Kind::object);
      return;
    }
    if (path[0] != ek_options || !x_.options) return;
    const int which = path[1];
    if (depth == 2) {
      // The last value of a key counts, as in a parsed tree.
      opt_object_ = v.kind == Scalar::Kind::object;
      if (which < assistants) x_.expose[which].reset();
      else x_.code[which - assistants] = false;
    } else if (depth == 3 && opt_object_) {
      if (which < assistants) {
        x_.expose[which] = v.kind == Scalar::Kind::boolean ? model::Flag(v.b) : std::nullopt;
      } else {
        code_.set(v);
        x_.code[which - assistants] = stored_code(code_);
      }
    }
  }

 private:
  std::vector<model::Entity>& out_;
  EntityFields x_;
  Field code_;
  bool opt_object_ = false;   // the option being read is an object
};

// --- Device registry entries ---

enum DeviceKey : int {
  dk_id, dk_name_by_user, dk_name, dk_manufacturer, dk_model, dk_model_id, dk_sw_version, dk_hw_version,
  dk_serial_number, dk_area_id, dk_primary_config_entry, dk_config_entry_id, dk_via_device_id, dk_parent_device_id,
  dk_configuration_url, dk_disabled_by, dk_entry_type, dk_config_entries, dk_connections, dk_identifiers,
};
constexpr std::string_view device_keys[] = {
    "id", "name_by_user", "name", "manufacturer", "model", "model_id", "sw_version", "hw_version",
    "serial_number", "area_id", "primary_config_entry", "config_entry_id", "via_device_id", "parent_device_id",
    "configuration_url", "disabled_by", "entry_type", "config_entries", "connections", "identifiers"};
constexpr int device_fields = dk_config_entries;
const KeyTable device_table(device_keys);
// Config entries kept from the list: push_unique keeps 256, and two more may come before the list.
constexpr std::size_t max_listed_entries = 258;
constexpr std::size_t max_pairs = 64;

struct DeviceFields {
  Field f[device_fields];
  std::vector<std::string> entries;   // config_entries: cleaned, unique, non-empty, in order
  std::vector<std::pair<std::string, std::string>> connections, identifiers;
  void clear() {
    for (auto& x : f) x.present = false;
    entries.clear();
    connections.clear();
    identifiers.clear();
  }
  void add_entry(std::string e) {
    if (e.empty() || entries.size() >= max_listed_entries) return;
    if (std::find(entries.begin(), entries.end(), e) == entries.end()) entries.push_back(std::move(e));
  }
};

model::Device build_device(DeviceFields& x, bool child) {
  model::Device d;
  d.id = text(x.f[dk_id]);
  d.name = text(x.f[dk_name_by_user]);
  if (d.name.empty()) d.name = text(x.f[dk_name]);
  d.manufacturer = text(x.f[dk_manufacturer]);
  d.model = text(x.f[dk_model]);
  d.model_id = text(x.f[dk_model_id]);
  d.sw_version = text(x.f[dk_sw_version]);
  d.hw_version = text(x.f[dk_hw_version]);
  d.serial_number = text(x.f[dk_serial_number]);
  d.area_id = text(x.f[dk_area_id]);
  // Major 3 (2026.8+) has one config entry; major 1 and older WS replies list several.
  // The entry that created the device comes first (it names its primary integration); entries that
  // only attached an entity through a shared connection (a router's tracker) follow.
  push_unique(d.config_entry_ids, text(x.f[dk_primary_config_entry]));
  push_unique(d.config_entry_ids, text(x.f[dk_config_entry_id]));
  for (auto& e : x.entries) push_unique(d.config_entry_ids, std::move(e));
  d.via_device_id = text(x.f[dk_via_device_id]);
  d.parent_device_id = text(x.f[dk_parent_device_id]);
  d.configuration_url = text(x.f[dk_configuration_url]);
  d.connections = std::move(x.connections);
  d.identifiers = std::move(x.identifiers);
  d.disabled = is_set(x.f[dk_disabled_by]);
  d.service = x.f[dk_entry_type].is_string() && x.f[dk_entry_type].str == "service";
  d.child_device = child || !d.parent_device_id.empty();
  return d;
}

class DeviceReader final : public ItemVisitor {
 public:
  explicit DeviceReader(std::vector<model::Device>& out) : out_(out) {}
  void restart() override { out_.clear(); }
  void begin_item() override { x_.clear(); }
  void end_item() override { out_.push_back(build_device(x_, false)); }
  int key(std::size_t depth, const int*, std::string_view k) override { return depth == 1 ? device_table.find(k) : -1; }
  void value(std::size_t depth, const int* path, const Scalar& v) override {
    const int which = path[0];
    if (depth == 1) {
      if (which < device_fields) {
        x_.f[which].set(v);
      } else {
        // The last value of a key counts, as in a parsed tree.
        list_ = v.kind == Scalar::Kind::array;
        if (which == dk_config_entries) x_.entries.clear();
        else pairs_of(which).clear();
      }
      return;
    }
    if (!list_) return;
    if (which == dk_config_entries) {
      if (depth == 2) {
        scratch_.set(v);
        x_.add_entry(text(scratch_));
      }
    } else if (depth == 2) {
      pair_ = v.kind == Scalar::Kind::array;
      first_.clear();
      second_.clear();
    } else if (depth == 3 && pair_ && path[2] < 2) {
      scratch_.set(v);
      (path[2] == 0 ? first_ : second_) = text(scratch_);
    }
  }
  void end(std::size_t depth, const int* path, std::size_t n) override {
    if (depth != 2 || !list_ || !pair_ || path[0] == dk_config_entries) return;
    auto& out = pairs_of(path[0]);
    if (n == 2 && out.size() < max_pairs) out.emplace_back(std::move(first_), std::move(second_));
  }

 private:
  std::vector<std::pair<std::string, std::string>>& pairs_of(int which) {
    return which == dk_connections ? x_.connections : x_.identifiers;
  }
  std::vector<model::Device>& out_;
  DeviceFields x_;
  Field scratch_;
  bool list_ = false;   // the list being read (config_entries, connections, identifiers) is an array
  bool pair_ = false;   // the element being read is an array
  std::string first_, second_;
};

// --- States ---

enum StateKey : int { sk_entity_id, sk_state, sk_attributes };
constexpr std::string_view state_keys[] = {"entity_id", "state", "attributes"};
const KeyTable state_table(state_keys);

struct Attribute {
  std::string key;   // as written (secret_attribute reads it raw)
  Field value;
};

class StateReader final : public ItemVisitor {
 public:
  explicit StateReader(std::vector<StateRecord>& out) : out_(out) {}
  void restart() override { out_.clear(); }
  void begin_item() override {
    id_.present = state_.present = false;
    attributes_ = false;
    n_ = 0;
  }
  void end_item() override {
    StateRecord r;
    r.entity_id = text(id_);
    if (r.entity_id.find('.') == std::string::npos) return;
    if (state_.present) r.state = scalar_text(state_).value_or("");
    r.has_attributes = attributes_;
    if (attributes_) {
      r.attributes.reserve(n_);
      for (std::size_t i = 0; i < n_; ++i) {
        const auto& a = attrs_[i];
        if (a.key == "supported_features") r.supported_features = integer(a.value);
        else if (a.key == "device_class") r.device_class = text(a.value);
        else if (a.key == "friendly_name") r.friendly_name = text(a.value);
        if (!model::kept_attribute(a.key) || secret_attribute(a.key)) continue;
        if (auto t = scalar_text(a.value)) r.attributes.emplace_back(util::clean_text(a.key, max_text_chars), std::move(*t));
      }
    }
    out_.push_back(std::move(r));
  }
  int key(std::size_t depth, const int* path, std::string_view k) override {
    if (depth == 1) return state_table.find(k);
    if (depth != 2 || path[0] != sk_attributes || !attributes_) return -1;
    // Only the attributes the home keeps, and the three a state record takes apart.
    if (!model::kept_attribute(k) && k != "supported_features" && k != "device_class" && k != "friendly_name") return -1;
    return static_cast<int>(slot(k));
  }
  void value(std::size_t depth, const int* path, const Scalar& v) override {
    if (depth == 1) {
      if (path[0] == sk_entity_id) id_.set(v);
      else if (path[0] == sk_state) state_.set(v);
      else {
        // The last "attributes" counts, as in a parsed tree.
        attributes_ = v.kind == Scalar::Kind::object;
        n_ = 0;
      }
    } else if (depth == 2 && path[0] == sk_attributes && attributes_) {
      attrs_[static_cast<std::size_t>(path[1])].value.set(v);
    }
  }

 private:
  // The attribute's place: a repeated key keeps its first place and takes the last value, as
  // Boost.JSON builds an object. Only the few attributes key() lets through get a place, so a
  // search through them is quick.
  std::size_t slot(std::string_view k) {
    for (std::size_t i = 0; i < n_; ++i)
      if (attrs_[i].key == k) return i;
    if (n_ == attrs_.size()) attrs_.emplace_back();
    attrs_[n_].key.assign(k.data(), k.size());
    attrs_[n_].value.present = false;
    return n_++;
  }

  std::vector<StateRecord>& out_;
  Field id_, state_;
  bool attributes_ = false;   // "attributes" is an object
  std::vector<Attribute> attrs_;   // reused from item to item; the first n_ are this item's
  std::size_t n_ = 0;
};

// Adds one state to the home (entity found by `ix`, or added when it is not in the registry).
void apply_state_to(StateRecord& s, model::Entity& e);

// `ix` holds views of the entities' ids: the caller reserves room for every entity a state may add,
// so that no id moves.
void apply_state(StateRecord& s, model::Home& home, std::unordered_map<std::string_view, std::size_t>& ix) {
  auto it = ix.find(s.entity_id);
  if (it == ix.end()) {
    if (home.entities.size() >= max_items) return;
    model::Entity e;
    e.entity_id = s.entity_id;
    e.domain = domain_of(s.entity_id);
    e.in_registry = false;
    home.entities.push_back(std::move(e));
    it = ix.emplace(home.entities.back().entity_id, home.entities.size() - 1).first;
  }
  apply_state_to(s, home.entities[it->second]);
}

void apply_state_to(StateRecord& s, model::Entity& e) {
  e.state = std::move(s.state);
  if (!s.has_attributes) return;
  for (auto& [k, v] : s.attributes) {
    if (e.attributes.size() >= 128) break;
    e.attributes.insert_or_assign(std::move(k), std::move(v));
  }
  if (s.supported_features) e.supported_features = *s.supported_features;
  if (e.device_class.empty()) e.device_class = std::move(s.device_class);
  if (e.name.empty()) e.name = std::move(s.friendly_name);
}

}  // namespace

std::unique_ptr<ItemVisitor> entity_reader(std::vector<model::Entity>& out) { return std::make_unique<EntityReader>(out); }
std::unique_ptr<ItemVisitor> device_reader(std::vector<model::Device>& out) { return std::make_unique<DeviceReader>(out); }
std::unique_ptr<ItemVisitor> state_reader(std::vector<StateRecord>& out) { return std::make_unique<StateReader>(out); }

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
  DeviceFields x;
  for (int k = 0; k < device_fields; ++k) x.f[k].set(o.if_contains(device_keys[k]));
  if (const auto* a = arr(o, "config_entries"))
    for (const auto& e : *a) x.add_entry(text(e));
  pairs(o, "connections", x.connections);
  pairs(o, "identifiers", x.identifiers);
  return build_device(x, child);
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
  first.reserve(n * 3);
  std::string key;   // one buffer for every key; a key is copied only when it is new
  auto append_lower = [&](const std::string& s) {
    for (char c : s) key += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  };
  for (size_t i = 0; i < n; ++i) {
    const auto& d = devs[i];
    if (d.child_device || d.service) continue;   // child devices are parts of their parent, never copies
    auto link = [&] {
      auto [it, fresh] = first.try_emplace(key, i);
      if (!fresh) parent[root(i)] = root(it->second);
    };
    for (const auto& [type, value] : d.connections) {
      if (!value.empty()) {
        key.assign("c\x1f");
        append_lower(type);
        key += '\x1f';
        append_lower(value);
        link();
      }
      if (auto mac = trailing_mac(value); !mac.empty()) {
        key.assign("m\x1f").append(mac);
        link();
      }
    }
    // The same radio seen by several integrations (govee_ble's connection, ble_monitor's and
    // ibeacon's identifiers) is one device.
    for (const auto& [domain, id] : d.identifiers) {
      if (!id.empty()) {
        key.assign("i\x1f").append(domain).append(1, '\x1f').append(id);
        link();
      }
      if (auto mac = trailing_mac(id); !mac.empty()) {
        key.assign("m\x1f").append(mac);
        link();
      }
    }
  }
  // A group of two or more has a member that is not its root; most homes have none.
  bool any_fold = false;
  for (size_t i = 0; i < n && !any_fold; ++i) any_fold = root(i) != i;
  if (!any_fold) return;
  std::unordered_map<size_t, std::vector<size_t>> groups;
  for (size_t i = 0; i < n; ++i) groups[root(i)].push_back(i);
  // Entities per device, to pick the entry that says what the device is.
  std::unordered_map<std::string, std::pair<int, int>> weight;   // id -> (own entities, tracker entities)
  for (const auto& e : home.entities) {
    if (e.device_id.empty()) continue;
    auto& w = weight[e.device_id];
    (e.domain == "device_tracker" ? w.second : w.first)++;
  }
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
  EntityFields x;
  for (int k = 0; k < entity_fields; ++k) x.f[k].set(o.if_contains(entity_keys[k]));
  if (const auto* opts = obj(o, "options")) {
    x.options = true;
    for (int k = 0; k < assistants; ++k)
      if (const auto* a = obj(*opts, option_keys[k])) x.expose[k] = boolean(*a, "should_expose");
    for (int k = 0; k < 2; ++k)
      if (const auto* d = obj(*opts, option_keys[assistants + k])) {
        Field c;
        c.set(d->if_contains("default_code"));
        x.code[k] = stored_code(c);
      }
  }
  return build_entity(x);
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

model::Script parse_script(const std::string& key, const json::object& c) {
  model::Script s;
  s.id = util::clean_text(key, max_text_chars);
  if (!s.id.empty()) s.entity_id = "script." + s.id;
  s.alias = str(c, "alias");
  actions(either(c, "sequence", "actions"), s, 0);
  return s;
}

// One get_states result as a StateRecord (the same fields the streamed reader keeps).
static StateRecord state_record(const json::object& s) {
  StateRecord r;
  r.entity_id = str(s, "entity_id");
  if (const auto* st = s.if_contains("state")) r.state = scalar_text(*st).value_or("");
  if (const auto* attrs = obj(s, "attributes")) {
    r.has_attributes = true;
    for (const auto& kv : *attrs) {
      const std::string_view key(kv.key().data(), kv.key().size());
      if (!model::kept_attribute(key) || secret_attribute(key)) continue;
      if (auto t = scalar_text(kv.value()))
        r.attributes.emplace_back(util::clean_text(key, max_text_chars), std::move(*t));
    }
    r.supported_features = integer(*attrs, "supported_features");
    r.device_class = str(*attrs, "device_class");
    r.friendly_name = str(*attrs, "friendly_name");
  }
  return r;
}

void merge_states(const json::array& states, model::Home& home) {
  home.entities.reserve(std::min(max_items, home.entities.size() + states.size()));
  std::unordered_map<std::string_view, std::size_t> ix;
  ix.reserve(home.entities.capacity());
  for (std::size_t i = 0; i < home.entities.size(); ++i) ix.emplace(home.entities[i].entity_id, i);
  std::size_t n = 0;
  for (const auto& sv : states) {
    if (++n > max_items) break;
    const auto* s = sv.if_object();
    if (!s) continue;
    StateRecord r = state_record(*s);
    if (r.entity_id.find('.') == std::string::npos) continue;
    apply_state(r, home, ix);
  }
}

void merge_state(const json::object& s, model::Entity& e) {
  StateRecord r = state_record(s);
  apply_state_to(r, e);
}

void merge_state_records(std::vector<StateRecord>& states, model::Home& home) {
  // First where each state goes, so that room is made once for the entities states add (growing
  // the list as they come would move every entity, and hold the list twice for a moment).
  constexpr std::size_t none = SIZE_MAX;
  std::unordered_map<std::string_view, std::size_t> ix;   // views of ids in home.entities and in states
  ix.reserve(home.entities.size() + states.size());
  for (std::size_t i = 0; i < home.entities.size(); ++i) ix.emplace(home.entities[i].entity_id, i);
  std::vector<std::size_t> target(states.size(), none);
  std::size_t next = home.entities.size();
  for (std::size_t i = 0; i < states.size(); ++i) {
    if (auto it = ix.find(states[i].entity_id); it != ix.end()) target[i] = it->second;
    else if (next < max_items) target[i] = ix.emplace(states[i].entity_id, next++).first->second;
  }
  home.entities.reserve(next);
  for (std::size_t i = 0; i < states.size(); ++i) {
    if (target[i] == none) continue;
    if (target[i] == home.entities.size()) {   // the first state of an entity outside the registry
      model::Entity e;
      e.entity_id = states[i].entity_id;
      e.domain = domain_of(e.entity_id);
      e.in_registry = false;
      home.entities.push_back(std::move(e));
    }
    apply_state_to(states[i], home.entities[target[i]]);
  }
}

// The domains HA exposes to an assistant by default (DEFAULT_EXPOSED_DOMAINS in
// components/homeassistant/exposed_entities.py). HA 2024.3 (captured) exposed locks and scripts and
// not media players; 2025.12 (captured) and the current release the other way round. Releases in
// between are judged by the older list until a capture pins the change.
static const std::unordered_set<std::string_view>& default_exposed_domains(const std::string& version) {
  static const std::unordered_set<std::string_view> before = {"climate", "cover", "fan", "humidifier", "light", "lock",
                                               "scene", "script", "switch", "todo", "vacuum", "water_heater"};
  static const std::unordered_set<std::string_view> since_2025_12 = {"climate", "cover", "fan", "humidifier", "light",
                                                      "media_player", "scene", "switch", "todo", "vacuum",
                                                      "water_heater"};
  int year = 0, month = 0;
  if (std::sscanf(version.c_str(), "%d.%d", &year, &month) != 2) return since_2025_12;   // unknown: current
  return (year > 2025 || (year == 2025 && month >= 12)) ? since_2025_12 : before;
}

void apply_exposure_defaults(model::Home& home) {
  const auto& domains = default_exposed_domains(home.hub.version);
  static const std::unordered_set<std::string_view> binary = {"door", "garage_door", "lock", "motion", "opening",
                                                              "presence", "window"};
  static const std::unordered_set<std::string_view> sensor = {"aqi", "co", "co2", "humidity", "pm10", "pm25",
                                                              "temperature", "volatile_organic_compounds"};
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
  const bool new_conversation = expose_new("conversation"), new_alexa = expose_new("cloud.alexa"),
             new_google = expose_new("cloud.google_assistant");
  for (auto& e : home.entities) {
    if (e.exposure.conversation && e.exposure.alexa && e.exposure.google) continue;
    bool by_default = !(e.in_registry && (!e.entity_category.empty() || e.hidden)) &&
                      (domains.count(e.domain) || (e.domain == "binary_sensor" && binary.count(e.device_class)) ||
                       (e.domain == "sensor" && sensor.count(e.device_class)));
    if (!e.exposure.conversation) e.exposure.conversation = new_conversation && by_default;
    if (!e.exposure.alexa) e.exposure.alexa = new_alexa && by_default;
    if (!e.exposure.google) e.exposure.google = new_google && by_default;
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
