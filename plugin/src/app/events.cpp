#include "app/events.hpp"

#include <boost/json.hpp>

#include "store/eventlog.hpp"

namespace domoguard::app {

namespace json = boost::json;

namespace {
Result<std::unique_ptr<store::EventLog>> open_log(const std::string& db_path) { return store::EventLog::open(db_path); }

Result<bool> append(store::EventLog& log, const std::string& kind, const std::string& person, const std::string& subject,
                    json::object details) {
  auto r = log.append({kind, person, subject, json::serialize(details)});
  if (!r) return r.error();
  return true;
}
}  // namespace

namespace {
std::vector<store::NewEvent> audit_events(int64_t audit_id, const audit::AuditResult& result, const store::Diff& diff) {
  std::vector<store::NewEvent> events;
  events.push_back({"audit", "", "audit:" + std::to_string(audit_id),
                    json::serialize(json::object{{"score", result.score},
                                                 {"findings", result.findings.size()},
                                                 {"not_run", result.not_run.size()}})});
  // Finding keys name rules and subjects by id (device, entity, user ids: random, not names).
  // The first audit of a home has nothing before it: everything it found is new.
  std::vector<std::string> first;
  if (!diff.has_previous)
    for (const auto& f : result.findings) first.push_back(f.key());
  const std::string in_audit = json::serialize(json::object{{"audit", audit_id}});
  for (const auto& key : diff.has_previous ? diff.new_keys : first) events.push_back({"finding_new", "", key, in_audit});
  for (const auto& f : diff.resolved)
    events.push_back({"finding_resolved", "", f.key,
                      json::serialize(json::object{{"audit", audit_id}, {"severity", f.severity}})});
  return events;
}
}  // namespace

Result<store::History::Logged> record_audit(store::History& history, const std::string& db_path, const std::string& home_key,
                                            const std::string& source, const audit::AuditResult& result) {
  auto log = open_log(db_path);
  if (!log) return log.error();
  return history.record_logged(home_key, source, result, **log,
                               [&](int64_t id, const store::Diff& diff) { return audit_events(id, result, diff); });
}

Result<bool> log_plan(const std::string& db_path, const policy::Plan& plan, const policy::ApplyResult& result, bool undo,
                      const std::string& person) {
  auto log = open_log(db_path);
  if (!log) return log.error();
  int changed = 0;
  for (const auto& s : result.steps) changed += s.outcome == policy::StepOutcome::changed;
  const std::string kind = !result.ok ? "plan_failed" : undo ? "plan_undone" : "plan_applied";
  json::object details{{"plan", plan.id}, {"kind", plan.kind}, {"selector", plan.selector},
                       {"steps", result.steps.size()}, {"changed", changed}, {"rolled_back", result.rolled_back}};
  auto r = append(**log, kind, person, "journal:" + std::to_string(result.journal_id), details);
  if (!r) return r;
  if (result.ok && (plan.kind == "child_safe" || plan.kind == "scenario" || plan.kind == "privacy_default"))
    return append(**log, "mode_switched", person, plan.kind,
                  {{"selector", plan.selector}, {"state", undo ? "off" : "on"}, {"journal", result.journal_id}});
  return true;
}

Result<bool> log_recovered(const std::string& db_path, int64_t journal_id) {
  auto log = open_log(db_path);
  if (!log) return log.error();
  return append(**log, "plan_recovered", "", "journal:" + std::to_string(journal_id),
                {{"journal", journal_id}, {"reason", "interrupted"}});
}

Result<bool> log_setting(const std::string& db_path, const std::string& name, const std::string& value,
                         const std::string& person) {
  auto log = open_log(db_path);
  if (!log) return log.error();
  return append(**log, "mode_switched", person, name, {{"state", value}});
}

Result<bool> log_notice_ack(const std::string& db_path, const std::string& subject, const std::string& version,
                            const std::string& person) {
  auto log = open_log(db_path);
  if (!log) return log.error();
  return append(**log, "notice_acknowledged", person, subject, {{"version", version}});
}

}  // namespace domoguard::app
