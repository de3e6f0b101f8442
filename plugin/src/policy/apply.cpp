// Applying plans: journal first, act, verify, roll back on the first failure (issue 4).
// The journal is the single source of truth for what was changed: every state change of a step is
// committed (fsync) before the next call to the hub, so after a crash recover() knows which targets
// may have been touched and what they held before.
#include "policy/apply.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <thread>

#include "store/journal.hpp"

namespace domoguard::policy {

namespace {

using store::Journal;
using store::JournalPlan;
using store::JournalStep;
using store::PlanState;
using store::StepState;
using clock_type = std::chrono::steady_clock;

PlanAction action_of(const JournalStep& s) {
  PlanAction a;
  a.kind = s.kind;
  a.target = s.target;
  a.param = s.param;
  a.before = s.before;
  a.after = s.after;
  return a;
}

std::string describe(const PlanAction& a) {
  // A token is never named by its id in messages (the journal's step row holds it as the target).
  std::string s = a.kind + " " + (a.kind == "revoke_token" ? std::string("(a long-lived access token)") : a.target);
  if (!a.param.empty()) s += " (" + a.param + ")";
  return s;
}

// Reads the target until it shows `want` or the timeout passes; hub states (a switch reporting
// back from its device) may take a moment to follow an accepted command.
Result<bool> wait_for(HubPort& port, const PlanAction& a, const std::string& want, int timeout_ms, std::string& seen) {
  const auto deadline = clock_type::now() + std::chrono::milliseconds(timeout_ms);
  while (true) {
    auto r = port.read(a);
    if (!r) return r.error();
    seen = *r;
    if (seen == want) return true;
    if (clock_type::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(timeout_ms > 1000 ? 100 : 20));
  }
}

// Why a step did not happen: the journal's English text, and the error to say it in the reader's language.
void set_why(JournalStep& s, Error why) {
  s.error = why.message;
  s.why = std::move(why);
}

Error step_error(const PlanAction& a, int index, const Error& cause) {
  Error e = cause;
  e.key = "error.apply.step_failed";
  e.message = "Step " + std::to_string(index + 1) + " (" + describe(a) + " -> " + a.after + ") failed: " + cause.message;
  const std::string target = a.kind == "revoke_token" ? "(a long-lived access token)" : a.target;
  e.placeholders = {{"step", std::to_string(index + 1)}, {"kind", a.kind}, {"target", target},
                    {"value", a.after}, {"reason", cause.message}};
  e.cause = std::make_shared<const Error>(cause);
  e.then.reset();
  if (e.code == ErrorCode::bad_input || e.code == ErrorCode::io) e.code = ErrorCode::internal;
  return e;
}

// For the tests of crash recovery only: DOMOGUARD_TEST_PAUSE_AFTER_STEP=N makes the process stop
// (for at most a minute) once the N-th change of a plan is verified and journalled, and say so on
// stderr, so a test can kill it at exactly that point instead of guessing a delay.
void test_pause_after(int64_t journal_id, int changes_done) {
  static const int pause_after = [] {
    const char* v = std::getenv("DOMOGUARD_TEST_PAUSE_AFTER_STEP");
    return v && *v ? std::atoi(v) : 0;
  }();
  if (pause_after <= 0 || changes_done != pause_after) return;
  std::cerr << "domoguard test hook: paused after change " << pause_after << " of journal entry " << journal_id << std::endl;
  std::this_thread::sleep_for(std::chrono::seconds(60));
}

StepOutcome outcome_of(StepState s) {
  switch (s) {
    case StepState::unchanged: return StepOutcome::unchanged;
    case StepState::verified:
    case StepState::done: return StepOutcome::changed;
    case StepState::failed: return StepOutcome::failed;
    case StepState::reverted: return StepOutcome::reverted;
    default: return StepOutcome::skipped;
  }
}

// Writes a step's before value back and checks it took. Unreachable hubs stop the rollback (the
// plan stays "applying" for recover()); a rejected revert is reported and the rest still reverted.
struct Reverter {
  HubPort& port;
  Journal& journal;
  int timeout_ms;
  bool hub_gone = false;
  std::string problems;

