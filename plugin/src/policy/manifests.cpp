// The declarative policy data (manifests/policy/*.json) read into PolicyData, with each rule's
// categories and levels from its table entry added.
#include <algorithm>
#include <mutex>

#include <boost/json.hpp>

#include "audit/rule.hpp"
#include "policy/compile.hpp"
#include "policy/errors.hpp"
#include "util/resources.hpp"

namespace domoguard::policy {

namespace json = boost::json;
using detail::bad;

const char* to_string(Mode m) {
  switch (m) {
    case Mode::enforce: return "enforce";
    case Mode::warn: return "warn";
    case Mode::ignore: return "ignore";
  }
  return "ignore";
}

RuleSetting Level::setting(const std::string& rule) const {
  auto it = rules.find(rule);
  return it == rules.end() ? RuleSetting{} : it->second;
}

const Level* PolicyData::level(const std::string& name) const {
  for (const auto& l : levels)
    if (l.name == name) return &l;
  return nullptr;
}
const Category* PolicyData::category(const std::string& name) const {
  for (const auto& c : categories)
    if (c.name == name) return &c;
  return nullptr;
}
const Scenario* PolicyData::scenario(const std::string& name) const {
  for (const auto& s : scenarios)
    if (s.name == name) return &s;
  return nullptr;
}
std::vector<std::string> PolicyData::level_names() const {
  std::vector<std::string> v;
  for (const auto& l : levels) v.push_back(l.name);
  return v;
}
std::vector<std::string> PolicyData::category_names() const {
  std::vector<std::string> v;
  for (const auto& c : categories) v.push_back(c.name);
  return v;
}
std::vector<std::string> PolicyData::scenario_names() const {
  std::vector<std::string> v;
  for (const auto& s : scenarios) v.push_back(s.name);
  return v;
}

namespace {

// Reads one manifest, failing with the file and the JSON path of the first thing wrong.
class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}
  const std::string& file() const { return file_; }
  bool failed() const { return !error_.message.empty(); }
  const Error& error() const { return error_; }

  void fail(const std::string& where, const std::string& what) {
    if (!failed()) error_ = bad("error.policy.manifest", "invalid policy manifest: " + what, file_, where);
  }
  const json::object* object(const json::value* v, const std::string& where) {
    if (v && v->is_object()) return &v->as_object();
    fail(where, "expected an object");
    return nullptr;
  }
  const json::array* array(const json::value* v, const std::string& where) {
    if (v && v->is_array()) return &v->as_array();
    fail(where, "expected an array");
    return nullptr;
  }
  std::string string(const json::value* v, const std::string& where, bool required = true) {
    if (v && v->is_string()) return std::string(v->as_string());
    if (required || v) fail(where, "expected a string");
    return {};
  }
  std::vector<std::string> strings(const json::value* v, const std::string& where, bool required = true) {
    std::vector<std::string> out;
    if (!v && !required) return out;
    const auto* a = array(v, where);
    if (!a) return out;
    for (size_t i = 0; i < a->size(); ++i) out.push_back(string(&(*a)[i], where + "[" + std::to_string(i) + "]"));
    return out;
  }
  bool boolean(const json::value* v, const std::string& where, bool dflt) {
    if (!v) return dflt;
    if (v->is_bool()) return v->as_bool();
    fail(where, "expected true or false");
    return dflt;
  }

 private:
  std::string file_;
  Error error_;
};

const json::value* at(const json::object* o, std::string_view key) { return o ? o->if_contains(key) : nullptr; }

std::optional<json::value> parse_doc(std::string_view text, Reader& r) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) {
    r.fail("", "not JSON (" + ec.message() + ")");
    return std::nullopt;
  }
  return v;
}

bool known_type(const std::string& name) {
  for (int i = 0; i <= static_cast<int>(model::DeviceType::hub); ++i)
    if (name == model::to_string(static_cast<model::DeviceType>(i))) return true;
  return false;
}

