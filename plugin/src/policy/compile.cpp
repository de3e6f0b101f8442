#include "policy/compile.hpp"

#include <algorithm>
#include <cctype>
#include <mutex>
#include <set>
#include <tuple>

#include <boost/json.hpp>

#include "audit/classify.hpp"
#include "audit/triage.hpp"
#include "util/resources.hpp"

namespace domoguard::policy {

namespace json = boost::json;
using audit::Finding;
using model::Device;
using model::Entity;
using model::Home;

// ---------------------------------------------------------------------------------------------
// Data

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

std::string join(const std::vector<std::string>& v, const char* sep = ", ") {
  std::string s;
  for (const auto& x : v) {
    if (!s.empty()) s += sep;
    s += x;
  }
  return s;
}

Error bad(std::string key, std::string message, std::string file = "", std::string where = "",
          std::vector<std::pair<std::string, std::string>> ph = {}) {
  Error e;
  e.code = ErrorCode::bad_input;
  e.key = std::move(key);
  e.message = std::move(message);
  e.file = std::move(file);
  e.where = std::move(where);
  e.placeholders = std::move(ph);
  return e;
}

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
      c.rules = r.strings(at(o, "rules"), w + ".rules");
      out.categories.push_back(std::move(c));
    }
  }
  if (const auto* levels = r.array(at(root, "levels"), "levels")) {
    for (size_t i = 0; i < levels->size(); ++i) {
      const std::string w = "levels[" + std::to_string(i) + "]";
      const auto* o = r.object(&(*levels)[i], w);
      Level l;
      l.name = r.string(at(o, "name"), w + ".name");
      if (const auto* rules = r.object(at(o, "rules"), w + ".rules")) {
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
    if (!parsed) error = parsed.error();
    else data = std::make_shared<const PolicyData>(std::move(parsed.value()));
  });
  if (!data) return error;
  return data;
}

// ---------------------------------------------------------------------------------------------
// Building plans

namespace {

struct AssistantFlag {
  const char* id;
  model::Flag model::Exposure::*flag;
};
constexpr AssistantFlag kAssistants[] = {{"conversation", &model::Exposure::conversation},
                                         {"cloud.alexa", &model::Exposure::alexa},
                                         {"cloud.google_assistant", &model::Exposure::google}};

const char* flag_text(bool b) { return b ? "true" : "false"; }

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool contains(const std::vector<std::string>& v, const std::string& x) { return std::find(v.begin(), v.end(), x) != v.end(); }

const Device* device_of(const Home& h, const Entity& e) { return e.device_id.empty() ? nullptr : h.device(e.device_id); }

// Collects actions in order, once per (kind, target, param), leaving out changes to a value the
// home already has: a plan lists only what it changes.
class PlanBuilder {
 public:
  PlanBuilder(Plan& p, const Home& h) : plan_(p), home_(h) {}

  // The name people know the entity by: HA shows an entity named only "Child lock" under its
  // device's name, so a plan says "Kitchen oven Child lock" rather than a bare "Child lock".
  std::string label(const Entity& e) const {
    auto l = audit::label_of(e);
    const Device* d = device_of(home_, e);
    if (d && !d->name.empty() && !audit::contains_word(l, d->name)) l = d->name + " " + l;
    return l;
  }

  void add(PlanAction a) {
    if (!a.before.empty() && a.before == a.after) return;
    if (!seen_.insert({a.kind, a.target, a.param}).second) return;
    plan_.actions.push_back(std::move(a));
  }
  void guide(Guidance g) {
    std::string k = g.message_key + "|" + g.rule + "|" + g.title_key;
    for (const auto& [n, v] : g.placeholders) k += "|" + n + "=" + v;
    if (!guided_.insert(k).second) return;
    plan_.guidance.push_back(std::move(g));
  }
  void guide(std::string key, Placeholders ph = {}, std::string rule = "") {
    guide(Guidance{std::move(key), std::move(ph), std::move(rule), "", ""});
  }

