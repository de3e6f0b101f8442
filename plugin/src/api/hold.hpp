// Modes that hold (issue 18): the domoguard/hold verbs' state, kept by the Service between checks.
//   domoguard/hold          which modes are in force and holding, their policy, pauses, the last drift
//                           put back, the entities DomoGuard stopped fighting over
//   domoguard/hold/check    compares the home with the settings in force; puts drift back ("restore")
//                           or reports it ("notify"); returns the notifications to post
//   domoguard/hold/pause    pauses a mode for a number of seconds (0 = resume now); logged
// A household's policy per mode is a setting ("hold.policy.<mode>", domoguard/settings/set "hold").
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>

namespace domoguard::api {

// Put back at most this many times per target within the window; then stop and say who is fighting.
inline constexpr int kHoldAttempts = 3;
inline constexpr int64_t kHoldWindowS = 300;
inline constexpr int64_t kHoldMaxPauseS = 24 * 3600;

struct HoldState {
  using Key = std::tuple<std::string, std::string, std::string>;  // kind, target, param
  struct Fight {
    std::string mode, name;
    int64_t since = 0;
    int attempts = 0;
  };
  std::map<Key, std::deque<int64_t>> attempts;  // when each target was put back, within the window
  std::map<Key, Fight> fights;                  // targets DomoGuard stopped putting back
  std::map<Key, int64_t> last_drift;            // when each target was last seen drifting
  std::set<std::string> told;                   // drift already reported (key and value), told once
  // Targets the hub says already have the wanted value although the home read shows another (a
  // put-back found nothing to write): not drift until the home shows something else.
  std::map<Key, std::string> settled;
  std::string last_restore;                     // JSON of the last drift put back ("" = none yet)
};

}  // namespace domoguard::api
