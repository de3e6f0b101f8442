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
  }
  return "";
}

std::optional<ActionKind> parse_action_kind(std::string_view text) {
  for (ActionKind k : kActionKinds)
    if (to_string(k) == text) return k;
  return std::nullopt;
}

}  // namespace domoguard::model
