// Builders for the hub's outer doors: sign-in tokens, Supervisor apps and dashboard resources.
// The same objects arrive from .storage files, WebSocket replies and backups; secrets among them
// (tokens, their hashes and keys, app options) are inspected where needed and never copied.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "hub/ha/json_util.hpp"
#include "model/home.hpp"

namespace domoguard::hub::ha::detail {

// HA's ISO time ("2026-11-20T17:59:00.123456+00:00") as "2026-11-20T17:59:00Z"; "" when not a UTC time.
std::string utc_time(const json::value* v);
// A refresh token from .storage/auth `refresh_tokens` (type in "token_type") or from the
// auth/refresh_tokens reply (type in "type"; the user is the connected one, given as `user_id`).
std::optional<model::Token> parse_token(const json::object& o, std::string_view user_id = {});
// One app from the Supervisor's /addons/<slug>/info data (supervisor/api/apps.py `info_data`).
std::optional<model::App> parse_app_info(const json::object& o);
// One app from a backup's addon.json ({"user": persist, "system": data, "version", "state"},
// supervisor/apps/app.py `App.backup`).
std::optional<model::App> parse_app_backup(const json::object& o, std::string_view slug);
std::optional<model::DashboardResource> parse_resource(const json::object& o);
// One Thread dataset ({"id", "source", "tlv"}, as .storage/thread.datasets keeps it); nullopt when its
// TLV is not a dataset. Its network key and PSKc are compared with published defaults, never kept.
std::optional<model::ThreadNetwork> parse_thread_dataset(const json::object& o, std::string_view preferred_id);
// The newest moment the snapshot itself shows (a token's last use): the snapshot is at least that new.
std::string newest_activity(const model::Home& home);

}  // namespace domoguard::hub::ha::detail
