// What a later audit says about an earlier one of the same home: the records the history keeps
// (store/history.hpp) and the difference a report shows as "since the last audit".
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace domoguard::audit {

struct StoredFinding {
  std::string key;        // rule|kind:id
  std::string rule;
  std::string severity;
  std::string subject_kind, subject_id, subject_name;
};

struct AuditRecord {
  int64_t id = 0;
  std::string home_key;
  std::string created_at;  // UTC, ISO 8601
  std::string source;
  int score = 0;
  int findings = 0;
};

// What changed between an audit and the one before it for the same home.
struct Diff {
  bool has_previous = false;
  AuditRecord previous;
  std::vector<std::string> new_keys;          // keys of findings not in the previous audit
  std::vector<StoredFinding> resolved;        // findings of the previous audit that are gone
};

}  // namespace domoguard::audit