  // Stop sharing an entity with each assistant it is shared with (or only `only`, when given).
  void unexpose(const Entity& e, const std::string& rule = "", const std::string& only = "") {
    for (const auto& a : kAssistants) {
      if (!only.empty() && only != a.id) continue;
      if (!(e.exposure.*a.flag).value_or(false)) continue;
      add({"set_exposure", e.entity_id, a.id, "true", "false", "plan.action.set_exposure.false",
           {{"name", label(e)}, {"assistant_key", std::string("assistant.") + a.id}}, rule});
    }
  }
  void set_flag(const char* kind, const Entity& e, bool current, bool after, const std::string& rule = "") {
    add({kind, e.entity_id, "", flag_text(current), flag_text(after),
         std::string("plan.action.") + kind + "." + flag_text(after), {{"name", label(e)}}, rule});
  }
  // A switch (on/off) or lock (locked/unlocked) entity; `what` names the message ("switch",
  // "child_lock", "privacy_switch", "content_filter", "microphone_switch").
  void set_switch(const Entity& e, const std::string& after, const std::string& what, const std::string& rule = "") {
    const bool lock = e.domain == "lock";
    add({lock ? "lock" : "switch", e.entity_id, "", e.state.value_or(""), after,
         "plan.action." + what + "." + after, {{"name", label(e)}}, rule});
  }

