// DG-HUB: the gateway itself: its version, how it is reached, and its login protection.
// ISO/IEC 27403 6.2.2 (risk sources of the gateway), 7.2.14 (secure communication), 7.2.15
// (protection of the gateway's interfaces) and 6.3.2 (privacy risks of the gateway); ETSI EN 303 645
// 5.1-5, 5.3, 5.5, 5.6. Data: manifests/catalog/hub_releases.json (documented release dates).
#include <algorithm>
#include <cctype>

#include "audit/classify.hpp"
#include "audit/rules/families.hpp"
#include "security_data/advisories.hpp"
#include "util/result.hpp"

namespace domoguard::audit::rules {
namespace {

using model::Home;
using model::Part;

int months_behind(const security_data::CalVer& hub, const security_data::CalVer& latest) {
  if (hub.year < 2000) return 99;   // 0.x releases: years old
  return (latest.year * 12 + latest.month) - (hub.year * 12 + hub.month);
}

bool starts_with_ci(const std::string& s, std::string_view p) {
  if (s.size() < p.size()) return false;
  for (size_t i = 0; i < p.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[i])) != p[i]) return false;
  return true;
}

bool reachable_from_outside(const Home& h) { return !h.hub.external_url.empty() || h.hub.remote_ui.value_or(false); }

Finding hub_finding(const Home& h, Severity s) {
  Finding f;
  f.severity = s;
  f.subject = hub_subject(h);
  f.placeholders = {{"name", f.subject.name}};
  return f;
}

// DG-HUB-001: the hub runs a release several months older than the newest one. Each monthly
// release carries security fixes for the hub and its integrations; the gap is what an attacker
// gets to use (6.2.2, 7.2.17).
void hub_behind(const Home& h, Sink& out) {
  const auto& r = security_data::hub_releases();
  if (!r) return;
  const auto hub = security_data::calver(h.hub.version), latest = security_data::calver(r.value().latest);
  if (!hub || !latest || security_data::compare_versions(h.hub.version, r.value().latest) >= 0) return;
  const int behind = months_behind(*hub, *latest);
  if (behind < 2) return;   // one release behind is normal between monthly releases
  Finding f = hub_finding(h, behind >= 12 ? Severity::high : behind >= 6 ? Severity::medium : Severity::low);
  f.placeholders.emplace_back("months", std::to_string(behind));
  f.evidence = {{"hub_version", h.hub.version}, {"latest_known", r.value().latest},
                {"latest_released", r.value().latest_date}, {"months_behind", std::to_string(behind)},
                {"data_date", r.value().data_date}};
  f.remediation = guidance("rule.DG-HUB-001.fix");
  out.add(std::move(f));
}

// DG-HUB-002: the address used from outside the home is plain http://: passwords, tokens and
// camera pictures cross the internet unencrypted and can be read or changed on the way (7.2.14).
void external_plain_http(const Home& h, Sink& out) {
  if (!starts_with_ci(h.hub.external_url, "http://")) return;
  Finding f = hub_finding(h, Severity::high);
  f.evidence = {{"external_scheme", "http"}};
  f.remediation = guidance("rule.DG-HUB-002.fix");
  out.add(std::move(f));
}

// DG-HUB-003: the hub serves plain HTTP while it can be reached from outside. Anyone on the home
// network (a guest, a compromised gadget) can read login tokens, and those tokens also work
// from the internet (6.2.4, 7.2.14).
void plain_hub_reachable(const Home& h, Sink& out) {
  if (h.hub.tls != false || !reachable_from_outside(h)) return;
  Finding f = hub_finding(h, h.hub.external_url.empty() ? Severity::low : Severity::medium);
  f.evidence = {{"tls", "false"}, {"external_url_set", h.hub.external_url.empty() ? "false" : "true"},
                {"remote_ui", h.hub.remote_ui.value_or(false) ? "true" : "false"}};
  f.remediation = guidance("rule.DG-HUB-003.fix");
  out.add(std::move(f));
}

// DG-HUB-004: remote access through the vendor's cloud is on. Convenient, but the hub's login page
// is then on the internet and the relay service is one more party in the path (6.3.2).
void remote_ui_on(const Home& h, Sink& out) {
  if (!h.hub.remote_ui.value_or(false)) return;
  Finding f = hub_finding(h, Severity::low);
  f.evidence = {{"remote_ui", "true"},
                {"remote_connected", h.hub.remote_connected ? (*h.hub.remote_connected ? "true" : "false") : "unknown"}};
  f.remediation = guidance("rule.DG-HUB-004.fix");
  out.add(std::move(f));
}

