// Shared by the fuzz targets: the first input byte picks which file or command the rest is.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace dgfuzz {

inline const std::vector<std::string>& storage_paths() {
  static const std::vector<std::string> p = {
      ".storage/core.device_registry", ".storage/core.entity_registry", ".storage/core.area_registry",
      ".storage/core.config_entries",  ".storage/core.config",          ".storage/core.analytics",
      ".storage/core.uuid",            ".storage/auth",                 ".storage/auth_module.totp",
      ".storage/homeassistant.exposed_entities", ".storage/cloud",       ".storage/http",        "custom_components/x/manifest.json",
      ".HA_VERSION"};
  return p;
}

}  // namespace dgfuzz
