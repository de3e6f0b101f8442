// The hub as plans see it: read and write one action's target value. Implemented by the HA adapter
// over its WebSocket API (hub/ha/port) and by the in-memory demo home (policy/model_port).
#pragma once

#include <string>

#include "policy/plan.hpp"
#include "util/result.hpp"

namespace domoguard::policy {

class HubPort {
 public:
  virtual ~HubPort() = default;
  // The current value of the action's target, in the action's encoding.
  virtual Result<std::string> read(const PlanAction& action) = 0;
  // Sets it; returns once the hub accepted the change (apply() reads it back to verify).
  virtual Result<bool> write(const PlanAction& action, const std::string& value) = 0;
};

// What every port answers when a target is gone or a value does not fit, with the placeholders the
// household's text needs (`where`: "in the home", "in Home Assistant").
inline Error port_no_entity(const std::string& target, const std::string& where) {
  return Error{ErrorCode::bad_input, "error.port.no_entity", "no entity " + target + " " + where, "", "", {{"target", target}}};
}

inline Error port_bad_value(const PlanAction& a, const std::string& value) {
  return Error{ErrorCode::bad_input, "error.port.bad_value",
               "\"" + value + "\" is not a value for " + a.kind + " on " + a.target, "", "",
               {{"value", value}, {"kind", a.kind}, {"target", a.target}}};
}

}  // namespace domoguard::policy
