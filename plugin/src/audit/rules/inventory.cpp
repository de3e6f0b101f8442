// DG-INV: knowing what is in the home: identifiable, named, placed, and nothing left behind.
// ISO/IEC 27403 7.2.3 (asset management), 7.2.5 (unique device identity) and 7.3.7 (secure
// disposal and re-use); ETSI EN 303 645 5.3-16, 5.11.
#include <string_view>
#include <algorithm>
#include <map>
#include <cctype>
#include <unordered_map>

#include "audit/classify.hpp"
#include "audit/rules/families.hpp"

namespace domoguard::audit::rules {

using namespace std::string_view_literals;
namespace {

using model::Device;
using model::Home;
using model::Part;
using model::Tier;

Finding device_finding(const Device& d, Severity s) {
  Finding f;
  f.severity = s;
  f.subject = subject_of(d);
  f.device_id = d.id;
  f.placeholders = {{"name", d.name}};
  return f;
}

Severity by_tier(const Device& d, Severity normal, Severity raised) { return d.tier == Tier::normal ? normal : raised; }

// DG-INV-001: a device does not say who made it, which model it is or which firmware it runs, so
// it cannot be checked against advisories, end-of-life lists or updates (7.2.3).
void unidentified(const Home&, const Device& d, Sink& out) {
  // A child device (a channel or sub-unit of its parent) has no maker, model or firmware of its own.
  if (d.service || d.child_device) return;
  std::vector<std::string> missing;
  if (d.manufacturer.empty()) missing.push_back("manufacturer");
  if (d.model.empty() && d.model_id.empty()) missing.push_back("model");
  if (d.sw_version.empty()) missing.push_back("firmware");
  if (missing.empty()) return;
  const bool only_firmware = missing.size() == 1 && missing[0] == "firmware"sv;
  Finding f = device_finding(d, only_firmware ? by_tier(d, Severity::info, Severity::low) : by_tier(d, Severity::low, Severity::medium));
  std::string m;
  for (auto& s : missing) m += (m.empty() ? "" : ", ") + s;
  f.evidence = {{"missing", m}};
  f.remediation = guidance("rule.DG-INV-001.fix");
  out.add(std::move(f));
}

// DG-INV-002: a removed device is still remembered by the hub (with its name, room and history).
// Old records confuse the inventory and keep personal data that the removal was meant to end (7.3.7).
// One finding for the home: each removed device is named by what the hub remembers of it (its
// name, else its integration and kind of identifier), never by the registry's random id.
void stale_deleted(const Home& h, Sink& out) {
  std::map<std::string, int> per_integration;
  std::vector<std::string> names;
  int count = 0;
  std::string latest;
  for (const auto& d : h.deleted_devices) {
    if (!d.orphaned) continue;
    ++count;
    std::string domain = d.domain;
    if (domain.empty() && !d.identifiers.empty()) domain = d.identifiers.front().first;
    ++per_integration[domain.empty() ? "unknown" : domain];
    if (names.size() < 20) {
      if (!d.name.empty()) names.push_back(d.name);
      else if (!domain.empty()) names.push_back(domain + " device");
    }
    if (d.orphaned_at > latest) latest = d.orphaned_at;
  }
  if (count == 0) return;
  Finding f;
  f.severity = Severity::low;
  f.subject = {"hub", h.hub.id.empty() ? "hub" : h.hub.id, h.hub.name};
  f.placeholders = {{"count", std::to_string(count)}};
  f.evidence = {{"removed_devices", std::to_string(count)}, {"integration_removed", "true"}};
  std::string by;
  for (const auto& [domain, n] : per_integration) by += (by.empty() ? "" : ", ") + domain + " " + std::to_string(n);
  f.evidence.emplace_back("integrations", by);
  std::string listed;
  for (const auto& n : names) listed += (listed.empty() ? "" : ", ") + n;
  if (!listed.empty()) f.evidence.emplace_back("names", listed);
  if (!latest.empty()) f.evidence.emplace_back("latest_orphaned_at", latest);
  f.remediation = guidance("rule.DG-INV-002.fix");
  out.add(std::move(f));
}

std::string name_key(const std::string& s) {
  std::string k;
  for (unsigned char c : s)
    if (!std::isspace(c)) k += static_cast<char>(std::tolower(c));
  return k;
}

// DG-INV-003: two devices share a name, so a person (or a voice command) cannot tell which one
// they are acting on: "unlock Front door" must mean one door (7.2.5).
void duplicate_names(const Home& h, Sink& out) {
  std::unordered_map<std::string, std::vector<const Device*>> by_name;
  for (const auto& d : h.devices)
    if (!d.disabled && !d.service && !d.name.empty()) by_name[name_key(d.name)].push_back(&d);
  for (const auto& d : h.devices) {
    if (d.disabled || d.service || d.name.empty()) continue;
    const auto& same = by_name[name_key(d.name)];
    if (same.size() < 2) continue;
    const bool critical = std::any_of(same.begin(), same.end(), [](const Device* o) { return o->tier == Tier::critical; });
    Finding f = device_finding(d, critical ? Severity::medium : Severity::low);
    f.evidence = {{"same_name_devices", std::to_string(same.size())}};
    f.remediation = guidance("rule.DG-INV-003.fix");
    out.add(std::move(f));
  }
}

// DG-INV-004: a critical or sensitive device has no room. Room-based protections (child-safe
// rooms, private rooms, scenarios) cannot reach it, and nobody can say where a camera points (7.2.3).
void no_area(const Home& h, const Device& d, Sink& out) {
  if (d.tier == Tier::normal || d.service || h.area(d.area_id)) return;
  Finding f = device_finding(d, Severity::low);
  f.evidence = {{"tier", model::to_string(d.tier)}, {"type", model::to_string(d.type)}};
  f.remediation = guidance("rule.DG-INV-004.fix");
  out.add(std::move(f));
}

// DG-INV-005: an entity exists only as a state, not in the registry (no unique id). It cannot be
// renamed, hidden, disabled or kept away from voice assistants, so no protection can be applied (7.2.5).
// Entities HA itself creates without a unique id, by design: the home zone (from the core
// configuration) and the built-in conversation agent. No device stands behind them and nothing
// about them is a household's to manage, so they are not findings.
bool builtin_without_id(const model::Entity& e) {
  return e.entity_id == "zone.home"sv || e.entity_id == "conversation.home_assistant"sv;
}

void unregistered(const Home& h, Sink& out) {
  for (const auto& e : h.entities) {
    if (e.in_registry || builtin_without_id(e)) continue;
    Finding f;
    f.severity = is_critical_entity(e) ? Severity::medium : is_microphone(e) || e.domain == "camera"sv ? Severity::low
                                                                                                       : Severity::info;
    f.subject = subject_of(e);
    f.placeholders = {{"name", f.subject.name}};
    f.evidence = {{"entity", e.entity_id}, {"unique_id", "none"}};
    f.remediation = guidance("rule.DG-INV-005.fix");
    out.add(std::move(f));
  }
}

// DG-INV-006: a device is left in the registry with no integration behind it. It is no longer
// managed or updated, yet still looks present; the record should go (7.3.7).
void orphan_device(const Home& h, const Device& d, Sink& out) {
  if (d.service) return;
  bool managed = std::any_of(d.config_entry_ids.begin(), d.config_entry_ids.end(),
                             [&](const std::string& id) { return h.integration(id) != nullptr; });
  if (managed) return;
  Finding f = device_finding(d, Severity::low);
  f.evidence = {{"integration", d.config_entry_ids.empty() ? "none" : "removed"}};
  f.remediation = guidance("rule.DG-INV-006.fix");  // removing a device cannot be undone
  out.add(std::move(f));
}

}  // namespace

std::vector<RuleDef> inventory() {
  return {
      {.id = "DG-INV-001",
       .clauses = {"7.2.3", "7.2.5"},
       .etsi = {"5.3-16"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::device,
       .severity = Severity::low,
       .needs = {Part::devices},
       .categories = {"access_locks", "cameras_video", "voice_microphones", "presence_location", "media_content", "energy_appliances", "hub"},
       .levels = {.strict = LevelMode::warn, .strict_reason = "level.reason.information"},
       .device_check = unidentified},
      {.id = "DG-INV-002",
       .clauses = {"7.3.7", "7.2.3"},
       .etsi = {"5.11-1"},
       .dimension = Dimension::privacy,
       .risk_source = RiskSource::gateway,
       .severity = Severity::low,
       .needs = {Part::deleted_devices},
       .categories = {"hub"},
       .levels = {.strict = LevelMode::warn, .strict_reason = "level.reason.information"},
       .home_check = stale_deleted},
      {.id = "DG-INV-003",
       .clauses = {"7.2.5", "7.2.3"},
       .etsi = {},
       .dimension = Dimension::security,
       .risk_source = RiskSource::device,
       .severity = Severity::low,
       .needs = {Part::devices},
       .categories = {"hub"},
       .levels = {.strict = LevelMode::warn, .strict_reason = "level.reason.household_choice"},
       .home_check = duplicate_names},
      {.id = "DG-INV-004",
       .clauses = {"7.2.3", "D"},
       .etsi = {},
       .dimension = Dimension::security,
       .risk_source = RiskSource::device,
       .severity = Severity::low,
       .needs = {Part::devices, Part::areas},
       .categories = {"access_locks", "cameras_video", "voice_microphones", "presence_location"},
       .levels = {.recommended = LevelMode::warn, .strict = LevelMode::warn,
                  .strict_reason = "level.reason.household_choice"},
       .device_check = no_area},
      {.id = "DG-INV-005",
       .clauses = {"7.2.5", "7.2.3"},
       .etsi = {},
       .dimension = Dimension::security,
       .risk_source = RiskSource::gateway,
       .severity = Severity::info,
       .needs = {Part::entities, Part::states},
       .categories = {"hub"},
       .levels = {.strict = LevelMode::warn, .strict_reason = "level.reason.information"},
       .home_check = unregistered},
      {.id = "DG-INV-006",
       .clauses = {"7.3.7", "7.2.3"},
       .etsi = {"5.11-1"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::device,
       .severity = Severity::low,
       .needs = {Part::devices, Part::integrations},
       .categories = {"hub"},
       .levels = {.recommended = LevelMode::warn, .strict = LevelMode::warn,
                  .strict_reason = "level.reason.not_reversible"},
       .device_check = orphan_device},
  };
}

}  // namespace domoguard::audit::rules
