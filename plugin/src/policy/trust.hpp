// What checking a signed profile needs to know of the household's trust: the installers' public
// keys it accepts and the highest version of each profile already applied (so an older signed
// profile cannot be replayed to roll settings back). An interface, so that policy knows no store;
// store::TrustStore keeps both in SQLite.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "util/result.hpp"

namespace domoguard::policy {

struct TrustedKey {
  std::string key_id;       // sha256(raw public key), hex, first 16
  std::string name;         // the installer, as the household named it
  std::string public_pem;
  std::string added_at;     // UTC, ISO 8601
};

class ProfileTrust {
 public:
  virtual ~ProfileTrust() = default;
  virtual Result<std::vector<TrustedKey>> list() = 0;
  virtual Result<std::optional<TrustedKey>> find(const std::string& key_id) = 0;
  // The highest version of the named profile applied so far (nullopt: never).
  virtual Result<std::optional<int64_t>> applied_version(const std::string& profile_name) = 0;
};

}  // namespace domoguard::policy
