// The Home Assistant adapter: the only code that knows HA's JSON shapes.
// It turns what HA knows (registry files, WebSocket replies, backups) into a model::Home.
#pragma once

#include <map>
#include <string>

#include "model/home.hpp"
#include "util/result.hpp"

namespace domoguard::hub::ha {

// WebSocket replies keyed by command ("config/device_registry/list", "get_states", ...); each value is
// the JSON text of the reply's `result` (or of the whole {"id","type":"result","result":...} message;
// both are accepted). The same parser serves the snapshot folder, the embedded demo home and the live connector.
using Replies = std::map<std::string, std::string>;

// Builds a Home from WebSocket replies. `origin` names where they came from, for error messages
// (a folder path, "demo", a URL). Missing commands degrade to parts reported missing with a reason.
Result<model::Home> from_replies(const Replies& replies, const std::string& origin);

// Loads a snapshot from disk, detecting its kind:
//  - an HA config folder (has .storage/), or the .storage folder itself;
//  - a folder of WebSocket replies saved as <command>.json, where "/" in the command is written as "__"
//    (e.g. config__device_registry__list.json) or as sub-folders (config/device_registry/list.json);
//  - an HA backup tar (plain or gzip; an encrypted backup is refused with a clear message).
Result<model::Home> load(const std::string& path);

// The file name a command is saved under in a replies folder.
std::string reply_file_name(const std::string& command);

// Every WS command the audit reads, in the order a live connector should send them.
const std::vector<std::string>& audit_commands();

}  // namespace domoguard::hub::ha
