#include "audit/rules/families.hpp"

namespace domoguard::audit::rules {

std::vector<RuleDef> children() { return {}; }

}  // namespace domoguard::audit::rules
