#include "app/source.hpp"

#include "hub/ha/adapter.hpp"
#include "util/resources.hpp"

namespace domoguard::app {

Result<model::Home> load_demo() {
  hub::ha::Replies replies;
  const std::string prefix = "manifests/demo/";
  for (const auto& e : resources::under(prefix)) {
    std::string name(e.path.substr(prefix.size()));
    if (name.find('/') != std::string::npos || !name.ends_with(".json")) continue;
    name.resize(name.size() - 5);
    for (size_t p; (p = name.find("__")) != std::string::npos;) name.replace(p, 2, "/");
    replies.emplace(name, std::string(e.data));
  }
  if (replies.empty())
    return Error{ErrorCode::internal, "error.demo.missing", "The demo home is not built into this binary", "", ""};
  auto home = hub::ha::from_replies(replies, "demo", model::SourceKind::demo);
  if (home) home->source = "demo";
  return home;
}

Result<model::Home> load_path(const std::string& path) {
  auto home = hub::ha::load(path);
  if (home && home->source.empty()) home->source = path;
  return home;
}

std::string home_key(const model::Home& home, const std::string& fallback) {
  return home.hub.id.empty() ? "source:" + fallback : "hub:" + home.hub.id;
}

}  // namespace domoguard::app
