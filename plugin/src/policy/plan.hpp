// Plans: ordered, hub-neutral changes with a human preview, computed from a Home without touching
// the hub (7.1.2, 7.1.3: security levels and easy settings; 7.1.5-7.1.7: child-safe mode and
// scenario presets; 7.3.2: privacy by default). Applying a plan is apply.hpp's job.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "model/action_kind.hpp"
#include "model/home.hpp"
#include "util/result.hpp"

namespace domoguard::policy {

using Placeholders = std::vector<std::pair<std::string, std::string>>;

// One change to one thing on the hub. Values are text: "true"/"false" for flags, "on"/"off" for
// switches, an option name for selects. `before` is what the Home showed when the plan was made.
struct PlanAction {
  std::string kind;          // model::ActionKind as text (to_string)
  std::string target;        // entity id, or "hub"
  std::string param;         // assistant for set_exposure/set_expose_new ("conversation", "cloud.alexa",
                             // "cloud.google_assistant"); preference for set_analytics ("diagnostics", ...)
  std::string before;
  std::string after;
  std::string message_key;   // preview text, e.g. "plan.action.set_exposure"
  Placeholders placeholders; // {name}, {assistant}, ...
  std::string rule;          // the rule whose finding this remedies, if any
};

// Action kinds: model::ActionKind (model/action_kind.hpp) is the one set every HubPort implements;
// PlanAction::kind holds its text form (to_string), as the journal and JSON carry it. Ports
// dispatch on parse_action_kind(kind), so a port that misses a kind does not compile.
// Placeholders whose name ends in "_key" hold a locales key; renderers show that key's text under the
// name without the suffix (e.g. {"assistant_key","assistant.conversation"} fills {assistant}).
using model::ActionKind;
using model::parse_action_kind;

// What a plan cannot do through the hub's API, told to the household instead of silently skipped.
struct Guidance {
  std::string message_key;
  Placeholders placeholders;
  std::string rule;
  std::string title_key;     // what it is about (a finding's title), "" when the message says it all
  std::string reason_key;    // why the plan does not do it itself (a level's reason), "" when none
};

struct Plan {
  std::string id;            // hash of kind, selector and actions: the same plan has the same id
  std::string kind;          // "level", "child_safe", "scenario", "privacy_default", "profile", "fix", "undo"
  std::string selector;      // e.g. "level=recommended;category=cameras"
  std::vector<PlanAction> actions;
  std::vector<Guidance> guidance;
  std::string title_key;     // e.g. "plan.title.level"
  Placeholders title_placeholders;
};

// Stable content hash for Plan::id.
std::string plan_id(const Plan& plan);

}  // namespace domoguard::policy
