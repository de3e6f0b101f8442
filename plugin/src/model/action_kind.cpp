#include "model/action_kind.hpp"

namespace domoguard::model {

std::string_view to_string(ActionKind kind) {
  switch (kind) {
    case ActionKind::set_exposure: return "set_exposure";
    case ActionKind::set_expose_new: return "set_expose_new";
    case ActionKind::disable_entity: return "disable_entity";
    case ActionKind::hide_entity: return "hide_entity";
    case ActionKind::switch_state: return "switch";
    case ActionKind::lock: return "lock";
    case ActionKind::select_option: return "select_option";
    case ActionKind::set_analytics: return "set_analytics";
    case ActionKind::revoke_token: return "revoke_token";
    case ActionKind::set_app_protection: return "set_app_protection";
  }
  return "";
}

bool undoable(ActionKind kind) { return kind != ActionKind::revoke_token; }

bool undoable(std::string_view kind_text) {
  const auto k = parse_action_kind(kind_text);
  return !k || undoable(*k);
}

std::optional<ActionKind> parse_action_kind(std::string_view text) {
  for (ActionKind k : kActionKinds)
    if (to_string(k) == text) return k;
  return std::nullopt;
}

}  // namespace domoguard::model