 private:
  Plan& plan_;
  const Home& home_;
  std::set<std::tuple<std::string, std::string, std::string>> seen_;
  std::set<std::string> guided_;
};

Placeholders finding_placeholders(const Finding& f) {
  Placeholders ph = f.placeholders;
  if (std::none_of(ph.begin(), ph.end(), [](const auto& p) { return p.first == "name"; }))
    ph.emplace_back("name", f.subject.name);
  return ph;
}

Guidance finding_guidance(const Finding& f, const std::string& reason_key = "") {
  return Guidance{f.remediation.message_key, finding_placeholders(f), f.rule,
                  f.message_key.empty() ? "rule." + f.rule + ".title" : f.message_key, reason_key};
}

// Turns a finding's remediation into plan actions. Actions the hub cannot take back (installing
// updates, removing devices) or that change people's rights (admin flags) are never automated:
// they become guidance, so the household decides.
void add_finding(PlanBuilder& b, const Home& h, const Finding& f) {
  if (f.remediation.kind != audit::Remediation::Kind::action) {
    b.guide(finding_guidance(f));
    return;
  }
  bool manual = false;
  for (const auto& a : f.remediation.actions) {
    if (a.kind == "set_exposure" || a.kind == "disable_entity" || a.kind == "hide_entity" || a.kind == "turn_on" ||
        a.kind == "turn_off") {
      const Entity* e = h.entity(a.target);
      if (!e) {
        manual = true;
        continue;
      }
      if (a.kind == "set_exposure") {
        // DG-VOI-004 is about Google Assistant without a PIN; the other assistants are other rules' business.
        b.unexpose(*e, f.rule, f.rule == "DG-VOI-004" ? "cloud.google_assistant" : "");
      } else if (a.kind == "disable_entity") {
        b.set_flag("disable_entity", *e, e->disabled, a.after != "false", f.rule);
      } else if (a.kind == "hide_entity") {
        b.set_flag("hide_entity", *e, e->hidden, a.after != "false", f.rule);
      } else {
        const bool on = a.kind == "turn_on";
        const std::string after = e->domain == "lock" ? (on ? "locked" : "unlocked") : (on ? "on" : "off");
        const char* what = audit::is_child_lock(*e)         ? "child_lock"
                           : audit::is_content_filter(*e)   ? "content_filter"
                           : audit::is_privacy_switch(*e)   ? "privacy_switch"
                                                            : "switch";
        b.set_switch(*e, after, what, f.rule);
      }
    } else if (a.kind == "set_expose_new") {
      auto it = h.hub.expose_new.find(a.target);
      const std::string before = it == h.hub.expose_new.end() ? "" : flag_text(it->second);
      b.add({"set_expose_new", "hub", a.target, before, a.after, "plan.action.set_expose_new." + a.after,
             {{"assistant_key", "assistant." + a.target}}, f.rule});
    } else if (a.kind == "set_analytics") {
      const model::Flag* flag = a.target == "base"         ? &h.hub.analytics_base
                                : a.target == "usage"      ? &h.hub.analytics_usage
                                : a.target == "statistics" ? &h.hub.analytics_statistics
                                : a.target == "diagnostics" ? &h.hub.analytics_diagnostics
                                                            : nullptr;
      if (!flag) {
        manual = true;
        continue;
      }
      b.add({"set_analytics", "hub", a.target, flag->has_value() ? flag_text(**flag) : "", a.after,
             "plan.action.set_analytics." + a.after, {{"preference_key", "analytics." + a.target}}, f.rule});
    } else {
      // install_update, set_auto_update, remove_device, set_user_admin and anything new.
      manual = true;
    }
  }
  if (manual) b.guide(finding_guidance(f));
}

void stamp(Plan& p) { p.id = plan_id(p); }

Error unknown(const std::string& what, const std::string& name, const std::vector<std::string>& valid) {
  return bad("error.plan.unknown_" + what, "unknown " + what + " '" + name + "' (valid: " + join(valid) + ")", "", "",
             {{"name", name}, {"valid", join(valid)}});
}

std::string type_name(const Device* d) { return d ? model::to_string(d->type) : ""; }

// The category a finding's subject belongs to, "" when it has none (hub, users, integrations, or
// devices of a type no category claims).
std::string subject_category(const PolicyData& data, const Home& h, const Finding& f) {
  const Device* d = f.device_id.empty() ? nullptr : h.device(f.device_id);
  if (!d && f.subject.kind == "device") d = h.device(f.subject.id);
  const Entity* e = f.subject.kind == "entity" ? h.entity(f.subject.id) : nullptr;
  if (!d && e) d = device_of(h, *e);
  if (d) {
    for (const auto& c : data.categories)
      if (contains(c.device_types, type_name(d))) return c.name;
  } else if (e) {
    for (const auto& c : data.categories)
      if (contains(c.domains, e->domain)) return c.name;
  }
  return {};
}

bool in_category(const PolicyData& data, const Home& h, const Finding& f, const Category& cat) {
  if (!contains(cat.rules, f.rule)) return false;
  std::vector<const Category*> listing;
  for (const auto& c : data.categories)
    if (contains(c.rules, f.rule)) listing.push_back(&c);
  if (listing.size() == 1) return true;
  const auto own = subject_category(data, h, f);
  if (!own.empty())
    for (const auto* c : listing)
      if (c->name == own) return c == &cat;
  // No category of its own among those listing the rule: the fallback takes it, else all do.
  for (const auto* c : listing)
    if (c->fallback) return c == &cat;
  return true;
}

bool is_heater(const ChildSafe& cs, const Device& d) {
  if (d.type != model::DeviceType::climate) return false;
  const auto text = d.name + " " + d.model + " " + d.manufacturer;
  return std::any_of(cs.heater_words.begin(), cs.heater_words.end(),
                     [&](const std::string& w) { return audit::contains_word(text, w); });
}

bool no_code(const Entity& e) {
  auto fmt = e.attributes.find("code_format");
  return fmt == e.attributes.end() || fmt->second.empty() || fmt->second == "null" || fmt->second == "None";
}

// The engaged option of a select child lock, in the case the select itself uses ("UNLOCK" -> "LOCK"),
// or "" when its state does not tell which option locks it.
std::string engaged_option(const ChildSafe& cs, const std::string& state) {
  const auto s = lower(state);
  std::string want = s == "unlock" ? "lock" : s == "unlocked" ? "locked" : s == "off" ? "on" : "";
  if (want.empty()) return {};
  const bool upper = std::all_of(state.begin(), state.end(), [](unsigned char c) { return !std::isalpha(c) || std::isupper(c); });
  const bool title = !upper && !state.empty() && std::isupper(static_cast<unsigned char>(state[0]));
  if (upper) for (auto& c : want) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  else if (title) want[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(want[0])));
  return contains(cs.select_engaged, want) ? want : std::string();
}

