// DG-FS: failsafe devices and availability.
// ISO/IEC 27403 7.1.4 (failsafe domotics devices: a failure or an internet outage must not leave the
// home unsafe), 7.2.9 (availability), 6.3.1 and 7.3.9 (dependence on a vendor service);
// ETSI EN 303 645 5.9 (make systems resilient to outages).
#include <algorithm>
#include <cstdio>
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

// The shared device finding, plus what this family always shows.
Finding failsafe_finding(const Home& h, const Device& d, Severity sev) {
  Finding f = device_finding(h, d, sev);
  f.evidence.emplace_back("type", model::to_string(d.type));
  return f;
}

std::string percent_text(double v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.0f", v);
  return buf;
}

// DG-FS-001: a lock, alarm, garage door, valve or safety sensor works through a vendor cloud: when
// the internet or the vendor is down the hub can neither operate it nor hear its alarms.
void cloud_dependent(const Home& h, const Device& d, Sink& out) {
  const auto* in = cloud_integration_of(h, d);
  if (!in) return;
  auto f = failsafe_finding(h, d, Severity::high);
  f.evidence.emplace_back("integration", in->domain);
  f.evidence.emplace_back("iot_class", model::to_string(in->iot_class));
  f.remediation = guidance("rule.DG-FS-001.fix");
  out.add(std::move(f));
}

bool primary(const Entity& e) { return !e.disabled && e.entity_category.empty() && e.state.has_value(); }

// DG-FS-002: a critical or safety device does not answer: every main entity is unavailable or
// unknown, so a smoke alarm may go unheard or a lock may not lock.
void unavailable(const Home& h, const Device& d, Sink& out) {
  size_t seen = 0;
  for (size_t ix : d.entities) {
    const Entity& e = h.entities[ix];
    if (!primary(e)) continue;
    ++seen;
    if (*e.state != "unavailable"sv && *e.state != "unknown"sv) return;
  }
  if (seen == 0) return;
  auto f = failsafe_finding(h, d, Severity::high);
  for (size_t ix : d.entities)
    if (const Entity& e = h.entities[ix]; primary(e)) {
      f.evidence.emplace_back("entity", e.entity_id);
      f.evidence.emplace_back("state", *e.state);
    }
  f.remediation = guidance("rule.DG-FS-002.fix");
  out.add(std::move(f));
}

// DG-FS-003: a lock, alarm or smoke/CO/leak sensor runs low on battery: soon it will stop locking or
// warning, often silently.
void low_battery(const Home& h, const Device& d, Sink& out) {
  auto level = battery_percent(h, d);
  if (!level || *level >= 20) return;
  auto f = failsafe_finding(h, d, *level < 10 ? Severity::critical : Severity::high);
  f.evidence.emplace_back("battery_percent", percent_text(*level));
  f.placeholders.emplace_back("battery", percent_text(*level));
  f.remediation = guidance("rule.DG-FS-003.fix");
  out.add(std::move(f));
}

// DG-FS-004: a lock reports "jammed": the bolt is stuck part-way and the door may be neither locked
// nor openable.
void lock_jammed(const Home& h, const Device& d, Sink& out) {
  for (size_t ix : d.entities) {
    const Entity& e = h.entities[ix];
    if (e.domain != "lock"sv || e.disabled || !e.state || *e.state != "jammed"sv) continue;
    auto f = failsafe_finding(h, d, Severity::high);
    f.evidence.emplace_back("entity", e.entity_id);
    f.evidence.emplace_back("state", *e.state);
    f.remediation = guidance("rule.DG-FS-004.fix");
    out.add(std::move(f));
    return;
  }
}

// DG-FS-005: a safety sensor reports no battery level at all, so nobody is warned before it goes
// flat (mains-powered sensors are fine; this is informational).
void safety_no_battery(const Home& h, const Device& d, Sink& out) {
  if (reports_battery(h, d)) return;
  auto f = failsafe_finding(h, d, Severity::info);
  f.remediation = guidance("rule.DG-FS-005.fix");
  out.add(std::move(f));
}

}  // namespace

std::vector<RuleDef> failsafe() {
  const std::vector<DeviceType> critical = {DeviceType::lock, DeviceType::alarm, DeviceType::garage, DeviceType::valve,
                                            DeviceType::safety_sensor};
  return {
      {.id = "DG-FS-001",
       .clauses = {"7.1.4", "6.3.1", "7.3.9", "D"},
       .etsi = {"5.9-2", "5.9-3"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::service,
       .severity = Severity::high,
       .needs = {Part::devices, Part::integrations},
       .device_types = critical,
       .categories = {"access_locks"},
       .levels = {.recommended = LevelMode::warn, .strict = LevelMode::warn, .strict_reason = "level.reason.vendor"},
       .device_check = cloud_dependent},
      {.id = "DG-FS-002",
       .clauses = {"7.1.4", "7.2.9", "D"},
       .etsi = {"5.9-1"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::device,
       .severity = Severity::high,
       .needs = {Part::devices, Part::entities, Part::states},
       .device_types = critical,
       .categories = {"access_locks"},
       .levels = {.recommended = LevelMode::warn, .strict = LevelMode::warn, .strict_reason = "level.reason.physical"},
       .device_check = unavailable},
      {.id = "DG-FS-003",
       .clauses = {"7.1.4", "7.2.9", "D"},
       .etsi = {"5.9-1"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::device,
       .severity = Severity::high,
       .needs = {Part::devices, Part::entities, Part::states},
       .device_types = {DeviceType::lock, DeviceType::alarm, DeviceType::safety_sensor},
       .categories = {"access_locks"},
       .levels = {.recommended = LevelMode::warn, .strict = LevelMode::warn, .strict_reason = "level.reason.physical"},
       .device_check = low_battery},
      {.id = "DG-FS-004",
       .clauses = {"7.1.4", "D"},
       .etsi = {"5.9-1"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::device,
       .severity = Severity::high,
       .needs = {Part::devices, Part::entities, Part::states},
       .device_types = {DeviceType::lock},
       .categories = {"access_locks"},
       .levels = {.basic = LevelMode::warn, .recommended = LevelMode::warn, .strict = LevelMode::warn,
                  .strict_reason = "level.reason.physical"},
       .device_check = lock_jammed},
      {.id = "DG-FS-005",
       .clauses = {"7.1.4", "7.2.9"},
       .etsi = {"5.9-1"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::device,
       .severity = Severity::info,
       .needs = {Part::devices, Part::entities},
       .device_types = {DeviceType::safety_sensor},
       .categories = {"access_locks"},
       .levels = {.recommended = LevelMode::warn, .strict = LevelMode::warn, .strict_reason = "level.reason.physical"},
       .device_check = safety_no_battery},
  };
}

}  // namespace domoguard::audit::rules
