// DG-HUB: the gateway itself: its version, how it is reached, and its login protection.
// ISO/IEC 27403 6.2.2 (risk sources of the gateway), 7.2.14 (secure communication), 7.2.15
// (protection of the gateway's interfaces) and 6.3.2 (privacy risks of the gateway); ETSI EN 303 645
// 5.1-5, 5.3, 5.5, 5.6. Data: manifests/catalog/hub_releases.json (documented release dates).
#include <algorithm>
#include <boost/json.hpp>
#include <cctype>

#include "audit/classify.hpp"
#include "audit/rules/families.hpp"
#include "audit/rules/security_data.hpp"
#include "util/resources.hpp"
#include "util/result.hpp"

namespace domoguard::audit::rules {
namespace {

namespace json = boost::json;
using model::Home;
using model::Part;

struct Releases {
  std::string latest;
  std::string latest_date;
  std::string data_date;
};

Error releases_error(std::string msg) {
  Error e;
  e.key = "error.catalog.malformed";
  e.message = std::move(msg);
  e.file = "manifests/catalog/hub_releases.json";
  return e;
}

// Home Assistant versions are calendar versions (YEAR.MONTH.PATCH); older ones were 0.x.
struct CalVer {
  int year = 0, month = 0;
};

std::optional<CalVer> calver(std::string_view v) {
  CalVer c;
  size_t i = 0;
  auto num = [&](int& out) {
    size_t start = i;
    out = 0;
    while (i < v.size() && std::isdigit(static_cast<unsigned char>(v[i])) && i - start < 5) out = out * 10 + (v[i++] - '0');
    return i > start;
  };
  if (!num(c.year) || i >= v.size() || v[i] != '.') return std::nullopt;
  ++i;
  if (!num(c.month)) return std::nullopt;
  return c;
}

int months_behind(const CalVer& hub, const CalVer& latest) {
  if (hub.year < 2000) return 99;   // 0.x releases: years old
  return (latest.year * 12 + latest.month) - (hub.year * 12 + hub.month);
}

Result<Releases> parse_releases(std::string_view text) {
  json::value doc;
  try {
    doc = json::parse(text);
  } catch (const std::exception& e) {
    return releases_error(std::string("not valid JSON: ") + e.what());
  }
  if (!doc.is_object()) return releases_error("top level is not an object");
  const auto& o = doc.get_object();
  Releases r;
  auto* rel = o.if_contains("releases");
  if (!rel || !rel->is_array() || rel->get_array().empty()) return releases_error("\"releases\" must be a non-empty array");
  size_t i = 0;
  for (auto& v : rel->get_array()) {
    const std::string where = "releases[" + std::to_string(i++) + "]";
    if (!v.is_object()) return releases_error(where + " is not an object");
    auto* ver = v.get_object().if_contains("version");
    auto* date = v.get_object().if_contains("date");
    if (!ver || !ver->is_string() || !calver(ver->get_string())) return releases_error(where + ": \"version\" is not YEAR.MONTH.PATCH");
    if (!date || !date->is_string() || date->get_string().size() != 10) return releases_error(where + ": \"date\" is not YYYY-MM-DD");
    const std::string vs(ver->get_string());
    if (r.latest.empty() || data::compare_versions(vs, r.latest) > 0) {
      r.latest = vs;
      r.latest_date = std::string(date->get_string());
    }
  }
  if (auto* d = o.if_contains("data_date"); d && d->is_string()) r.data_date = std::string(d->get_string());
  else return releases_error("\"data_date\" is required: it says how fresh the list is");
  if (auto* l = o.if_contains("latest"); l && l->is_string() && std::string(l->get_string()) != r.latest)
    return releases_error("\"latest\" does not name the newest release in \"releases\"");
  return r;
}

const Result<Releases>& releases() {
  static const Result<Releases> r = []() -> Result<Releases> {
    auto text = resources::get("manifests/catalog/hub_releases.json");
    if (!text) return releases_error("missing from the embedded data");
    return parse_releases(*text);
  }();
  return r;
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
  const auto& r = releases();
  if (!r) return;
  const auto hub = calver(h.hub.version), latest = calver(r.value().latest);
  if (!hub || !latest || data::compare_versions(h.hub.version, r.value().latest) >= 0) return;
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

namespace data {
std::string check_hub_releases(std::string_view text) {
  auto r = parse_releases(text);
  return r ? std::string() : r.error().describe();
}
}  // namespace data

std::vector<RuleDef> hub() {
  return {
      {.id = "DG-HUB-001",
       .clauses = {"6.2.2", "7.2.17"},
       .etsi = {"5.3-8"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::gateway,
       .severity = Severity::medium,
       .needs = {Part::hub_config},
       .home_check = hub_behind},
      {.id = "DG-HUB-002",
       .clauses = {"7.2.14", "6.2.2"},
       .etsi = {"5.5-1", "5.5-5"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::gateway,
       .severity = Severity::high,
       .needs = {Part::hub_config},
       .home_check = external_plain_http},
      {.id = "DG-HUB-003",
       .clauses = {"7.2.14", "7.2.15", "6.2.4"},
       .etsi = {"5.5-1"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::gateway,
       .severity = Severity::medium,
       .needs = {Part::hub_config, Part::http},
       .home_check = plain_hub_reachable},
      {.id = "DG-HUB-004",
       .clauses = {"6.3.2", "7.2.15"},
       .etsi = {"5.6-1"},
       .dimension = Dimension::privacy,
       .risk_source = RiskSource::gateway,
       .severity = Severity::low,
       .needs = {Part::cloud},
       .home_check = remote_ui_on},
      {.id = "DG-HUB-005",
       .clauses = {"7.2.15", "6.2.2"},
       .etsi = {"5.1-5"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::gateway,
       .severity = Severity::medium,
       .needs = {Part::http},
       .home_check = no_login_ban},
      {.id = "DG-HUB-006",
       .clauses = {"7.2.15", "7.1.2", "6.2.2"},
       .etsi = {"5.5-4"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::service,
       .severity = Severity::medium,
       .needs = {Part::cloud},
       .home_check = cloud_voice_no_pin},
  };
}

}  // namespace domoguard::audit::rules
