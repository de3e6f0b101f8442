#include "audit/rules/families.hpp"

namespace domoguard::audit::rules {

std::vector<RuleDef> vulnerable() { return {}; }

}  // namespace domoguard::audit::rules
