// Plans applied to a live Home Assistant through its WebSocket API. Every action kind maps to the
// command HA's own frontend uses for the same setting, and is read back through the matching
// read command, so apply() verifies what HA really holds (not what it answered).
//
//   set_exposure    homeassistant/expose_entity {assistants:[param], entity_ids:[target], should_expose}
//                   read: homeassistant/expose_entity/list (listed for the assistant = "true")
//   set_expose_new  homeassistant/expose_new_entities/set {assistant, expose_new}
//                   read: homeassistant/expose_new_entities/get {assistant}
//   disable_entity  config/entity_registry/update {entity_id, disabled_by: "user" | null}
//   hide_entity     config/entity_registry/update {entity_id, hidden_by: "user" | null}
//                   read: config/entity_registry/get {entity_id} (any disabler/hider = "true")
//   switch          call_service {domain: the entity's domain, service: turn_on|turn_off, target}
//   lock            call_service lock.lock | lock.unlock
//   select_option   call_service select.select_option (input_select for input_select entities)
//                   read: get_states, the entity's state
//   set_analytics   analytics/preferences {preferences: {param: bool}}; read: analytics
//   revoke_token    auth/delete_refresh_token {refresh_token_id} (the connected user's long-lived tokens only,
//                   never the one it is connected with; target "<user id>/<created at>", matched in
//                   auth/refresh_tokens); read: auth/refresh_tokens (listed = "present")
//   set_app_protection  supervisor/api {endpoint: /addons/<slug>/security, method: post, data: {protected}}
//                   read: supervisor/api {endpoint: /addons/<slug>/info, method: get} -> protected
#pragma once

#include "hub/ha/live.hpp"
#include "policy/port.hpp"

namespace domoguard::hub::ha {

class LivePort : public policy::HubPort {
 public:
  explicit LivePort(LiveHub& hub) : hub_(hub) {}
  Result<std::string> read(const policy::PlanAction& action) override;
  Result<bool> write(const policy::PlanAction& action, const std::string& value) override;

 private:
  // A command whose failure is HA refusing (its code and message), not the connection breaking.
  Result<std::string> call(const std::string& type, const std::string& fields);
  Result<bool> entity_exists(const std::string& entity_id);
  // The connected user's tokens made at the key's second (JSON array text); an error for another person's key.
  Result<std::string> own_tokens(const std::string& key);
  LiveHub& hub_;
};

// A port with a connection of its own, for hosts whose main connection belongs to another thread.
Result<std::unique_ptr<policy::HubPort>> connect_port(const LiveOptions& opts);

}  // namespace domoguard::hub::ha
