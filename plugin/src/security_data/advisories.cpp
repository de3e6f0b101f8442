#include "security_data/advisories.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <cstdint>

#include "util/resources.hpp"

namespace domoguard::security_data {
namespace {

namespace json = boost::json;

bool severity_name(const std::string& s) {
  return s == "info" || s == "low" || s == "medium" || s == "high" || s == "critical";
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

Error releases_error(std::string msg) {
  Error e;
  e.key = "error.catalog.malformed";
  e.message = std::move(msg);
  e.file = "manifests/catalog/hub_releases.json";
  return e;
}

}  // namespace

Result<Advisories> parse_advisories(std::string_view text) {
  json::value doc;
  try {
    doc = json::parse(text);
  } catch (const std::exception& e) {
    return data_error(std::string("not valid JSON: ") + e.what());
  }
  if (!doc.is_object()) return data_error("top level is not an object");
  const auto& root = doc.get_object();
  Advisories c;
  auto* devs = root.if_contains("devices");
  if (!devs || !devs->is_array()) return data_error("\"devices\" must be an array");
  size_t i = 0;
  for (auto& v : devs->get_array()) {
    const std::string where = "devices[" + std::to_string(i++) + "]";
    if (!v.is_object()) return data_error("entry is not an object", where);
    const auto& o = v.get_object();
    bool ok = true;
    DeviceAdvisory d;
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
      HubAdvisory h;
      h.id = str(o, "id", ok);
      h.title = str(o, "title", ok);
      h.fixed = str(o, "fixed", ok);
      h.advisory = str(o, "advisory", ok);
      h.source = str(o, "source", ok);
      h.url = str(o, "url", ok);
      for (auto& t : strings(o, "installation_types", ok)) h.installation_types.push_back(t);
      h.severity = str(o, "severity", ok);
      if (!ok) return data_error("a member has the wrong type", where);
      if (h.severity.empty()) h.severity = "high";
      if (!severity_name(h.severity)) return data_error("unknown severity \"" + h.severity + "\"", where);
      if (h.id.empty() || h.fixed.empty() || h.advisory.empty() || h.source.empty())
        return data_error("\"id\", \"fixed\", \"advisory\" and \"source\" are required", where);
      if (compare_versions(h.fixed, h.fixed) != 0 || h.fixed.find_first_of("0123456789") == std::string::npos)
        return data_error("\"fixed\" is not a version", where);
      c.hub.push_back(std::move(h));
    }
  }
  return c;
}


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

Result<HubReleases> parse_hub_releases(std::string_view text) {
  json::value doc;
  try {
    doc = json::parse(text);
  } catch (const std::exception& e) {
    return releases_error(std::string("not valid JSON: ") + e.what());
  }
  if (!doc.is_object()) return releases_error("top level is not an object");
  const auto& o = doc.get_object();
  HubReleases r;
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
    if (r.latest.empty() || compare_versions(vs, r.latest) > 0) {
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

const Result<Advisories>& advisories() {
  static const Result<Advisories> c = []() -> Result<Advisories> {
    auto text = resources::get("manifests/catalog/vulnerable.json");
    if (!text) return data_error("missing from the embedded data");
    return parse_advisories(*text);
  }();
  return c;
}

const Result<HubReleases>& hub_releases() {
  static const Result<HubReleases> r = []() -> Result<HubReleases> {
    auto text = resources::get("manifests/catalog/hub_releases.json");
    if (!text) return releases_error("missing from the embedded data");
    return parse_hub_releases(*text);
  }();
  return r;
}

std::string check_vulnerable(std::string_view text) {
  auto c = parse_advisories(text);
  return c ? std::string() : c.error().describe();
}

std::string check_hub_releases(std::string_view text) {
  auto r = parse_hub_releases(text);
  return r ? std::string() : r.error().describe();
}

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

bool has_version_number(std::string_view s) { return !components(s).empty(); }

}  // namespace domoguard::security_data
