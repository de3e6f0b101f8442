#include "policy/desired.hpp"

#include <algorithm>
#include <map>
#include <tuple>

namespace domoguard::policy {

const char* to_string(HoldMode m) {
  switch (m) {
    case HoldMode::child_safe: return "child_safe";
    case HoldMode::scenario: return "scenario";
    case HoldMode::level: return "level";
    case HoldMode::privacy_default: return "privacy_default";
  }
  return "child_safe";
}

std::optional<HoldMode> hold_mode(const std::string& name) {
  for (auto m : kHoldModes)
    if (name == to_string(m)) return m;
  return std::nullopt;
}

const char* to_string(HoldPolicy p) { return p == HoldPolicy::restore ? "restore" : "notify"; }

std::optional<HoldPolicy> hold_policy(const std::string& name) {
  if (name == "restore") return HoldPolicy::restore;
  if (name == "notify") return HoldPolicy::notify;
  return std::nullopt;
}

HoldPolicy default_policy(HoldMode m) {
  return m == HoldMode::child_safe || m == HoldMode::privacy_default ? HoldPolicy::restore : HoldPolicy::notify;
}

const DesiredValue* DesiredState::find(const std::string& kind, const std::string& target, const std::string& param) const {
  for (const auto& v : values)
    if (v.action.kind == kind && v.action.target == target && v.action.param == param) return &v;
  return nullptr;
}

void selector_parts(const std::string& selector, std::string& name, std::string& category, std::string& device) {
  name.clear();
  category.clear();
  device.clear();
  size_t pos = 0;
  while (pos <= selector.size()) {
    const size_t end = std::min(selector.find(';', pos), selector.size());
    const std::string part = selector.substr(pos, end - pos);
    if (auto eq = part.find('='); eq != std::string::npos) {
      const std::string key = part.substr(0, eq), value = part.substr(eq + 1);
      if (key == "level" || key == "scenario") name = value;
      else if (key == "category") category = value;
      else if (key == "device") device = value;
    }
    pos = end + 1;
  }
}

namespace {

using Key = std::tuple<std::string, std::string, std::string>;

// The compiled plan of one setting in force, against the home as it is now.
std::optional<Plan> compiled(const PolicyData& data, const model::Home& home, HoldMode mode, const std::string& name, const std::string& device) {
  switch (mode) {
    case HoldMode::child_safe: return plan_child_safe(data, home);
    case HoldMode::scenario: {
      auto p = plan_scenario(data, home, name);
      if (p) return std::move(*p);
      return std::nullopt;
    }
    case HoldMode::level: return std::nullopt;  // see desired_state
    case HoldMode::privacy_default: {
      if (device.empty() || !home.device(device)) return std::nullopt;  // the device is gone: nothing to hold
      auto p = plan_privacy_defaults(data, home, device);
      if (p) return std::move(*p);
      return std::nullopt;
    }
  }
  return std::nullopt;
}

const char* text(bool b) { return b ? "true" : "false"; }

}  // namespace

DesiredState desired_state(const PolicyData& data, const model::Home& home, const std::vector<InForce>& in_force) {
  // Which plans stand for each setting: all child-safe and privacy-by-default plans still applied,
  // the newest scenario, and the newest level of each category (a level for all categories counts
  // for every category no newer level was chosen for).
  std::vector<const InForce*> plans;
  for (const auto& f : in_force) plans.push_back(&f);
  std::stable_sort(plans.begin(), plans.end(), [](const InForce* a, const InForce* b) { return a->journal_id < b->journal_id; });
  const InForce* newest_scenario = nullptr;
  std::map<std::string, const InForce*> newest_level;  // category ("" = all) -> plan
  for (const auto* p : plans) {
    if (p->mode == HoldMode::scenario) newest_scenario = p;
    if (p->mode == HoldMode::level) {
      std::string name, category, device;
      selector_parts(p->selector, name, category, device);
      if (category.empty()) newest_level.clear();  // a level for all categories replaces every earlier one
      newest_level[category] = p;
    }
  }
  std::map<Key, size_t> at;  // (kind, target, param) -> index in values
  DesiredState out;
  auto want = [&](DesiredValue v) {
    Key k{v.action.kind, v.action.target, v.action.param};
    if (auto it = at.find(k); it != at.end()) {
      // A newer plan wins; within one plan the journalled value comes first and stands.
      if (out.values[it->second].journal_id < v.journal_id) out.values[it->second] = std::move(v);
      return;
    }
    at.emplace(std::move(k), out.values.size());
    out.values.push_back(std::move(v));
  };
  for (const auto* p : plans) {
    if (p->mode == HoldMode::scenario && p != newest_scenario) continue;
    std::string name, category, device;
    selector_parts(p->selector, name, category, device);
    if (p->mode == HoldMode::level) {
      auto it = newest_level.find(category);
      if (it == newest_level.end() || it->second != p) continue;
    }
    auto make = [&](const PlanAction& a) {
      DesiredValue v;
      v.mode = p->mode;
      v.name = p->mode == HoldMode::privacy_default ? device : name;
      v.category = category;
      v.journal_id = p->journal_id;
      v.action = a;
      v.action.before.clear();
      return v;
    };
    for (const auto& a : p->actions) want(make(a));
    // A level holds what the household previewed and applied: its rules can stage their fixes
    // (analytics: usage first, then base), so compiling it again would put through changes nobody
    // saw. Modes are defined over the home instead: what they compile to now is what they hold.
    if (p->mode == HoldMode::level) continue;
    if (auto c = compiled(data, home, p->mode, name, device))
      for (const auto& a : c->actions) want(make(a));
  }
  return out;
}

std::optional<std::string> current_value(const model::Home& home, const PlanAction& a) {
  if (a.kind == "set_expose_new") {
    if (!home.hub.has_exposure_data) return std::nullopt;
    auto it = home.hub.expose_new.find(a.param);
    return std::string(text(it != home.hub.expose_new.end() && it->second));
  }
  if (a.kind == "set_analytics") {
    if (!home.hub.has_analytics_data) return std::nullopt;
    const model::Flag* f = a.param == "base"          ? &home.hub.analytics_base
                           : a.param == "usage"       ? &home.hub.analytics_usage
                           : a.param == "statistics"  ? &home.hub.analytics_statistics
                           : a.param == "diagnostics" ? &home.hub.analytics_diagnostics
                                                      : nullptr;
    if (!f) return std::nullopt;
    return std::string(text(f->value_or(false)));
  }
  const model::Entity* e = home.entity(a.target);
  if (!e) return std::nullopt;
  if (a.kind == "set_exposure") {
    const model::Flag* f = a.param == "conversation"             ? &e->exposure.conversation
                           : a.param == "cloud.alexa"            ? &e->exposure.alexa
                           : a.param == "cloud.google_assistant" ? &e->exposure.google
                                                                 : nullptr;
    if (!f || !home.hub.has_exposure_data) return std::nullopt;
    return std::string(text(f->value_or(false)));
  }
  if (a.kind == "disable_entity") return std::string(text(e->disabled));
  if (a.kind == "hide_entity") return std::string(text(e->hidden));
  if (a.kind == "switch" || a.kind == "lock" || a.kind == "select_option") {
    if (!e->state || *e->state == "unknown" || *e->state == "unavailable") return std::nullopt;
    return *e->state;
  }
  return std::nullopt;  // a kind this comparison does not know: never reported as drift
}

std::vector<Drift> compare(const model::Home& home, const DesiredState& desired) {
  std::vector<Drift> out;
  for (const auto& v : desired.values) {
    auto is = current_value(home, v.action);
    if (is && *is != v.action.after) out.push_back({v, *is});
  }
  return out;
}

Plan restore_plan(HoldMode mode, const std::vector<Drift>& drift) {
  Plan p;
  p.kind = "hold";
  p.selector = std::string("hold=") + to_string(mode);
  p.title_key = "plan.title.hold";
  p.title_placeholders = {{"mode_key", std::string("hold.mode.") + to_string(mode)}};
  for (const auto& d : drift) {
    if (d.want.mode != mode) continue;
    PlanAction a = d.want.action;
    a.before = d.is;
    p.actions.push_back(std::move(a));
  }
  p.id = plan_id(p);
  return p;
}

}  // namespace domoguard::policy
