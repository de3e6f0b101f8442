// Where a home comes from: the built-in demo, a snapshot on disk, (later) a live hub.
// Shared by every host so each reads sources the same way.
#pragma once

#include <string>

#include "model/home.hpp"
#include "util/result.hpp"

namespace domoguard::app {

// The bundled demo home (manifests/demo, WebSocket-reply format).
Result<model::Home> load_demo();
// A snapshot path: config folder, .storage folder, replies folder or backup tar.
Result<model::Home> load_path(const std::string& path);
// The key under which a home's audits are kept in history: the hub's id where it has one.
std::string home_key(const model::Home& home, const std::string& fallback);

}  // namespace domoguard::app
