// DG-UPD: software and firmware updates.
// ISO/IEC 27403 7.2.17 (provision of software and firmware updates) and 7.2.19 (security measures
// adapted to the life cycle); ETSI EN 303 645 5.3.
#include "audit/classify.hpp"
#include "audit/rules/families.hpp"

namespace domoguard::audit::rules {

using namespace std::string_view_literals;
namespace {

using model::Device;
using model::Entity;
using model::Home;
using model::Part;
using model::Tier;

// The device an update entity belongs to, if any.
const Device* owner(const Home& h, const Entity& e) { return e.device_id.empty() ? nullptr : h.device(e.device_id); }

std::string attr(const Entity& e, const char* k) {
  auto it = e.attributes.find(k);
  return it == e.attributes.end() ? std::string() : it->second;
}

bool unset(const std::string& v) { return v.empty() || v == "null"sv || v == "None"sv || v == "none"sv; }

// The hub's own software (core, operating system, supervisor) rather than a device's firmware.
const char* hub_component(const Entity& e) {
  if (e.domain != "update"sv) return nullptr;
  const std::string t = e.entity_id + " " + attr(e, "title") + " " + e.original_name;
  // Every name below contains "home": one search spares six for the devices' own update entities.
  if (!contains_word(t, "home")) return nullptr;
  if (contains_word(t, "home_assistant_core") || contains_word(t, "Home Assistant Core")) return "core";
  if (contains_word(t, "home_assistant_operating_system") || contains_word(t, "Home Assistant Operating System"))
    return "os";
  if (contains_word(t, "home_assistant_supervisor") || contains_word(t, "Home Assistant Supervisor")) return "supervisor";
  return nullptr;
}

bool can_install(const Entity& e) { return e.supported_features & 1; }

void add_versions(Finding& f, const Entity& e) {
  for (const char* k : {"installed_version", "latest_version", "skipped_version", "title"})
    if (auto v = attr(e, k); !unset(v)) f.evidence.emplace_back(k, v);
}

// Shared start of a finding about an update entity: subject is its device where it has one.
Finding about(const Home& h, const Entity& e) {
  Finding f;
  const Device* d = owner(h, e);
  f.subject = d ? subject_of(*d) : subject_of(e);
  f.device_id = d ? d->id : "";
  f.evidence = {{"entity", e.entity_id}};
  add_versions(f, e);
  f.placeholders = {{"name", f.subject.name}};
  return f;
}

Tier tier_of_update(const Home& h, const Entity& e) {
  const Device* d = owner(h, e);
  return d ? d->tier : Tier::normal;
}

// DG-UPD-001: an update is available and not installed. Unpatched firmware is the commonest way
// into a home device; critical devices (locks, alarms) weigh more. The hub's own updates are DG-UPD-005.
void pending_update(const Home& h, Sink& out) {
  for (const auto& e : h.entities) {
    if (e.domain != "update"sv || e.disabled || !e.state || *e.state != "on"sv || hub_component(e)) continue;
    Finding f = about(h, e);
    f.severity = tier_of_update(h, e) == Tier::critical ? Severity::high : Severity::medium;
    if (attr(e, "in_progress") == "true"sv) f.severity = Severity::low;
    // Guidance, not a one-click plan, even where the entity can install: an installation takes
    // minutes, cannot be read back within a plan's verify window, and cannot be undone; plans are
    // reversible changes. HA's own update entity (its Install button) is where to do it.
    if (can_install(e))
      f.remediation = guidance("rule.DG-UPD-001.fix");
    else
      f.remediation = guidance("rule.DG-UPD-001.fix_manual");
    out.add(std::move(f));
  }
}

// DG-UPD-002: the device could update itself but automatic updates are off, so every fix waits
// for someone to notice it (ETSI 5.3-4). Weighted by tier: a plug that lags matters less than a lock.
void auto_update_off(const Home& h, Sink& out) {
  for (const auto& e : h.entities) {
    if (e.domain != "update"sv || e.disabled || attr(e, "auto_update") != "false"sv) continue;
    Finding f = about(h, e);
    const Tier t = hub_component(e) ? Tier::sensitive : tier_of_update(h, e);
    f.severity = t == Tier::critical ? Severity::medium : t == Tier::sensitive ? Severity::low : Severity::info;
    f.evidence.emplace_back("auto_update", "false");
    // Guidance: HA has no service to switch an update entity's auto_update (it is the integration's
    // own setting, e.g. in the add-on's or the maker's options), so no plan can do it.
    f.remediation = guidance("rule.DG-UPD-002.fix");
    out.add(std::move(f));
  }
}

// DG-UPD-003: a critical or sensitive device offers no update entity, so nobody can tell whether
// it runs patched firmware (7.2.17: the household must be able to learn that an update exists).
void no_update_channel(const Home& h, const Device& d, Sink& out) {
  // A child device (parent_device_id) runs its parent's firmware; the parent is the one to update.
  if (d.tier == Tier::normal || d.service || d.child_device) return;
  bool has = false, disabled_only = false;
  for (size_t ix : d.entities) {
    const Entity& e = h.entities[ix];
    if (e.domain != "update"sv) continue;
    if (e.disabled) disabled_only = true;
    else has = true;
  }
  if (has) return;
  Finding f;
  f.severity = d.tier == Tier::critical ? Severity::medium : Severity::low;
  f.subject = subject_of(d);
  f.device_id = d.id;
  f.placeholders = {{"name", d.name}};
  f.evidence = {{"tier", model::to_string(d.tier)}, {"type", model::to_string(d.type)},
                {"firmware", d.sw_version.empty() ? "unknown" : d.sw_version},
                {"update_entity", disabled_only ? "disabled" : "none"}};
  f.remediation = guidance("rule.DG-UPD-003.fix");
  out.add(std::move(f));
}

// DG-UPD-004: someone chose to skip an update. The skip hides it from the update list, so a
// security fix can stay uninstalled for good without anyone deciding that again.
void skipped_update(const Home& h, Sink& out) {
  for (const auto& e : h.entities) {
    if (e.domain != "update"sv || e.disabled) continue;
    const auto skipped = attr(e, "skipped_version"), latest = attr(e, "latest_version"),
               installed = attr(e, "installed_version");
    if (unset(skipped) || skipped == installed) continue;
    if (!unset(latest) && latest != skipped) continue;   // a newer release replaced the skipped one: DG-UPD-001
    Finding f = about(h, e);
    f.severity = hub_component(e) || tier_of_update(h, e) == Tier::critical ? Severity::medium : Severity::low;
    if (can_install(e)) f.remediation = guidance("rule.DG-UPD-004.fix");  // not undoable: see DG-UPD-001
    else f.remediation = guidance("rule.DG-UPD-004.fix_manual");
    out.add(std::move(f));
  }
}

// DG-UPD-005: the hub's own software (core, operating system, supervisor) has an update waiting.
// The hub holds every device's credentials; its fixes protect the whole home (6.2.2).
void hub_update(const Home& h, Sink& out) {
  for (const auto& e : h.entities) {
    const char* part = hub_component(e);
    if (!part || e.disabled || !e.state || *e.state != "on"sv) continue;
    Finding f;
    f.severity = attr(e, "in_progress") == "true"sv ? Severity::low : Severity::medium;
    f.subject = subject_of(e);
    f.evidence = {{"entity", e.entity_id}, {"component", part}};
    add_versions(f, e);
    f.placeholders = {{"name", f.subject.name}};
    if (can_install(e)) f.remediation = guidance("rule.DG-UPD-005.fix");  // not undoable: see DG-UPD-001
    else f.remediation = guidance("rule.DG-UPD-005.fix_manual");
    out.add(std::move(f));
  }
}

}  // namespace

std::vector<RuleDef> updates() {
  using model::DeviceType;
  return {
      {.id = "DG-UPD-001",
       .clauses = {"7.2.17", "7.2.22"},
       .etsi = {"5.3-8", "5.3-11"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::device,
       .severity = Severity::medium,
       .needs = {Part::entities, Part::states},
       .categories = {"access_locks", "cameras_video", "voice_microphones", "presence_location", "media_content", "energy_appliances", "hub"},
       .levels = {.recommended = LevelMode::warn, .strict = LevelMode::warn,
                  .strict_reason = "level.reason.not_reversible"},
       .home_check = pending_update},
      {.id = "DG-UPD-002",
       .clauses = {"7.2.17", "7.2.19"},
       .etsi = {"5.3-4", "5.3-6"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::device,
       .severity = Severity::low,
       .needs = {Part::entities, Part::states},
       .categories = {"access_locks", "cameras_video", "voice_microphones", "presence_location", "media_content", "energy_appliances", "hub"},
       .levels = {.strict = LevelMode::warn, .strict_reason = "level.reason.not_reversible"},
       .home_check = auto_update_off},
      {.id = "DG-UPD-003",
       .clauses = {"7.2.17", "7.2.19", "D"},
       .etsi = {"5.3-1", "5.3-11"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::device,
       .severity = Severity::low,
       .needs = {Part::devices, Part::entities},
       .categories = {"access_locks", "cameras_video", "voice_microphones", "presence_location"},
       .levels = {.strict = LevelMode::warn, .strict_reason = "level.reason.information"},
       .device_check = no_update_channel},
      {.id = "DG-UPD-004",
       .clauses = {"7.2.17", "7.2.19"},
       .etsi = {"5.3-8"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::device,
       .severity = Severity::low,
       .needs = {Part::entities, Part::states},
       .categories = {"access_locks", "cameras_video", "voice_microphones", "presence_location", "media_content", "energy_appliances", "hub"},
       .levels = {.recommended = LevelMode::warn, .strict = LevelMode::warn,
                  .strict_reason = "level.reason.not_reversible"},
       .home_check = skipped_update},
      {.id = "DG-UPD-005",
       .clauses = {"7.2.17", "6.2.2"},
       .etsi = {"5.3-8", "5.3-11"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::gateway,
       .severity = Severity::medium,
       .needs = {Part::entities, Part::states},
       .categories = {"hub"},
       .levels = {.basic = LevelMode::warn, .recommended = LevelMode::warn, .strict = LevelMode::warn,
                  .strict_reason = "level.reason.not_reversible"},
       .home_check = hub_update},
  };
}

}  // namespace domoguard::audit::rules
