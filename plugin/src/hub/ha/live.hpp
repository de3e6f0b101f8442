// A live Home Assistant over its WebSocket API: authentication, commands, event subscriptions.
// Fetches the same commands the snapshot adapter reads, so one parser serves both.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "hub/ha/adapter.hpp"
#include "net/ws_client.hpp"

namespace domoguard::hub::ha {

struct LiveOptions {
  std::string url;             // ws(s)://host:port/api/websocket, or http(s)://host:port (the path is added)
  std::string token;           // never logged
  std::string ca_file;
  bool allow_insecure = false; // plain ws:// to a non-loopback host
  int timeout_ms = 30000;
};

// The oldest Home Assistant whose WebSocket replies the adapter understands.
constexpr const char* kMinimumVersion = "2024.1.0";

// Reads an access token: from the file (which must not be readable by group or others), or, when
// path is empty, from the SUPERVISOR_TOKEN environment variable (add-on mode).
Result<std::string> read_token(const std::string& path);

// The URL to use: explicit, or the add-on's internal one when SUPERVISOR_TOKEN is set.
std::string default_url();

class LiveHub {
 public:
  // Connects and authenticates. Errors (ErrorCode::unreachable, CLI exit 3): error.net.* for
  // connection and TLS trouble, error.ha.auth_invalid, error.ha.too_old, error.ha.protocol.
  static Result<std::unique_ptr<LiveHub>> connect(const LiveOptions& opts);

  const std::string& ha_version() const { return version_; }
  // Sends {"type": type, ...fields} (fields: a JSON object text or empty) and waits for its result;
  // returns the JSON text of `result`. An HA error reply becomes error.ha.command with its code.
  Result<std::string> call(const std::string& type, const std::string& fields = "");
  // Every command the audit reads. Commands the hub does not know or refuses are left out
  // (their parts then report "not run").
  Result<Replies> fetch_replies();
  // One reply as fetch_replies() stores it (per-assistant and per-automation commands gathered);
  // nullopt when the hub does not know or refuses it. automation/config and script/config read
  // the automation or script entities from states_json (a get_states reply).
  Result<std::optional<std::string>> fetch_reply(const std::string& cmd, const std::string& states_json = "");
  // Subscribes to an event type; events arrive through next_event().
  Result<int> subscribe(const std::string& event_type);
  // The JSON text of the next event's "event" object, or nullopt after timeout_ms.
  Result<std::optional<std::string>> next_event(int timeout_ms);
  bool connected() const;

 private:
  LiveHub() = default;
  Result<std::string> wait_result(int id);
  std::unique_ptr<net::WsClient> ws_;
  std::string version_;
  int next_id_ = 1;
  int timeout_ms_ = 30000;
  std::vector<std::string> pending_events_;
};

// Connect, fetch, build the Home: a one-shot live audit source.
Result<model::Home> load_live(const LiveOptions& opts);

// Compares dotted HA versions ("2026.11.1" vs "2024.1.0"): <0, 0, >0.
int compare_versions(const std::string& a, const std::string& b);

}  // namespace domoguard::hub::ha
