// DG-AUT: automated decisions that open the home.
// ISO/IEC 27403 7.3.11 (verification of automated decisions: a person should confirm decisions with
// serious effects) and 7.2.16 (access control); ETSI EN 303 645 5.5-4.
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "audit/classify.hpp"
#include "audit/rules/families.hpp"

namespace domoguard::audit::rules {
namespace {

using model::Automation;
using model::Entity;
using model::Home;
using model::Part;

// What a risky action does, from the weightiest down; none when the action is harmless.
enum class Opens { none, garage, unlock };

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

bool garage_like(const Home& h, const std::string& entity_id) {
  if (const Entity* e = h.entity(entity_id)) return is_critical_entity(*e);
  // Not in the snapshot (template or deleted entity): judge by its id.
  return contains_word(entity_id, "garage") || contains_word(entity_id, "gate");
}

Opens opens(const Home& h, const Automation& a) {
  Opens worst = Opens::none;
  for (const auto& s : a.action_services) {
    if (s == "lock.unlock" || s == "lock.open" || s == "alarm_control_panel.alarm_disarm") return Opens::unlock;
    if (s == "cover.open_cover" || s == "cover.toggle" || s == "valve.open_valve") {
      auto opened = [&](const std::string& id) {
        return (starts_with(id, "cover.") || starts_with(id, "valve.")) && garage_like(h, id);
      };
      if (std::any_of(a.action_entities.begin(), a.action_entities.end(), opened)) worst = Opens::garage;
    }
  }
  return worst;
}

bool presence_kind(const std::string& k) {
  return k == "state:person" || k == "state:device_tracker" || k == "zone" || k == "presence" ||
         k == "geo_location" || k == "state:zone" || k == "numeric_state:zone";
}

Finding automation_finding(const Automation& a, Severity sev) {
  Finding f;
  f.severity = sev;
  f.subject = {"automation", a.id.empty() ? a.entity_id : a.id, a.alias.empty() ? a.entity_id : a.alias};
  f.placeholders = {{"name", f.subject.name}};
  for (const auto& k : a.trigger_kinds) f.evidence.emplace_back("trigger", k);
  for (const auto& s : a.action_services) f.evidence.emplace_back("action", s);
  for (const auto& e : a.action_entities) f.evidence.emplace_back("entity", e);
  return f;
}

// DG-AUT-001: an automation unlocks a door, disarms the alarm or opens the garage because a phone
// arrived: a stolen or borrowed phone, a spoofed location or a GPS glitch opens the home, and no
// person confirms it (7.3.11).
void presence_unlock(const Home& h, Sink& out) {
  for (const auto& a : h.automations) {
    if (!a.enabled || a.trigger_kinds.empty()) continue;
    if (!std::all_of(a.trigger_kinds.begin(), a.trigger_kinds.end(), presence_kind)) continue;
    // A condition that only re-checks presence adds no confirmation.
    if (!std::all_of(a.condition_kinds.begin(), a.condition_kinds.end(), presence_kind)) continue;
    const Opens what = opens(h, a);
    if (what == Opens::none) continue;
    auto f = automation_finding(a, what == Opens::unlock ? Severity::critical : Severity::high);
    f.remediation = guidance("rule.DG-AUT-001.fix");
    out.add(std::move(f));
  }
}

bool operates_critical(const Home& h, const Automation& a) {
  for (const auto& id : a.action_entities)
    if (const Entity* e = h.entity(id); e && is_critical_entity(*e)) return true;
  for (const auto& s : a.action_services)
    for (std::string_view d : {"lock.", "alarm_control_panel.", "valve.", "siren."})
      if (starts_with(s, d)) return true;
  return opens(h, a) != Opens::none;
}

// DG-AUT-002: a webhook starts an automation that operates a lock, alarm, garage or valve. A webhook
// id is a bearer secret in a URL: anyone who learns it (from a log, a shared screenshot, a phone
// app backup) can trigger the action without logging in (7.2.16).
void webhook_critical(const Home& h, Sink& out) {
  for (const auto& a : h.automations) {
    if (!a.enabled) continue;
    if (std::find(a.trigger_kinds.begin(), a.trigger_kinds.end(), "webhook") == a.trigger_kinds.end()) continue;
    if (!operates_critical(h, a)) continue;
    auto f = automation_finding(a, opens(h, a) == Opens::unlock ? Severity::critical : Severity::high);
    f.remediation = guidance("rule.DG-AUT-002.fix");
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
  };
}

}  // namespace domoguard::audit::rules
