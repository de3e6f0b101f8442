// Data files compiled into the binaries (manifests/ and locales/), looked up by relative path.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace domoguard::resources {

struct Entry {
  std::string_view path;   // e.g. "manifests/catalog/clauses.json"
  std::string_view data;
};

const std::vector<Entry>& entries();
std::optional<std::string_view> get(std::string_view path);
std::vector<Entry> under(std::string_view prefix);

}  // namespace domoguard::resources
