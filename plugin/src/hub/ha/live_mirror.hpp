// A live Home Assistant mirrored in memory for a host that watches it (the daemon): the replies
// the adapter reads, kept current from registry and state events, handed out as hub-neutral homes
// and change sets. With the adapter, the only code that knows HA's event and service shapes.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "hub/ha/live.hpp"
#include "model/home.hpp"

namespace domoguard::hub::ha {

// What one batch of hub events changed.
struct HomeChange {
  std::set<std::string> devices;   // devices whose data changed: re-audit them
  std::set<std::string> created;   // devices paired in this batch
  bool everything = false;         // a change that touches every device (areas): audit all
  bool registry = false;           // a registry changed (not only states)
  double first_fired = 0;          // hub time (seconds since the epoch) of its earliest event; 0 unknown
  // Entity id -> the hub user whose action changed it (the event's context), where the hub said:
  // a change at the device or by an automation carries none.
  std::map<std::string, std::string> changed_by;
};

class LiveMirror {
 public:
  using Note = std::function<void(const std::string&)>;
  // origin names the hub in messages (its URL). state_delay_ms: state changes (meters can send many a
  // second) are gathered and applied at most this often; a registry change applies them at once.
  // poll_ms: facts HA sends no event for (exposure settings, HTTP settings, config entries, cloud,
  // analytics, users' MFA) are re-read this often and compared.
  LiveMirror(LiveHub& hub, std::string origin, int state_delay_ms = 300, int poll_ms = 10000);

  // HA answers on its WebSocket while still starting, before integrations have loaded their
  // entities: waits until it runs. false = stop was requested. Errors: connection lost.
  Result<bool> wait_until_running(const std::atomic<bool>& stop, const Note& note);
  // Subscribes to the events it follows, then reads everything (a change in between arrives as an
  // event), and returns the home.
  Result<model::Home> start();
  // Waits up to max_wait_ms for events and absorbs them: the new home and what changed, or nullopt
  // when nothing that matters did. Errors: connection lost.
  Result<std::optional<std::pair<model::Home, HomeChange>>> next_change(int max_wait_ms);
  // The home as mirrored now.
  Result<model::Home> home() const;
  // A ping when the connection has been quiet for heartbeat_s. Errors: connection lost.
  Result<bool> keepalive(int heartbeat_s);
  // A notification shown in the hub's notification area (markdown message; callers escape names).
  Result<bool> notify(const std::string& id, const std::string& title, const std::string& message);

 private:
  using clock = std::chrono::steady_clock;
  LiveHub& hub_;
  std::string origin_;
  int state_delay_ms_;
  int poll_ms_;
  clock::time_point next_poll_ = clock::now();
  Replies cache_;
  // Re-reads cmd; true when its reply changed.
  Result<bool> refresh(const std::string& cmd);
  std::map<std::string, std::string> pending_states_;  // entity_id -> new state JSON ("null": removed)
  std::map<std::string, std::string> pending_by_;      // entity_id -> user id of the pending state's change
  clock::time_point states_due_{}, states_applied_{}, last_beat_ = clock::now();
  double states_fired_ = 0;
};

}  // namespace domoguard::hub::ha
