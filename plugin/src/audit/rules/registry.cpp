// The rule catalogue: every family's table, in order. A new family adds one line here;
// a new rule in an existing family touches only that family's file.
#include <algorithm>

#include "audit/rule.hpp"
#include "audit/rules/families.hpp"

namespace domoguard::audit {

const std::vector<RuleDef>& all_rules() {
  static const std::vector<RuleDef> rules = [] {
    std::vector<RuleDef> v;
    for (auto family : rules::families())
      for (auto& r : family()) v.push_back(std::move(r));
    return v;
  }();
  return rules;
}

const RuleDef* find_rule(std::string_view id) {
  const auto& v = all_rules();
  auto it = std::find_if(v.begin(), v.end(), [&](const RuleDef& r) { return r.id == id; });
  return it == v.end() ? nullptr : &*it;
}

}  // namespace domoguard::audit
