#include "api/changes.hpp"

#include "app/events.hpp"
#include "store/eventlog.hpp"
#include "report/render_plan.hpp"

namespace domoguard::api {

namespace {
// The event log names who asked; DomoGuard acting on its own is stored as "".
std::string person_of(const policy::ApplyOptions& opts) {
  return opts.actor == store::kSystemActor ? "" : opts.actor;
}
}  // namespace

Result<std::vector<int64_t>> Changes::recover(policy::HubPort& port, const policy::ApplyOptions& opts) {
  auto rec = policy::recover(port, journal_, opts);
  if (!rec) return rec.error();
  if (!db_path_.empty())
    for (auto id : *rec)
      if (auto logged = app::log_recovered(db_path_, id); !logged) return logged.error();
  return rec;
}

Result<Change> Changes::apply(const policy::Plan& plan, policy::HubPort& port, const policy::ApplyOptions& opts) {
  Change c;
  auto rec = recover(port, opts);
  if (!rec) return rec.error();
  c.recovered = std::move(*rec);
  auto r = policy::apply(plan, port, journal_, opts);
  if (!r) return r.error();
  c.plan = plan;
  c.result = std::move(*r);
  // Nothing changed and nothing journalled: there is no event to record either.
  if (!db_path_.empty() && !c.result.nothing_to_change)
    if (auto logged = app::log_plan(db_path_, plan, c.result, false, person_of(opts)); !logged) return logged.error();
  return c;
}

Result<Change> Changes::undo(const store::JournalPlan& which, policy::HubPort& port, const policy::ApplyOptions& opts,
                             const locale::Messages& msg) {
  Change c;
  auto rec = recover(port, opts);
  if (!rec) return rec.error();
  c.recovered = std::move(*rec);
  c.plan = undo_preview(which, msg);
  auto r = policy::undo(which.id, port, journal_, opts);
  if (!r) return r.error();
  c.result = std::move(*r);
  // The undo's steps are the preview's, in the same order (the plan's changes, last first).
  for (size_t i = 0; i < c.result.steps.size() && i < c.plan.actions.size(); ++i) {
    c.result.steps[i].action.message_key = c.plan.actions[i].message_key;
    c.result.steps[i].action.placeholders = c.plan.actions[i].placeholders;
    c.result.steps[i].action.rule = c.plan.actions[i].rule;
  }
  if (!db_path_.empty()) {
    // Logged as the plan it undoes, so switching a mode off is recorded as that mode switched off.
    auto orig = store::Journal::plan_from_json(which.plan_json);
    const policy::Plan& logged_plan = orig ? *orig : c.plan;
    if (auto logged = app::log_plan(db_path_, logged_plan, c.result, true, person_of(opts)); !logged) return logged.error();
  }
  return c;
}

policy::Plan undo_preview(const store::JournalPlan& jp, const locale::Messages& msg) {
  policy::Plan p;
  p.id = jp.plan_id;
  p.kind = "undo";
  p.selector = "undo=" + std::to_string(jp.id);
  p.title_key = "plan.title.undo";
  p.title_placeholders = {{"plan", std::to_string(jp.id)}};
  auto orig = store::Journal::plan_from_json(jp.plan_json);
  for (auto it = jp.steps.rbegin(); it != jp.steps.rend(); ++it) {
    if (it->state != store::StepState::verified && it->state != store::StepState::done) continue;
    if (!model::undoable(it->kind)) {
      // policy::undo leaves it alone (a revoked token cannot be made again): say so, do not list it.
      std::string what = it->kind;
      if (orig && it->index < static_cast<int>(orig->actions.size())) {
        const auto& o = orig->actions[it->index];
        if (!o.message_key.empty() && msg.has(o.message_key)) what = report::plan_text(o.message_key, o.placeholders, msg);
      }
      p.guidance.push_back({"plan.undo.irreversible", {{"action", what}}, "", "", ""});
      continue;
    }
    policy::PlanAction a;
    a.kind = it->kind;
    a.target = it->target;
    a.param = it->param;
    a.before = it->after;
    a.after = it->before;
    a.message_key = "plan.action.undo";
    std::string what = it->kind + " " + it->target + (it->param.empty() ? "" : " (" + it->param + ")");
    if (orig && it->index < static_cast<int>(orig->actions.size())) {
      const auto& o = orig->actions[it->index];
      if (!o.message_key.empty() && msg.has(o.message_key)) what = report::plan_text(o.message_key, o.placeholders, msg);
      a.rule = o.rule;
    }
    a.placeholders = {{"action", what}};
    p.actions.push_back(std::move(a));
  }
  return p;
}

std::string recovered_text(const std::vector<int64_t>& recovered, const locale::Messages& msg) {
  std::string out;
  for (auto id : recovered) {
    if (!out.empty()) out += "\n";
    out += msg.text("apply.recovered", {{"plan", std::to_string(id)}});
  }
  return out;
}

}  // namespace domoguard::api