bool engaged_state(const std::string& state) {
  const auto s = lower(state);
  return s == "on" || s == "lock" || s == "locked";
}

bool where_matches(const Home& h, const Device& d, const std::string& where) {
  if (where == "indoor") return audit::is_indoor(h, d);
  if (where == "outdoor") return !d.area_id.empty() && !audit::is_indoor(h, d);
  if (where == "private_rooms") return audit::area_kind_of(h, d.area_id) != model::AreaKind::normal;
  return true;
}

// A phone's device_tracker is kept when presence depends on it: a person uses it as their source,
// an automation reacts to it, or it is the home's only tracker. Disabling it would silently break
// arming when everyone leaves, or lights when someone comes home; the household is told instead.
bool tracker_relied_on(const Home& h, const Entity& tracker) {
  size_t trackers = 0;
  for (const auto& e : h.entities) {
    if (e.domain == "device_tracker" && !e.disabled) ++trackers;
    if (e.domain == "person") {
      auto it = e.attributes.find("source");
      if (it != e.attributes.end() && it->second == tracker.entity_id) return true;
    }
  }
  for (const auto& a : h.automations)
    if (contains(a.trigger_entities, tracker.entity_id)) return true;
  return trackers <= 1;
}

}  // namespace

Result<Plan> plan_level(const PolicyData& data, const Home& home, const std::vector<Finding>& findings,
                        const std::string& level, const std::string& category) {
  const Level* lv = data.level(level);
  if (!lv) return unknown("level", level, data.level_names());
  const Category* cat = category.empty() ? nullptr : data.category(category);
  if (!category.empty() && !cat) return unknown("category", category, data.category_names());
  Plan p;
  p.kind = "level";
  p.selector = Selector{Selector::Kind::level, level, category}.text();
  p.title_key = cat ? "plan.title.level" : "plan.title.level_all";
  p.title_placeholders = {{"level_key", "level." + level + ".title"}};
  if (cat) p.title_placeholders.emplace_back("category_key", "category." + category + ".title");
  PlanBuilder b(p, home);
  for (const auto& f : findings) {
    if (cat && !in_category(data, home, f, *cat)) continue;
    const auto s = lv->setting(f.rule);
    if (s.mode == Mode::enforce) add_finding(b, home, f);
    else if (s.mode == Mode::warn) b.guide(finding_guidance(f, s.reason_key));
  }
  stamp(p);
  return p;
}

Plan plan_child_safe(const PolicyData& data, const Home& home) {
  const auto& cs = data.child_safe;
  Plan p;
  p.kind = "child_safe";
  p.selector = Selector{Selector::Kind::child_safe}.text();
  p.title_key = "plan.title.child_safe";
  PlanBuilder b(p, home);
  auto guide = [&](const char* situation, Placeholders ph) {
    if (auto it = cs.guidance.find(situation); it != cs.guidance.end()) b.guide(it->second, std::move(ph));
  };
  // 1. Child locks on (7.1.6). Binary sensors only report; selects lock with the option matching their state.
  for (const auto& e : home.entities) {
    if (e.disabled || !audit::is_child_lock(e) || e.domain == "binary_sensor") continue;
    if (auto it = cs.engage.find(e.domain); it != cs.engage.end()) {
      b.set_switch(e, it->second, "child_lock");
    } else if (e.domain == "select") {
      if (e.state && engaged_state(*e.state)) continue;
      const auto option = e.state ? engaged_option(cs, *e.state) : std::string();
      if (option.empty()) guide("child_lock_manual", {{"name", b.label(e)}});
      else b.add({"select_option", e.entity_id, "", *e.state, option, "plan.action.child_lock.select",
                  {{"name", b.label(e)}, {"option", option}}, ""});
    }
  }
  // 2. Doors, alarms and hazardous appliances off every voice assistant: a child can ask too (7.1.6).
  for (const auto& e : home.entities) {
    if (e.disabled || !e.exposure.any()) continue;
    const Device* d = device_of(home, e);
    const bool critical = cs.unexpose_critical && audit::is_critical_entity(e);
    const bool by_type = d && (contains(cs.unexpose_device_types, type_name(d)) || is_heater(cs, *d));
    if (critical || by_type) b.unexpose(e);
  }
  // 3. Content filters on (7.1.5).
  for (const auto& e : home.entities)
    if (!e.disabled && audit::is_content_filter(e)) b.set_switch(e, cs.content_filters, "content_filter");
  // What the hub's API cannot do: said, not skipped.
  for (const auto& e : home.entities) {
    if (e.disabled) continue;
    if (e.domain == "alarm_control_panel" && no_code(e)) guide("alarm_without_code", {{"name", b.label(e)}});
    if (e.has_default_code) guide("stored_default_code", {{"name", b.label(e)}});
  }
  for (const auto& u : home.users)
    if (u.child && u.active && (u.admin || u.owner)) guide("child_admin", {{"name", u.name}});
  for (const auto& d : home.devices) {
    if (d.type != model::DeviceType::appliance && !is_heater(cs, d)) continue;
    const bool has_lock = std::any_of(d.entities.begin(), d.entities.end(),
                                      [&](size_t ix) { return audit::is_child_lock(home.entities[ix]); });
    if (!has_lock) guide("no_child_lock", {{"name", d.name}});
  }
  for (const auto& k : cs.always_guidance) b.guide(k);
  stamp(p);
  return p;
}

