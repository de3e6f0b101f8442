// DG-HOLD: modes that hold. A mode the household switched on (child-safe 7.1.5/7.1.6, a scenario
// 7.1.7, a level 7.1.2/7.1.3, privacy by default 7.3.2) is kept by the host that holds it; when
// something keeps undoing one of its settings, the host stops putting it back and the fight is a
// finding: the protection the household chose does not stand, and what changed it is recorded (7.2.12).
#include <string>
#include <vector>

#include "audit/rules/families.hpp"

namespace domoguard::audit::rules {
namespace {

using model::Home;
using model::Part;

// DG-HOLD-001: a setting of a mode in force was put back several times within minutes and changed
// again each time (an automation, the maker's app, the device itself): DomoGuard stopped fighting.
void mode_fought(const Home& h, Sink& out) {
  for (const auto& fight : h.hold_fights) {
    Finding f;
    f.severity = Severity::medium;
    if (const auto* e = h.entity(fight.entity_id)) f.subject = subject_of(*e);
    else f.subject = Subject{"entity", fight.entity_id, fight.name};
    if (!fight.name.empty()) f.subject.name = fight.name;
    if (const auto* e = h.entity(fight.entity_id)) f.device_id = e->device_id;
    f.placeholders = {{"name", f.subject.name},
                      {"count", std::to_string(fight.attempts)},
                      {"minutes", std::to_string(fight.window_s / 60)}};
    f.evidence = {{"mode", fight.mode},
                  {"attempts", std::to_string(fight.attempts)},
                  {"window_s", std::to_string(fight.window_s)},
                  {"since", fight.since}};
    f.remediation = guidance("rule.DG-HOLD-001.fix");
    out.add(std::move(f));
  }
}

}  // namespace

std::vector<RuleDef> hold() {
  return {
      {.id = "DG-HOLD-001",
       .clauses = {"7.1.5", "7.1.6", "7.1.7", "7.3.2", "7.2.12"},
       .etsi = {},
       .dimension = Dimension::security,
       .risk_source = RiskSource::gateway,
       .severity = Severity::medium,
       .needs = {Part::hold, Part::entities},
       .categories = {"access_locks", "cameras_video", "voice_microphones", "presence_location", "media_content",
                      "energy_appliances", "hub"},
       .levels = {.recommended = LevelMode::warn, .strict = LevelMode::warn,
                  .strict_reason = "level.reason.information"},
       .home_check = mode_fought},
  };
}

}  // namespace domoguard::audit::rules
