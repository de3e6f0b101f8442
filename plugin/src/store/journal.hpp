// The plan journal: what DomoGuard is about to change on the hub, written before it acts, so a
// crash or hub restart mid-apply can be rolled back and every applied plan can be undone
// (issue 4; 7.2.12 keeps a record of changes made to the home).
//
// It lives in the same SQLite file as the audit history (History::default_path(), or --db): one
// private 0600 file per household to back up, WAL mode, synchronous=FULL so a committed state
// change is on disk before the hub is touched. Its tables (plans, plan_steps, journal_meta) are
// its own; it never reads or writes the history's tables or its user_version.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "policy/plan.hpp"
#include "util/result.hpp"

namespace domoguard::store {

enum class PlanState { pending, applying, applied, failed, rolled_back, undone };
// unchanged: the target already had the wanted value, so nothing was written and nothing is undone.
// skipped: not attempted (an earlier step failed, or undo found the target changed since).
enum class StepState { pending, done, verified, unchanged, reverted, failed, skipped };

const char* to_string(PlanState s);
const char* to_string(StepState s);

struct JournalStep {
  int index = 0;
  std::string kind, target, param;
  std::string before;   // read from the hub just before the plan started
  std::string after;
  StepState state = StepState::pending;
  std::string error;
  // The same as an Error, to be said in the reader's language; only while the plan runs (the journal
  // keeps the English text).
  std::optional<Error> why;
};

struct JournalPlan {
  int64_t id = 0;
  std::string plan_id;         // Plan::id (content hash)
  std::string kind, selector;
  std::string plan_json;       // the whole plan, as previewed
  std::string actor;
  std::string hub;             // which hub it was applied to (home key); recover/undo only touch their own hub's plans
  PlanState state = PlanState::pending;
  std::string created_at, finished_at;  // UTC, ISO 8601; finished_at empty while open
  int64_t undoes = 0;          // for kind "undo": the journal id of the plan it reverts
  std::string error;           // why it failed, if it did
  std::vector<JournalStep> steps;
};

class Journal {
 public:
  // Opens (creating if needed, with 0700 parent folder and 0600 file) the database at path.
  static Result<std::unique_ptr<Journal>> open(const std::string& path);
  ~Journal();

  // Records a plan about to be applied, with every step's before value, in state "applying"
  // (one transaction, fsynced). Returns its journal id.
  Result<int64_t> begin(const JournalPlan& plan);
  Result<bool> set_step(int64_t journal_id, int index, StepState state, const std::string& error = "");
  Result<bool> finish(int64_t journal_id, PlanState state, const std::string& error = "");
  // Finishes an undo entry and marks the undone plan's restored steps reverted, in one transaction;
  // the undone plan becomes "undone" once none of its changes is left.
  Result<bool> finish_undo(int64_t undo_id, int64_t undone_id, const std::vector<int>& restored_indices);

  Result<JournalPlan> get(int64_t journal_id);
  // Plans in a given state, oldest first (hub "" = every hub).
  Result<std::vector<JournalPlan>> in_state(PlanState state, const std::string& hub = "");
  // The newest applied plan of the hub that still has changes to undo (kind "" = any kind except
  // "undo"; selector "" = any).
  Result<std::optional<JournalPlan>> latest_undoable(const std::string& hub, const std::string& kind = "",
                                                     const std::string& selector = "");
  // The newest applied plan with this plan id (Plan::id, or a prefix of at least 6 characters).
  Result<std::optional<JournalPlan>> latest_with_plan_id(const std::string& plan_id);
  Result<std::vector<JournalPlan>> recent(int limit = 20);
  // Applied (not undone, not rolled back) plans of one kind on a hub, newest first.
  Result<std::vector<JournalPlan>> applied(const std::string& hub, const std::string& kind, int limit = 200);

  // JSON text of a plan as stored in plans.plan_json, and back.
  static std::string plan_to_json(const policy::Plan& plan);
  static Result<policy::Plan> plan_from_json(const std::string& text);

 private:
  struct Impl;
  explicit Journal(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace domoguard::store
