// DG-UPD: software and firmware updates.
// ISO/IEC 27403 7.2.17 (provision of software and firmware updates) and 7.2.19 (security measures
// adapted to the life cycle); ETSI EN 303 645 5.3.
#include "audit/classify.hpp"
#include "audit/rules/families.hpp"

namespace domoguard::audit::rules {
namespace {

using model::Device;
using model::Entity;
using model::Home;
using model::Part;

// The device an update entity belongs to, if any.
const Device* owner(const Home& h, const Entity& e) { return e.device_id.empty() ? nullptr : h.device(e.device_id); }

// DG-UPD-001: an update is available and not installed. Unpatched firmware is the commonest way
// into a home device; critical devices (locks, alarms) weigh more.
void pending_update(const Home& h, Sink& out) {
  for (const auto& e : h.entities) {
    if (e.domain != "update" || e.disabled || !e.state || *e.state != "on") continue;
    const Device* d = owner(h, e);
    Finding f;
    f.severity = Severity::medium;
    if (d && d->tier == model::Tier::critical) f.severity = Severity::high;
    if (e.attributes.count("in_progress") && e.attributes.at("in_progress") == "true") f.severity = Severity::low;
    f.subject = d ? subject_of(*d) : subject_of(e);
    f.device_id = d ? d->id : "";
    f.evidence = {{"entity", e.entity_id}};
    for (const char* k : {"installed_version", "latest_version", "title"})
      if (auto it = e.attributes.find(k); it != e.attributes.end()) f.evidence.emplace_back(k, it->second);
    f.placeholders = {{"name", f.subject.name}};
    if (e.supported_features & 1)  // INSTALL supported: one click can install it
      f.remediation = action("rule.DG-UPD-001.fix", {{"install_update", e.entity_id, ""}});
    else
      f.remediation = guidance("rule.DG-UPD-001.fix_manual");
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
       .home_check = pending_update},
  };
}

}  // namespace domoguard::audit::rules