void check_types(Reader& r, const std::vector<std::string>& types, const std::string& where) {
  for (const auto& t : types)
    if (!known_type(t)) r.fail(where, "unknown device type '" + t + "'");
}

void read_levels(std::string_view text, PolicyData& out, Reader& r) {
  auto doc = parse_doc(text, r);
  if (!doc) return;
  const auto* root = r.object(&*doc, "");
  if (const auto* cats = r.array(at(root, "categories"), "categories")) {
    for (size_t i = 0; i < cats->size(); ++i) {
      const std::string w = "categories[" + std::to_string(i) + "]";
      const auto* o = r.object(&(*cats)[i], w);
      Category c;
      c.name = r.string(at(o, "name"), w + ".name");
      c.fallback = r.boolean(at(o, "fallback"), w + ".fallback", false);
      c.device_types = r.strings(at(o, "device_types"), w + ".device_types");
      check_types(r, c.device_types, w + ".device_types");
      c.domains = r.strings(at(o, "domains"), w + ".domains", false);
      c.rules = r.strings(at(o, "rules"), w + ".rules", false);   // rules whose table entry names no category
      out.categories.push_back(std::move(c));
    }
  }
  if (const auto* levels = r.array(at(root, "levels"), "levels")) {
    for (size_t i = 0; i < levels->size(); ++i) {
      const std::string w = "levels[" + std::to_string(i) + "]";
      const auto* o = r.object(&(*levels)[i], w);
      Level l;
      l.name = r.string(at(o, "name"), w + ".name");
      // Rules whose table entry gives no levels are listed here; the others come from the rule table.
      const auto* listed = at(o, "rules");
      if (const auto* rules = listed ? r.object(listed, w + ".rules") : nullptr) {
        for (const auto& kv : *rules) {
          const std::string rule(kv.key());
          const std::string rw = w + ".rules." + rule;
          std::string mode;
          RuleSetting s;
          if (kv.value().is_string()) {
            mode = std::string(kv.value().as_string());
          } else if (const auto* so = r.object(&kv.value(), rw)) {
            mode = r.string(at(so, "mode"), rw + ".mode");
            s.reason_key = r.string(at(so, "reason"), rw + ".reason", false);
          }
          if (mode == "enforce") s.mode = Mode::enforce;
          else if (mode == "warn") s.mode = Mode::warn;
          else if (mode == "ignore") s.mode = Mode::ignore;
          else r.fail(rw, "mode must be enforce, warn or ignore");
          l.rules[rule] = std::move(s);
        }
      }
      out.levels.push_back(std::move(l));
    }
  }
}

void read_child_safe(std::string_view text, PolicyData& out, Reader& r) {
  auto doc = parse_doc(text, r);
  if (!doc) return;
  const auto* root = r.object(&*doc, "");
  auto& cs = out.child_safe;
  if (const auto* locks = r.object(at(root, "child_locks"), "child_locks")) {
    cs.engage["switch"] = r.string(at(locks, "switch"), "child_locks.switch");
    cs.engage["lock"] = r.string(at(locks, "lock"), "child_locks.lock");
    cs.select_engaged = r.strings(at(locks, "select"), "child_locks.select");
  }
  if (const auto* un = r.object(at(root, "unexpose"), "unexpose")) {
    cs.unexpose_critical = r.boolean(at(un, "critical_entities"), "unexpose.critical_entities", true);
    cs.unexpose_device_types = r.strings(at(un, "device_types"), "unexpose.device_types");
    check_types(r, cs.unexpose_device_types, "unexpose.device_types");
    cs.heater_words = r.strings(at(un, "climate_name_words"), "unexpose.climate_name_words", false);
  }
  cs.content_filters = r.string(at(root, "content_filters"), "content_filters");
  if (const auto* g = r.object(at(root, "guidance"), "guidance")) {
    for (const auto& kv : *g) {
      if (kv.key() == "always") cs.always_guidance = r.strings(&kv.value(), "guidance.always");
      else cs.guidance[std::string(kv.key())] = r.string(&kv.value(), "guidance." + std::string(kv.key()));
    }
  }
}

