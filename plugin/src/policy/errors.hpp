// Errors the policy compilers share (internal to plugin/src/policy): bad input with a message key
// and placeholders, and an unknown name listed with the valid ones.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "util/result.hpp"

namespace domoguard::policy::detail {

inline std::string join(const std::vector<std::string>& v, const char* sep = ", ") {
  std::string s;
  for (const auto& x : v) {
    if (!s.empty()) s += sep;
    s += x;
  }
  return s;
}

inline Error bad(std::string key, std::string message, std::string file = "", std::string where = "",
          std::vector<std::pair<std::string, std::string>> ph = {}) {
  Error e;
  e.code = ErrorCode::bad_input;
  e.key = std::move(key);
  e.message = std::move(message);
  e.file = std::move(file);
  e.where = std::move(where);
  e.placeholders = std::move(ph);
  return e;
}

inline Error unknown(const std::string& what, const std::string& name, const std::vector<std::string>& valid) {
  return bad("error.plan.unknown_" + what, "unknown " + what + " '" + name + "' (valid: " + join(valid) + ")", "", "",
             {{"name", name}, {"valid", join(valid)}});
}

}  // namespace domoguard::policy::detail
