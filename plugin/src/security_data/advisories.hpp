// Curated security data in manifests/catalog/, read into typed form once: known-vulnerable and
// end-of-life devices and hub advisories (vulnerable.json), and Home Assistant's release dates
// (hub_releases.json). The rule families (audit/rules/vulnerable.cpp, hub.cpp) read these types and
// never the JSON; a malformed file is an error naming the place, which a test catches before a
// rule silently loses its data.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"

namespace domoguard::security_data {

struct Firmware {
  std::string fixed;          // first fixed version (exclusive upper bound)
  std::string max_affected;   // last affected version (inclusive)
  std::string fixed_build;    // first fixed build number after the word "build"
  bool any() const { return !fixed.empty() || !max_affected.empty() || !fixed_build.empty(); }
};

struct DeviceAdvisory {
  std::string id, title, advisory, source, url, eol_date;
  std::vector<std::string> vendors, models;   // lower case
  bool family = false, kev = false, eol = false;
  Firmware firmware;
};

struct HubAdvisory {
  std::string id, title, fixed, advisory, source, url;
  std::vector<std::string> installation_types;
  std::string severity = "high";   // info, low, medium, high or critical
};

struct Advisories {
  std::vector<DeviceAdvisory> devices;
  std::vector<HubAdvisory> hub;
};

// The newest release hub_releases.json knows, and how fresh the list is.
struct HubReleases {
  std::string latest;
  std::string latest_date;
  std::string data_date;
};

// Home Assistant versions are calendar versions (YEAR.MONTH.PATCH); older ones were 0.x.
struct CalVer {
  int year = 0, month = 0;
};
std::optional<CalVer> calver(std::string_view v);

// Parses the documents; errors carry the file, the place and the key error.catalog.malformed.
Result<Advisories> parse_advisories(std::string_view json);
Result<HubReleases> parse_hub_releases(std::string_view json);
// The embedded files, parsed once.
const Result<Advisories>& advisories();
const Result<HubReleases>& hub_releases();

// "" when the document is valid; otherwise a message naming the place at fault (for tests).
std::string check_vulnerable(std::string_view json);
std::string check_hub_releases(std::string_view json);

// Dotted-version comparison used by the rules: <0, 0, >0. Leading "v", build suffixes
// ("1.1.16 Build 211209") and text after the first space are ignored; a single long build number
// is compared with the last number of a dotted version (see vulnerable.json "about").
int compare_versions(std::string_view a, std::string_view b);
// The text starts with a version number (after spaces and a "v").
bool has_version_number(std::string_view s);

}  // namespace domoguard::security_data
