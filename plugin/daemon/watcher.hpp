// Watches a live hub through its mirror (hub/ha/live_mirror): full audit on (re)connect, then
// re-audits only the devices that changed, and tells the household when a new device is paired.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "api/service.hpp"
#include "hub/ha/live_mirror.hpp"
#include "locale/messages.hpp"

namespace domoguard::daemon {

enum class LogLevel { debug, info, warning, error };

struct WatcherOptions {
  hub::ha::LiveOptions live;
  bool notify = true;                 // persistent notification in HA for each new device
  std::string panel_link = "/domoguard";
  std::string lang = "en";
  int max_backoff_s = 60;             // reconnect delays: 1, 2, 4, ... capped here
  int heartbeat_s = 20;
  int notify_delay_ms = 1500;         // wait for a new device's entities before counting findings
  std::string db_path;                // the history's file (the service keeps the journal of changes there)
  int state_delay_ms = 300;           // at most one re-audit for state changes this often
};

class Watcher {
 public:
  using Log = std::function<void(LogLevel, const std::string&)>;
  Watcher(WatcherOptions opts, api::Service& service, Log log);
  // Runs until stop becomes true. Never throws; connection trouble is logged and retried.
  void run(const std::atomic<bool>& stop);

 private:
  bool session(const std::atomic<bool>& stop);  // one connection's life; false = connection lost
  std::vector<std::string> make_private(hub::ha::LiveMirror& mirror, const std::string& device_id, const locale::Messages& msg);
  void notify_new_device(hub::ha::LiveMirror& mirror, const locale::Messages& msg, const std::string& device_id,
                         const std::vector<std::string>& private_changes);
  WatcherOptions opts_;
  api::Service& service_;
  Log log_;
};

// Markdown-inert text for HA notifications: a device name cannot add links or formatting.
std::string markdown_escape(const std::string& s);

}  // namespace domoguard::daemon
