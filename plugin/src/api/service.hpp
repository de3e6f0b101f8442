// The one command surface every front end uses: {"type":"domoguard/<verb>", ...} in, JSON out.
// It holds a host's view of one home: the latest snapshot, its audit, and the audit history.
// Thread-safe: hosts call it from their transport thread and their hub-watching thread.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "api/changes.hpp"
#include "audit/engine.hpp"
#include "model/home.hpp"
#include "policy/apply.hpp"
#include "policy/desired.hpp"
#include "store/history.hpp"
#include "store/journal.hpp"
#include "store/notices.hpp"
#include "store/settings.hpp"
#include "util/result.hpp"

namespace boost::json {
class object;
}

namespace domoguard::api {

// How a host lets plans reach its hub: a port for one apply or undo. The demo host changes its
// in-memory home (the argument); a live host opens a connection of its own to the hub.
using PortFactory = std::function<Result<std::unique_ptr<policy::HubPort>>(model::Home& home)>;

struct ServiceOptions {
  std::string db_path;        // "" = no history (and a journal kept in memory only)
  std::string lang = "en";    // default language of texts; a request may ask for another
  PortFactory port;           // unset = plans can be previewed but not applied
  bool live = false;          // the port changes a real hub (which reports back through events);
                              // otherwise the service re-audits its own home after a change
  bool privacy_default = true;  // the host's default for privacy by default on new devices, until the
                                // household switches it (domoguard/settings/set, kept per home)
  std::function<int64_t()> clock;  // seconds since the epoch, for pauses and the fight window of modes
                                   // that hold; unset = the system clock
  bool keep_audits = true;    // false: audits are not added to the history (a command that only
                              // reads or decides, such as the CLI's accept or notice)
  size_t max_request_bytes = 64 * 1024;  // larger requests are refused unread; a host in the same
                                         // process may allow more (the CLI sends a reviewed plan file)
};

// What changed in one (re-)audit, for notifications.
struct AuditDelta {
  int64_t audit_id = 0;
  int score = 0;
  std::vector<audit::Finding> new_findings;
  std::vector<std::string> resolved_keys;
};

class Service {
 public:
  static Result<std::unique_ptr<Service>> create(const ServiceOptions& opts);

  // Replaces the home and audits it fully; records the audit.
  Result<AuditDelta> set_home(model::Home home, const std::string& source);
  // Replaces the home after a change to some devices: re-runs their device rules and every
  // home-level rule, keeps the other devices' findings. Records the audit.
  Result<AuditDelta> update_home(model::Home home, const std::vector<std::string>& changed_devices);

  // Changes the loaded home in place, for a host that follows the hub's events one by one: `patch`
  // returns the devices whose inputs it changed, or nullopt when it cannot apply the change in place
  // (the host then loads the home whole). Re-audits as update_home does, without copying the home;
  // an audit that opens and resolves nothing and keeps the score is not stored again. nullopt: no
  // home loaded, or the patch declined (the home is unchanged).
  using HomePatch = std::function<Result<std::optional<std::vector<std::string>>>(model::Home&)>;
  Result<std::optional<AuditDelta>> patch_home(const HomePatch& patch);

  // Handles one JSON command; always returns a JSON reply
  // {"id"?, "type":"result", "success":true, "result":...} or {..., "success":false, "error":{code,key,message}}.
  std::string handle(const std::string& request);

  // Rolls back plans a crash or a lost hub left half-applied on this home's hub (through the host's
  // port), recording each; hosts call it once the home is loaded, before serving changes. Apply
  // and undo also do it first. Returns the journal ids rolled back (none without a port or home).
  Result<std::vector<int64_t>> recover();
  // Applies a plan the host compiled itself (e.g. privacy by default for a new device) on the one
  // path every change takes. person "" = DomoGuard on its own.
  Result<Change> apply_plan(const policy::Plan& plan, const std::string& person);

  // One request being answered, and its answer (defined with the verbs, in service.cpp).
  struct Call;
  struct Answer;

