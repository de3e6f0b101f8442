// DG-VUL: known-vulnerable and end-of-life devices, and hub versions named in security advisories.
// ISO/IEC 27403 7.2.22 (management of vulnerable devices), 7.2.18 (sharing vulnerability
// information) and 7.2.24 (support period / end of life); ETSI EN 303 645 5.2, 5.3-13, 5.3-14.
// Data: manifests/catalog/vulnerable.json (curated, each entry names its source).
#include <algorithm>
#include <cctype>
#include <optional>
#include <string_view>

#include "audit/classify.hpp"
#include "audit/rules/families.hpp"
#include "security_data/advisories.hpp"
#include "util/result.hpp"

namespace domoguard::audit::rules {

using namespace std::string_view_literals;
namespace {

using model::Device;
using model::Home;
using model::Part;
using model::Tier;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// The build number after the word "build" ("V5.5.800 build 210628"), as yyMMdd.
std::optional<uint64_t> build_number(const std::string& fw) {
  const auto l = lower(fw);
  auto p = l.find("build");
  if (p == std::string::npos) return std::nullopt;
  p += 5;
  while (p < l.size() && (l[p] == ' ' || l[p] == ':' || l[p] == '_')) ++p;
  std::string digits;
  while (p < l.size() && std::isdigit(static_cast<unsigned char>(l[p]))) digits += l[p++];
  if (digits.size() == 8) digits = digits.substr(2);   // yyyyMMdd -> yyMMdd
  if (digits.size() != 6) return std::nullopt;
  return std::stoull(digits);
}

// Case-insensitive glob with '*' only; both sides already lower case.
bool glob(std::string_view pat, std::string_view s) {
  size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < s.size()) {
    if (p < pat.size() && pat[p] == s[t]) { ++p; ++t; }
    else if (p < pat.size() && pat[p] == '*') { star = p++; mark = t; }
    else if (star != std::string_view::npos) { p = star + 1; t = ++mark; }
    else return false;
  }
  while (p < pat.size() && pat[p] == '*') ++p;
  return p == pat.size();
}

bool matches(const security_data::DeviceAdvisory& e, const Device& d) {
  const auto manu = lower(d.manufacturer);
  if (manu.empty() || std::none_of(e.vendors.begin(), e.vendors.end(), [&](const std::string& v) {
        return manu.find(v) != std::string::npos;
      }))
    return false;
  const auto model = lower(d.model), model_id = lower(d.model_id);
  return std::any_of(e.models.begin(), e.models.end(), [&](const std::string& p) {
    return (!model.empty() && glob(p, model)) || (!model_id.empty() && glob(p, model_id));
  });
}

enum class Fw { affected, not_affected, unknown };

Fw firmware_status(const security_data::Firmware& f, const std::string& sw) {
  if (!f.any()) return Fw::unknown;
  if (sw.empty()) return Fw::unknown;
  if (!f.fixed_build.empty()) {
    auto b = build_number(sw);
    if (!b) return Fw::unknown;
    return *b < std::stoull(f.fixed_build) ? Fw::affected : Fw::not_affected;
  }
  if (!security_data::has_version_number(sw)) return Fw::unknown;
  if (!f.fixed.empty()) return security_data::compare_versions(sw, f.fixed) < 0 ? Fw::affected : Fw::not_affected;
  return security_data::compare_versions(sw, f.max_affected) <= 0 ? Fw::affected : Fw::not_affected;
}

// An advisory's severity as vulnerable.json names it (checked when the file is read).
Severity severity_of(const security_data::HubAdvisory& e) {
  Severity s = Severity::high;
  parse_severity(e.severity, s);
  return s;
}

Severity raise(Severity s) { return s == Severity::critical ? s : static_cast<Severity>(static_cast<int>(s) + 1); }

Finding device_finding(const Device& d, const security_data::DeviceAdvisory& e, const char* confidence) {
  Finding f;
  f.subject = subject_of(d);
  f.device_id = d.id;
  f.placeholders = {{"name", d.name}, {"advisory", e.advisory}};
  f.evidence = {{"catalog_entry", e.id}, {"confidence", confidence}, {"manufacturer", d.manufacturer},
                {"model", d.model.empty() ? d.model_id : d.model}, {"firmware", d.sw_version.empty() ? "unknown" : d.sw_version}};
  if (!e.advisory.empty()) f.evidence.emplace_back("advisory", e.advisory);
  if (e.kev) f.evidence.emplace_back("known_exploited", "true");
  f.evidence.emplace_back("source", e.source);
  if (!e.url.empty()) f.evidence.emplace_back("reference", e.url);
  return f;
}

// DG-VUL-001: the device matches a published, known vulnerability. Attackers scan for exactly
// these models (KEV entries are exploited in the wild), so the household needs to patch or isolate.
void known_vulnerable(const Home&, const Device& d, Sink& out) {
  const auto& cat = security_data::advisories();
  if (!cat) return;
  for (const auto& e : cat.value().devices) {
    if (e.advisory.empty() || !matches(e, d)) continue;
    const Fw fw = firmware_status(e.firmware, d.sw_version);
    if (fw == Fw::not_affected) continue;
    const bool high = fw == Fw::affected && !e.family;
    Finding f = device_finding(d, e, high ? "high" : "medium");
    // Exploited in the wild (KEV) weighs more; a certain match (model and firmware) raises it again.
    f.severity = e.kev ? Severity::high : Severity::medium;
    if (high) f.severity = raise(f.severity);
    if (!e.firmware.fixed.empty()) f.evidence.emplace_back("fixed_in", e.firmware.fixed);
    f.remediation = guidance("rule.DG-VUL-001.fix");
    out.add(std::move(f));
  }
}

// DG-VUL-002: the model no longer gets security fixes (end of life). Every future flaw stays open,
// so the device should be replaced or kept away from the internet.
void end_of_life(const Home&, const Device& d, Sink& out) {
  const auto& cat = security_data::advisories();
  if (!cat) return;
  for (const auto& e : cat.value().devices) {
    if (!e.eol || !matches(e, d)) continue;
    Finding f = device_finding(d, e, "medium");
    f.severity = d.tier == Tier::normal ? Severity::medium : Severity::high;
    if (!e.eol_date.empty()) f.evidence.emplace_back("end_of_life", e.eol_date);
    f.remediation = guidance("rule.DG-VUL-002.fix");
    out.add(std::move(f));
  }
}

// DG-VUL-003: the hub itself runs a version named in a security advisory. The hub holds every
// device's keys, so a known hole in it opens the whole home (6.2.2).
void hub_advisory(const Home& h, Sink& out) {
  const auto& cat = security_data::advisories();
  if (!cat || h.hub.version.empty() || !security_data::has_version_number(h.hub.version)) return;
  const auto inst = lower(h.hub.installation_type);
  const bool known_type = !inst.empty();
  std::vector<const security_data::HubAdvisory*> hits;
  bool all_certain = true;
  for (const auto& e : cat.value().hub) {
    if (security_data::compare_versions(h.hub.version, e.fixed) >= 0) continue;
    if (!e.installation_types.empty() && known_type &&
        std::find(e.installation_types.begin(), e.installation_types.end(), inst) == e.installation_types.end())
      continue;
    all_certain &= e.installation_types.empty() || known_type;
    hits.push_back(&e);
  }
  if (hits.empty()) return;
  // One finding for the hub: the most severe advisory leads, the others are listed.
  std::stable_sort(hits.begin(), hits.end(), [](auto* a, auto* b) { return severity_of(*a) > severity_of(*b); });
  const security_data::HubAdvisory& top = *hits.front();
  std::string advisories, fixed = top.fixed;
  for (auto* e : hits) {
    advisories += (advisories.empty() ? "" : "; ") + e->advisory;
    if (security_data::compare_versions(e->fixed, fixed) > 0) fixed = e->fixed;
  }
  Finding f;
  f.severity = severity_of(top);
  f.subject = hub_subject(h);
  f.placeholders = {{"advisory", top.advisory}, {"version", h.hub.version}};
  f.evidence = {{"hub_version", h.hub.version}, {"fixed_in", fixed}, {"advisory", advisories},
                {"confidence", all_certain ? "high" : "medium"}, {"source", top.source}};
  if (!top.url.empty()) f.evidence.emplace_back("reference", top.url);
  std::string core_update;
  for (const auto& en : h.entities)
    if (en.domain == "update"sv && !en.disabled && en.entity_id.find("home_assistant_core") != std::string::npos &&
        (en.supported_features & 1))
      core_update = en.entity_id;
  // Guidance either way: installing the hub update cannot be undone or verified within a plan.
  f.remediation = guidance("rule.DG-VUL-003.fix");
  if (!core_update.empty()) f.evidence.emplace_back("update_entity", core_update);
  out.add(std::move(f));
}

}  // namespace

