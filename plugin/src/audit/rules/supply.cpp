// DG-SUP: the software suppliers the hub relies on: custom integrations, failed integrations and
// switched-off integrations that still hold credentials.
// ISO/IEC 27403 7.2.23 (supplier relationships / third-party components) and 7.2.8 (security
// monitoring of devices under management); ETSI EN 303 645 5.2, 5.3-13.
#include <algorithm>
#include <string_view>

#include "audit/classify.hpp"
#include "audit/rules/families.hpp"

namespace domoguard::audit::rules {

using namespace std::string_view_literals;
namespace {

using model::Home;
using model::Integration;
using model::Part;
using model::Tier;

struct Managed {
  int devices = 0, critical = 0, sensitive = 0;
  Tier worst = Tier::normal;
};

// The devices an integration entry manages and the highest tier among them.
Managed managed_by(const Home& h, const Integration& i) {
  Managed m;
  for (const auto& d : h.devices) {
    if (d.disabled || std::find(d.config_entry_ids.begin(), d.config_entry_ids.end(), i.entry_id) == d.config_entry_ids.end())
      continue;
    ++m.devices;
    if (d.tier == Tier::critical) ++m.critical;
    if (d.tier == Tier::sensitive) ++m.sensitive;
    if (d.tier > m.worst) m.worst = d.tier;
  }
  return m;
}

Finding integration_finding(const Integration& i, Severity s, const Managed& m) {
  Finding f;
  f.severity = s;
  f.subject = subject_of(i);
  f.placeholders = {{"name", f.subject.name}};
  f.evidence = {{"domain", i.domain}, {"devices", std::to_string(m.devices)}};
  if (m.critical) f.evidence.emplace_back("critical_devices", std::to_string(m.critical));
  if (m.sensitive) f.evidence.emplace_back("sensitive_devices", std::to_string(m.sensitive));
  return f;
}

// DG-SUP-001: code nobody at the hub's project reviewed runs locks, alarms or cameras. A custom
// integration has full access to the hub; its author is a supplier the household chose (7.2.23).
void custom_handles_critical(const Home& h, Sink& out) {
  for (const auto& i : h.integrations) {
    if (i.disabled || i.custom != true) continue;
    const Managed m = managed_by(h, i);
    if (m.worst == Tier::normal) continue;
    Finding f = integration_finding(i, m.worst == Tier::critical ? Severity::high : Severity::medium, m);
    f.evidence.emplace_back("custom", "true");
    f.evidence.emplace_back("version", i.version.empty() ? "unknown" : i.version);
    f.remediation = guidance("rule.DG-SUP-001.fix");
    out.add(std::move(f));
  }
}

// DG-SUP-002: a custom integration carries no version, so nobody can tell which code is installed,
// whether a fix reached it, or which advisory applies (7.2.23, ETSI 5.3-16).
void custom_unversioned(const Home& h, Sink& out) {
  for (const auto& i : h.integrations) {
    if (i.disabled || i.custom != true || !i.version.empty()) continue;
    Finding f = integration_finding(i, Severity::low, managed_by(h, i));
    f.evidence.emplace_back("version", "none");
    f.remediation = guidance("rule.DG-SUP-002.fix");
    out.add(std::move(f));
  }
}

// DG-SUP-003: an integration failed to start. Its devices silently stop being managed: no
// alarms, no updates, no automations, and nobody is told (7.2.8).
void setup_failed(const Home& h, Sink& out) {
  for (const auto& i : h.integrations) {
    if (i.disabled) continue;
    if (i.state != "setup_error"sv && i.state != "setup_retry"sv && i.state != "migration_error"sv && i.state != "failed_unload"sv)
      continue;
    const Managed m = managed_by(h, i);
    Finding f = integration_finding(i, m.critical ? Severity::high : Severity::medium, m);
    f.evidence.emplace_back("state", i.state);
    f.remediation = guidance("rule.DG-SUP-003.fix");
    out.add(std::move(f));
  }
}

// DG-SUP-004: an integration is switched off but still set up with a password, token or cloud
// account. Nothing uses it, yet its credentials stay in the hub's files and in every backup, where
// a stolen backup or a later breach of the hub gives them away (7.2.19, 7.2.3).
void disabled_keeps_credentials(const Home& h, Sink& out) {
  for (const auto& i : h.integrations) {
    if (!i.disabled) continue;
    const bool cloud = i.iot_class == model::IotClass::cloud_push || i.iot_class == model::IotClass::cloud_polling;
    if (i.has_auth != true && !cloud) continue;
    Finding f = integration_finding(i, Severity::low, managed_by(h, i));
    f.evidence.emplace_back("disabled", "true");
    f.evidence.emplace_back("credentials", i.has_auth == true ? "stored" : "cloud_account");
    f.remediation = guidance("rule.DG-SUP-004.fix");
    out.add(std::move(f));
  }
}

}  // namespace

std::vector<RuleDef> supply() {
  return {
      {.id = "DG-SUP-001",
       .clauses = {"7.2.23", "6.2.1"},
       .etsi = {"5.2-1", "5.3-13"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::service,
       .severity = Severity::medium,
       .needs = {Part::integrations, Part::manifests, Part::devices},
       .categories = {"access_locks", "cameras_video", "hub"},
       .levels = {.recommended = LevelMode::warn, .strict = LevelMode::warn, .strict_reason = "level.reason.vendor"},
       .home_check = custom_handles_critical},
      {.id = "DG-SUP-002",
       .clauses = {"7.2.23"},
       .etsi = {"5.3-16"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::service,
       .severity = Severity::low,
       .needs = {Part::integrations, Part::manifests},
       .categories = {"hub"},
       .levels = {.strict = LevelMode::warn, .strict_reason = "level.reason.information"},
       .home_check = custom_unversioned},
      {.id = "DG-SUP-003",
       .clauses = {"7.2.8", "7.1.4"},
       .etsi = {"5.9-1"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::service,
       .severity = Severity::medium,
       .needs = {Part::integrations},
       .categories = {"hub"},
       .levels = {.recommended = LevelMode::warn, .strict = LevelMode::warn,
                  .strict_reason = "level.reason.information"},
       .home_check = setup_failed},
      {.id = "DG-SUP-004",
       .clauses = {"7.2.19", "7.2.3"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::service,
       .severity = Severity::low,
       .needs = {Part::integrations},
       .categories = {"hub"},
       .levels = {.recommended = LevelMode::warn, .strict = LevelMode::warn,
                  .strict_reason = "level.reason.household_choice"},
       .home_check = disabled_keeps_credentials},
  };
}

}  // namespace domoguard::audit::rules