  bool revert(int64_t jid, const JournalStep& s) {
    if (hub_gone) return false;
    auto a = action_of(s);
    if (!model::undoable(a.kind)) {
      // A revoked token cannot be made again: say so instead of trying.
      if (!problems.empty()) problems += "; ";
      problems += describe(a) + " cannot be undone";
      return false;
    }
    std::string seen;
    auto w = port.write(a, s.before);
    Result<bool> v = w ? wait_for(port, a, s.before, timeout_ms, seen) : Result<bool>(w.error());
    if (v && *v) {
      journal.set_step(jid, s.index, StepState::reverted, s.error);
      return true;
    }
    const Error err = v ? Error{ErrorCode::internal, "", "reads \"" + seen + "\" after restoring", "", ""} : v.error();
    if (err.code == ErrorCode::unreachable) hub_gone = true;
    if (!problems.empty()) problems += "; ";
    problems += "could not restore " + describe(a) + " to \"" + s.before + "\": " + err.message;
    return false;
  }
};

// Runs the pending steps of a journalled plan in order, rolling back on the first failure.
ApplyResult run_steps(JournalPlan& jp, HubPort& port, Journal& journal, const ApplyOptions& opts) {
  ApplyResult res;
  res.journal_id = jp.id;
  std::vector<size_t> touched;  // indices into jp.steps whose writes the hub accepted
  for (size_t i = 0; i < jp.steps.size(); ++i) {
    auto& s = jp.steps[i];
    if (s.state != StepState::pending) continue;
    auto a = action_of(s);
    auto w = port.write(a, s.after);
    if (!w) {
      s.state = StepState::failed;
      set_why(s, w.error());
      res.failed_step = s.index;
      res.error = step_error(a, s.index, w.error());
      journal.set_step(jp.id, s.index, StepState::failed, s.error);
      break;
    }
    touched.push_back(i);
    s.state = StepState::done;
    journal.set_step(jp.id, s.index, StepState::done);
    std::string seen;
    auto v = wait_for(port, a, s.after, opts.verify_timeout_ms, seen);
    if (v && *v) {
      s.state = StepState::verified;
      journal.set_step(jp.id, s.index, StepState::verified);
      test_pause_after(jp.id, static_cast<int>(touched.size()));
      continue;
    }
    const Error cause = v ? Error{ErrorCode::internal, "error.apply.not_verified",
                                  "the hub accepted the change but still reads \"" + seen + "\" after " +
                                      std::to_string(opts.verify_timeout_ms) + " ms",
                                  "", "", {{"seen", seen}, {"ms", std::to_string(opts.verify_timeout_ms)}}}
                          : v.error();
    s.state = StepState::failed;
    set_why(s, cause);
    res.failed_step = s.index;
    res.error = step_error(a, s.index, cause);
    journal.set_step(jp.id, s.index, StepState::failed, s.error);
    break;
  }

  if (res.failed_step < 0) {
    journal.finish(jp.id, PlanState::applied);
    jp.state = PlanState::applied;
    res.ok = true;
  } else {
    // Roll back in reverse; the failed step too when the hub had accepted it, since it may still take effect.
    Reverter rv{port, journal, opts.verify_timeout_ms};
    for (auto it = touched.rbegin(); it != touched.rend(); ++it) {
      auto& s = jp.steps[*it];
      const bool was_failed = s.state == StepState::failed;
      if (rv.revert(jp.id, s) && !was_failed) s.state = StepState::reverted;
    }
    for (auto& s : jp.steps)
      if (s.state == StepState::pending) {
        s.state = StepState::skipped;
        journal.set_step(jp.id, s.index, StepState::skipped);
      }
    if (rv.hub_gone) {
      // Left "applying": the next start's recover() finishes the rollback.
      res.error.message += "; the hub went away before everything was restored, the next apply or undo "
                           "restores the rest";
      res.error.then = std::make_shared<const Error>(Error{ErrorCode::unreachable, "error.apply.hub_gone_in_rollback",
                                                           "The hub went away before everything was restored", "", ""});
    } else if (!rv.problems.empty()) {
      res.error.message += "; " + rv.problems;
      res.error.then = std::make_shared<const Error>(Error{ErrorCode::internal, "error.apply.not_restored",
                                                           rv.problems, "", "", {{"problems", rv.problems}}});
      journal.finish(jp.id, PlanState::failed, res.error.message);
      jp.state = PlanState::failed;
    } else {
      res.rolled_back = true;
      journal.finish(jp.id, PlanState::rolled_back, res.error.message);
      jp.state = PlanState::rolled_back;
    }
  }
  for (const auto& s : jp.steps) {
    StepResult r;
    r.action = action_of(s);
    r.outcome = outcome_of(s.state);
    if (s.state == StepState::failed) r.outcome = StepOutcome::failed;
    r.error = s.error;
    r.why = s.why;
    res.steps.push_back(std::move(r));
  }
  return res;
}

}  // namespace

Result<ApplyResult> apply(const Plan& plan, HubPort& port, store::Journal& journal, const ApplyOptions& opts) {
  JournalPlan jp;
  jp.plan_id = plan.id;
  jp.kind = plan.kind;
  jp.selector = plan.selector;
  jp.plan_json = Journal::plan_to_json(plan);
  jp.actor = opts.actor.empty() ? "domoguard" : opts.actor;
  jp.hub = opts.hub;
  jp.state = PlanState::applying;

  // Before values come from the hub now, not from the plan: the home may have changed since the preview.
  int read_failed = -1;
  Error read_error;
  for (size_t i = 0; i < plan.actions.size(); ++i) {
    const auto& a = plan.actions[i];
    JournalStep s;
    s.index = static_cast<int>(i);
    s.kind = a.kind;
    s.target = a.target;
    s.param = a.param;
    s.after = a.after;
    if (read_failed < 0) {
      auto cur = port.read(a);
      if (cur) {
        s.before = *cur;
        s.state = s.before == s.after ? StepState::unchanged : StepState::pending;
      } else {
        read_failed = s.index;
        read_error = cur.error();
        s.state = StepState::failed;
        set_why(s, cur.error());
      }
    } else {
      s.state = StepState::skipped;
    }
    jp.steps.push_back(std::move(s));
  }
  if (read_failed >= 0) {
    // Nothing was changed: journal the attempt as failed so the household can see what was refused.
    for (auto& s : jp.steps)
      if (s.state == StepState::pending || s.state == StepState::unchanged) s.state = StepState::skipped;
    ApplyResult res;
    res.failed_step = read_failed;
    res.error = step_error(plan.actions[read_failed], read_failed, read_error);
    jp.state = PlanState::failed;
    jp.error = res.error.message;
    auto id = journal.begin(jp);
    if (!id) return id.error();
    journal.finish(*id, PlanState::failed, jp.error);
    res.journal_id = *id;
    for (const auto& s : jp.steps) res.steps.push_back({action_of(s), outcome_of(s.state), s.error});
    return res;
  }
  const bool any_pending = std::any_of(jp.steps.begin(), jp.steps.end(),
                                       [](const JournalStep& s) { return s.state == StepState::pending; });
  if (!any_pending) {
    // Nothing to change: an entry would read "applied" and offer an undo that does nothing.
    ApplyResult res;
    res.ok = true;
    res.nothing_to_change = true;
    for (size_t i = 0; i < jp.steps.size(); ++i) {
      StepResult r{plan.actions[i], StepOutcome::unchanged, ""};
      r.action.before = jp.steps[i].before;
      res.steps.push_back(std::move(r));
    }
    return res;
  }
  auto id = journal.begin(jp);
  if (!id) return id.error();
  jp.id = *id;
  auto res = run_steps(jp, port, journal, opts);
  for (size_t i = 0; i < res.steps.size() && i < plan.actions.size(); ++i) {
    res.steps[i].action.message_key = plan.actions[i].message_key;
    res.steps[i].action.placeholders = plan.actions[i].placeholders;
    res.steps[i].action.rule = plan.actions[i].rule;
  }
  return res;
}

Result<ApplyResult> undo(int64_t journal_id, HubPort& port, store::Journal& journal, const ApplyOptions& opts) {
  JournalPlan orig;
  if (journal_id == 0) {
    auto latest = journal.latest_undoable(opts.hub);
    if (!latest) return latest.error();
    if (!latest->has_value())
      return Error{ErrorCode::bad_input, "error.undo.nothing", "No applied plan in the journal to undo", "", ""};
    orig = std::move(**latest);
  } else {
    auto got = journal.get(journal_id);
    if (!got) return got.error();
    orig = std::move(*got);
  }
  if (!opts.hub.empty() && orig.hub != opts.hub)
    return Error{ErrorCode::bad_input, "error.undo.other_hub",
                 "Plan " + std::to_string(orig.id) + " was applied to another hub (" + orig.hub + ")", "", "",
                 {{"plan", std::to_string(orig.id)}, {"hub", orig.hub}}};
  if (orig.state != PlanState::applied)
    return Error{ErrorCode::bad_input, "error.undo.not_applied",
                 "Plan " + std::to_string(orig.id) + " is " + store::to_string(orig.state) + "; only applied plans can be undone",
                 "", "", {{"plan", std::to_string(orig.id)}, {"state", store::to_string(orig.state)}}};
  if (orig.kind == "undo")
    return Error{ErrorCode::bad_input, "error.undo.undo", "An undo cannot itself be undone; apply the plan again", "", ""};

  Plan undo_plan;
  undo_plan.id = orig.plan_id;
  undo_plan.kind = "undo";
  undo_plan.selector = "undo=" + std::to_string(orig.id);
  undo_plan.title_key = "plan.title.undo";
  JournalPlan jp;
  jp.plan_id = orig.plan_id;
  jp.kind = "undo";
  jp.selector = undo_plan.selector;
  jp.actor = opts.actor.empty() ? "domoguard" : opts.actor;
  jp.hub = orig.hub;
  jp.undoes = orig.id;

  // A plan whose every change is irreversible (a revoked token) has nothing an undo could restore.
  const bool any_undoable = std::any_of(orig.steps.begin(), orig.steps.end(), [](const JournalStep& s) {
    return (s.state == StepState::verified || s.state == StepState::done) && model::undoable(s.kind);
  });
  if (!any_undoable)
    return Error{ErrorCode::bad_input, "error.undo.irreversible",
                 "Plan " + std::to_string(orig.id) + " only made changes that cannot be undone (a revoked token cannot be restored)",
                 "", "", {{"plan", std::to_string(orig.id)}}};

  std::vector<int> restored;          // indices in the original plan
  std::vector<int> source_index;      // undo step -> original step index
  std::string conflicts;
  int changed = 0;   // changes left alone because someone changed the setting since
  for (auto it = orig.steps.rbegin(); it != orig.steps.rend(); ++it) {
    if (it->state != StepState::verified && it->state != StepState::done) continue;
    // Left as they are and not listed: the plan's preview said these cannot be undone.
    if (!model::undoable(it->kind)) continue;
    auto a = action_of(*it);
    auto cur = port.read(a);
    if (!cur) return step_error(a, it->index, cur.error());
    JournalStep s;
    s.index = static_cast<int>(jp.steps.size());
    s.kind = it->kind;
    s.target = it->target;
    s.param = it->param;
    s.before = *cur;
    s.after = it->before;
    if (*cur == it->before) {
      s.state = StepState::unchanged;  // already back where it was
    } else if (*cur != it->after) {
      // Someone changed it since the plan: their choice wins; tell them instead of overwriting.
      s.state = StepState::skipped;
      set_why(s, Error{ErrorCode::internal, "error.undo.step_changed",
                       "changed since the plan was applied: now \"" + *cur + "\", the plan set \"" + it->after + "\"", "", "",
                       {{"now", *cur}, {"planned", it->after}}});
      ++changed;
      if (!conflicts.empty()) conflicts += "; ";
      conflicts += describe(a) + " " + s.error;
    } else {
      s.state = StepState::pending;
    }
    source_index.push_back(it->index);
    undo_plan.actions.push_back(action_of(s));
    jp.steps.push_back(std::move(s));
  }
  jp.plan_json = Journal::plan_to_json(undo_plan);
  auto id = journal.begin(jp);
  if (!id) return id.error();
  jp.id = *id;
  auto res = run_steps(jp, port, journal, opts);
  if (res.ok) {
    for (size_t i = 0; i < jp.steps.size(); ++i)
      if (jp.steps[i].state == StepState::verified || jp.steps[i].state == StepState::unchanged)
        restored.push_back(source_index[i]);
    auto fin = journal.finish_undo(jp.id, orig.id, restored);
    if (!fin) return fin.error();
    if (!conflicts.empty()) {
      res.ok = false;
      res.error = Error{ErrorCode::internal, "error.undo.changed_since",
                        "Left alone because someone changed it after the plan: " + conflicts, "", "",
                        {{"count", std::to_string(changed)}}};
      for (size_t i = 0; i < res.steps.size(); ++i)
        if (jp.steps[i].state == StepState::skipped) {
          res.failed_step = static_cast<int>(i);
          break;
        }
    }
  }
  return res;
}

Result<std::vector<int64_t>> recover(HubPort& port, store::Journal& journal, const ApplyOptions& opts) {
  auto open = journal.in_state(PlanState::applying, opts.hub);
  if (!open) return open.error();
  std::vector<int64_t> out;
  for (auto& jp : *open) {
    Reverter rv{port, journal, opts.verify_timeout_ms};
    std::string conflicts;
    for (auto it = jp.steps.rbegin(); it != jp.steps.rend(); ++it) {
      auto& s = *it;
      if (s.state == StepState::unchanged || s.state == StepState::reverted || s.state == StepState::skipped) continue;
      // A pending step may have been sent just before the crash: the hub's value decides.
      auto cur = port.read(action_of(s));
      if (!cur) {
        if (cur.error().code == ErrorCode::unreachable) return cur.error();
        if (!rv.problems.empty()) rv.problems += "; ";
        rv.problems += "cannot read " + describe(action_of(s)) + ": " + cur.error().message;
        continue;
      }
      if (*cur == s.before) {
        const auto st = s.state == StepState::pending ? StepState::skipped : StepState::reverted;
        journal.set_step(jp.id, s.index, st, s.error);
        continue;
      }
      if (*cur != s.after) {
        if (!conflicts.empty()) conflicts += "; ";
        conflicts += describe(action_of(s)) + " was changed by someone else to \"" + *cur + "\"";
        journal.set_step(jp.id, s.index, StepState::failed, "changed by someone else during the crash");
        continue;
      }
      rv.revert(jp.id, s);
      if (rv.hub_gone)
        return Error{ErrorCode::unreachable, "error.apply.recover_unreachable",
                     "The hub went away while rolling back plan " + std::to_string(jp.id), "", "",
                     {{"plan", std::to_string(jp.id)}}};
    }
    std::string problems = rv.problems;
    if (!conflicts.empty()) problems += (problems.empty() ? "" : "; ") + conflicts;
    const std::string note = "interrupted; rolled back at the next start";
    if (problems.empty()) journal.finish(jp.id, PlanState::rolled_back, note);
    else journal.finish(jp.id, PlanState::failed, note + ": " + problems);
    out.push_back(jp.id);
  }
  return out;
}

}  // namespace domoguard::policy
