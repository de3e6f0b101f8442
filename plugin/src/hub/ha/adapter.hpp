// The Home Assistant adapter: the only code that knows HA's JSON shapes.
// It turns what HA knows (registry files, WebSocket replies, backups) into a model::Home.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "model/home.hpp"
#include "util/result.hpp"

namespace domoguard::hub::ha {

// WebSocket replies keyed by command ("config/device_registry/list", "get_states", ...); each value is
// the JSON text of the reply's `result` (or of the whole {"id","type":"result","result":...} message;
// both are accepted). The same parser serves the snapshot folder, the embedded demo home and the live connector.
using Replies = std::map<std::string, std::string>;

// Builds a Home from WebSocket replies. `origin` names where they came from, for error messages
// (a folder path, "demo", a URL); `kind` what they are (a saved folder, the demo home, a live hub),
// so that a missing command is reported in that source's terms. Missing commands degrade to parts
// reported missing with a reason.
Result<model::Home> from_replies(const Replies& replies, const std::string& origin,
                                 model::SourceKind kind = model::SourceKind::replies_folder);

// State changes applied in place to a home from_replies() built, for a host that follows the hub's
// events: each text is one new state as HA's state_changed event carries it (the shape of one
// get_states result). The entity's state and attributes are replaced, and an automation's
// enabled flag follows its entity. Returns the ids of the devices whose entities changed, or
// nullopt when a change cannot be applied in place (an entity the home does not know: a new one,
// or one without a registry entry) and the home must be built again from replies; Error for
// malformed JSON. Either way the home is unchanged unless the result holds a value.
Result<std::optional<std::vector<std::string>>> apply_states(model::Home& home, const std::vector<std::string>& states,
                                                             const std::string& origin);

// Loads a snapshot from disk, detecting its kind:
//  - an HA config folder (has .storage/), or the .storage folder itself;
//  - a folder of WebSocket replies saved as <command>.json, where "/" in the command is written as "__"
//    (e.g. config__device_registry__list.json) or as sub-folders (config/device_registry/list.json);
//  - an HA backup tar (plain or gzip; an encrypted backup is refused with a clear message).
Result<model::Home> load(const std::string& path);

// The file name a command is saved under in a replies folder.
std::string reply_file_name(const std::string& command);

// Every WS command the audit reads, in the order a live connector should send them.
// Notes on the DomoGuard conventions for commands HA has no single reply for:
//  - "automation/config": a JSON array of automation/config results (one {"config":{...}} per automation);
//  - "script/config": the same for scripts, each result with the "entity_id" it was asked for added
//    ({"entity_id":"script.x","config":{...}}: HA's reply does not name the script);
//  - "zwave_js/network_status": one result, or an array of results (one per Z-Wave network);
//  - "homeassistant/expose_new_entities/get": {"expose_new":bool} (the conversation assistant), or an object
//    keyed by assistant ({"conversation":{"expose_new":true},"cloud.alexa":false,...}).
const std::vector<std::string>& audit_commands();

// Files of an HA config folder keyed by their path relative to it (".storage/core.device_registry",
// ".HA_VERSION", "automations.yaml", "custom_components/<domain>/manifest.json"). Only the presence of
// ".cloud/production_auth.json" is used, never its content. Used by load() for folders and backups.
using ConfigFiles = std::map<std::string, std::string>;
Result<model::Home> from_config_files(const ConfigFiles& files, const std::string& origin);

// Reads an HA backup archive held in memory (plain or gzip tar); load() streams the same from disk.
Result<model::Home> from_backup_bytes(std::string_view bytes, const std::string& origin);

// Limits applied to every input (hostile or damaged files must not exhaust a small hub).
inline constexpr std::size_t max_file_bytes = 64u << 20;     // one JSON/YAML file
inline constexpr std::size_t max_items = 100000;             // devices, entities, states, ... per list
inline constexpr std::size_t max_text_chars = 256;           // names and other text fields
inline constexpr unsigned max_json_depth = 64;

}  // namespace domoguard::hub::ha
