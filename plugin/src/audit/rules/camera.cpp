#include "audit/rules/families.hpp"

namespace domoguard::audit::rules {

std::vector<RuleDef> camera() { return {}; }

}  // namespace domoguard::audit::rules
