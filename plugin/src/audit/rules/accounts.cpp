#include "audit/rules/families.hpp"

namespace domoguard::audit::rules {

std::vector<RuleDef> accounts() { return {}; }

}  // namespace domoguard::audit::rules
