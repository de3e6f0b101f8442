// DG-AUT: automated decisions that open the home, made by automations and by the scripts they (or a
// voice assistant) run.
// ISO/IEC 27403 7.3.11 (verification of automated decisions: a person should confirm decisions with
// serious effects) and 7.2.16 (access control); ETSI EN 303 645 5.5-4.
#include <algorithm>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "audit/classify.hpp"
#include "audit/rules/families.hpp"

namespace domoguard::audit::rules {

using namespace std::string_view_literals;
namespace {

using model::Automation;
using model::Entity;
using model::Home;
using model::Part;
using model::Script;

// What a risky action does, from the weightiest down; none when the action is harmless.
enum class Opens { none, garage, unlock };

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

bool garage_like(const Home& h, const std::string& entity_id) {
  if (const Entity* e = h.entity(entity_id)) return is_critical_entity(*e);
  // Not in the snapshot (template or deleted entity): judge by its id.
  return contains_word(entity_id, "garage") || contains_word(entity_id, "gate");
}

// What an automation or script does once the scripts it runs are followed: a script runs the
// services of its sequence wherever it is called from (script.turn_on / script.toggle on its entity,
// or script.<key> directly), so an unlock two scripts deep is still an unlock.
struct Effects {
  std::vector<std::string> services;
  std::vector<std::string> entities;
  std::vector<std::string> scripts;   // the scripts followed, in call order
};

void push_unique(std::vector<std::string>& v, const std::string& s) {
  if (std::find(v.begin(), v.end(), s) == v.end()) v.push_back(s);
}

Effects effects(const Home& h, const Automation& a) {
  std::unordered_map<std::string_view, const Script*> by_entity;
  for (const auto& s : h.scripts)
    if (!s.entity_id.empty()) by_entity.emplace(s.entity_id, &s);
  Effects out;
  std::set<std::string_view> seen;
  std::vector<std::pair<const Automation*, int>> todo{{&a, 0}};
  while (!todo.empty()) {
    // Plain variables, not a structured binding: the lambda below captures them (clang 14, which
    // builds the fuzz targets, cannot capture a structured binding).
    const Automation* cur = todo.back().first;
    const int depth = todo.back().second;
    todo.pop_back();
    for (const auto& s : cur->action_services) push_unique(out.services, s);
    for (const auto& e : cur->action_entities) push_unique(out.entities, e);
    if (depth >= 8) continue;   // HA itself refuses deeper script recursion long before
    auto follow = [&](const std::string& eid) {
      auto it = by_entity.find(eid);
      if (it == by_entity.end() || !seen.insert(it->first).second) return;
      out.scripts.push_back(eid);
      todo.emplace_back(it->second, depth + 1);
    };
    const bool calls_entities = std::any_of(cur->action_services.begin(), cur->action_services.end(), [](const auto& s) {
      return s == "script.turn_on"sv || s == "script.toggle"sv;
    });
    if (calls_entities)
      for (const auto& e : cur->action_entities)
        if (starts_with(e, "script.")) follow(e);
    for (const auto& s : cur->action_services)
      if (starts_with(s, "script.") && s != "script.turn_on"sv && s != "script.toggle"sv && s != "script.turn_off"sv &&
          s != "script.reload"sv)
        follow(s);
  }
  return out;
}

Opens opens(const Home& h, const Effects& fx) {
  Opens worst = Opens::none;
  for (const auto& s : fx.services) {
    if (s == "lock.unlock"sv || s == "lock.open"sv || s == "alarm_control_panel.alarm_disarm"sv) return Opens::unlock;
    if (s == "cover.open_cover"sv || s == "cover.toggle"sv || s == "valve.open_valve"sv) {
      auto opened = [&](const std::string& id) {
        return (starts_with(id, "cover.") || starts_with(id, "valve.")) && garage_like(h, id);
      };
      if (std::any_of(fx.entities.begin(), fx.entities.end(), opened)) worst = Opens::garage;
    }
  }
  return worst;
}

bool presence_kind(const std::string& k) {
  return k == "state:person"sv || k == "state:device_tracker"sv || k == "zone"sv || k == "presence"sv ||
         k == "geo_location"sv || k == "state:zone"sv || k == "numeric_state:zone"sv;
}

Finding automation_finding(const Automation& a, const Effects& fx, Severity sev, const char* kind = "automation") {
  Finding f;
  f.severity = sev;
  f.subject = {kind, a.id.empty() ? a.entity_id : a.id, a.alias.empty() ? a.entity_id : a.alias};
  f.placeholders = {{"name", f.subject.name}};
  for (const auto& k : a.trigger_kinds) f.evidence.emplace_back("trigger", k);
  for (const auto& s : fx.scripts) f.evidence.emplace_back("script", s);
  for (const auto& s : fx.services) f.evidence.emplace_back("action", s);
  for (const auto& e : fx.entities) f.evidence.emplace_back("entity", e);
  return f;
}

// DG-AUT-001: an automation unlocks a door, disarms the alarm or opens the garage (itself or through
// a script it runs) because a phone arrived: a stolen or borrowed phone, a spoofed location or a GPS
// glitch opens the home, and no person confirms it (7.3.11).
void presence_unlock(const Home& h, Sink& out) {
  for (const auto& a : h.automations) {
    if (!a.enabled || a.trigger_kinds.empty()) continue;
    if (!std::all_of(a.trigger_kinds.begin(), a.trigger_kinds.end(), presence_kind)) continue;
    // A condition that only re-checks presence adds no confirmation.
    if (!std::all_of(a.condition_kinds.begin(), a.condition_kinds.end(), presence_kind)) continue;
    const Effects fx = effects(h, a);
    const Opens what = opens(h, fx);
    if (what == Opens::none) continue;
    auto f = automation_finding(a, fx, what == Opens::unlock ? Severity::critical : Severity::high);
    f.remediation = guidance("rule.DG-AUT-001.fix");
    out.add(std::move(f));
  }
}

bool operates_critical(const Home& h, const Effects& fx) {
  for (const auto& id : fx.entities)
    if (const Entity* e = h.entity(id); e && is_critical_entity(*e)) return true;
  for (const auto& s : fx.services)
    for (std::string_view d : {"lock.", "alarm_control_panel.", "valve.", "siren."})
      if (starts_with(s, d)) return true;
  return opens(h, fx) != Opens::none;
}

// DG-AUT-002: a webhook starts an automation that operates a lock, alarm, garage or valve (itself or
// through a script). A webhook id is a bearer secret in a URL: anyone who learns it (from a log, a
// shared screenshot, a phone app backup) can trigger the action without logging in (7.2.16).
void webhook_critical(const Home& h, Sink& out) {
  for (const auto& a : h.automations) {
    if (!a.enabled) continue;
    if (std::find(a.trigger_kinds.begin(), a.trigger_kinds.end(), "webhook") == a.trigger_kinds.end()) continue;
    const Effects fx = effects(h, a);
    if (!operates_critical(h, fx)) continue;
    auto f = automation_finding(a, fx, opens(h, fx) == Opens::unlock ? Severity::critical : Severity::high);
    f.remediation = guidance("rule.DG-AUT-002.fix");
    out.add(std::move(f));
  }
}

// Whether a voice assistant can run the script: its entity's exposure, or for a script the snapshot
// has no entity of, what the hub does with new entities (scripts are among the domains HA exposes
// to its own assistant by default).
bool voice_runs(const Home& h, const Script& s) {
  if (const Entity* e = h.entity(s.entity_id)) return e->exposure.any();
  auto it = h.hub.expose_new.find("conversation");
  return it != h.hub.expose_new.end() && it->second;
}

// DG-AUT-003: a spoken sentence opens the home. A script that unlocks, disarms or opens the garage
// and is exposed to a voice assistant, or an automation started by a sentence (conversation trigger)
// that does, acts on whatever the microphone hears: a guest, a television, someone calling through a
// window. A cloud assistant's safeguard for locks (the PIN Google Assistant and Alexa ask before
// unlocking) does not apply: to them a script is a scene they switch on. No person confirms (7.3.11,
// 7.2.16).
void voice_opens(const Home& h, Sink& out) {
  std::vector<const Script*> called_by_voice;
  for (const auto& a : h.automations) {
    if (!a.enabled) continue;
    if (std::find(a.trigger_kinds.begin(), a.trigger_kinds.end(), "conversation") == a.trigger_kinds.end()) continue;
    if (!std::all_of(a.condition_kinds.begin(), a.condition_kinds.end(), presence_kind)) continue;
    const Effects fx = effects(h, a);
    const Opens what = opens(h, fx);
    if (what == Opens::none) continue;
    auto f = automation_finding(a, fx, what == Opens::unlock ? Severity::critical : Severity::high);
    f.remediation = guidance("rule.DG-AUT-003.fix");
    out.add(std::move(f));
  }
  for (const auto& s : h.scripts) {
    if (s.entity_id.empty() || !voice_runs(h, s)) continue;
    const Effects fx = effects(h, s);
    const Opens what = opens(h, fx);
    if (what == Opens::none) continue;
    auto f = automation_finding(s, fx, what == Opens::unlock ? Severity::critical : Severity::high, "script");
    f.subject.id = s.entity_id;
    if (const Entity* e = h.entity(s.entity_id)) {
      for (auto [name, flag] : {std::pair{"conversation", e->exposure.conversation}, std::pair{"alexa", e->exposure.alexa},
                                std::pair{"google", e->exposure.google}})
        if (flag.value_or(false)) f.evidence.emplace_back("exposed_to", name);
    } else {
      f.evidence.emplace_back("exposed_to", "conversation");
      f.evidence.emplace_back("exposure", "expose_new");
    }
    f.remediation = guidance("rule.DG-AUT-003.fix");
    out.add(std::move(f));
  }
}

}  // namespace

std::vector<RuleDef> automation() {
  return {
      {.id = "DG-AUT-001",
       .clauses = {"7.3.11", "7.2.16", "7.1.2"},
       .etsi = {"5.5-4"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::gateway,
       .severity = Severity::critical,
       .needs = {Part::automations, Part::entities},
       .categories = {"access_locks"},
       .levels = {.basic = LevelMode::warn, .recommended = LevelMode::warn, .strict = LevelMode::warn,
                  .strict_reason = "level.reason.household_choice"},
       .home_check = presence_unlock},
      {.id = "DG-AUT-002",
       .clauses = {"7.2.16", "7.3.11", "7.1.2"},
       .etsi = {"5.5-4", "5.6-5"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::gateway,
       .severity = Severity::high,
       .needs = {Part::automations, Part::entities},
       .categories = {"access_locks"},
       .levels = {.basic = LevelMode::warn, .recommended = LevelMode::warn, .strict = LevelMode::warn,
                  .strict_reason = "level.reason.household_choice"},
       .home_check = webhook_critical},
      {.id = "DG-AUT-003",
       .clauses = {"7.3.11", "7.2.16", "7.1.2"},
       .etsi = {"5.5-4"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::gateway,
       .severity = Severity::critical,
       .needs = {Part::automations, Part::scripts, Part::entities, Part::exposure},
       .categories = {"access_locks"},
       .levels = {.basic = LevelMode::warn, .recommended = LevelMode::warn, .strict = LevelMode::warn,
                  .strict_reason = "level.reason.household_choice"},
       .home_check = voice_opens},
  };
}

}  // namespace domoguard::audit::rules
