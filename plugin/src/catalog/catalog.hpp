// The clause catalogue (manifests/catalog/clauses.json): every clause of ISO/IEC 27403 with how
// DomoGuard covers it. Rules cite clauses in their tables; this ties the two together.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "audit/rule.hpp"
#include "util/result.hpp"

namespace domoguard::catalog {

struct Clause {
  std::string id;         // "7.2.17", "D"
  std::string group;      // "7.2"
  std::string coverage;   // "automated" | "guidance" | "out_of_reach"
  std::vector<std::string> planned;   // DomoGuard features that serve it beyond rules
  std::vector<std::string> rules;     // filled from the rule tables
};

struct EtsiProvision {
  std::string id;
  std::string title;
};


struct Catalog {
  std::string standard;
  std::vector<Clause> clauses;
  std::vector<EtsiProvision> etsi;
  // Each rule's reviewed usual severity (manifests/catalog/severity.json), by rule id; it must equal
  // the rule table's. Why it has that severity is a message: rule.<id>.severity_reason in locales/.
  std::map<std::string, std::string> severity;
  const Clause* find(const std::string& id) const;
};

// The embedded catalogue with every rule attached to the clauses it cites.
Result<Catalog> load();
// Parses a catalogue text; exposed for tests of malformed input.
Result<Catalog> parse(std::string_view text, const std::string& origin);

}  // namespace domoguard::catalog
