#include "audit/rules/families.hpp"

namespace domoguard::audit::rules {

std::vector<RuleDef> supply() { return {}; }

}  // namespace domoguard::audit::rules
