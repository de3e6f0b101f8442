// DG-CHI: child safety.
// ISO/IEC 27403 7.1.6 (consideration for children: appliances children can start, child locks) and
// 7.1.5 (restricted access to content services); the device risk source "lack of child-protection
// mechanisms" of clause 6.
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
using model::DeviceType;
using model::Entity;
using model::Home;
using model::Part;

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// A child-lock control reporting that the lock is released. Integrations disagree on shapes:
// switches are on/off, selects LOCK/UNLOCK, locks locked/unlocked, and a binary sensor of class
// "lock" is on when unlocked.
bool child_lock_released(const Entity& e) {
  if (!e.state) return false;
  const auto s = lower(*e.state);
  if (e.domain == "binary_sensor"sv) return e.device_class == "lock"sv ? s == "on"sv : s == "off"sv;
  return s == "off"sv || s == "unlocked"sv || s == "unlock"sv;
}

bool is_heater(const Device& d) {
  const auto text = d.name + " " + d.model + " " + d.manufacturer;
  for (const char* w : {"heater", "radiator", "convector", "heizlüfter", "heizstrahler", "heizkörper", "radiateur",
                        "chauffage", "convecteur", "calefactor", "estufa", "radiador",
                        "kachel", "elektrische verwarming"})
    if (contains_word(text, w)) return true;
  return false;
}

bool hazardous(const Device& d) { return d.type == DeviceType::appliance || (d.type == DeviceType::climate && is_heater(d)); }

// DG-CHI-001: a device's child lock is released, so a child can start an oven, open a washer door
// mid-cycle or change a heater's setting from its buttons.
void child_lock_off(const Home& h, const Device& d, Sink& out) {
  std::vector<const Entity*> released;
  for (size_t ix : d.entities)
    if (const Entity& e = h.entities[ix]; !e.disabled && is_child_lock(e) && child_lock_released(e)) released.push_back(&e);
  if (released.empty()) return;
  const bool weighty = hazardous(d) || area_kind_of(h, d.area_id) == AreaKind::kids;
  auto f = device_finding(h, d, weighty ? Severity::high : Severity::medium);
  std::vector<Action> actions;
  for (const Entity* e : released) {
    f.evidence.emplace_back("entity", e->entity_id);
    f.evidence.emplace_back("state", *e->state);
    if (e->domain == "switch"sv) actions.push_back({model::ActionKind::switch_state, e->entity_id, "on"});
  }
  // Only switches have a hub-neutral "engage" action; selects and locks differ per integration.
  f.remediation = actions.size() == released.size() ? action("rule.DG-CHI-001.fix", std::move(actions))
                                                    : guidance("rule.DG-CHI-001.fix_manual");
  out.add(std::move(f));
}

// DG-CHI-002: a hazardous appliance (oven, hob, washer, heater) offers no child-lock control to the
// hub, so child-safe mode cannot protect it and the household must rely on the appliance itself.
void hazard_without_child_lock(const Home& h, const Device& d, Sink& out) {
  if (!hazardous(d)) return;
  if (std::any_of(d.entities.begin(), d.entities.end(), [&](size_t ix) { return is_child_lock(h.entities[ix]); })) return;
  auto f = device_finding(h, d, Severity::low);
  f.evidence.emplace_back("type", model::to_string(d.type));
  f.remediation = guidance("rule.DG-CHI-002.fix");
  out.add(std::move(f));
}

// DG-CHI-003: a content filter (AdGuard Home parental control or safe search, Pi-hole blocking) is
// switched off, so children's devices reach adult or harmful content unfiltered (7.1.5).
void content_filter_off(const Home& h, Sink& out) {
  for (const auto& e : h.entities) {
    if (e.disabled || !is_content_filter(e) || !e.state || *e.state != "off"sv) continue;
    const Device* d = e.device_id.empty() ? nullptr : h.device(e.device_id);
    Finding f;
    f.severity = Severity::medium;
    // One finding per filter switch: each is a separate protection the household turns on.
    f.subject = subject_of(e);
    f.device_id = d ? d->id : "";
    f.placeholders = {{"name", label_of(e)}};
    f.evidence = {{"entity", e.entity_id}, {"state", *e.state}, {"integration", e.platform}};
    f.remediation = action("rule.DG-CHI-003.fix", {{model::ActionKind::switch_state, e.entity_id, "on"}});
    out.add(std::move(f));
  }
}

