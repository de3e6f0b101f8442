// What every host appends to the tamper-evident event log (7.2.12, 7.2.13), in one place so the
// CLI, the daemon and the integration record the same events the same way.
#pragma once

#include <string>

#include "audit/engine.hpp"
#include "policy/apply.hpp"
#include "store/history.hpp"
#include "util/result.hpp"

namespace domoguard::app {

// Stores an audit in the history with its event-log entries (the audit, and each finding new or
// resolved since the previous audit of the home), in one transaction: a crash leaves all or none.
Result<store::History::Logged> record_audit(store::History& history, const std::string& db_path, const std::string& home_key,
                                            const std::string& source, const audit::AuditResult& result);
// A plan applied, undone or failed (and, for child-safe, scenario and privacy-default plans, the
// mode switch it stands for). person: who asked ("" = DomoGuard on its own).
Result<bool> log_plan(const std::string& db_path, const policy::Plan& plan, const policy::ApplyResult& result, bool undo,
                      const std::string& person);
// A plan a crash or a lost hub left half-applied, rolled back at the next start.
Result<bool> log_recovered(const std::string& db_path, int64_t journal_id);
// A household setting switched (e.g. privacy by default for new devices).
Result<bool> log_setting(const std::string& db_path, const std::string& name, const std::string& value,
                         const std::string& person);
Result<bool> log_notice_ack(const std::string& db_path, const std::string& subject, const std::string& version,
                            const std::string& person);

}  // namespace domoguard::app
