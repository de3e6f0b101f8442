#include "audit/rules/families.hpp"

namespace domoguard::audit::rules {

std::vector<RuleDef> failsafe() { return {}; }

}  // namespace domoguard::audit::rules
