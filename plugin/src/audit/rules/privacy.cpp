// DG-PRV: privacy by default, minimisation and fail-safe authentication.
// ISO/IEC 27403 7.3.2 (privacy by default), 7.3.9 (data minimisation), 6.3.3 (privacy risk sources of
// devices), 7.3.8 (fail-safe authentication) and 7.3.13 (unlinkability); ETSI EN 303 645 5.8 and 6.
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "audit/classify.hpp"
#include "audit/rules/families.hpp"

namespace domoguard::audit::rules {

using namespace std::string_view_literals;
namespace {

using model::Device;
using model::DeviceType;
using model::Entity;
using model::Home;
using model::Part;

// DG-PRV-001: the hub shares usage, statistics or diagnostics with its maker. Each part tells an
// outside party about the home's devices and habits; none is needed for the home to work (7.3.9).
void analytics_on(const Home& h, Sink& out) {
  Finding f;
  f.subject = hub_subject(h);
  f.placeholders = {{"name", f.subject.name}};
  std::vector<Action> actions;
  const std::pair<const char*, const model::Flag*> parts[] = {{"usage", &h.hub.analytics_usage},
                                                              {"statistics", &h.hub.analytics_statistics},
                                                              {"diagnostics", &h.hub.analytics_diagnostics}};
  for (const auto& [name, flag] : parts)
    if (flag->value_or(false)) {
      f.evidence.emplace_back("shares", name);
      actions.push_back({model::ActionKind::set_analytics, name, "false"});
    }
  if (!actions.empty()) {
    f.severity = Severity::medium;
  } else if (h.hub.analytics_base.value_or(false)) {
    // Only the basic installation report: a smaller disclosure, still not needed.
    f.severity = Severity::low;
    f.evidence.emplace_back("shares", "base");
    actions.push_back({model::ActionKind::set_analytics, "base", "false"});
  } else {
    return;
  }
  f.remediation = action("rule.DG-PRV-001.fix", std::move(actions));
  out.add(std::move(f));
}

// DG-PRV-002: a phone or tracker reports where a person is. Location history reveals routines, when
// the home is empty, and places visited; the household should choose it knowingly (7.3.2, 7.3.9).
void location_tracking(const Home& h, Sink& out) {
  struct Track {
    const Device* device = nullptr;
    std::vector<const Entity*> entities;
  };
  std::vector<Track> tracks;
  for (const auto& e : h.entities) {
    if (e.disabled || e.domain == "person"sv || !is_location(e)) continue;  // a person is a view, not a source
    const Device* d = e.device_id.empty() ? nullptr : h.device(e.device_id);
    auto it = d ? std::find_if(tracks.begin(), tracks.end(), [&](const Track& t) { return t.device == d; }) : tracks.end();
    if (it != tracks.end()) it->entities.push_back(&e);
    else tracks.push_back({d, {&e}});
  }
  for (const auto& t : tracks) {
    Finding f;
    f.severity = Severity::low;
    f.subject = t.device ? subject_of(*t.device) : subject_of(*t.entities.front());
    f.device_id = t.device ? t.device->id : "";
    f.placeholders = {{"name", f.subject.name}};
    std::vector<Action> actions;
    for (const Entity* e : t.entities) {
      f.evidence.emplace_back("entity", e->entity_id);
      // The companion app's location sensors can be disabled without breaking the app; its
      // device_tracker is what presence automations use, so that stays the household's choice.
      if (e->platform == "mobile_app"sv && e->domain != "device_tracker"sv)
        actions.push_back({model::ActionKind::disable_entity, e->entity_id, "true"});
    }
    f.remediation = actions.empty() ? guidance("rule.DG-PRV-002.fix_manual") : action("rule.DG-PRV-002.fix", std::move(actions));
    out.add(std::move(f));
  }
}

// DG-PRV-003: a microphone or presence device sends its data through a vendor cloud: what is said
// in the home, or where its people are, leaves it (cameras: DG-CAM-005).
void sensitive_cloud(const Home& h, const Device& d, Sink& out) {
  const bool mic = d.type == DeviceType::voice_assistant ||
                   std::any_of(d.entities.begin(), d.entities.end(), [&](size_t ix) { return is_microphone(h.entities[ix]); });
  const bool where = d.type == DeviceType::presence ||
                     std::any_of(d.entities.begin(), d.entities.end(), [&](size_t ix) { return is_location(h.entities[ix]); });
  if (!mic && !where) return;
  const auto* in = cloud_integration_of(h, d);
  if (!in) return;
  auto f = device_finding(h, d, Severity::medium);
  f.evidence = {{"senses", mic ? "audio" : "location"}, {"integration", in->domain},
                {"iot_class", model::to_string(in->iot_class)}};
  f.remediation = guidance("rule.DG-PRV-003.fix");
  out.add(std::move(f));
}

// DG-PRV-004: an alarm panel arms or disarms without a code, so anyone who reaches the panel or the
// hub's app can switch the alarm off (7.3.8 fail-safe authentication).
void alarm_without_code(const Home& h, Sink& out) {
  for (const auto& e : h.entities) {
    if (e.domain != "alarm_control_panel"sv || e.disabled || !e.state) continue;
    auto fmt = e.attributes.find("code_format");
    const bool no_code = fmt == e.attributes.end() || fmt->second.empty() || fmt->second == "null"sv || fmt->second == "None"sv;
    auto arm = e.attributes.find("code_arm_required");
    const bool arm_free = arm != e.attributes.end() && arm->second == "false"sv;
    if (!no_code && !arm_free) continue;
    const Device* d = e.device_id.empty() ? nullptr : h.device(e.device_id);
    Finding f;
    f.severity = no_code ? Severity::high : Severity::low;
    f.subject = d ? subject_of(*d) : subject_of(e);
    f.device_id = d ? d->id : "";
    f.placeholders = {{"name", f.subject.name}};
    f.evidence = {{"entity", e.entity_id},
                  {"disarm_needs_pin", no_code ? "false" : "true"},
                  {"arm_needs_pin", no_code || arm_free ? "false" : "true"}};
    f.remediation = guidance("rule.DG-PRV-004.fix");
    out.add(std::move(f));
  }
}

// DG-PRV-005: a lock or alarm panel has a default code stored in the hub: every request, from any
// user, dashboard or voice, is accepted without typing it, which defeats the code (7.3.8).
void stored_default_code(const Home& h, Sink& out) {
  for (const auto& e : h.entities) {
    if (!e.has_default_code || e.disabled) continue;
    const Device* d = e.device_id.empty() ? nullptr : h.device(e.device_id);
    Finding f;
    f.severity = Severity::high;
    f.subject = d ? subject_of(*d) : subject_of(e);
    f.device_id = d ? d->id : "";
    f.placeholders = {{"name", f.subject.name}};
    f.evidence = {{"entity", e.entity_id}, {"has_default_code", "true"}};
    f.remediation = guidance("rule.DG-PRV-005.fix");
    out.add(std::move(f));
  }
}

// A display name that carries a person's name: "Anna's phone", "Anna’s room"; or an entity id like
// "annas_iphone". Conservative on purpose: only possessives and phone-like objects.
bool names_a_person(const std::string& label, const std::string& entity_id) {
  for (const char* apos : {"'s ", "\xE2\x80\x99s "})  // ASCII and typographic apostrophe
    if (auto p = label.find(apos); p != std::string::npos && p > 0) return true;
  const auto object = entity_id.substr(entity_id.find('.') + 1);
  for (const char* thing : {"s_iphone", "s_ipad", "s_phone", "s_pixel", "s_galaxy", "s_watch", "s_tablet", "s_laptop"})
    if (auto p = object.find(thing); p != std::string::npos && p >= 2) {
      // "annas_iphone" (a name), not "devices_iphone" or "sensors_phone".
      const auto owner = object.substr(0, p + 1);
      if (owner.find('_') == std::string::npos && owner != "devices"sv && owner != "sensors"sv && owner != "guests"sv)
        return true;
    }
  return false;
}

// DG-PRV-006: an entity named after a person is shared with a cloud voice assistant, which links
// the person's name to their devices and habits on the vendor's servers (7.3.13 unlinkability).
void personal_names_to_cloud(const Home& h, Sink& out) {
  for (const auto& e : h.entities) {
    if (e.disabled || !(e.exposure.alexa.value_or(false) || e.exposure.google.value_or(false))) continue;
    if (!names_a_person(label_of(e), e.entity_id)) continue;
    const Device* d = e.device_id.empty() ? nullptr : h.device(e.device_id);
    Finding f;
    f.severity = Severity::low;
    // Per entity: each exposed name is its own disclosure.
    f.subject = subject_of(e);
    f.device_id = d ? d->id : "";
    f.placeholders = {{"name", label_of(e)}};
    f.evidence = {{"entity", e.entity_id},
                  {"alexa", e.exposure.alexa.value_or(false) ? "true" : "false"},
                  {"google", e.exposure.google.value_or(false) ? "true" : "false"}};
    f.remediation = guidance("rule.DG-PRV-006.fix");
    out.add(std::move(f));
  }
}

}  // namespace

std::vector<RuleDef> privacy() {
  return {
      {.id = "DG-PRV-001",
       .clauses = {"7.3.2", "7.3.9"},
       .etsi = {"6-1", "6-3"},
       .dimension = Dimension::privacy,
       .risk_source = RiskSource::gateway,
       .severity = Severity::medium,
       .needs = {Part::analytics},
       .categories = {"hub"},
       .levels = {.recommended = LevelMode::enforce, .strict = LevelMode::enforce},
       .home_check = analytics_on},
      {.id = "DG-PRV-002",
       .clauses = {"7.3.2", "7.3.9", "6.3.3"},
       .etsi = {"6-1", "5.8-3"},
       .dimension = Dimension::privacy,
       .risk_source = RiskSource::device,
       .severity = Severity::low,
       .needs = {Part::entities},
       .categories = {"presence_location"},
       .levels = {.recommended = LevelMode::warn, .strict = LevelMode::enforce},
       .home_check = location_tracking},
      {.id = "DG-PRV-003",
       .clauses = {"6.3.3", "7.3.9", "6.3.1", "D"},
       .etsi = {"5.8-1", "5.8-3"},
       .dimension = Dimension::privacy,
       .risk_source = RiskSource::service,
       .severity = Severity::medium,
       .needs = {Part::devices, Part::entities, Part::integrations},
       .device_types = {DeviceType::voice_assistant, DeviceType::presence, DeviceType::media, DeviceType::other},
       .categories = {"voice_microphones", "presence_location", "media_content"},
       .levels = {.recommended = LevelMode::warn, .strict = LevelMode::warn, .strict_reason = "level.reason.vendor"},
       .device_check = sensitive_cloud},
      {.id = "DG-PRV-004",
       .clauses = {"7.3.8", "7.1.2", "D"},
       .etsi = {"5.5-4", "5.5-5"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::device,
       .severity = Severity::high,
       .needs = {Part::entities, Part::states},
       .categories = {"access_locks"},
       .levels = {.basic = LevelMode::warn, .recommended = LevelMode::warn, .strict = LevelMode::warn,
                  .strict_reason = "level.reason.codes"},
       .home_check = alarm_without_code},
      {.id = "DG-PRV-005",
       .clauses = {"7.3.8", "7.1.2", "D"},
       .etsi = {"5.5-4", "5.1-3"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::gateway,
       .severity = Severity::high,
       .needs = {Part::entities},
       .categories = {"access_locks"},
       .levels = {.basic = LevelMode::warn, .recommended = LevelMode::warn, .strict = LevelMode::warn,
                  .strict_reason = "level.reason.codes"},
       .home_check = stored_default_code},
      {.id = "DG-PRV-006",
       .clauses = {"7.3.13", "7.3.9"},
       .etsi = {"6-1"},
       .dimension = Dimension::privacy,
       .risk_source = RiskSource::service,
       .severity = Severity::low,
       .needs = {Part::entities, Part::exposure},
       .categories = {"voice_microphones"},
       .levels = {.recommended = LevelMode::warn, .strict = LevelMode::warn,
                  .strict_reason = "level.reason.household_choice"},
       .home_check = personal_names_to_cloud},
  };
}

}  // namespace domoguard::audit::rules
