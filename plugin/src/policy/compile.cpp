#include "policy/compile.hpp"

#include <algorithm>
#include <cctype>
#include <mutex>
#include <set>
#include <tuple>

#include "audit/classify.hpp"
#include "policy/errors.hpp"
#include "audit/triage.hpp"
#include "util/resources.hpp"

namespace domoguard::policy {

using detail::bad;
using detail::unknown;
using audit::Finding;
using model::Device;
using model::Entity;
using model::Home;

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
    using model::ActionKind;
    switch (a.kind) {
      case ActionKind::set_exposure:
      case ActionKind::disable_entity:
      case ActionKind::hide_entity:
      case ActionKind::switch_state:
      case ActionKind::lock:
      case ActionKind::select_option: {
        const Entity* e = h.entity(a.target);
        if (!e) {
          manual = true;
          break;
        }
        if (a.kind == ActionKind::set_exposure) {
          // DG-VOI-004 is about Google Assistant without a PIN; the other assistants are other rules' business.
          b.unexpose(*e, f.rule, f.rule == "DG-VOI-004" ? "cloud.google_assistant" : "");
        } else if (a.kind == ActionKind::disable_entity) {
          b.set_flag("disable_entity", *e, e->disabled, a.after != "false", f.rule);
        } else if (a.kind == ActionKind::hide_entity) {
          b.set_flag("hide_entity", *e, e->hidden, a.after != "false", f.rule);
        } else if (a.kind == ActionKind::select_option) {
          manual = true;  // an option's meaning differs per integration: no rule asks for one yet
        } else {
          // A rule asks for "on" (engaged) or "off"; a lock entity says that as locked/unlocked.
          const bool on = a.after == "on" || a.after == "locked";
          const std::string after = e->domain == "lock" ? (on ? "locked" : "unlocked") : (on ? "on" : "off");
          const char* what = audit::is_child_lock(*e)         ? "child_lock"
                             : audit::is_content_filter(*e)   ? "content_filter"
                             : audit::is_privacy_switch(*e)   ? "privacy_switch"
                                                              : "switch";
          b.set_switch(*e, after, what, f.rule);
        }
        break;
      }
      case ActionKind::set_expose_new: {
        auto it = h.hub.expose_new.find(a.target);
        const std::string before = it == h.hub.expose_new.end() ? "" : flag_text(it->second);
        b.add({"set_expose_new", "hub", a.target, before, a.after, "plan.action.set_expose_new." + a.after,
               {{"assistant_key", "assistant." + a.target}}, f.rule});
        break;
      }
      case ActionKind::set_analytics: {
        const model::Flag* flag = a.target == "base"         ? &h.hub.analytics_base
                                  : a.target == "usage"      ? &h.hub.analytics_usage
                                  : a.target == "statistics" ? &h.hub.analytics_statistics
                                  : a.target == "diagnostics" ? &h.hub.analytics_diagnostics
                                                              : nullptr;
        if (!flag) {
          manual = true;
          break;
        }
        b.add({"set_analytics", "hub", a.target, flag->has_value() ? flag_text(**flag) : "", a.after,
               "plan.action.set_analytics." + a.after, {{"preference_key", "analytics." + a.target}}, f.rule});
        break;
      }
      case ActionKind::revoke_token: {
        // The token is shown by the name it was given.
        const auto it = std::find_if(h.tokens.begin(), h.tokens.end(),
                                     [&](const model::Token& t) { return model::token_key(t) == a.target; });
        if (it == h.tokens.end()) {
          manual = true;
          break;
        }
        b.add({"revoke_token", a.target, "", "present", "revoked", "plan.action.revoke_token",
               {{"name", it->client_name.empty() ? f.subject.name : it->client_name}}, f.rule});
        break;
      }
      case ActionKind::set_app_protection: {
        const auto it = std::find_if(h.apps.begin(), h.apps.end(), [&](const model::App& x) { return x.slug == a.target; });
        if (it == h.apps.end()) {
          manual = true;
          break;
        }
        b.add({"set_app_protection", it->slug, "", it->protection ? flag_text(*it->protection) : "", a.after,
               "plan.action.set_app_protection." + a.after, {{"name", it->name.empty() ? it->slug : it->name}}, f.rule});
        break;
      }
    }
  }
  if (manual) b.guide(finding_guidance(f));
}

// Steps that cannot be undone (revoking a token) go last: a reversible step failing before them
// rolls the plan back whole, and nothing irreversible has happened yet.
void stamp(Plan& p) {
  std::stable_partition(p.actions.begin(), p.actions.end(), [](const PlanAction& a) { return model::undoable(a.kind); });
  p.id = plan_id(p);
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
    if (!has_lock) guide("no_child_lock", {{"name", audit::shown_name(d)}});
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

}  // namespace domoguard::policy
