// Profiles as JSON: the canonical text a signature covers, and the boost::json objects the CLI and
// the tests read and write. Kept apart from profile.hpp so that only code which handles the JSON
// itself sees Boost.JSON; the signature is defined over this form, so it cannot be hidden further.
#pragma once

#include <boost/json.hpp>
#include <string>

#include "crypto/sigcrypto.hpp"
#include "policy/profile.hpp"
#include "util/result.hpp"

namespace domoguard::policy {

// Canonical JSON: object keys sorted by byte order, no whitespace, minimal string escapes.
// Floating-point numbers are refused (no single canonical text for them).
Result<std::string> canonical_json(const boost::json::value& v);

// Reads a profile object (schema 1); names the field at fault. Level, category and scenario names
// must exist in the policy data.
Result<Profile> parse_profile(const boost::json::value& v, const std::string& file = "");
boost::json::object profile_to_json(const Profile& p);

// Signs a profile object as it is (no validation: tests and newer schemas).
Result<std::string> sign_profile_object(const boost::json::object& profile, const crypto::Ed25519Key& key);

}  // namespace domoguard::policy
