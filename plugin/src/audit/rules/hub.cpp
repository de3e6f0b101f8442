#include "audit/rules/families.hpp"

namespace domoguard::audit::rules {

std::vector<RuleDef> hub() { return {}; }

}  // namespace domoguard::audit::rules