Result<Plan> plan_scenario(const PolicyData& data, const Home& home, const std::string& name) {
  const Scenario* sc = data.scenario(name);
  if (!sc) return unknown("scenario", name, data.scenario_names());
  Plan p;
  p.kind = "scenario";
  p.selector = Selector{Selector::Kind::scenario, name}.text();
  p.title_key = "plan.title.scenario";
  p.title_placeholders = {{"scenario_key", "scenario." + name + ".title"}};
  PlanBuilder b(p, home);
  auto untouchable = [&](const Entity& e) { return contains(data.scenario_unchanged, e.domain); };
  for (const auto& st : sc->steps) {
    if (st.action == "privacy_switch") {
      for (const auto& d : home.devices) {
        if (!contains(st.device_types, type_name(&d)) || !where_matches(home, d, st.where)) continue;
        for (size_t ix : d.entities) {
          const Entity& e = home.entities[ix];
          if (!e.disabled && !untouchable(e) && audit::is_privacy_switch(e)) b.set_switch(e, st.after, "privacy_switch");
        }
      }
    } else if (st.action == "unexpose") {
      for (const auto& e : home.entities) {
        if (e.disabled || untouchable(e)) continue;
        if ((contains(st.what, "camera") && e.domain == "camera") || (contains(st.what, "microphone") && audit::is_microphone(e)))
          b.unexpose(e);
      }
    }
  }
  stamp(p);
  return p;
}

Result<Plan> plan_privacy_defaults(const PolicyData& data, const Home& home, const std::string& device_id) {
  const Device* d = home.device(device_id);
  if (!d) return bad("error.plan.unknown_device", "unknown device '" + device_id + "'", "", "", {{"name", device_id}});
  auto it = data.privacy_defaults.find(type_name(d));
  if (it == data.privacy_defaults.end()) it = data.privacy_defaults.find("default");
  const PrivacyDefault pd = it == data.privacy_defaults.end() ? PrivacyDefault{} : it->second;
  Plan p;
  p.kind = "privacy_default";
  p.selector = Selector{Selector::Kind::privacy_default, "", "", device_id}.text();
  p.title_key = "plan.title.privacy_default";
  p.title_placeholders = {{"name", d->name}, {"type_key", "device_type." + type_name(d)}};
  PlanBuilder b(p, home);
  for (size_t ix : d->entities) {
    const Entity& e = home.entities[ix];
    if (e.disabled) continue;
    if (pd.unexpose) b.unexpose(e);
    if (!pd.privacy_switch.empty() && audit::is_privacy_switch(e)) {
      b.set_switch(e, pd.privacy_switch, "privacy_switch");
    } else if (pd.microphones == "disable" && audit::is_microphone(e)) {
      // Disabling a "record audio" switch would only hide it while the microphone kept listening.
      if (e.domain == "switch") b.set_switch(e, "off", "microphone_switch");
      else b.set_flag("disable_entity", e, false, true);
    } else if (pd.location == "disable" && audit::is_location(e) && e.domain != "person") {
      if (e.domain == "device_tracker" && tracker_relied_on(home, e))
        b.guide("privacy_default.guidance.tracker_kept", {{"name", b.label(e)}});
      else b.set_flag("disable_entity", e, false, true);
    }
  }
  b.guide("privacy_default.guidance.opt_in", {{"name", d->name}});
  stamp(p);
  return p;
}

