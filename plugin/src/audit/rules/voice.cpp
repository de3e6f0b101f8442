// DG-VOI: what voice assistants can operate or reveal.
// ISO/IEC 27403 7.1.2 (different levels of security for different services), 7.1.5 (restricted
// access to content services), 7.1.6 (consideration for children), 7.3.6 and 7.3.2 (privacy by
// default); ETSI EN 303 645 5.5-4 (access to functions only after authentication), 5.6-5.
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "audit/classify.hpp"
#include "audit/rules/families.hpp"

namespace domoguard::audit::rules {

using namespace std::string_view_literals;
namespace {

using model::AreaKind;
using model::Device;
using model::Entity;
using model::Home;
using model::Part;

bool cloud_exposed(const Entity& e) { return e.exposure.alexa.value_or(false) || e.exposure.google.value_or(false); }

std::string assistants_of(const Entity& e) {
  std::string s;
  auto add = [&](const model::Flag& f, const char* name) {
    if (!f.value_or(false)) return;
    if (!s.empty()) s += ", ";
    s += name;
  };
  add(e.exposure.conversation, "assist");
  add(e.exposure.alexa, "alexa");
  add(e.exposure.google, "google");
  return s;
}

// Entities of one device (or one device-less entity) that match a test, in home order.
struct Group {
  const Device* device = nullptr;
  std::vector<const Entity*> entities;
};

template <class Pred>
std::vector<Group> group_by_device(const Home& h, Pred pred) {
  std::vector<Group> groups;
  for (const auto& e : h.entities) {
    if (e.disabled || !pred(e)) continue;
    const Device* d = e.device_id.empty() ? nullptr : h.device(e.device_id);
    if (d) {
      auto it = std::find_if(groups.begin(), groups.end(), [&](const Group& g) { return g.device == d; });
      if (it != groups.end()) {
        it->entities.push_back(&e);
        continue;
      }
    }
    groups.push_back({d, {&e}});
  }
  return groups;
}

// A finding about a device (or about a lone entity), with exposure evidence and one-click
// un-expose actions for each named entity.
Finding exposure_finding(const Home& h, const Group& g, Severity sev, const std::string& fix_key) {
  Finding f;
  f.severity = sev;
  const Entity& first = *g.entities.front();
  f.subject = g.device ? subject_of(*g.device) : subject_of(first);
  f.device_id = g.device ? g.device->id : "";
  f.area_id = g.device ? g.device->area_id : first.area_id;
  f.placeholders = {{"name", f.subject.name}, {"area", area_name_of(h, f.area_id)}};
  std::vector<Action> actions;
  for (const Entity* e : g.entities) {
    f.evidence.emplace_back("entity", e->entity_id);
    f.evidence.emplace_back("assistants", assistants_of(*e));
    actions.push_back({model::ActionKind::set_exposure, e->entity_id, "false"});
  }
  f.remediation = action(fix_key, std::move(actions));
  return f;
}

// DG-VOI-001: a lock, alarm panel, garage/gate, valve or siren answers to voice. Anyone within
// earshot (a visitor, a child, a TV advert, a voice through a window) can open or disarm it; through a
// cloud assistant the command also passes a vendor's servers.
void critical_exposed(const Home& h, Sink& out) {
  for (const auto& g : group_by_device(h, [](const Entity& e) { return is_critical_entity(e) && e.exposure.any(); })) {
    bool cloud = std::any_of(g.entities.begin(), g.entities.end(), [](const Entity* e) { return cloud_exposed(*e); });
    out.add(exposure_finding(h, g, cloud ? Severity::critical : Severity::high, "rule.DG-VOI-001.fix"));
  }
}

// DG-VOI-002: a camera or microphone is reachable by voice: a spoken request can show a room's video
// or switch a microphone on, and through a cloud assistant the stream leaves the home.
// Only what a spoken request can act on counts: a camera (its stream), a satellite (it listens and
// speaks) or a switch that turns a microphone on. A sensor reporting whether a phone's microphone is
// muted, a microphone app's memory use, or a speech-to-text or wake-word engine (a service without a
// microphone of its own) shows nothing and switches nothing on.
void sensing_exposed(const Home& h, Sink& out) {
  auto sensing = [](const Entity& e) {
    if (!e.exposure.any()) return false;
    return e.domain == "camera"sv || (is_microphone(e) && (e.domain == "assist_satellite"sv || e.domain == "switch"sv));
  };
  for (const auto& g : group_by_device(h, sensing)) {
    bool cloud = std::any_of(g.entities.begin(), g.entities.end(), [](const Entity* e) { return cloud_exposed(*e); });
    const auto kind = g.device ? area_kind_of(h, g.device->area_id) : area_kind_of(h, g.entities.front()->area_id);
    const bool private_room = kind != AreaKind::normal;
    out.add(exposure_finding(h, g, cloud || private_room ? Severity::high : Severity::medium, "rule.DG-VOI-002.fix"));
  }
}

// DG-VOI-003: new entities are exposed to an assistant by default, so a newly paired lock or camera
// becomes voice-controllable without anyone deciding it (privacy by default, 7.3.2).
void expose_new_default(const Home& h, Sink& out) {
  Finding f;
  f.subject = hub_subject(h);
  f.placeholders = {{"name", f.subject.name}};
  std::vector<Action> actions;
  bool cloud = false;
  for (const auto& [assistant, on] : h.hub.expose_new) {
    if (!on) continue;
    cloud |= assistant.rfind("cloud.", 0) == 0;
    f.evidence.emplace_back("assistant", assistant);
    // Nothing stored: this is the hub's own default, which the household never chose.
    if (std::find(h.hub.defaults_applied.begin(), h.hub.defaults_applied.end(), "expose_new." + assistant) !=
        h.hub.defaults_applied.end())
      f.evidence.emplace_back("setting", "hub_default");
    actions.push_back({model::ActionKind::set_expose_new, assistant, "false"});
  }
  if (actions.empty()) return;
  f.severity = cloud ? Severity::high : Severity::medium;
  f.remediation = action("rule.DG-VOI-003.fix", std::move(actions));
  out.add(std::move(f));
}

// DG-VOI-004: critical entities are exposed to Google Assistant while the hub's cloud asks for no
// PIN on secure devices: any voice the speaker hears can unlock or disarm with no second factor.
void cloud_without_pin(const Home& h, Sink& out) {
  if (h.hub.google_enabled == false || h.hub.google_secure_pin != false) return;
  Finding f;
  f.severity = Severity::high;
  f.subject = hub_subject(h);
  f.placeholders = {{"name", f.subject.name}};
  f.evidence.emplace_back("google_secure_devices_pin", "false");
  std::vector<Action> actions;
  for (const auto& e : h.entities) {
    if (e.disabled || !is_critical_entity(e) || !e.exposure.google.value_or(false)) continue;
    f.evidence.emplace_back("entity", e.entity_id);
    actions.push_back({model::ActionKind::set_exposure, e.entity_id, "false"});
  }
  if (actions.empty()) return;
  f.remediation = action("rule.DG-VOI-004.fix", std::move(actions));
  out.add(std::move(f));
}

// The assistants a voice device talks to, guessed from its maker; empty = unknown (any of them).
std::vector<std::string> assistants_of(const Device& d) {
  const auto text = d.manufacturer + " " + d.model + " " + d.name;
  if (contains_word(text, "amazon") || contains_word(text, "echo") || contains_word(text, "alexa")) return {"alexa"};
  if (contains_word(text, "google") || contains_word(text, "nest")) return {"google"};
  if (d.primary_domain == "esphome"sv || d.primary_domain == "wyoming"sv || d.primary_domain == "voip"sv ||
      d.primary_domain == "assist_satellite"sv)
    return {"assist"};
  return {};
}

bool reaches(const Entity& e, const std::vector<std::string>& assistants) {
  if (assistants.empty()) return e.exposure.any();
  for (const auto& a : assistants) {
    if (a == "alexa"sv && e.exposure.alexa.value_or(false)) return true;
    if (a == "google"sv && e.exposure.google.value_or(false)) return true;
    if (a == "assist"sv && e.exposure.conversation.value_or(false)) return true;
  }
  return false;
}

// DG-VOI-005: a voice device stands in a child's room while locks, alarms or garage doors answer
// to its assistant: a child can open the front door or disarm the alarm by asking (7.1.6).
void kids_room_voice(const Home& h, const Device& d, Sink& out) {
  if (area_kind_of(h, d.area_id) != AreaKind::kids) return;
  const auto assistants = assistants_of(d);
  Finding f;
  f.severity = Severity::high;
  f.subject = subject_of(d);
  f.device_id = d.id;
  f.area_id = d.area_id;
  f.placeholders = {{"name", d.name}, {"area", area_name_of(h, d.area_id)}};
  std::vector<Action> actions;
  for (const auto& e : h.entities) {
    if (e.disabled || !is_critical_entity(e) || !reaches(e, assistants)) continue;
    f.evidence.emplace_back("entity", e.entity_id);
    actions.push_back({model::ActionKind::set_exposure, e.entity_id, "false"});
  }
  if (actions.empty()) return;
  f.remediation = action("rule.DG-VOI-005.fix", std::move(actions));
  out.add(std::move(f));
}

// DG-VOI-006: "unlock the front door" spoken to Assist opens a lock that asks for a code, without
// anyone saying the code, because the lock has a default code stored. What HA's source (2026.11)
// shows: Assist's HassTurnOff on a lock calls lock.unlock with no code
// (components/intent/__init__.py, OnOffIntentHandler.async_call_service); the lock then fills in its
// stored default code (components/lock/__init__.py, LockEntity.add_default_code, called by
// async_handle_unlock_service). Without a stored code the same request is refused
// (ServiceValidationError), so the code does protect the lock. HA's built-in intents have no
// handler that disarms an alarm panel, so alarms are not part of this rule. Critical: the code
// the household set up is bypassed by anyone who can talk to a satellite or the app.
void assist_bypasses_code(const Home& h, Sink& out) {
  for (const auto& e : h.entities) {
    if (e.disabled || e.domain != "lock"sv || !e.has_default_code || !e.exposure.conversation.value_or(false)) continue;
    const Device* d = e.device_id.empty() ? nullptr : h.device(e.device_id);
    Finding f;
    f.severity = Severity::critical;
    f.subject = d ? subject_of(*d) : subject_of(e);
    f.device_id = d ? d->id : "";
    f.area_id = d ? d->area_id : e.area_id;
    f.placeholders = {{"name", f.subject.name}, {"area", area_name_of(h, f.area_id)}};
    f.evidence = {{"entity", e.entity_id}, {"assist", "true"}, {"has_default_code", "true"}};
    f.remediation = action("rule.DG-VOI-006.fix", {{model::ActionKind::set_exposure, e.entity_id, "false"}});
    out.add(std::move(f));
  }
}

}  // namespace

std::vector<RuleDef> voice() {
  using model::DeviceType;
  return {
      {.id = "DG-VOI-001",
       .clauses = {"7.1.2", "7.1.5", "7.3.6", "D"},
       .etsi = {"5.5-4", "5.6-5"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::service,
       .severity = Severity::high,
       .needs = {Part::entities, Part::exposure},
       .categories = {"access_locks"},
       .levels = {.basic = LevelMode::enforce, .recommended = LevelMode::enforce, .strict = LevelMode::enforce},
       .home_check = critical_exposed},
      {.id = "DG-VOI-002",
       .clauses = {"7.3.6", "7.1.2", "7.3.1", "D"},
       .etsi = {"5.8-3", "5.6-5"},
       .dimension = Dimension::privacy,
       .risk_source = RiskSource::service,
       .severity = Severity::medium,
       .needs = {Part::entities, Part::exposure},
       .categories = {"cameras_video", "voice_microphones"},
       .levels = {.recommended = LevelMode::enforce, .strict = LevelMode::enforce},
       .home_check = sensing_exposed},
      {.id = "DG-VOI-003",
       .clauses = {"7.3.2", "7.1.2"},
       .etsi = {"5.6-5"},
       .dimension = Dimension::privacy,
       .risk_source = RiskSource::gateway,
       .severity = Severity::medium,
       .needs = {Part::exposure},
       .categories = {"voice_microphones"},
       .levels = {.recommended = LevelMode::enforce, .strict = LevelMode::enforce},
       .home_check = expose_new_default},
      {.id = "DG-VOI-004",
       .clauses = {"7.1.2", "7.3.6", "D"},
       .etsi = {"5.5-4", "5.1-3"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::service,
       .severity = Severity::high,
       .needs = {Part::entities, Part::exposure, Part::cloud},
       .categories = {"access_locks"},
       .levels = {.basic = LevelMode::enforce, .recommended = LevelMode::enforce, .strict = LevelMode::enforce},
       .home_check = cloud_without_pin},
      {.id = "DG-VOI-005",
       .clauses = {"7.1.6", "7.1.2", "7.1.5", "D"},
       .etsi = {"5.5-4"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::device,
       .severity = Severity::high,
       .needs = {Part::devices, Part::entities, Part::areas, Part::exposure},
       .device_types = {DeviceType::voice_assistant, DeviceType::media},
       .categories = {"voice_microphones"},
       .levels = {.basic = LevelMode::enforce, .recommended = LevelMode::enforce, .strict = LevelMode::enforce},
       .device_check = kids_room_voice},
      {.id = "DG-VOI-006",
       .clauses = {"7.3.8", "7.1.2", "D"},
       .etsi = {"5.5-4"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::service,
       .severity = Severity::critical,
       .needs = {Part::entities, Part::exposure},
       .categories = {"access_locks"},
       .levels = {.basic = LevelMode::enforce, .recommended = LevelMode::enforce, .strict = LevelMode::enforce},
       .home_check = assist_bypasses_code},
  };
}

}  // namespace domoguard::audit::rules
