// DG-CAM: cameras and microphones where people expect privacy.
// ISO/IEC 27403 7.3.1 (consent and choice), 7.1.6 (consideration for children), 6.3.3 (privacy risk
// sources of devices: no hardware privacy option), 7.3.6, 7.3.9 (data minimisation) and 6.3.1
// (privacy risk sources of the service sub-system); ETSI EN 303 645 5.8-3 (sensing documented).
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

// The shared device finding, plus what this family always shows.
Finding camera_finding(const Home& h, const Device& d, Severity sev) {
  Finding f = device_finding(h, d, sev);
  if (!d.area_id.empty()) f.evidence.emplace_back("area_kind", model::to_string(area_kind_of(h, d.area_id)));
  return f;
}

bool has_microphone(const Home& h, const Device& d) {
  return std::any_of(d.entities.begin(), d.entities.end(), [&](size_t ix) { return is_microphone(h.entities[ix]); });
}

// DG-CAM-001: a camera films a bathroom, bedroom or child's room: the most intimate images of the
// household (and of children) exist and can leak through any flaw in the camera or its app.
void camera_in_private_room(const Home& h, const Device& d, Sink& out) {
  const auto kind = area_kind_of(h, d.area_id);
  if (kind == AreaKind::normal) return;
  const Severity sev = kind == AreaKind::bathroom ? Severity::critical : Severity::high;
  auto f = camera_finding(h, d, sev);
  f.remediation = guidance("rule.DG-CAM-001.fix");
  out.add(std::move(f));
}

// DG-CAM-002: a microphone (voice satellite, smart speaker, device with a microphone) listens in a
// bedroom, bathroom or child's room: private conversations can be recorded or wrongly woken on.
void microphone_in_private_room(const Home& h, const Device& d, Sink& out) {
  if (d.type == model::DeviceType::camera || d.type == model::DeviceType::doorbell) return;  // DG-CAM-001
  if (d.type != model::DeviceType::voice_assistant && !has_microphone(h, d)) return;
  const auto kind = area_kind_of(h, d.area_id);
  if (kind == AreaKind::normal) return;
  auto f = camera_finding(h, d, kind == AreaKind::bedroom ? Severity::medium : Severity::high);
  for (size_t ix : d.entities)
    if (is_microphone(h.entities[ix])) f.evidence.emplace_back("entity", h.entities[ix].entity_id);
  f.remediation = guidance("rule.DG-CAM-002.fix");
  out.add(std::move(f));
}

// DG-CAM-003: an indoor camera has a privacy switch (lens cover / privacy mode). Reported with its
// state so the household knows it can be closed, and so scenario presets (7.1.7) can drive it.
void privacy_switch_state(const Home& h, const Device& d, Sink& out) {
  if (!is_indoor(h, d)) return;
  for (size_t ix : d.entities) {
    const Entity& e = h.entities[ix];
    if (!is_privacy_switch(e) || e.disabled) continue;
    auto f = camera_finding(h, d, Severity::info);
    f.evidence.emplace_back("entity", e.entity_id);
    f.evidence.emplace_back("state", e.state.value_or("unknown"));
    // When privacy mode is off the camera is recording; one click closes it.
    if (e.state && *e.state == "off"sv)
      f.remediation = action("rule.DG-CAM-003.fix", {{model::ActionKind::switch_state, e.entity_id, "on"}});
    else
      f.remediation = guidance("rule.DG-CAM-003.fix_info");
    out.add(std::move(f));
    return;
  }
}

// DG-CAM-004: an indoor camera has no privacy switch the hub can close, so the only way to stop it
// watching is physical: a shutter, turning it away, or unplugging it (6.3.3: no hardware privacy option).
void no_privacy_switch(const Home& h, const Device& d, Sink& out) {
  if (!is_indoor(h, d)) return;
  if (std::any_of(d.entities.begin(), d.entities.end(), [&](size_t ix) { return is_privacy_switch(h.entities[ix]); }))
    return;
  const auto kind = area_kind_of(h, d.area_id);
  auto f = camera_finding(h, d, kind == AreaKind::normal ? Severity::low : Severity::medium);
  f.remediation = guidance("rule.DG-CAM-004.fix");
  out.add(std::move(f));
}

