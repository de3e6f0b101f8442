// Installer preset profiles: a signed bundle of security levels per category, child-safe mode,
// privacy by default, a scenario preset and the notices to show, with the installer's identity.
// An installer signs a profile with an Ed25519 key (OpenSSL EVP); a home applies it only when the
// signature verifies under a key the household trusts, the content is unchanged since signing, the
// schema is known, and the version is not older than one already applied there — so nobody can
// push settings into a home in an installer's name, or roll a home back with an old profile.
//
// Signed file: {"profile":{...},"signature":{"alg":"ed25519","key_id":"<16 hex>","value":"<base64>",
// "digest":"<sha256 hex of the canonical profile>"}}. The signature covers the canonical bytes of
// "profile" (keys sorted by byte order, no whitespace, integers only); "digest" is unsigned and
// only tells an altered profile apart from a damaged signature.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "audit/rule.hpp"
#include "crypto/sigcrypto.hpp"
#include "model/home.hpp"
#include "policy/plan.hpp"
#include "policy/trust.hpp"
#include "util/result.hpp"

namespace domoguard::policy {

inline constexpr int64_t kProfileSchema = 1;

struct Installer {
  std::string name, company, contact;
};

struct Profile {
  int64_t schema = kProfileSchema;
  std::string name;                            // [a-z0-9-], e.g. "family-with-young-children"
  int64_t version = 1;                         // the installer's revision of this profile
  Installer installer;
  std::map<std::string, std::string> levels;   // category (or "all") -> level name
  bool child_safe = false;
  bool privacy_by_default = false;
  std::string scenario;                        // "" = leave scenarios alone
  std::vector<std::string> notices;            // locales keys of notices to show the household
};

// Reads a profile text (schema 1); names the field at fault. Level, category and scenario names
// must exist in the policy data. The JSON forms (canonical text, boost::json objects) are in
// policy/profile_json.hpp.
Result<Profile> parse_profile_text(std::string_view text, const std::string& file = "");

// Bundled presets (manifests/profiles/*.json), unsigned: an installer signs them with their own key.
std::vector<std::string> preset_names();
Result<std::string> preset_text(const std::string& name);

// Signs a profile text after validating it (sign_profile_object, in profile_json.hpp, signs one as it is).
Result<std::string> sign_profile(std::string_view profile_text, const crypto::Ed25519Key& key, const std::string& file = "");

struct VerifiedProfile {
  Profile profile;
  std::string key_id;
  std::string trusted_name;   // the installer's name in the trust store
  std::string digest;         // sha256 of the canonical profile, hex
};

// Checks, in order, and refuses with its own error key (ErrorCode::bad_input):
//   error.profile.malformed       not JSON, or not a profile envelope / a field is wrong
//   error.profile.unsigned        no signature
//   error.profile.unknown_schema  a schema version this DomoGuard does not know
//   error.profile.bad_signature   the signature block is unusable (algorithm, key id, encoding)
//   error.profile.untrusted_key   signed by a key the home does not trust
//   error.profile.altered         the profile changed after it was signed
//   error.profile.key_mismatch    signed by another trusted key than the one it names
//   error.profile.signature_invalid  the signature does not verify (damaged or forged)
//   error.profile.replayed        older than the version of this profile already applied here
Result<VerifiedProfile> verify_signed(std::string_view text, ProfileTrust& trust, const std::string& file = "");

// The profile's parts compiled against a home (levels per category in category order, then
// child-safe mode, then the scenario) and merged into one plan of kind "profile", so applying it
// is one journal entry and one undo.
Result<Plan> compile_profile(const Profile& profile, const model::Home& home, const std::vector<audit::Finding>& findings);

}  // namespace domoguard::policy
