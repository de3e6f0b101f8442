// Applying plans safely: journal first, act, verify, roll back on failure, undo later.
// A crash or hub restart mid-apply is recovered at next start from the journal.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "policy/plan.hpp"
#include "policy/port.hpp"
#include "util/result.hpp"

namespace domoguard::store {
class Journal;
}

namespace domoguard::policy {

enum class StepOutcome { unchanged, changed, failed, reverted, skipped };

struct StepResult {
  PlanAction action;         // before = the value read from the hub just before acting
  StepOutcome outcome = StepOutcome::skipped;
  std::string error;         // why it failed (English), if it did
  std::optional<Error> why;  // the same, to be said in the reader's language (locale::error_text), when known
};

struct ApplyResult {
  int64_t journal_id = 0;    // the plan's entry in the journal (for undo); 0 when nothing needed changing
  bool ok = false;           // every step done and verified
  bool nothing_to_change = false;  // every target already held its value (or the plan had no actions):
                                   // nothing was written, nothing journalled, nothing to undo
  bool rolled_back = false;  // a step failed and the earlier ones were reverted
  int failed_step = -1;
  Error error;               // the failing step's error
  std::vector<StepResult> steps;
};

struct ApplyOptions {
  int verify_timeout_ms = 3000;   // how long a change may take to show when read back
  std::string actor;              // who asked (user name or "domoguard"), for the journal
  std::string hub;                // the hub's home key: journal entries are per hub, so recover() and
                                  // undo of "the latest" never act on another hub's plans
};

// Journals the plan with every target's current value, then applies the actions in order,
// verifying each by reading it back. On the first failure, reverts the steps already done in
// reverse order and reports which action failed and why. Steps already at their target value
// are left alone, so re-applying an applied plan changes nothing. A plan that would change nothing
// (no actions, or every target already at its value) is not journalled: ok, nothing_to_change,
// journal_id 0, so it never shows as an applied plan to undo.
Result<ApplyResult> apply(const Plan& plan, HubPort& port, store::Journal& journal, const ApplyOptions& opts = {});

// Restores the before-values of a journalled plan (the latest applied one when id is 0),
// in reverse order, verified. A target changed since by someone else is reported, not overwritten.
Result<ApplyResult> undo(int64_t journal_id, HubPort& port, store::Journal& journal, const ApplyOptions& opts = {});

// At start: any plan left "applying" by a crash is rolled back step by step from the journal.
// Returns the ids of the plans it recovered.
Result<std::vector<int64_t>> recover(HubPort& port, store::Journal& journal, const ApplyOptions& opts = {});

}  // namespace domoguard::policy
