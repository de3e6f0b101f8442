// DG-VUL: known-vulnerable and end-of-life devices, and hub versions named in security advisories.
// ISO/IEC 27403 7.2.22 (management of vulnerable devices), 7.2.18 (sharing vulnerability
// information) and 7.2.24 (support period / end of life); ETSI EN 303 645 5.2, 5.3-13, 5.3-14.
// Data: manifests/catalog/vulnerable.json (curated, each entry names its source).
#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <optional>

#include "audit/classify.hpp"
#include "audit/rules/families.hpp"
#include "audit/rules/security_data.hpp"
#include "util/resources.hpp"
#include "util/result.hpp"

namespace domoguard::audit::rules {
namespace {

namespace json = boost::json;
using model::Device;
using model::Home;
using model::Part;
using model::Tier;

struct Firmware {
  std::string fixed;          // first fixed version (exclusive upper bound)
  std::string max_affected;   // last affected version (inclusive)
  std::string fixed_build;    // first fixed build number after the word "build"
  bool any() const { return !fixed.empty() || !max_affected.empty() || !fixed_build.empty(); }
};

struct DeviceEntry {
  std::string id, title, advisory, source, url, eol_date;
  std::vector<std::string> vendors, models;   // lower case
  bool family = false, kev = false, eol = false;
  Firmware firmware;
};

struct HubEntry {
  std::string id, title, fixed, advisory, source, url;
  std::vector<std::string> installation_types;
  Severity severity = Severity::high;
};

struct Catalog {
  std::vector<DeviceEntry> devices;
  std::vector<HubEntry> hub;
};

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

Error data_error(std::string msg, std::string where = "") {
  Error e;
  e.key = "error.catalog.malformed";
  e.message = std::move(msg);
  e.file = "manifests/catalog/vulnerable.json";
  e.where = std::move(where);
  return e;
}

// Reads an optional string member; a member of the wrong type is an error, reported via ok.
std::string str(const json::object& o, std::string_view k, bool& ok) {
  auto* v = o.if_contains(k);
  if (!v || v->is_null()) return {};
  if (!v->is_string()) { ok = false; return {}; }
  return std::string(v->get_string());
}

bool boolean(const json::object& o, std::string_view k, bool& ok) {
  auto* v = o.if_contains(k);
  if (!v) return false;
  if (!v->is_bool()) { ok = false; return false; }
  return v->get_bool();
}

std::vector<std::string> strings(const json::object& o, std::string_view k, bool& ok) {
  std::vector<std::string> out;
  auto* v = o.if_contains(k);
  if (!v) return out;
  if (!v->is_array()) { ok = false; return out; }
  for (auto& x : v->get_array()) {
    if (!x.is_string()) { ok = false; continue; }
    out.push_back(lower(std::string(x.get_string())));
  }
  return out;
}

Result<Catalog> parse_catalog(std::string_view text) {
  json::value doc;
  try {
    doc = json::parse(text);
  } catch (const std::exception& e) {
    return data_error(std::string("not valid JSON: ") + e.what());
  }
  if (!doc.is_object()) return data_error("top level is not an object");
  const auto& root = doc.get_object();
  Catalog c;
  auto* devs = root.if_contains("devices");
  if (!devs || !devs->is_array()) return data_error("\"devices\" must be an array");
  size_t i = 0;
  for (auto& v : devs->get_array()) {
    const std::string where = "devices[" + std::to_string(i++) + "]";
    if (!v.is_object()) return data_error("entry is not an object", where);
    const auto& o = v.get_object();
    bool ok = true;
    DeviceEntry d;
    d.id = str(o, "id", ok);
    d.title = str(o, "title", ok);
    d.advisory = str(o, "advisory", ok);
    d.source = str(o, "source", ok);
    d.url = str(o, "url", ok);
    d.eol_date = str(o, "eol_date", ok);
    d.vendors = strings(o, "vendors", ok);
    d.models = strings(o, "models", ok);
    d.family = boolean(o, "family", ok);
    d.kev = boolean(o, "kev", ok);
    d.eol = boolean(o, "eol", ok);
    if (auto* fw = o.if_contains("firmware")) {
      if (!fw->is_object()) return data_error("\"firmware\" must be an object", where);
      d.firmware.fixed = str(fw->get_object(), "fixed", ok);
      d.firmware.max_affected = str(fw->get_object(), "max_affected", ok);
      d.firmware.fixed_build = str(fw->get_object(), "fixed_build", ok);
    }
    if (!ok) return data_error("a member has the wrong type", where);
    if (d.id.empty() || d.source.empty()) return data_error("\"id\" and \"source\" are required", where);
    if (d.vendors.empty() || d.models.empty())
      return data_error("\"vendors\" and \"models\" must list at least one pattern (a vendor alone never flags)", where);
    if (d.advisory.empty() && !d.eol) return data_error("entry has neither \"advisory\" nor \"eol\"", where);
    c.devices.push_back(std::move(d));
  }
  i = 0;
  if (auto* hub = root.if_contains("hub")) {
    if (!hub->is_array()) return data_error("\"hub\" must be an array");
    for (auto& v : hub->get_array()) {
      const std::string where = "hub[" + std::to_string(i++) + "]";
      if (!v.is_object()) return data_error("entry is not an object", where);
      const auto& o = v.get_object();
      bool ok = true;
      HubEntry h;
      h.id = str(o, "id", ok);
      h.title = str(o, "title", ok);
      h.fixed = str(o, "fixed", ok);
      h.advisory = str(o, "advisory", ok);
      h.source = str(o, "source", ok);
      h.url = str(o, "url", ok);
      for (auto& t : strings(o, "installation_types", ok)) h.installation_types.push_back(t);
      const std::string sev = str(o, "severity", ok);
      if (!ok) return data_error("a member has the wrong type", where);
      if (!sev.empty() && !parse_severity(sev, h.severity)) return data_error("unknown severity \"" + sev + "\"", where);
      if (h.id.empty() || h.fixed.empty() || h.advisory.empty() || h.source.empty())
        return data_error("\"id\", \"fixed\", \"advisory\" and \"source\" are required", where);
      if (data::compare_versions(h.fixed, h.fixed) != 0 || h.fixed.find_first_of("0123456789") == std::string::npos)
        return data_error("\"fixed\" is not a version", where);
      c.hub.push_back(std::move(h));
    }
  }
  return c;
}

// Parsed once; a broken embedded file leaves the rules without data (the catalog test fails).
const Result<Catalog>& catalog() {
  static const Result<Catalog> c = []() -> Result<Catalog> {
    auto text = resources::get("manifests/catalog/vulnerable.json");
    if (!text) return data_error("missing from the embedded data");
    return parse_catalog(*text);
  }();
  return c;
}

// Version parsing: numeric components of the first word ("V5.5.800" -> 5,5,800).
std::vector<uint64_t> components(std::string_view s) {
  std::vector<uint64_t> out;
  size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  if (i < s.size() && (s[i] == 'v' || s[i] == 'V')) ++i;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
    uint64_t n = 0;
    int digits = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
      if (digits++ < 18) n = n * 10 + static_cast<uint64_t>(s[i] - '0');
      ++i;
    }
    out.push_back(n);
    if (i + 1 < s.size() && s[i] == '.' && std::isdigit(static_cast<unsigned char>(s[i + 1]))) ++i;
    else break;
  }
  return out;
}

