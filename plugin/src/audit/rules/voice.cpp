#include "audit/rules/families.hpp"

namespace domoguard::audit::rules {

std::vector<RuleDef> voice() { return {}; }

}  // namespace domoguard::audit::rules
