// DG-RAD: the home's radio networks and transmitters. A Zigbee or Z-Wave network left open to new
// devices lets anything in range join (and, for Zigbee, receive the network key); a fixed-code radio
// or infrared command can be recorded once and replayed by anyone. ISO/IEC 27403 7.2.10 (security in
// connecting varied devices), 6.2.4 (networks as a source of risk), 7.2.3 (asset management: only
// devices the household added); ETSI EN 303 645 5.5-1 (communication secured with cryptography),
// 5.6-2 (exposure in the initialised state), 5.1-1 (no universal default credentials).
#include <algorithm>
#include <string_view>

#include "audit/classify.hpp"
#include "audit/rules/families.hpp"

namespace domoguard::audit::rules {

using namespace std::string_view_literals;
namespace {

using model::Entity;
using model::Home;
using model::Part;

bool ends_with(const std::string& s, std::string_view tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// Zigbee2MQTT's bridge publishes its "permit join" as a switch through MQTT discovery
// (entity switch.<bridge>_permit_join, unique id "bridge_<ieee>_permit_join_<base topic>").
// ZHA has no such entity: its permit (the zha.permit action, zha/devices/permit) closes itself
// after at most 254 seconds, so it cannot be left open.
bool permit_join_switch(const Entity& e) {
  if (e.domain != "switch"sv) return false;
  return ends_with(e.entity_id, "permit_join") || e.unique_id.find("_permit_join") != std::string::npos ||
         e.translation_key == "permit_join"sv;
}

// DG-RAD-001: the Zigbee network accepts new devices. Anything in radio range can join while it
// is open (a neighbour's device, or one built to attack) and the coordinator hands it the network
// key, which decrypts every Zigbee message in the home. High; one click switches it off.
void zigbee_permit_join(const Home& h, Sink& out) {
  for (const auto& e : h.entities) {
    if (e.disabled || !permit_join_switch(e) || e.state != "on"sv) continue;
    Finding f;
    f.severity = Severity::high;
    f.subject = subject_of(e);
    f.device_id = e.device_id;
    f.area_id = e.area_id;
    f.placeholders = {{"name", f.subject.name}};
    f.evidence = {{"entity", e.entity_id}, {"state", "on"}};
    f.remediation = action("rule.DG-RAD-001.fix", {{model::ActionKind::switch_state, e.entity_id, "off"}});
    out.add(std::move(f));
  }
}

// DG-RAD-002: the Z-Wave controller is including (or excluding) devices. Inclusion left running
// adds any device in range that asks; exclusion removes any device whose button is pressed (a lock
// can be taken off the network by a passer-by at the door). High while including, medium while
// excluding. Z-Wave JS's inclusion_state (zwave_js/network_status): 1 including, 2 excluding.
void zwave_inclusion(const Home& h, Sink& out) {
  const auto s = h.hub.zwave_inclusion_state;
  if (!s || (*s != 1 && *s != 2)) return;
  Finding f;
  f.severity = *s == 1 ? Severity::high : Severity::medium;
  f.subject = hub_subject(h);
  f.placeholders = {{"name", f.subject.name}};
  f.evidence = {{"zwave_inclusion_state", *s == 1 ? "including" : "excluding"}};
  f.remediation = guidance("rule.DG-RAD-002.fix");
  out.add(std::move(f));
}

// Integrations that drive their devices with fixed radio-frequency codes through HA's
// radio_frequency transmitter platform (2026): KlikAanKlikUit sockets, Novy hoods, Honeywell lights.
// The codes carry no counter or key, so a recording replays forever.
bool fixed_code_radio(const std::string& platform) {
  return platform == "klik_aan_klik_uit"sv || platform == "novy_cooker_hood"sv || platform == "honeywell_string_lights"sv;
}

bool opens_something(const Home& h, const Entity& e) {
  if (is_critical_entity(e)) return true;
  if (const auto* d = e.device_id.empty() ? nullptr : h.device(e.device_id))
    if (d->tier == model::Tier::critical) return true;
  const auto label = label_of(e) + " " + e.entity_id;
  for (std::string_view w : {"garage", "gate", "door", "lock", "tor", "porte", "puerta", "deur", "poort", "portail"})
    if (has_token(label, w)) return true;
  return false;
}

// DG-RAD-003: a door, gate, lock or other critical device is worked by a fixed radio code sent from
// the hub's radio-frequency transmitter. Anyone who records the code once (a cheap receiver near the
// house is enough) can replay it and open it without the hub. High.
void replayable_radio(const Home& h, Sink& out) {
  for (const auto& e : h.entities) {
    if (e.disabled || !fixed_code_radio(e.platform) || !opens_something(h, e)) continue;
    const auto* d = e.device_id.empty() ? nullptr : h.device(e.device_id);
    Finding f = d ? device_finding(h, *d, Severity::high) : Finding{};
    if (!d) {
      f.severity = Severity::high;
      f.subject = subject_of(e);
      f.area_id = e.area_id;
      f.placeholders = {{"name", f.subject.name}, {"area", area_name_of(h, e.area_id)}};
    }
    f.evidence = {{"entity", e.entity_id}, {"platform", e.platform}, {"coding", "fixed"}};
    f.remediation = guidance("rule.DG-RAD-003.fix");
    out.add(std::move(f));
  }
}

// DG-RAD-004: a Thread network runs on credentials published as defaults. The network key encrypts
// and authenticates every Thread frame: with a published one, anyone in radio range reads the
// traffic of locks and sensors and can send commands as any node. A published PSKc lets anyone in
// range (or on the home network, through the border agent) become a commissioner and add devices or
// read the network key. A default network name with its extended PAN id alone says the network was
// formed with a tool's defaults and the key was probably kept too. High for a key or PSKc, low for
// names only. Not one-click: a new network key means re-forming the network and re-pairing devices.
void thread_default_credentials(const Home& h, Sink& out) {
  for (const auto& n : h.thread_networks) {
    if (!n.default_key && !n.default_pskc && !n.default_ids) continue;
    Finding f;
    f.severity = n.default_key || n.default_pskc ? Severity::high : Severity::low;
    f.subject = {"thread_network", n.ext_pan_id, n.network_name.empty() ? n.ext_pan_id : n.network_name};
    f.placeholders = {{"name", f.subject.name}};
    f.evidence = {{"network_name", n.network_name}, {"extended_pan_id", n.ext_pan_id}, {"pan_id", n.pan_id},
                  {"default_network_key", n.default_key ? "true" : "false"},
                  {"default_pskc", n.default_pskc ? "true" : "false"},
                  {"default_identifiers", n.default_ids ? "true" : "false"}};
    if (!n.source.empty()) f.evidence.emplace_back("source", n.source);
    if (n.preferred) f.evidence.emplace_back("preferred", "true");
    f.remediation = guidance("rule.DG-RAD-004.fix");
    out.add(std::move(f));
  }
}

// DG-RAD-005: the hub holds credentials for more than one Thread network. HA hands new Thread
// devices only the preferred one; the others are networks someone once formed (another border
// router, an old app) whose keys the hub still keeps and whose devices it may not reach. Each extra
// network is one more key to protect and one more set of devices outside the household's view.
// Low: an inventory matter (7.2.3), not an open door.
void thread_several_networks(const Home& h, Sink& out) {
  if (h.thread_networks.size() < 2) return;
  Finding f;
  f.severity = Severity::low;
  f.subject = hub_subject(h);
  std::string names;
  for (const auto& n : h.thread_networks)
    names += (names.empty() ? "" : ", ") + (n.network_name.empty() ? n.ext_pan_id : n.network_name);
  const auto preferred = std::count_if(h.thread_networks.begin(), h.thread_networks.end(),
                                       [](const model::ThreadNetwork& n) { return n.preferred; });
  f.placeholders = {{"count", std::to_string(h.thread_networks.size())}, {"names", names}};
  f.evidence = {{"networks", std::to_string(h.thread_networks.size())}, {"names", names},
                {"preferred", std::to_string(preferred)}};
  f.remediation = guidance("rule.DG-RAD-005.fix");
  out.add(std::move(f));
}

}  // namespace

std::vector<RuleDef> radio() {
  return {
      {.id = "DG-RAD-001",
       .clauses = {"7.2.10", "6.2.4", "7.2.3"},
       .etsi = {"5.6-2"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::network,
       .severity = Severity::high,
       .needs = {Part::entities, Part::states},
       .categories = {"hub"},
       .levels = {.basic = LevelMode::warn, .recommended = LevelMode::enforce, .strict = LevelMode::enforce},
       .home_check = zigbee_permit_join},
      {.id = "DG-RAD-002",
       .clauses = {"7.2.10", "6.2.4", "7.2.3"},
       .etsi = {"5.6-2"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::network,
       .severity = Severity::high,
       .needs = {Part::radio_security},
       .categories = {"hub"},
       .levels = {.recommended = LevelMode::warn, .strict = LevelMode::warn,
                  .strict_reason = "level.reason.hub_settings"},
       .home_check = zwave_inclusion},
      {.id = "DG-RAD-003",
       .clauses = {"6.2.4", "7.2.14", "D"},
       .etsi = {"5.5-1"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::device,
       .severity = Severity::high,
       .needs = {Part::entities, Part::devices},
       .categories = {"access_locks", "hub"},
       .levels = {.recommended = LevelMode::warn, .strict = LevelMode::warn, .strict_reason = "level.reason.physical"},
       .home_check = replayable_radio},
      {.id = "DG-RAD-004",
       .clauses = {"7.2.10", "7.2.16", "6.2.4"},
       .etsi = {"5.1-1", "5.5-1"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::network,
       .severity = Severity::high,
       .needs = {Part::thread},
       .categories = {"hub"},
       .levels = {.basic = LevelMode::warn, .recommended = LevelMode::warn, .strict = LevelMode::warn,
                  .strict_reason = "level.reason.hub_settings"},
       .home_check = thread_default_credentials},
      {.id = "DG-RAD-005",
       .clauses = {"7.2.3", "7.2.10"},
       .etsi = {"5.6-1"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::network,
       .severity = Severity::low,
       .needs = {Part::thread},
       .categories = {"hub"},
       .levels = {.recommended = LevelMode::warn, .strict = LevelMode::warn, .strict_reason = "level.reason.hub_settings"},
       .home_check = thread_several_networks},
  };
}

}  // namespace domoguard::audit::rules
