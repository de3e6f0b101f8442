// Modes that hold, in the daemon (issue 18): after each change the watcher absorbed, and now and
// then for pauses that ended, asks the service to compare the home with the settings in force
// (domoguard/hold/check), and posts the notifications it returns in the hub.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <string>

#include "api/service.hpp"
#include "hub/ha/live_mirror.hpp"

namespace domoguard::daemon {

class Guard {
 public:
  using Log = std::function<void(bool warning, const std::string&)>;
  Guard(api::Service& service, std::string lang, bool notify, Log log);
  // After the service's home was updated: changed_by maps entity ids to the hub user who changed them.
  void after_change(hub::ha::LiveMirror& mirror, const std::map<std::string, std::string>& changed_by);
  // Called on quiet turns: checks again every few seconds (a pause that ended, a fight window passed).
  void tick(hub::ha::LiveMirror& mirror);

 private:
  void check(hub::ha::LiveMirror& mirror, const std::map<std::string, std::string>& changed_by);
  api::Service& service_;
  std::string lang_;
  bool notify_;
  Log log_;
  std::chrono::steady_clock::time_point last_check_{};
};

}  // namespace domoguard::daemon