Plan plan_fix(const Home& home, const Finding& finding) {
  Plan p;
  p.kind = "fix";
  p.selector = Selector{Selector::Kind::fix, finding.key()}.text();
  p.title_key = "plan.title.fix";
  p.title_placeholders = finding_placeholders(finding);
  p.title_placeholders.emplace_back("finding_key", finding.message_key.empty() ? "rule." + finding.rule + ".title"
                                                                               : finding.message_key);
  PlanBuilder b(p, home);
  add_finding(b, home, finding);
  stamp(p);
  return p;
}

// Every member of a group (audit/triage: one rule on one kind of subject) in one plan.
Plan plan_fix_group(const Home& home, const std::vector<const Finding*>& members, const std::string& group) {
  Plan p;
  p.kind = "fix";
  p.selector = Selector{Selector::Kind::fix, group}.text();
  p.title_key = "plan.title.fix";
  const auto& first = *members.front();
  p.title_placeholders = {{"count", std::to_string(members.size())}};
  p.title_placeholders.emplace_back("finding_key", "rule." + first.rule + ".group");
  PlanBuilder b(p, home);
  for (const auto* f : members) add_finding(b, home, *f);
  stamp(p);
  return p;
}

// Overloads on the embedded manifests.
Result<Plan> plan_level(const Home& home, const std::vector<Finding>& findings, const std::string& level,
                        const std::string& category) {
  auto data = policy_data();
  if (!data) return data.error();
  return plan_level(**data, home, findings, level, category);
}
Result<Plan> plan_child_safe(const Home& home) {
  auto data = policy_data();
  if (!data) return data.error();
  return plan_child_safe(**data, home);
}
Result<Plan> plan_scenario(const Home& home, const std::string& name) {
  auto data = policy_data();
  if (!data) return data.error();
  return plan_scenario(**data, home, name);
}
Result<Plan> plan_privacy_defaults(const Home& home, const std::string& device_id) {
  auto data = policy_data();
  if (!data) return data.error();
  return plan_privacy_defaults(**data, home, device_id);
}

// ---------------------------------------------------------------------------------------------
// Selectors

std::string Selector::text() const {
  switch (kind) {
    case Kind::level: return "level=" + name + (category.empty() ? "" : ";category=" + category);
    case Kind::child_safe: return std::string("child_safe=") + (on ? "on" : "off");
    case Kind::scenario: return "scenario=" + name;
    case Kind::privacy_default:
      return std::string("privacy_default=") + (on ? "on" : "off") + (device_id.empty() ? "" : ";device=" + device_id);
    case Kind::fix: return "fix=" + name;
    case Kind::profile: return "profile=" + name;
  }
  return {};
}

namespace {

const char* kSelectorForms =
    "--level NAME [--category CAT], --child-safe on|off, --scenario NAME, --privacy-default on|off --device ID, "
    "--fix FINDING, --profile FILE";

Error bad_selector(const std::string& why) {
  return bad("error.plan.bad_selector", why + " (selectors: " + kSelectorForms + ")", "", "",
             {{"reason", why}, {"valid", kSelectorForms}});
}

}  // namespace

