// A home's DomoGuard settings that are not plans: e.g. whether newly paired devices get privacy
// defaults (7.3.2). One value per (home, name); lives in the history's SQLite file in its own table.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "util/result.hpp"

namespace domoguard::store {

class Settings {
 public:
  // Opens (creating if needed, 0700 folder, 0600 file) the database at path; ":memory:" keeps them in memory.
  static Result<std::unique_ptr<Settings>> open(const std::string& path);
  ~Settings();

  Result<std::optional<std::string>> get(const std::string& home_key, const std::string& name);
  Result<bool> set(const std::string& home_key, const std::string& name, const std::string& value);

 private:
  struct Impl;
  explicit Settings(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace domoguard::store
