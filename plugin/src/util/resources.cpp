#include "util/resources.hpp"

namespace domoguard::resources {

std::optional<std::string_view> get(std::string_view path) {
  for (const auto& e : entries())
    if (e.path == path) return e.data;
  return std::nullopt;
}

std::vector<Entry> under(std::string_view prefix) {
  std::vector<Entry> out;
  for (const auto& e : entries())
    if (e.path.substr(0, prefix.size()) == prefix) out.push_back(e);
  return out;
}

}  // namespace domoguard::resources
