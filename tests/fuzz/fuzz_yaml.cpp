// Fuzzes HA's YAML configuration as DomoGuard reads it (hub/ha/yaml.cpp and config_yaml.cpp): the
// input is a small config folder held in memory, its files separated by a line "#@@"; the n-th
// part becomes the n-th name of kFiles, so includes (!include, !include_dir_*), packages and
// blueprints resolve among fuzzed files and nothing is read from disk.
//
// Each input goes through the whole configuration path (automations, blueprints, HTTP, sign-in,
// recorder) under tighter limits than the product's, so the limits themselves are reached.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "hub/ha/config_yaml.hpp"
#include "hub/ha/yaml.hpp"

namespace {
constexpr const char* kFiles[] = {
    "configuration.yaml",
    "automations.yaml",
    "scripts.yaml",
    "packages/presence.yaml",
    "automations/garage.yaml",
    "blueprints/automation/homeassistant/motion_light.yaml",
    "secrets.yaml",
    "inc/a.yaml",
    "inc/sub/b.yaml",
};
constexpr std::string_view kSeparator = "\n#@@\n";
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace ha = domoguard::hub::ha;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  ha::ConfigFiles files;
  std::size_t start = 0, n = 0;
  while (n < std::size(kFiles)) {
    const auto end = in.find(kSeparator, start);
    files[kFiles[n++]] = std::string(in.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) break;
    start = end + kSeparator.size();
  }

  // Tight limits: a billion-laughs input costs milliseconds, not seconds, and every limit is reached
  // by inputs of a fuzzer's size.
  ha::detail::YamlLimits tight;
  tight.max_file_bytes = 16u << 10;
  tight.max_total_bytes = 64u << 10;
  tight.max_nodes = 20000;
  tight.max_depth = 24;
  tight.max_includes = 64;
  domoguard::model::Home home;
  auto applied = ha::detail::apply_yaml_config(files, "fuzz", false, home, tight);
  if (!applied && applied.error().key.empty()) __builtin_trap();  // every refusal says why, with a message key
  return 0;
}
