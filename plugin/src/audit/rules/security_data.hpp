// Curated data behind the security rule families (manifests/catalog/vulnerable.json and
// hub_releases.json), exposed so that tests can prove the shipped files parse: a malformed
// data file fails a test instead of silently switching a rule off.
#pragma once

#include <string>
#include <string_view>

namespace domoguard::audit::rules::data {

// "" when the document is valid; otherwise a message naming the place at fault.
std::string check_vulnerable(std::string_view json);
std::string check_hub_releases(std::string_view json);

// Dotted-version comparison used by the rules: <0, 0, >0. Leading "v", build suffixes
// ("1.1.16 Build 211209") and text after the first space are ignored; a single long build number
// is compared with the last number of a dotted version (see vulnerable.json "about").
int compare_versions(std::string_view a, std::string_view b);

}  // namespace domoguard::audit::rules::data
