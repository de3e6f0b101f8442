// Facts from HA's YAML configuration (configuration.yaml with its includes, packages and
// blueprints, or automations.yaml alone) into the Home.
#pragma once

#include <string>

#include "hub/ha/adapter.hpp"
#include "hub/ha/yaml.hpp"
#include "model/home.hpp"

namespace domoguard::hub::ha::detail {

// Fills automations, the HTTP settings (unless .storage/http is what HA runs: http_from_store),
// sign-in providers and recorder settings; marks each part read or missing with the reason.
// Returns false when this build reads no YAML. limits bound each load (configuration.yaml with its
// includes, automations.yaml, each blueprint).
Result<bool> apply_yaml_config(const ConfigFiles& files, const std::string& origin, bool http_from_store,
                               model::Home& home, const YamlLimits& limits = {});

}  // namespace domoguard::hub::ha::detail
