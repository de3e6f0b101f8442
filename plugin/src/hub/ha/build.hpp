// Shared builders: HA objects (registry entries, states, automations) into model types. The same
// registry shapes appear in .storage files and in WebSocket replies, with small differences handled here.
#pragma once

#include <string>
#include <vector>

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
// Adds get_states results: state, scalar attributes, names; entities without registry entry are added.
void merge_states(const json::array& states, model::Home& home);
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