// DG-HUB-005: login-attempt banning is off, so a password can be guessed without limit
// (ETSI 5.1-5: brute-force mitigation). Worse when the hub is reachable from outside.
void no_login_ban(const Home& h, Sink& out) {
  if (h.hub.ip_ban != false) return;
  Finding f = hub_finding(h, reachable_from_outside(h) ? Severity::high : Severity::medium);
  f.evidence = {{"login_ban", "false"}, {"reachable_from_outside", reachable_from_outside(h) ? "true" : "false"}};
  f.remediation = guidance("rule.DG-HUB-005.fix");
  out.add(std::move(f));
}

// DG-HUB-006: the cloud voice assistant is set up without the secure-devices PIN, so the first lock
// or door shared with it later can be opened by anyone who can talk to a speaker (7.2.15, 7.1.2).
// A latent setting: once critical devices are actually shared, DG-VOI-004 reports that concrete
// risk instead, so the household is not told the same thing twice.
void cloud_voice_no_pin(const Home& h, Sink& out) {
  if (!h.hub.google_enabled.value_or(false) || h.hub.google_secure_pin != false) return;
  int critical = 0;
  for (const auto& e : h.entities)
    if (!e.disabled && e.exposure.google.value_or(false) && is_critical_entity(e)) ++critical;
  if (critical > 0) return;
  Finding f = hub_finding(h, Severity::low);
  f.evidence = {{"assistant", "google"}, {"secure_devices_pin", "false"},
                {"critical_exposed", std::to_string(critical)}};
  f.remediation = guidance("rule.DG-HUB-006.fix");
  out.add(std::move(f));
}

}  // namespace

std::vector<RuleDef> hub() {
  return {
      {.id = "DG-HUB-001",
       .clauses = {"6.2.2", "7.2.17"},
       .etsi = {"5.3-8"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::gateway,
       .severity = Severity::medium,
       .needs = {Part::hub_version},
       .categories = {"hub"},
       .levels = {.recommended = LevelMode::warn, .strict = LevelMode::warn,
                  .strict_reason = "level.reason.not_reversible"},
       .home_check = hub_behind},
      {.id = "DG-HUB-002",
       .clauses = {"7.2.14", "6.2.2"},
       .etsi = {"5.5-1", "5.5-5"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::gateway,
       .severity = Severity::high,
       .needs = {Part::hub_config},
       .categories = {"hub"},
       .levels = {.basic = LevelMode::warn, .recommended = LevelMode::warn, .strict = LevelMode::warn,
                  .strict_reason = "level.reason.hub_settings"},
       .home_check = external_plain_http},
      {.id = "DG-HUB-003",
       .clauses = {"7.2.14", "7.2.15", "6.2.4"},
       .etsi = {"5.5-1"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::gateway,
       .severity = Severity::medium,
       .needs = {Part::hub_config, Part::http},
       .categories = {"hub"},
       .levels = {.basic = LevelMode::warn, .recommended = LevelMode::warn, .strict = LevelMode::warn,
                  .strict_reason = "level.reason.hub_settings"},
       .home_check = plain_hub_reachable},
      {.id = "DG-HUB-004",
       .clauses = {"6.3.2", "7.2.15"},
       .etsi = {"5.6-1"},
       .dimension = Dimension::privacy,
       .risk_source = RiskSource::gateway,
       .severity = Severity::low,
       .needs = {Part::cloud},
       .categories = {"hub"},
       .levels = {.recommended = LevelMode::warn, .strict = LevelMode::warn,
                  .strict_reason = "level.reason.hub_settings"},
       .home_check = remote_ui_on},
      {.id = "DG-HUB-005",
       .clauses = {"7.2.15", "6.2.2"},
       .etsi = {"5.1-5"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::gateway,
       .severity = Severity::medium,
       .needs = {Part::http},
       .categories = {"hub"},
       .levels = {.basic = LevelMode::warn, .recommended = LevelMode::warn, .strict = LevelMode::warn,
                  .strict_reason = "level.reason.hub_settings"},
       .home_check = no_login_ban},
      {.id = "DG-HUB-006",
       .clauses = {"7.2.15", "7.1.2", "6.2.2"},
       .etsi = {"5.5-4"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::service,
       .severity = Severity::medium,
       .needs = {Part::cloud},
       .categories = {"access_locks"},
       .levels = {.basic = LevelMode::warn, .recommended = LevelMode::warn, .strict = LevelMode::warn,
                  .strict_reason = "level.reason.hub_settings"},
       .home_check = cloud_voice_no_pin},
  };
}

}  // namespace domoguard::audit::rules