bool long_build(const std::vector<uint64_t>& v) { return v.size() == 1 && v[0] >= 100000; }

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

bool matches(const DeviceEntry& e, const Device& d) {
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

Fw firmware_status(const Firmware& f, const std::string& sw) {
  if (!f.any()) return Fw::unknown;
  if (sw.empty()) return Fw::unknown;
  if (!f.fixed_build.empty()) {
    auto b = build_number(sw);
    if (!b) return Fw::unknown;
    return *b < std::stoull(f.fixed_build) ? Fw::affected : Fw::not_affected;
  }
  if (components(sw).empty()) return Fw::unknown;
  if (!f.fixed.empty()) return data::compare_versions(sw, f.fixed) < 0 ? Fw::affected : Fw::not_affected;
  return data::compare_versions(sw, f.max_affected) <= 0 ? Fw::affected : Fw::not_affected;
}

Severity raise(Severity s) { return s == Severity::critical ? s : static_cast<Severity>(static_cast<int>(s) + 1); }

Finding device_finding(const Device& d, const DeviceEntry& e, const char* confidence) {
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
  const auto& cat = catalog();
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
  const auto& cat = catalog();
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
  const auto& cat = catalog();
  if (!cat || h.hub.version.empty() || components(h.hub.version).empty()) return;
  const auto inst = lower(h.hub.installation_type);
  const bool known_type = !inst.empty();
  std::vector<const HubEntry*> hits;
  bool all_certain = true;
  for (const auto& e : cat.value().hub) {
    if (data::compare_versions(h.hub.version, e.fixed) >= 0) continue;
    if (!e.installation_types.empty() && known_type &&
        std::find(e.installation_types.begin(), e.installation_types.end(), inst) == e.installation_types.end())
      continue;
    all_certain &= e.installation_types.empty() || known_type;
    hits.push_back(&e);
  }
  if (hits.empty()) return;
  // One finding for the hub: the most severe advisory leads, the others are listed.
  std::stable_sort(hits.begin(), hits.end(), [](auto* a, auto* b) { return a->severity > b->severity; });
  const HubEntry& top = *hits.front();
  std::string advisories, fixed = top.fixed;
  for (auto* e : hits) {
    advisories += (advisories.empty() ? "" : "; ") + e->advisory;
    if (data::compare_versions(e->fixed, fixed) > 0) fixed = e->fixed;
  }
  Finding f;
  f.severity = top.severity;
  f.subject = hub_subject(h);
  f.placeholders = {{"advisory", top.advisory}, {"version", h.hub.version}};
  f.evidence = {{"hub_version", h.hub.version}, {"fixed_in", fixed}, {"advisory", advisories},
                {"confidence", all_certain ? "high" : "medium"}, {"source", top.source}};
  if (!top.url.empty()) f.evidence.emplace_back("reference", top.url);
  std::string core_update;
  for (const auto& en : h.entities)
    if (en.domain == "update" && !en.disabled && en.entity_id.find("home_assistant_core") != std::string::npos &&
        (en.supported_features & 1))
      core_update = en.entity_id;
  // Guidance either way: installing the hub update cannot be undone or verified within a plan.
  f.remediation = guidance("rule.DG-VUL-003.fix");
  if (!core_update.empty()) f.evidence.emplace_back("update_entity", core_update);
  out.add(std::move(f));
}

}  // namespace

