// Privacy notices (ISO/IEC 27403 7.3.3 notice to the household, 7.3.14 openness about where data
// goes): per device, what it senses, where its data goes, what the hub keeps and for how long,
// who can see it and what the household can switch off; and one notice for the whole home.
//
// A notice is built from the model and vendors.json only; its texts are locale keys with
// placeholders, so the same notice reads in any language. Its version is the SHA-256 of its
// canonical content (never of a rendering), so it changes when, and only when, what the household
// is told changes; a changed notice needs acknowledging again.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "locale/messages.hpp"
#include "model/home.hpp"
#include "util/result.hpp"

namespace domoguard::notice {

// One curated vendor fact (manifests/catalog/vendors.json).
struct Vendor {
  std::string domain;
  std::string vendor;
  std::string cloud_service;    // "" when the integration is local
  std::string privacy_policy;   // URL or "unknown"
  std::string source;
};

// The embedded vendor data; parse() is exposed for tests of malformed input.
Result<std::vector<Vendor>> load_vendors();
Result<std::vector<Vendor>> parse_vendors(std::string_view text, const std::string& origin);
const Vendor* find_vendor(const std::vector<Vendor>& vendors, const std::string& domain);

// A message key with its placeholders: one line of a notice.
struct Line {
  std::string key;
  locale::Placeholders ph;
};

// Where a device's data leaves the home.
struct Destination {
  std::string kind;            // "vendor_cloud" | "assistant"
  std::string domain;          // integration or assistant domain
  std::string vendor;          // "" when unknown
  std::string service;         // "" when unknown
  std::string privacy_policy;  // URL or "unknown"
  std::string source;
};

struct DeviceNotice {
  // Display only: not part of the version (a rename does not change what is collected).
  std::string device_id, device_name, area_name;
  // Content.
  std::string type;                          // model::DeviceType
  std::vector<std::string> senses;           // video, audio, presence, location, energy, health, children
  std::string data_path;                     // "local" | "cloud" | "unknown"
  std::vector<std::string> integrations;     // integration domains it reaches the hub through
  std::vector<Destination> destinations;
  std::optional<int> keep_days;              // nullopt: the hub's default history
  int admins = 0, users = 0;                 // active people accounts on the hub
  std::vector<std::string> privacy_switches; // entity ids
  std::vector<std::string> exposed_to;       // "conversation", "alexa", "google"
  int can_disable = 0;                       // sensing entities the household could disable
  std::string canonical;                     // canonical JSON of the content
  std::string version;                       // SHA-256 hex of canonical
};

struct HomeNotice {
  std::string hub_name;                      // display only
  std::vector<DeviceNotice> devices;
  std::vector<std::pair<std::string, int>> sense_counts;   // sense -> devices, in sense order
  std::vector<Destination> destinations;     // distinct, by domain
  std::optional<int> keep_days;
  int admins = 0, users = 0;
  model::Flag remote_ui, analytics;
  std::string canonical;
  std::string version;
};

// The senses a notice can name, in display order.
const std::vector<std::string>& all_senses();

// Builds the notice of one device. The home must be classified (audit::classify).
DeviceNotice device_notice(const model::Home& home, const model::Device& device, const std::vector<Vendor>& vendors);
// Devices that get a notice: every device except the hub's own parts and disabled devices.
bool has_notice(const model::Device& device);
HomeNotice home_notice(const model::Home& home, const std::vector<Vendor>& vendors);

// The notice as message lines (headings excluded), in reading order.
std::vector<Line> lines(const DeviceNotice& n);
std::vector<Line> lines(const HomeNotice& n);

// Finds a device by id, or by name (case-insensitive); null when none or ambiguous.
const model::Device* find_device(const model::Home& home, const std::string& id_or_name);

// Rendering.
std::string text(const DeviceNotice& n, const locale::Messages& msg);
std::string text(const HomeNotice& n, const locale::Messages& msg);
// The JSON form (to_json) is in notice/notice_json.hpp, so this header carries no Boost.JSON type.

// SHA-256 of text, lower-case hex.
std::string sha256_hex(const std::string& text);

}  // namespace domoguard::notice
