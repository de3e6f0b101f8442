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

namespace domoguard::store {

inline constexpr const char* kEventKinds[] = {"audit",           "finding_new",         "finding_resolved",
                                              "plan_applied",    "plan_undone",         "plan_failed",
                                              "profile_applied", "mode_switched",       "notice_acknowledged",
                                              "key_trusted",     "key_removed",
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
  ~EventLog();

  // Appends one entry in one transaction; returns its sequence number.
  Result<int64_t> append(const NewEvent& ev);
  // Appends several entries in one transaction (all or none); returns the last sequence number.
  Result<int64_t> append_all(const std::vector<NewEvent>& events);
  // Walks the chain from the first entry and stops at the first problem.
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