// DG-CAM-005: the camera is served through a vendor cloud: its video leaves the home and is stored
// or processed where the household cannot see or delete it (6.3.1, 7.3.9 minimisation).
void camera_cloud(const Home& h, const Device& d, Sink& out) {
  const auto* in = cloud_integration_of(h, d);
  if (!in) return;
  const auto kind = area_kind_of(h, d.area_id);
  auto f = camera_finding(h, d, kind == AreaKind::normal || !is_indoor(h, d) ? Severity::medium : Severity::high);
  f.evidence.emplace_back("integration", in->domain);
  f.evidence.emplace_back("iot_class", model::to_string(in->iot_class));
  f.remediation = guidance("rule.DG-CAM-005.fix");
  out.add(std::move(f));
}

}  // namespace

std::vector<RuleDef> camera() {
  using model::DeviceType;
  return {
      {.id = "DG-CAM-001",
       .clauses = {"7.3.1", "7.1.6", "6.3.3", "D"},
       .etsi = {"5.8-3"},
       .dimension = Dimension::privacy,
       .risk_source = RiskSource::device,
       .severity = Severity::high,
       .needs = {Part::devices, Part::areas},
       .device_types = {DeviceType::camera, DeviceType::doorbell},
       .categories = {"cameras_video"},
       .levels = {.recommended = LevelMode::warn, .strict = LevelMode::warn, .strict_reason = "level.reason.physical"},
       .device_check = camera_in_private_room},
      {.id = "DG-CAM-002",
       .clauses = {"7.3.1", "7.1.6", "7.3.6", "D"},
       .etsi = {"5.8-3"},
       .dimension = Dimension::privacy,
       .risk_source = RiskSource::device,
       .severity = Severity::medium,
       .needs = {Part::devices, Part::entities, Part::areas},
       .categories = {"voice_microphones"},
       .levels = {.recommended = LevelMode::warn, .strict = LevelMode::warn, .strict_reason = "level.reason.physical"},
       .device_check = microphone_in_private_room},
      {.id = "DG-CAM-003",
       .clauses = {"7.3.1", "6.3.3", "7.1.7", "D"},
       .etsi = {"5.8-3"},
       .dimension = Dimension::privacy,
       .risk_source = RiskSource::device,
       .severity = Severity::info,
       .needs = {Part::devices, Part::entities, Part::areas},
       .device_types = {DeviceType::camera},
       .categories = {"cameras_video"},
       .levels = {.strict = LevelMode::warn, .strict_reason = "level.reason.scenario"},
       .device_check = privacy_switch_state},
      {.id = "DG-CAM-004",
       .clauses = {"6.3.3", "7.3.1", "D"},
       .etsi = {"5.8-3"},
       .dimension = Dimension::privacy,
       .risk_source = RiskSource::device,
       .severity = Severity::low,
       .needs = {Part::devices, Part::entities, Part::areas},
       .device_types = {DeviceType::camera},
       .categories = {"cameras_video"},
       .levels = {.recommended = LevelMode::warn, .strict = LevelMode::warn, .strict_reason = "level.reason.physical"},
       .device_check = no_privacy_switch},
      {.id = "DG-CAM-005",
       .clauses = {"6.3.1", "7.3.9", "7.3.6", "D"},
       .etsi = {"5.8-1", "5.8-3"},
       .dimension = Dimension::privacy,
       .risk_source = RiskSource::service,
       .severity = Severity::medium,
       .needs = {Part::devices, Part::integrations},
       .device_types = {DeviceType::camera, DeviceType::doorbell},
       .categories = {"cameras_video"},
       .levels = {.recommended = LevelMode::warn, .strict = LevelMode::warn, .strict_reason = "level.reason.vendor"},
       .device_check = camera_cloud},
  };
}

}  // namespace domoguard::audit::rules
