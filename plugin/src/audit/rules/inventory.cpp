#include "audit/rules/families.hpp"

namespace domoguard::audit::rules {

std::vector<RuleDef> inventory() { return {}; }

}  // namespace domoguard::audit::rules
