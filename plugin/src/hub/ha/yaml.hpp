// HA's YAML, read with a kept library (yaml-cpp) into the JSON shapes the rest of the adapter
// already understands. HA's loader tags are resolved the way homeassistant/util/yaml/loader.py
// does: !include, !include_dir_list/_named/_merge_list/_merge_named, !secret, !env_var, !input.
// Secrets and environment values are never read: a `!secret` or `!env_var` becomes a marker that
// says "a value is set", which is all a rule may learn from it.
#pragma once

#include <string>
#include <vector>

#include "hub/ha/adapter.hpp"
#include "hub/ha/json_util.hpp"

namespace domoguard::hub::ha::detail {

// Markers standing for values DomoGuard does not read.
inline constexpr std::string_view yaml_secret = "!secret";
inline constexpr std::string_view yaml_env_var = "!env_var";
// A blueprint's `!input name` becomes {"!input": "name"} until the blueprint is instantiated.
inline constexpr std::string_view yaml_input = "!input";
// Stands in a ConfigFiles map for a YAML file left unread because it is over the size limits.
inline constexpr std::string_view yaml_too_large = std::string_view("\0dg:too-large", 13);

struct YamlLimits {
  std::size_t max_file_bytes = 4u << 20;    // one YAML file
  std::size_t max_total_bytes = 32u << 20;  // everything one load pulls in
  std::size_t max_nodes = 500000;           // values built, aliases counted each time they are used
  unsigned max_depth = 64;                  // nesting, includes counted
  unsigned max_includes = 4000;             // files pulled in by one load
};

// Loads the config-relative file `path` from `files`, with every include resolved. Errors name the
// file and the line; a missing include becomes null (HA would refuse to start; the audit goes on).
Result<json::value> load_yaml(const ConfigFiles& files, const std::string& origin, const std::string& path,
                              const YamlLimits& limits = {});

// Replaces {"!input": name} markers in a blueprint's body with the values given in use_blueprint
// (or the blueprint's declared defaults).
json::value instantiate_blueprint(const json::value& body, const json::object& given, const json::object& declared);

// Config-relative YAML files worth reading from a folder or backup (configuration.yaml, its
// includes, packages, blueprints); never secrets.yaml.
bool wanted_yaml(const std::string& rel);
// A file HA's include_dir_* reads: *.yaml, not hidden, not secrets.yaml.
bool is_yaml_name(const std::string& rel);

}  // namespace domoguard::hub::ha::detail
