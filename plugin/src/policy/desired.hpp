// Modes that hold (7.1.5-7.1.7 child-safe mode and scenario presets, 7.1.2/7.1.3 security levels,
// 7.3.2 privacy by default): the settings in force are a desired state, and any later change that
// departs from it is drift, to be put back or reported. Pure and hub-neutral: the callers read the
// journal and the settings; nothing here reads or writes the hub or the store.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/home.hpp"
#include "policy/compile.hpp"
#include "policy/plan.hpp"

namespace domoguard::policy {

// The kinds of settings that hold; each is also a journal plan kind.
enum class HoldMode { child_safe, scenario, level, privacy_default };
inline constexpr HoldMode kHoldModes[] = {HoldMode::child_safe, HoldMode::scenario, HoldMode::level,
                                          HoldMode::privacy_default};
const char* to_string(HoldMode m);
std::optional<HoldMode> hold_mode(const std::string& name);

// What a household wants done about drift: put it back, or only be told.
enum class HoldPolicy { restore, notify };
const char* to_string(HoldPolicy p);
std::optional<HoldPolicy> hold_policy(const std::string& name);
// Child-safe mode and privacy by default protect people who cannot be asked each time: put back.
// Levels and scenarios are tuned by the household: tell.
HoldPolicy default_policy(HoldMode m);

// One applied plan in force, as the journal keeps it.
struct InForce {
  HoldMode mode = HoldMode::child_safe;
  int64_t journal_id = 0;
  std::string selector;             // Plan::selector, e.g. "level=recommended;category=cameras"
  std::vector<PlanAction> actions;  // its actions whose change still stands (not undone)
};

// One value the home should have, and which setting wants it.
struct DesiredValue {
  HoldMode mode = HoldMode::child_safe;
  std::string name;        // level or scenario name, device id (privacy by default), "" (child-safe)
  std::string category;    // level: category, "" = all
  int64_t journal_id = 0;  // the plan in force that stands for it
  PlanAction action;       // kind, target, param; after = the value wanted; message_key and placeholders describe it
};

struct DesiredState {
  std::vector<DesiredValue> values;  // one per (kind, target, param)
  const DesiredValue* find(const std::string& kind, const std::string& target, const std::string& param = "") const;
};

// What the settings in force want: each plan's journalled changes, and for modes (child-safe,
// scenario, privacy by default) what the same mode compiled against the home now adds (a child lock
// on a device paired since, a microphone a firmware update brought to a protected device); a level
// holds only what was applied. Only the newest scenario and the newest level of each category
// count; where two settings want one target differently, the newer plan wins.
DesiredState desired_state(const PolicyData& data, const model::Home& home, const std::vector<InForce>& in_force);

// A value that is not what the settings in force want.
struct Drift {
  DesiredValue want;
  std::string is;          // the value the home shows
};

// The value of an action's target as the home shows it, in the action's encoding; nullopt when the
// home does not know it (entity gone, state not read, or "unknown"/"unavailable": a device that is
// away cannot be told apart from a changed one, and cannot be commanded anyway).
std::optional<std::string> current_value(const model::Home& home, const PlanAction& action);

// Every desired value the home departs from, in the desired state's order.
std::vector<Drift> compare(const model::Home& home, const DesiredState& desired);

// Parses Plan::selector text ("level=NAME;category=CAT") into the name and category of a setting.
void selector_parts(const std::string& selector, std::string& name, std::string& category, std::string& device);

// The plan that puts drift back: kind "hold", one action per drift (before = what the home shows,
// after = what is wanted), selector "hold=<mode>".
Plan restore_plan(HoldMode mode, const std::vector<Drift>& drift);

}  // namespace domoguard::policy
