// The tamper-evident event log (7.2.12, 7.2.13): every audit, finding change, plan applied or undone,
// profile applied, mode switched, notice acknowledged and installer key trusted or removed is
// appended, never updated. Each entry's MAC is HMAC-SHA256 over the previous entry's MAC and the
// entry's own canonical bytes, keyed by a per-install secret, so an entry cannot be altered,
// removed or slipped in without the key — and verify() names the first entry where that happened.
//
// Storage: the same SQLite file as the audit history and the plan journal (tables event_log and
// event_log_head, its own; WAL, synchronous=FULL, one transaction per append). The secret is 32
// random bytes in a 0600 file beside the database (<db>.eventlog.key), created on first use and
// refused when group or others may read it. Losing the key makes the log unverifiable, so once
// the log has entries a missing key is an error rather than a reason to make a new one.
//
// The log's end is anchored outside the database: after each append is committed,
// <db>.eventlog.head (0600, replaced atomically) holds the last entry's number and MAC under an HMAC
// of the same key. verify() compares the chain's end with it, so cutting the
// last entries (and moving the in-database head back) or emptying the log is found; a head file that
// is missing once the log has been anchored is an error, like a missing key. The limit: someone who
// restores the database and the head file from one earlier moment together rolls both back.
//
// Entries hold no secrets and no personal data in clear: the person who acted is stored as a keyed
// pseudonym, and details that carry evidence keys (MAC or IP addresses, serials, tokens, passwords)
// are refused. Threat: a household member or intruder with file access who edits the history to
// hide a change; the limit: someone holding both the database and the key file can rewrite it all.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "util/result.hpp"

namespace SQLite {
class Database;
}

namespace domoguard::store {

inline constexpr const char* kEventKinds[] = {"audit",           "finding_new",         "finding_resolved",
                                              "plan_applied",    "plan_undone",         "plan_failed",
                                              "plan_recovered",
                                              "profile_applied", "mode_switched",       "notice_acknowledged",
                                              "key_trusted",     "key_removed",         "database_set_aside",
                                              "risk_accepted",   "risk_acceptance_withdrawn",              "risk_acceptance_ended",
                                              // modes that hold: drift told, a fight given up, a pause
                                              "hold_drift",      "hold_fight",          "hold_paused",
                                              "hold_resumed"};
bool is_event_kind(const std::string& kind);

// The actor stored for changes DomoGuard makes on its own.
inline constexpr const char* kSystemActor = "domoguard";

struct NewEvent {
  std::string kind;      // one of kEventKinds
  std::string person;    // who asked: a user name or id, stored only as a pseudonym; "" = DomoGuard itself
  std::string subject;   // what it is about: a device/plan/profile/key id (no personal data in clear)
  std::string details = "{}";  // a JSON object text; evidence keys are refused
};

struct Event {
  int64_t seq = 0;
  std::string at;        // UTC, ISO 8601
  std::string actor;     // kSystemActor or "person:<pseudonym>"
  std::string kind, subject, details;
  std::string mac;       // hex
};

enum class Breach { none, altered, removed, inserted };
const char* to_string(Breach b);

struct VerifyReport {
  bool intact = true;
  int64_t entries = 0;   // rows read
  Breach breach = Breach::none;
  int64_t seq = 0;       // the first bad entry (for removed: the first missing sequence number)
  std::string message;   // English explanation
};

class EventLog {
 public:
  // Opens the log in the database at db_path (creating tables, and the key file when the log is
  // empty). key_path "" = db_path + ".eventlog.key". Errors: error.log.key_missing,
  // error.log.key_permissions, error.log.key_bad, error.store.failed.
  static Result<std::unique_ptr<EventLog>> open(const std::string& db_path, const std::string& key_path = "");
  static std::string default_key_path(const std::string& db_path);
  static std::string head_path(const std::string& db_path);
  ~EventLog();

  // Appends one entry in one transaction; returns its sequence number.
  Result<int64_t> append(const NewEvent& ev);
  // Appends several entries in one transaction (all or none); returns the last sequence number.
  Result<int64_t> append_all(const std::vector<NewEvent>& events);
  // Appends inside a write transaction the caller holds on its own connection to the same database
  // (the audit history: an audit and its entries are stored together or not at all). Throws what
  // SQLite throws; an Error for refused events or a missing head file. Call anchor() after the commit.
  Result<int64_t> append_all_on(SQLite::Database& db, const std::vector<NewEvent>& events);
  // Records the log's committed end in the head file (append_all does this itself).
  Result<bool> anchor();
  // Walks the chain from the first entry and stops at the first problem; then compares the chain's
  // end with the head file.
  Result<VerifyReport> verify();
  Result<std::vector<Event>> page(int64_t offset, int64_t limit);
  Result<int64_t> count();

  // A stable keyed pseudonym for a personal identifier (user name, user id): the same input gives
  // the same pseudonym on this install, and nothing else can link it back without the key.
  std::string pseudonym(const std::string& personal) const;

 private:
  struct Impl;
  explicit EventLog(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace domoguard::store