namespace data {

int compare_versions(std::string_view a, std::string_view b) {
  auto x = components(a), y = components(b);
  // A single long build number compares with the last number of a dotted version.
  if (long_build(x) && y.size() > 1) y = {y.back()};
  else if (long_build(y) && x.size() > 1) x = {x.back()};
  const size_t n = std::max(x.size(), y.size());
  for (size_t i = 0; i < n; ++i) {
    const uint64_t p = i < x.size() ? x[i] : 0, q = i < y.size() ? y[i] : 0;
    if (p != q) return p < q ? -1 : 1;
  }
  return 0;
}

std::string check_vulnerable(std::string_view text) {
  auto c = parse_catalog(text);
  return c ? std::string() : c.error().describe();
}

}  // namespace data

std::vector<RuleDef> vulnerable() {
  return {
      {.id = "DG-VUL-001",
       .clauses = {"7.2.22", "7.2.18", "D"},
       .etsi = {"5.2-1", "5.3-2"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::device,
       .severity = Severity::high,
       .needs = {Part::devices},
       .device_check = known_vulnerable},
      {.id = "DG-VUL-002",
       .clauses = {"7.2.24", "7.2.22"},
       .etsi = {"5.3-13", "5.3-14"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::device,
       .severity = Severity::medium,
       .needs = {Part::devices},
       .device_check = end_of_life},
      {.id = "DG-VUL-003",
       .clauses = {"7.2.22", "6.2.2", "7.2.17"},
       .etsi = {"5.3-8"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::gateway,
       .severity = Severity::high,
       .needs = {Part::hub_config},
       .home_check = hub_advisory},
  };
}

}  // namespace domoguard::audit::rules
