#include "model/home.hpp"

#include <algorithm>
#include <stdexcept>

namespace domoguard::model {

bool Home::has(Part p) const { return std::find(present.begin(), present.end(), p) != present.end(); }

void Home::mark_present(Part p) {
  if (!has(p)) present.push_back(p);
  missing.erase(p);
}

void Home::mark_missing(Part p, std::string why) {
  if (has(p)) return;
  missing.emplace(p, std::move(why));
}

namespace {
template <class T>
const T* lookup(const std::unordered_map<std::string, size_t>& ix, const std::vector<T>& v, const std::string& key) {
  auto it = ix.find(key);
  return it == ix.end() ? nullptr : &v[it->second];
}
}  // namespace

const Device* Home::device(const std::string& id) const { return lookup(device_ix_, devices, id); }
const Area* Home::area(const std::string& id) const { return lookup(area_ix_, areas, id); }
const Integration* Home::integration(const std::string& id) const { return lookup(entry_ix_, integrations, id); }
const Integration* Home::integration_by_domain(const std::string& d) const { return lookup(domain_ix_, integrations, d); }
const Entity* Home::entity(const std::string& id) const { return lookup(entity_ix_, entities, id); }

Home::IndexStamp Home::stamp() const {
  return {devices.data(), entities.data(), areas.data(), integrations.data(),
          devices.size(), entities.size(), areas.size(), integrations.size()};
}

bool Home::index_current() const { return indexed_ && *indexed_ == stamp(); }

void Home::index() {
  device_ix_.clear();
  area_ix_.clear();
  entry_ix_.clear();
  domain_ix_.clear();
  entity_ix_.clear();
  device_ix_.reserve(devices.size());
  area_ix_.reserve(areas.size());
  entry_ix_.reserve(integrations.size());
  domain_ix_.reserve(integrations.size());
  entity_ix_.reserve(entities.size());
  for (size_t i = 0; i < devices.size(); ++i) {
    device_ix_.emplace(devices[i].id, i);
    devices[i].entities.clear();
  }
  for (size_t i = 0; i < areas.size(); ++i) area_ix_.emplace(areas[i].id, i);
  for (size_t i = 0; i < integrations.size(); ++i) {
    entry_ix_.emplace(integrations[i].entry_id, i);
    domain_ix_.emplace(integrations[i].domain, i);  // first entry of a domain wins
  }
  for (size_t i = 0; i < entities.size(); ++i) {
    entity_ix_.emplace(entities[i].entity_id, i);
    auto& e = entities[i];
    if (auto it = device_ix_.find(e.device_id); it != device_ix_.end()) {
      devices[it->second].entities.push_back(i);
      if (e.area_id.empty()) e.area_id = devices[it->second].area_id;
    }
  }
  for (auto& d : devices) {
    if (d.primary_domain.empty() && !d.config_entry_ids.empty())
      if (auto* in = integration(d.config_entry_ids.front())) d.primary_domain = in->domain;
    if (d.primary_domain.empty() && !d.identifiers.empty()) d.primary_domain = d.identifiers.front().first;
  }
  indexed_ = stamp();
}

const char* to_string(DeviceType t) {
  switch (t) {
    case DeviceType::camera: return "camera";
    case DeviceType::doorbell: return "doorbell";
    case DeviceType::lock: return "lock";
    case DeviceType::alarm: return "alarm";
    case DeviceType::garage: return "garage";
    case DeviceType::valve: return "valve";
    case DeviceType::voice_assistant: return "voice_assistant";
    case DeviceType::safety_sensor: return "safety_sensor";
    case DeviceType::sensor: return "sensor";
    case DeviceType::appliance: return "appliance";
    case DeviceType::climate: return "climate";
    case DeviceType::lighting: return "lighting";
    case DeviceType::plug: return "plug";
    case DeviceType::presence: return "presence";
    case DeviceType::media: return "media";
    case DeviceType::gateway: return "gateway";
    case DeviceType::hub: return "hub";
    case DeviceType::other: break;
  }
  return "other";
}

const char* to_string(Tier t) {
  switch (t) {
    case Tier::critical: return "critical";
    case Tier::sensitive: return "sensitive";
    case Tier::normal: break;
  }
  return "normal";
}

const char* to_string(IotClass c) {
  switch (c) {
    case IotClass::local_push: return "local_push";
    case IotClass::local_polling: return "local_polling";
    case IotClass::cloud_push: return "cloud_push";
    case IotClass::cloud_polling: return "cloud_polling";
    case IotClass::assumed_state: return "assumed_state";
    case IotClass::calculated: return "calculated";
    case IotClass::unknown: break;
  }
  return "unknown";
}

const char* to_string(AreaKind k) {
  switch (k) {
    case AreaKind::bedroom: return "bedroom";
    case AreaKind::bathroom: return "bathroom";
    case AreaKind::kids: return "kids";
    case AreaKind::normal: break;
  }
  return "normal";
}

const char* to_string(Part p) {
  switch (p) {
    case Part::devices: return "devices";
    case Part::entities: return "entities";
    case Part::areas: return "areas";
    case Part::states: return "states";
    case Part::integrations: return "integrations";
    case Part::manifests: return "manifests";
    case Part::users: return "users";
    case Part::mfa: return "mfa";
    case Part::exposure: return "exposure";
    case Part::hub_config: return "hub_config";
    case Part::analytics: return "analytics";
    case Part::cloud: return "cloud";
    case Part::http: return "http";
    case Part::automations: return "automations";
    case Part::deleted_devices: return "deleted_devices";
    case Part::radio_security: return "radio_security";
    case Part::auth_providers: return "auth_providers";
    case Part::recorder: return "recorder";
    case Part::apps: return "apps";
    case Part::tokens: return "tokens";
    case Part::sign_ins: return "sign_ins";
    case Part::dashboard_resources: return "dashboard_resources";
    case Part::scripts: return "scripts";
    case Part::thread: return "thread";
    case Part::hub_version: return "hub_version";
    case Part::hold: return "hold";
  }
  return "unknown";
}

const char* to_string(SourceKind k) {
  switch (k) {
    case SourceKind::unknown: return "unknown";
    case SourceKind::live: return "live";
    case SourceKind::config_folder: return "config_folder";
    case SourceKind::replies_folder: return "replies_folder";
    case SourceKind::backup: return "backup";
    case SourceKind::demo: return "demo";
  }
  return "unknown";
}

const std::string& Attributes::at(std::string_view k) const {
  auto it = find(k);
  if (it == end()) throw std::out_of_range("no attribute " + std::string(k));
  return it->second;
}

bool kept_attribute(std::string_view key) {
  // By length first (every attribute of every state is asked): most names a hub sends have a length
  // no kept name has. Where each is read:
  switch (key.size()) {
    case 2: return key == "id";             // hub/ha/replies.cpp: an automation entity's automation
    case 5: return key == "title";          // audit/rules/updates.cpp
    case 6: return key == "source";         // policy/compile.cpp: a person's device tracker
    case 7: return key == "battery";        // audit/classify.cpp: battery level
    case 11:
      return key == "auto_update"           // audit/rules/updates.cpp
             || key == "code_format"        // audit/rules/privacy.cpp, policy/compile.cpp
             || key == "in_progress";       // audit/rules/updates.cpp
    case 13: return key == "battery_level";  // audit/classify.cpp
    case 14: return key == "latest_version";  // audit/rules/updates.cpp
    case 15: return key == "skipped_version";  // audit/rules/updates.cpp
    case 17:
      return key == "code_arm_required"     // audit/rules/privacy.cpp
             || key == "installed_version";  // audit/rules/updates.cpp
    default: return false;
  }
}

bool is_cloud(IotClass c) { return c == IotClass::cloud_push || c == IotClass::cloud_polling; }

}  // namespace domoguard::model
