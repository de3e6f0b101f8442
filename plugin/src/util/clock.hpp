// The one way DomoGuard writes "now": UTC, ISO 8601, to the second ("2026-11-25T15:40:01Z").
#pragma once

#include <chrono>
#include <ctime>
#include <string>

namespace domoguard::util {

inline std::string now_utc() {
  auto t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace domoguard::util
