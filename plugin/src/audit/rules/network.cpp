#include "audit/rules/families.hpp"

namespace domoguard::audit::rules {

std::vector<RuleDef> network() { return {}; }

}  // namespace domoguard::audit::rules
