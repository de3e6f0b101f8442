#include "audit/rules/families.hpp"

namespace domoguard::audit::rules {

std::vector<RuleDef> automation() { return {}; }

}  // namespace domoguard::audit::rules