// DG-CHI-004: a media player or voice device in a child's room while the home has no content filter
// the hub knows of: nothing restricts what a child can play or ask for (7.1.5).
void kids_media_unfiltered(const Home& h, const Device& d, Sink& out) {
  if (area_kind_of(h, d.area_id) != AreaKind::kids) return;
  if (std::any_of(h.entities.begin(), h.entities.end(), [](const Entity& e) { return is_content_filter(e); })) return;
  auto f = device_finding(h, d, Severity::low);
  f.evidence.emplace_back("type", model::to_string(d.type));
  f.remediation = guidance("rule.DG-CHI-004.fix");
  out.add(std::move(f));
}

// DG-CHI-005: the home has child-lock controls but no child-safe plan yet: the locks exist but
// nothing engages them together when children are home.
void no_child_safe_plan(const Home& h, Sink& out) {
  if (h.child_safe_plan.value_or(false)) return;
  size_t n = std::count_if(h.entities.begin(), h.entities.end(),
                           [](const Entity& e) { return !e.disabled && is_child_lock(e); });
  if (n == 0) return;
  Finding f;
  f.severity = Severity::info;
  f.subject = hub_subject(h);
  f.placeholders = {{"name", f.subject.name}, {"count", std::to_string(n)}};
  f.evidence = {{"child_lock_controls", std::to_string(n)}};
  f.remediation = guidance("rule.DG-CHI-005.fix");
  out.add(std::move(f));
}

}  // namespace

std::vector<RuleDef> children() {
  return {
      {.id = "DG-CHI-001",
       .clauses = {"7.1.6", "D"},
       .etsi = {},
       .dimension = Dimension::security,
       .risk_source = RiskSource::device,
       .severity = Severity::medium,
       .needs = {Part::devices, Part::entities, Part::states},
       .categories = {"energy_appliances"},
       .levels = {.recommended = LevelMode::enforce, .strict = LevelMode::enforce},
       .device_check = child_lock_off},
      {.id = "DG-CHI-002",
       .clauses = {"7.1.6", "D"},
       .etsi = {},
       .dimension = Dimension::security,
       .risk_source = RiskSource::device,
       .severity = Severity::low,
       .needs = {Part::devices, Part::entities},
       .device_types = {DeviceType::appliance, DeviceType::climate},
       .categories = {"energy_appliances"},
       .levels = {.recommended = LevelMode::warn, .strict = LevelMode::warn, .strict_reason = "level.reason.physical"},
       .device_check = hazard_without_child_lock},
      {.id = "DG-CHI-003",
       .clauses = {"7.1.5", "7.1.6"},
       .etsi = {},
       .dimension = Dimension::security,
       .risk_source = RiskSource::network,
       .severity = Severity::medium,
       .needs = {Part::entities, Part::states},
       .categories = {"media_content"},
       .levels = {.recommended = LevelMode::enforce, .strict = LevelMode::enforce},
       .home_check = content_filter_off},
      {.id = "DG-CHI-004",
       .clauses = {"7.1.5", "7.1.6", "D"},
       .etsi = {},
       .dimension = Dimension::security,
       .risk_source = RiskSource::service,
       .severity = Severity::low,
       .needs = {Part::devices, Part::entities, Part::areas},
       .device_types = {DeviceType::media, DeviceType::voice_assistant},
       .categories = {"media_content"},
       .levels = {.recommended = LevelMode::warn, .strict = LevelMode::warn,
                  .strict_reason = "level.reason.household_choice"},
       .device_check = kids_media_unfiltered},
      {.id = "DG-CHI-005",
       .clauses = {"7.1.6", "7.1.3"},
       .etsi = {},
       .dimension = Dimension::security,
       .risk_source = RiskSource::gateway,
       .severity = Severity::info,
       .needs = {Part::entities},
       .categories = {"energy_appliances"},
       .levels = {.recommended = LevelMode::warn, .strict = LevelMode::warn,
                  .strict_reason = "level.reason.child_safe_mode"},
       .home_check = no_child_safe_plan},
  };
}

}  // namespace domoguard::audit::rules