Result<Selector> parse_selector(const std::vector<std::string>& words) {
  auto data = policy_data();
  if (!data) return data.error();
  const PolicyData& pd = **data;
  Selector s;
  bool have_main = false;
  std::string category, device;
  bool have_category = false, have_device = false;
  for (size_t i = 0; i < words.size(); ++i) {
    const auto& w = words[i];
    const bool known = w == "--level" || w == "--category" || w == "--child-safe" || w == "--scenario" ||
                       w == "--privacy-default" || w == "--device" || w == "--fix" || w == "--profile";
    if (!known) return bad_selector("unknown selector word '" + w + "'");
    if (i + 1 >= words.size() || words[i + 1].empty() || words[i + 1].rfind("--", 0) == 0)
      return bad_selector(w + " needs a value");
    const std::string v = words[++i];
    if (w == "--category") {
      if (have_category) return bad_selector("--category given twice");
      category = v;
      have_category = true;
      continue;
    }
    if (w == "--device") {
      if (have_device) return bad_selector("--device given twice");
      device = v;
      have_device = true;
      continue;
    }
    if (have_main) return bad_selector("only one selector at a time");
    have_main = true;
    if (w == "--level") {
      if (!pd.level(v)) return unknown("level", v, pd.level_names());
      s.kind = Selector::Kind::level;
      s.name = v;
    } else if (w == "--scenario") {
      if (!pd.scenario(v)) return unknown("scenario", v, pd.scenario_names());
      s.kind = Selector::Kind::scenario;
      s.name = v;
    } else if (w == "--child-safe" || w == "--privacy-default") {
      if (v != "on" && v != "off") return bad_selector(w + " takes on or off, not '" + v + "'");
      s.kind = w == "--child-safe" ? Selector::Kind::child_safe : Selector::Kind::privacy_default;
      s.on = v == "on";
    } else if (w == "--fix") {
      s.kind = Selector::Kind::fix;
      s.name = v;
    } else {
      s.kind = Selector::Kind::profile;
      s.name = v;
    }
  }
  if (!have_main) return bad_selector("no selector given");
  if (have_category) {
    if (s.kind != Selector::Kind::level) return bad_selector("--category goes with --level");
    if (!pd.category(category)) return unknown("category", category, pd.category_names());
    s.category = category;
  }
  if (have_device && s.kind != Selector::Kind::privacy_default) return bad_selector("--device goes with --privacy-default");
  if (s.kind == Selector::Kind::privacy_default && s.on && !have_device)
    return bad_selector("--privacy-default on needs --device ID");
  s.device_id = device;
  return s;
}

Result<Plan> compile(const Home& home, const std::vector<Finding>& findings, const Selector& sel) {
  auto data = policy_data();
  if (!data) return data.error();
  switch (sel.kind) {
    case Selector::Kind::level: return plan_level(**data, home, findings, sel.name, sel.category);
    case Selector::Kind::scenario: return plan_scenario(**data, home, sel.name);
    case Selector::Kind::child_safe:
    case Selector::Kind::privacy_default:
      if (!sel.on)
        // Off is the undo of the plan that switched it on: only the journal knows what that changed.
        return bad("error.plan.undo_by_journal", sel.text() + " is done by undoing the plan that switched it on", "", "",
                   {{"selector", sel.text()}});
      if (sel.kind == Selector::Kind::child_safe) return plan_child_safe(**data, home);
      return plan_privacy_defaults(**data, home, sel.device_id);
    case Selector::Kind::fix: {
      for (const auto& f : findings)
        if (f.key() == sel.name) return plan_fix(home, f);
      // A group id ("RULE|kind:*") fixes every member at once.
      std::vector<const Finding*> members;
      for (const auto& f : findings)
        if (audit::group_id(f) == sel.name) members.push_back(&f);
      if (members.size() == 1) return plan_fix(home, *members.front());
      if (!members.empty()) return plan_fix_group(home, members, sel.name);
      std::vector<std::string> keys;
      for (const auto& f : findings)
        if (f.remediation.kind == audit::Remediation::Kind::action && keys.size() < 20) keys.push_back(f.key());
      return unknown("finding", sel.name, keys);
    }
    case Selector::Kind::profile:
      return bad("error.plan.profile", "profiles are compiled by the profile loader, not by plan selectors", "", "",
                 {{"name", sel.name}});
  }
  return bad("error.plan.bad_selector", "unknown selector");
}

}  // namespace domoguard::policy
