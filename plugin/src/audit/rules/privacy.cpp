#include "audit/rules/families.hpp"

namespace domoguard::audit::rules {

std::vector<RuleDef> privacy() { return {}; }

}  // namespace domoguard::audit::rules
