// Installer trust: the Ed25519 public keys whose signed profiles this home accepts, and the highest
// version of each profile already applied (so an older signed profile cannot be replayed to roll
// settings back). Kept in small tables (trusted_keys, profile_versions) of the same SQLite file as
// the history: one private 0600 file to back up, the same WAL and synchronous=FULL guarantees.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "policy/trust.hpp"
#include "util/result.hpp"

namespace domoguard::store {

using TrustedKey = policy::TrustedKey;

class TrustStore final : public policy::ProfileTrust {
 public:
  // Opens (creating if needed, with 0700 parent folder and 0600 file) the database at path.
  static Result<std::unique_ptr<TrustStore>> open(const std::string& path);
  ~TrustStore() override;

  // Adds or renames a key; returns false when it was already trusted (its name is updated).
  Result<bool> add(const TrustedKey& key);
  // Returns false when no such key was trusted.
  Result<bool> remove(const std::string& key_id);
  Result<std::vector<TrustedKey>> list() override;
  Result<std::optional<TrustedKey>> find(const std::string& key_id) override;

  // The highest version of the named profile applied so far (nullopt: never).
  Result<std::optional<int64_t>> applied_version(const std::string& profile_name) override;
  // Records an applied version; keeps the highest.
  Result<bool> record_applied(const std::string& profile_name, int64_t version, const std::string& key_id);

 private:
  struct Impl;
  explicit TrustStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace domoguard::store