void read_scenarios(std::string_view text, PolicyData& out, Reader& r) {
  auto doc = parse_doc(text, r);
  if (!doc) return;
  const auto* root = r.object(&*doc, "");
  out.scenario_unchanged = r.strings(at(root, "unchanged"), "unchanged", false);
  if (const auto* arr = r.array(at(root, "scenarios"), "scenarios")) {
    for (size_t i = 0; i < arr->size(); ++i) {
      const std::string w = "scenarios[" + std::to_string(i) + "]";
      const auto* o = r.object(&(*arr)[i], w);
      Scenario s;
      s.name = r.string(at(o, "name"), w + ".name");
      if (const auto* steps = r.array(at(o, "steps"), w + ".steps")) {
        for (size_t j = 0; j < steps->size(); ++j) {
          const std::string sw = w + ".steps[" + std::to_string(j) + "]";
          const auto* so = r.object(&(*steps)[j], sw);
          ScenarioStep st;
          st.action = r.string(at(so, "do"), sw + ".do");
          if (st.action == "privacy_switch") {
            st.device_types = r.strings(at(so, "device_types"), sw + ".device_types");
            check_types(r, st.device_types, sw + ".device_types");
            st.where = r.string(at(so, "where"), sw + ".where");
            if (st.where != "any" && st.where != "indoor" && st.where != "outdoor" && st.where != "private_rooms")
              r.fail(sw + ".where", "where must be any, indoor, outdoor or private_rooms");
            st.after = r.string(at(so, "after"), sw + ".after");
            if (st.after != "on" && st.after != "off") r.fail(sw + ".after", "after must be on or off");
          } else if (st.action == "unexpose") {
            st.what = r.strings(at(so, "what"), sw + ".what");
            for (const auto& x : st.what)
              if (x != "camera" && x != "microphone") r.fail(sw + ".what", "unexpose takes camera and microphone");
          } else {
            r.fail(sw + ".do", "do must be privacy_switch or unexpose");
          }
          s.steps.push_back(std::move(st));
        }
      }
      out.scenarios.push_back(std::move(s));
    }
  }
}

void read_privacy_defaults(std::string_view text, PolicyData& out, Reader& r) {
  auto doc = parse_doc(text, r);
  if (!doc) return;
  const auto* root = r.object(&*doc, "");
  if (const auto* types = r.object(at(root, "types"), "types")) {
    for (const auto& kv : *types) {
      const std::string type(kv.key());
      const std::string w = "types." + type;
      if (type != "default" && !known_type(type)) r.fail(w, "unknown device type '" + type + "'");
      const auto* o = r.object(&kv.value(), w);
      PrivacyDefault d;
      d.unexpose = r.boolean(at(o, "unexpose"), w + ".unexpose", false);
      d.privacy_switch = r.string(at(o, "privacy_switch"), w + ".privacy_switch", false);
      d.microphones = r.string(at(o, "microphones"), w + ".microphones", false);
      d.location = r.string(at(o, "location"), w + ".location", false);
      if (!d.privacy_switch.empty() && d.privacy_switch != "on" && d.privacy_switch != "off")
        r.fail(w + ".privacy_switch", "privacy_switch must be on or off");
      if (!d.microphones.empty() && d.microphones != "disable") r.fail(w + ".microphones", "microphones must be disable");
      if (!d.location.empty() && d.location != "disable") r.fail(w + ".location", "location must be disable");
      out.privacy_defaults[type] = d;
    }
  }
  if (!out.privacy_defaults.count("default")) r.fail("types", "a 'default' entry is required");
}

}  // namespace

