// The changes DomoGuard can make to a hub: one typed set shared by the rules' one-click
// remediations (audit), plans (policy), the journal and every hub port (the HA adapter's live port,
// the in-memory model port, the integration's Python port). The text form, used in JSON, in the
// journal and across the Python binding, comes from to_string / parse_action_kind here only.
// A change that cannot be read back (installing an update, removing a device, changing a user's
// rights) is not in this set: rules give guidance for it instead. One change that can be read back
// but never taken back is: revoking a long-lived access token (no API can make the same token
// again). undoable() says so; plans show it before they are applied, apply() runs such steps after
// every reversible one, and undo() leaves them alone and says why.
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
  revoke_token,    // target a long-lived access token as "<user id>/<created at>" (the finding's subject id:
                   // never the token, its hash or its id), "present"/"revoked"; cannot be undone
  set_app_protection,  // target an app's (add-on's) slug, "true"/"false": the Supervisor's protection mode
};

inline constexpr ActionKind kActionKinds[] = {ActionKind::set_exposure,   ActionKind::set_expose_new, ActionKind::disable_entity,
                                              ActionKind::hide_entity,    ActionKind::switch_state,   ActionKind::lock,
                                              ActionKind::select_option,  ActionKind::set_analytics,  ActionKind::revoke_token,
                                              ActionKind::set_app_protection};

std::string_view to_string(ActionKind kind);
// Whether an undo can restore the before-value (false only for revoke_token).
bool undoable(ActionKind kind);
// The same for an action kind's text; unknown kinds count as undoable (their port refuses them anyway).
bool undoable(std::string_view kind_text);
// nullopt for text that names no kind (a plan file or a journal written by something else).
std::optional<ActionKind> parse_action_kind(std::string_view text);

}  // namespace domoguard::model
