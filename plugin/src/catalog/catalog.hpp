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

// Why a rule has its usual severity (manifests/catalog/severity.json), in English.
struct SeverityReason {
  std::string severity;   // must equal the rule table's severity
  std::string reason;
};

struct Catalog {
  std::string standard;
  std::vector<Clause> clauses;
  std::vector<EtsiProvision> etsi;
  std::map<std::string, SeverityReason> severity;   // by rule id
  const Clause* find(const std::string& id) const;
  std::string severity_reason(const std::string& rule) const;
};

// The embedded catalogue with every rule attached to the clauses it cites.
Result<Catalog> load();
// Parses a catalogue text; exposed for tests of malformed input.
Result<Catalog> parse(std::string_view text, const std::string& origin);

}  // namespace domoguard::catalog