Result<PolicyData> parse_policy_data(const PolicySources& src) {
  PolicyData data;
  const std::pair<const char*, void (*)(std::string_view, PolicyData&, Reader&)> parts[] = {
      {"manifests/policy/levels.json", read_levels},
      {"manifests/policy/child_safe.json", read_child_safe},
      {"manifests/policy/scenarios.json", read_scenarios},
      {"manifests/policy/privacy_defaults.json", read_privacy_defaults}};
  const std::string_view texts[] = {src.levels, src.child_safe, src.scenarios, src.privacy_defaults};
  for (size_t i = 0; i < 4; ++i) {
    Reader r(parts[i].first);
    try {
      parts[i].second(texts[i], data, r);
    } catch (const std::exception& e) {  // Boost.JSON accessors on unexpected shapes
      r.fail("", e.what());
    }
    if (r.failed()) return r.error();
  }
  return data;
}

Result<bool> add_rule_levels(PolicyData& data, const std::vector<audit::RuleDef>& rules) {
  const std::string file = "manifests/policy/levels.json";
  auto bad_rule = [&](const audit::RuleDef& rule, const std::string& why) {
    const std::string id(rule.id);
    return Error{ErrorCode::internal, "error.policy.manifest", "invalid policy manifest: rule " + id + ": " + why, file, id};
  };
  auto mode_of = [](audit::LevelMode m) {
    return m == audit::LevelMode::enforce ? Mode::enforce : m == audit::LevelMode::warn ? Mode::warn : Mode::ignore;
  };
  for (const auto& rule : rules) {
    const std::string id(rule.id);
    for (const auto& name : rule.categories) {
      Category* cat = nullptr;
      for (auto& c : data.categories)
        if (c.name == name) cat = &c;
      if (!cat) return bad_rule(rule, "no service category \"" + std::string(name) + "\" in levels.json");
      if (std::find(cat->rules.begin(), cat->rules.end(), id) != cat->rules.end())
        return bad_rule(rule, "listed in levels.json and in its rule table");
      cat->rules.push_back(id);
    }
    const std::pair<const char*, audit::LevelMode> modes[] = {
        {"basic", rule.levels.basic}, {"recommended", rule.levels.recommended}, {"strict", rule.levels.strict}};
    for (const auto& [name, mode] : modes) {
      if (mode == audit::LevelMode::ignore && !(std::string_view(name) == "strict" && !rule.levels.strict_reason.empty()))
        continue;
      Level* lv = nullptr;
      for (auto& l : data.levels)
        if (l.name == name) lv = &l;
      if (!lv) return bad_rule(rule, std::string("no level \"") + name + "\" in levels.json");
      if (lv->rules.count(id)) return bad_rule(rule, "listed in levels.json and in its rule table");
      RuleSetting setting{mode_of(mode), ""};
      if (std::string_view(name) == "strict") setting.reason_key = std::string(rule.levels.strict_reason);
      lv->rules[id] = std::move(setting);
    }
  }
  return true;
}

Result<std::shared_ptr<const PolicyData>> policy_data() {
  static std::once_flag once;
  static std::shared_ptr<const PolicyData> data;
  static Error error;
  std::call_once(once, [] {
    PolicySources src;
    std::string_view* slots[] = {&src.levels, &src.child_safe, &src.scenarios, &src.privacy_defaults};
    const char* paths[] = {"manifests/policy/levels.json", "manifests/policy/child_safe.json",
                           "manifests/policy/scenarios.json", "manifests/policy/privacy_defaults.json"};
    for (size_t i = 0; i < 4; ++i) {
      auto text = resources::get(paths[i]);
      if (!text) {
        error = Error{ErrorCode::internal, "error.policy.missing", std::string("policy manifest not embedded: ") + paths[i],
                      paths[i]};
        return;
      }
      *slots[i] = *text;
    }
    auto parsed = parse_policy_data(src);
    if (!parsed) {
      error = parsed.error();
      return;
    }
    if (auto added = add_rule_levels(*parsed, audit::all_rules()); !added) {
      error = added.error();
      return;
    }
    data = std::make_shared<const PolicyData>(std::move(parsed.value()));
  });
  if (!data) return error;
  return data;
}

}  // namespace domoguard::policy
