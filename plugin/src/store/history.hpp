// Audit history in SQLite (WAL): every audit and its findings, so a later audit can say what is
// new and what was resolved. The only code that knows SQL.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "audit/diff.hpp"
#include "audit/engine.hpp"
#include "util/result.hpp"

namespace domoguard::store {

// The records are audit types (a report shows them without knowing the store).
using StoredFinding = audit::StoredFinding;
using AuditRecord = audit::AuditRecord;
using Diff = audit::Diff;

// A damaged database this process kept aside and replaced with a new one.
struct SetAside {
  std::string path;   // the database as named by the user
  std::string moved;  // where it was kept: <path>.corrupt-<UTC time>
};
// The databases kept aside since the last call: hosts say so in their output.
std::vector<SetAside> take_set_aside();
// Those of path not yet recorded in its event log (the event log takes them when it opens).
std::vector<SetAside> take_set_aside_for_log(const std::string& path);

class EventLog;
struct NewEvent;

class History {
 public:
  // Opens (creating if needed, with 0700 parent folder and 0600 file) the database at path.
  static Result<std::unique_ptr<History>> open(const std::string& path);
  ~History();

  // Stores one audit and its findings in one transaction; returns the new audit id.
  Result<int64_t> record(const std::string& home_key, const std::string& source, const audit::AuditResult& result);
  // Stores one audit, its findings and the event-log entries `events` makes from its id and its
  // diff, in one transaction on this database: after a crash there is either all of it or none
  // (log: the event log opened on the same database file).
  struct Logged {
    int64_t id = 0;
    Diff diff;
  };
  Result<Logged> record_logged(const std::string& home_key, const std::string& source, const audit::AuditResult& result,
                               EventLog& log, const std::function<std::vector<NewEvent>(int64_t, const Diff&)>& events);
  // Compares audit `audit_id` with the previous one of the same home.
  Result<Diff> diff(int64_t audit_id);
  Result<std::vector<AuditRecord>> audits(const std::string& home_key, int limit = 20);

  // The default location: $DOMOGUARD_DB, else $XDG_STATE_HOME/domoguard/history.db,
  // else ~/.local/state/domoguard/history.db.
  static std::string default_path();

 private:
  struct Impl;
  explicit History(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace domoguard::store
