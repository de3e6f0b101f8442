// The one path by which every host changes the hub: plans a crash left half-applied are rolled back
// first, then the plan is applied or undone through policy/apply (journal first, verify, roll back
// on failure), and what happened goes into the tamper-evident event log (7.2.12, 7.2.13).
// api::Service (and through it every host's plan, apply and undo: the daemon, the Home Assistant
// integration, the CLI) and the CLI's profile apply call it, so recovery, the empty-plan rule and
// the record cannot differ between hosts.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "locale/messages.hpp"
#include "policy/apply.hpp"
#include "policy/port.hpp"
#include "store/journal.hpp"
#include "util/result.hpp"

namespace domoguard::api {

struct Change {
  policy::Plan plan;                 // what was carried out; for an undo, the journalled plan's changes backwards
  policy::ApplyResult result;        // result.nothing_to_change: nothing journalled, nothing to undo
  std::vector<int64_t> recovered;    // plans interrupted earlier and rolled back before this one
};

class Changes {
 public:
  // db_path: the file of the event log ("" = none is kept, as for the demo home).
  Changes(store::Journal& journal, std::string db_path) : journal_(journal), db_path_(std::move(db_path)) {}

  // Rolls back every plan of opts.hub left "applying" by a crash or a hub that went away, and
  // records each in the event log. Hosts call it once connected, before any change is served.
  Result<std::vector<int64_t>> recover(policy::HubPort& port, const policy::ApplyOptions& opts);
  // Recovers, then applies the plan.
  Result<Change> apply(const policy::Plan& plan, policy::HubPort& port, const policy::ApplyOptions& opts);
  // Recovers, then undoes the journalled plan `which` (as read before recovery: its state is read again).
  Result<Change> undo(const store::JournalPlan& which, policy::HubPort& port, const policy::ApplyOptions& opts,
                      const locale::Messages& msg);

 private:
  store::Journal& journal_;
  std::string db_path_;
};

// The preview of undoing a journalled plan: its changes, last first, described in msg's language.
policy::Plan undo_preview(const store::JournalPlan& jp, const locale::Messages& msg);
// "Rolled back plan N, interrupted earlier." for each recovered plan, one line each ("" = none).
std::string recovered_text(const std::vector<int64_t>& recovered, const locale::Messages& msg);

}  // namespace domoguard::api
