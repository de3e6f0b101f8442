// Accepted risks: a person's decision to live with a finding for a while, with their reason and an
// end date (ISO/IEC 27403 7.2.18: the home's risks and the decisions taken about them are kept as
// a record). One row per decision; an ended decision keeps its row with how and when it ended.
// The only code that knows their SQL.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "audit/acceptance.hpp"
#include "util/result.hpp"

namespace domoguard::store {

using Acceptance = audit::Acceptance;

class Acceptances {
 public:
  // Opens (creating if needed, 0700 folder, 0600 file) the database at path; ":memory:" keeps them in memory.
  static Result<std::unique_ptr<Acceptances>> open(const std::string& path);
  ~Acceptances();

  // Records a decision. An active one for the same key ends as "replaced" in the same transaction.
  Result<int64_t> add(const Acceptance& a);
  // Ends the active decision on key with state (withdrawn, expired, ...); false when none was active.
  Result<bool> end(const std::string& home_key, const std::string& key, const std::string& state, const std::string& by,
                   const std::string& at);
  // Fills in the fingerprint of a decision taken without one (the finding seen for the first time since).
  Result<bool> set_evidence(int64_t id, const std::string& evidence);
  Result<std::vector<Acceptance>> active(const std::string& home_key);
  // Every decision of the home, newest first (ended ones included), at most limit.
  Result<std::vector<Acceptance>> all(const std::string& home_key, int limit = 500);

 private:
  struct Impl;
  explicit Acceptances(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace domoguard::store
