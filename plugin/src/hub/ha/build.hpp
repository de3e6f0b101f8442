// Shared builders: HA objects (registry entries, states, automations) into model types. The same
// registry shapes appear in .storage files and in WebSocket replies, with small differences handled here.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "hub/ha/json_stream.hpp"
#include "hub/ha/json_util.hpp"
#include "model/home.hpp"

namespace domoguard::hub::ha::detail {

model::Device parse_device(const json::object& o, bool child);
model::DeletedDevice parse_deleted_device(const json::object& o);
// One physical device listed once per integration (a router's share of a phone, or the per-entry
// splits of device registry 3.x) becomes one device: entries sharing a connection or identifier are
// folded into the one whose own entities say what it is. Call before Home::index().
void fold_same_devices(model::Home& home);
model::Entity parse_entity(const json::object& o);
model::Area parse_area(const json::object& o);
model::IotClass parse_iot_class(std::string_view s);
// Connection facts from a config entry's data/options; values are inspected, never copied.
void derive_connection_facts(const json::object* data, const json::object* options, model::Integration& in);
std::string host_kind(std::string_view host);
model::Automation parse_automation(const json::object& config);
// One script's configuration (scripts.yaml entry, script: block, or the script/config reply) under
// its key; what its sequence does, in the automation's normalised shape.
model::Script parse_script(const std::string& key, const json::object& config);
// Adds get_states results: state, scalar attributes, names; entities without registry entry are added.
void merge_states(const json::array& states, model::Home& home);

// One get_states result as merge_states reads it, without the JSON around it.
struct StateRecord {
  std::string entity_id;                                    // cleaned; always holds a "."
  std::string state;                                        // "" when absent or not a scalar
  bool has_attributes = false;                              // "attributes" is an object
  std::vector<std::pair<std::string, std::string>> attributes;   // cleaned key, value as text; no secrets
  std::optional<std::int64_t> supported_features;
  std::string device_class, friendly_name;
};
void merge_state_records(std::vector<StateRecord>& states, model::Home& home);

// The large list replies read item by item straight into the model (json_stream.hpp), with the
// meaning of parse_entity, parse_device and merge_states. Each appends to `out` (emptied when the
// reply turns out to repeat its result).
std::unique_ptr<ItemVisitor> entity_reader(std::vector<model::Entity>& out);
std::unique_ptr<ItemVisitor> device_reader(std::vector<model::Device>& out);
std::unique_ptr<ItemVisitor> state_reader(std::vector<StateRecord>& out);
// One get_states result into its entity: state, scalar attributes (added), device class and name where unset.
void merge_state(const json::object& state, model::Entity& entity);
// Fills per-entity exposure left unset with HA's defaults for new entities.
void apply_exposure_defaults(model::Home& home);
// Z-Wave security classes from zwave_js/network_status result(s).
void merge_zwave(const json::value& status, model::Home& home);
std::string epoch_to_iso(const json::value& v);
// One HTTP server configuration as HA validates it (the http: YAML block, a .storage/http slot or
// the http/config reply): HA's schema defaults fill what is not written, and the evidence says so.
// Paths, keys and certificates are inspected, never copied.
void apply_http_settings(const json::object& conf, std::string_view origin, model::Home& home);
bool has_zwave_devices(const model::Home& home);

}  // namespace domoguard::hub::ha::detail