std::vector<RuleDef> vulnerable() {
  return {
      {.id = "DG-VUL-001",
       .clauses = {"7.2.22", "7.2.18", "D"},
       .etsi = {"5.2-1", "5.3-2"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::device,
       .severity = Severity::high,
       .needs = {Part::devices},
       .categories = {"access_locks", "cameras_video", "voice_microphones", "presence_location", "media_content", "energy_appliances", "hub"},
       .levels = {.basic = LevelMode::warn, .recommended = LevelMode::warn, .strict = LevelMode::warn,
                  .strict_reason = "level.reason.not_reversible"},
       .device_check = known_vulnerable},
      {.id = "DG-VUL-002",
       .clauses = {"7.2.24", "7.2.22"},
       .etsi = {"5.3-13", "5.3-14"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::device,
       .severity = Severity::medium,
       .needs = {Part::devices},
       .categories = {"access_locks", "cameras_video", "voice_microphones", "presence_location", "media_content", "energy_appliances", "hub"},
       .levels = {.recommended = LevelMode::warn, .strict = LevelMode::warn, .strict_reason = "level.reason.vendor"},
       .device_check = end_of_life},
      {.id = "DG-VUL-003",
       .clauses = {"7.2.22", "6.2.2", "7.2.17"},
       .etsi = {"5.3-8"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::gateway,
       .severity = Severity::high,
       .needs = {Part::hub_version},
       .categories = {"hub"},
       .levels = {.basic = LevelMode::warn, .recommended = LevelMode::warn, .strict = LevelMode::warn,
                  .strict_reason = "level.reason.not_reversible"},
       .home_check = hub_advisory},
  };
}

}  // namespace domoguard::audit::rules