  // For a process about to end (the CLI after its command): closes the stores (each file written and
  // closed as the destructor would) and gives up the loaded home, which is left
  // to the operating system rather than freeing a large home's allocations one by one. Only
  // destruction may follow.
  void close_for_exit();

  // Findings of one device in the latest audit.
  std::vector<audit::Finding> findings_for(const std::string& device_id) const;
  bool has_home() const;
  int score() const;
  // Whether a newly paired device gets its type's privacy defaults (7.3.2), as the household set it.
  bool privacy_default_on() const;

 private:
  Service() = default;
  Result<AuditDelta> record(audit::AuditResult result, const std::string& source);
  // Re-runs the changed devices' rules and every home-level rule, keeping the others' findings.
  audit::AuditResult reaudit_locked(const std::vector<std::string>& changed);  // caller holds m_
  bool privacy_default_locked() const;  // caller holds m_
  policy::ApplyOptions apply_options(const std::string& person) const;  // caller holds m_
  Result<bool> reaudit_after(const policy::ApplyResult& r);            // caller holds m_

  // The verbs of api/verbs.cpp's table, one function each (all but catalog, explain, verbs and
  // status are called with m_ held and a home loaded).
  Answer verb_status(const Call& c);
  Answer verb_audit(const Call& c);
  Answer verb_device(const Call& c);
  Answer verb_catalog(const Call& c);
  Answer verb_explain(const Call& c);
  Answer verb_history(const Call& c);
  Answer verb_journal(const Call& c);
  Answer verb_change(const Call& c);     // plan, apply, undo: one selector vocabulary, one apply path
  Answer verb_notice(const Call& c);     // notice, notice/ack
  Answer verb_settings(const Call& c);   // settings, settings/set
  Answer verb_recover(const Call& c);
  Answer verb_verbs(const Call& c);
  Answer verb_accept(const Call& c);     // accept, accept/withdraw, accepted
  Answer verb_hold(const Call& c);       // hold, hold/check, hold/pause

  // Modes that hold (api/hold.cpp); callers hold m_.
  // `req` is the request as handle() parsed it (bounded there), never parsed again.
  Result<std::string> handle_hold(const std::string& type, const boost::json::object& req, const std::string& lang);
  Result<bool> set_hold_policies(const boost::json::object& req, const std::string& person);
  std::string hold_policies_json() const;
  // A mode switched off: what was put back on its behalf is undone too (where nobody changed it since).
  Result<bool> undo_holds_locked(const std::string& mode, const std::string& person);
  policy::HoldPolicy hold_policy_locked(policy::HoldMode mode) const;
  int64_t hold_paused_until_locked(policy::HoldMode mode) const;
  int64_t hold_now() const;
  // Puts the settings DomoGuard stopped fighting over into the home (Part::hold), where DG-HOLD-001
  // reads them; re-audits when asked and they changed since the home last had them.
  void hold_into_home_locked();
  Result<bool> hold_reaudit_locked();

  mutable std::mutex m_;
  ServiceOptions opts_;
  std::unique_ptr<store::History> history_;
  std::unique_ptr<store::Journal> journal_;
  std::unique_ptr<store::Notices> notices_;   // privacy-notice acknowledgements, same file as history_
  std::unique_ptr<store::Settings> settings_; // per-home settings, same file (in memory without one)
  std::unique_ptr<Changes> changes_;          // the one apply/undo/recover path, over journal_
  // What the latest audit changed since the one before it (from the history when kept, which
  // survives restarts; else since the previous audit in memory).
  audit::Diff since_;
  int64_t audit_seq_ = 0;                     // counts audits in this process: front ends poll it
  std::unique_ptr<model::Home> home_;
  audit::AuditResult result_;
  std::string source_;
  std::string audited_at_;
  std::shared_ptr<struct HoldState> hold_;    // what the hold checks remember between calls
};

// The maximum size of one request from a transport; larger ones are refused unread.
inline constexpr size_t max_request_bytes = 64 * 1024;

}  // namespace domoguard::api
