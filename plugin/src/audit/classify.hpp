// Device type and tier (Annex D grouping; tiers drive severity and scoring weights).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/home.hpp"

namespace domoguard::audit {

// Sets type, tier and primary_domain on every device; indexes the home first.
void classify(model::Home& home);
void classify_device(const model::Home& home, model::Device& device);
// After entities changed in place (their traits_known cleared) on a classified, indexed home:
// computes their traits again and classifies the given devices again, as classify() would.
void reclassify(model::Home& home, const std::vector<std::string>& device_ids);
model::Tier tier_of(model::DeviceType type);

// Caches what kind of control an entity is (classify() does this for every entity).
void compute_traits(model::Entity& e);

// Entity-level helpers shared by rules.
bool is_child_lock(const model::Entity& e);
bool is_privacy_switch(const model::Entity& e);     // camera privacy mode / mic mute switches
bool is_microphone(const model::Entity& e);
bool is_location(const model::Entity& e);
bool is_critical_entity(const model::Entity& e);    // lock, alarm panel, garage/gate cover, valve, siren
bool is_content_filter(const model::Entity& e);     // DNS filter parental-control / safe-search / blocking switches
bool contains_word(const std::string& haystack, std::string_view needle);  // case-insensitive
// True when needle appears as a whole token (tokens split on anything not a letter or digit).
bool has_token(const std::string& haystack, std::string_view needle);
model::AreaKind area_kind_from_name(const std::string& name);

// Home-level helpers shared by rules.
model::AreaKind area_kind_of(const model::Home& home, const std::string& area_id);
std::string area_name_of(const model::Home& home, const std::string& area_id);
// Indoors: the device has an area, the area is marked indoor, and its name is not an outdoor place.
bool is_indoor(const model::Home& home, const model::Device& d);
// The first of the device's integrations whose data path goes through a vendor cloud, or null.
const model::Integration* cloud_integration_of(const model::Home& home, const model::Device& d);
// The device's name as the household sees it (its label once classified).
const std::string& shown_name(const model::Device& d);
// The entity's name as the household sees it.
std::string label_of(const model::Entity& e);
// Lowest battery charge the device reports, in percent (battery sensors, battery_level attributes,
// low-battery binary sensors count as 5 %); nullopt when it reports none.
std::optional<double> battery_percent(const model::Home& home, const model::Device& d);
// The device has any battery reporting entity or attribute at all.
bool reports_battery(const model::Home& home, const model::Device& d);

}  // namespace domoguard::audit
