// Fuzzes the WebSocket replies parser: the first byte picks the command, the rest is its reply.
#include "hub/ha/adapter.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const auto& cmds = domoguard::hub::ha::audit_commands();
  domoguard::hub::ha::Replies replies;
  // Registries that other replies refer to, so merging code (states, zwave, automations) runs.
  replies["config/device_registry/list"] =
      R"([{"id":"d1","name":"Lock","identifiers":[["zwave_js","1-5"]],"config_entries":["e1"]}])";
  replies["config/entity_registry/list"] = R"([{"entity_id":"lock.x","device_id":"d1","options":{}}])";
  replies[cmds[data[0] % cmds.size()]] = std::string(reinterpret_cast<const char*>(data + 1), size - 1);
  auto r = domoguard::hub::ha::from_replies(replies, "fuzz");
  (void)r;
  return 0;
}
