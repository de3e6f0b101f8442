// Accepted risks, as every host does them: a person accepts a finding (or every finding of a
// group) with a reason until a date; the decision holds until that date passes, the finding's
// evidence changes or the finding goes away, and every acceptance, ending and withdrawal goes
// into the tamper-evident event log with who did it (7.2.12, 7.2.13, 7.2.18).
//
// An accepted finding still counts in the home's score: accepting is a decision about what to do,
// not a change in how safe the home is, so nobody can accept their way to 100 (README "Accepted risks").
#pragma once

#include <set>
#include <string>
#include <vector>

#include "audit/rule.hpp"
#include "audit/triage.hpp"
#include "store/acceptances.hpp"
#include "util/result.hpp"

namespace domoguard::app {

inline constexpr int kDefaultAcceptDays = 90;
inline constexpr int kMaxAcceptDays = 366;   // at most one year (a leap year included)
inline constexpr size_t kMaxReasonBytes = 500;

// A stable fingerprint of what a finding says: its severity and evidence.
std::string evidence_fingerprint(const audit::Finding& f);

// The date `days` after the day of now ("2026-12-04T10:00:00Z" + 90 -> "2027-03-04").
std::string add_days(const std::string& now, int days);

struct AcceptRequest {
  std::string home_key;
  std::string key;        // a finding key, or a group id (rule|kind:*) for every finding of the group
  std::string reason;
  std::string until;      // YYYY-MM-DD; "" = 90 days from now
  std::string actor;
  std::string now;        // UTC, ISO 8601 (the caller's clock: tests set it)
};

// Accepts; returns the decisions taken (one per finding). Refuses an empty or long reason, an
// unknown key, a date in the past or more than a year ahead.
Result<std::vector<store::Acceptance>> accept(const std::string& db_path, const AcceptRequest& req,
                                              const std::vector<audit::Finding>& findings);
// Withdraws the decision on a key or on every finding of a group; returns how many were withdrawn.
Result<int> withdraw(const std::string& db_path, const std::string& home_key, const std::string& key,
                     const std::string& actor, const std::string& now);

// Ends decisions whose date passed, whose finding's evidence changed or whose finding is gone,
// logging each; returns the decisions still holding (the accepted findings of this audit).
Result<std::vector<store::Acceptance>> review(const std::string& db_path, const std::string& home_key,
                                              const std::vector<audit::Finding>& findings, const std::string& now);

// The finding keys of the decisions, for audit::triage.
std::set<std::string> accepted_keys(const std::vector<store::Acceptance>& active);

}  // namespace domoguard::app
