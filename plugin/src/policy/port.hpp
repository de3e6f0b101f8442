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

}  // namespace domoguard::policy
