// Device type and tier (Annex D grouping; tiers drive severity and scoring weights).
#pragma once

#include "model/home.hpp"

namespace domoguard::audit {

// Sets type, tier and primary_domain on every device; indexes the home first.
void classify(model::Home& home);
void classify_device(const model::Home& home, model::Device& device);
model::Tier tier_of(model::DeviceType type);

// Entity-level helpers shared by rules.
bool is_child_lock(const model::Entity& e);
bool is_privacy_switch(const model::Entity& e);     // camera privacy mode / mic mute switches
bool is_microphone(const model::Entity& e);
bool is_location(const model::Entity& e);
bool is_critical_entity(const model::Entity& e);    // lock, alarm panel, garage/gate cover, valve, siren
bool contains_word(const std::string& haystack, std::string_view needle);  // case-insensitive
model::AreaKind area_kind_from_name(const std::string& name);

}  // namespace domoguard::audit
