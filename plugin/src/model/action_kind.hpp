// The changes DomoGuard can make to a hub: one typed set shared by the rules' one-click
// remediations (audit), plans (policy), the journal and every hub port (the HA adapter's live port,
// the in-memory model port, the integration's Python port). The text form, used in JSON, in the
// journal and across the Python binding, comes from to_string / parse_action_kind here only.
// A change that cannot be read back and undone (installing an update, removing a device, changing
// a user's rights) is not in this set: rules give guidance for it instead.
#pragma once

#include <optional>
#include <string_view>

namespace domoguard::model {

enum class ActionKind {
  set_exposure,    // target entity, param assistant ("conversation", "cloud.alexa", "cloud.google_assistant"), "true"/"false"
  set_expose_new,  // target "hub", param assistant, "true"/"false"
  disable_entity,  // target entity, "true" (disabled by the user) / "false"
  hide_entity,     // target entity, "true"/"false"
  switch_state,    // "switch": target switch/input_boolean/siren/light/fan/automation entity, "on"/"off"
  lock,            // target lock entity (e.g. a child lock exposed as a lock), "locked"/"unlocked"
  select_option,   // target select entity, the option
  set_analytics,   // target "hub", param preference ("base", "usage", "statistics", "diagnostics"), "true"/"false"
};

inline constexpr ActionKind kActionKinds[] = {ActionKind::set_exposure,   ActionKind::set_expose_new, ActionKind::disable_entity,
                                              ActionKind::hide_entity,    ActionKind::switch_state,   ActionKind::lock,
                                              ActionKind::select_option,  ActionKind::set_analytics};

std::string_view to_string(ActionKind kind);
// nullopt for text that names no kind (a plan file or a journal written by something else).
std::optional<ActionKind> parse_action_kind(std::string_view text);

}  // namespace domoguard::model
