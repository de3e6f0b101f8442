// DG-WEB: the dashboards' supply chain. A dashboard resource is JavaScript (or CSS) that every
// signed-in browser loads into the hub's own page: it runs with that person's session, and for an
// administrator that means every right in the home. ISO/IEC 27403 7.2.23 (management of supplier
// relationships), 6.2.2 (the gateway), 7.2.14 (suitable networks); ETSI EN 303 645 5.7-1 (software
// integrity), 5.5-1 (secure communication).
#include "audit/rules/families.hpp"

namespace domoguard::audit::rules {

using namespace std::string_view_literals;
namespace {

using model::DashboardResource;
using model::Home;
using model::Part;

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The host part of an absolute URL ("https://cdn.example.com:443/x.js" -> "cdn.example.com"), or "".
std::string host_of(const std::string& url_in) {
  const auto url = lower(url_in);
  std::size_t start;
  if (url.rfind("http://", 0) == 0) start = 7;
  else if (url.rfind("https://", 0) == 0) start = 8;
  else if (url.rfind("//", 0) == 0) start = 2;
  else return {};
  auto end = url.find_first_of("/:?#", start);
  auto host = url.substr(start, end == std::string::npos ? std::string::npos : end - start);
  if (auto at = host.rfind('@'); at != std::string::npos) host = host.substr(at + 1);
  return host;
}

// Served by the hub itself: a path (/local/, /hacsfiles/), or the hub's own internal or external URL.
bool from_hub(const Home& h, const DashboardResource& r) {
  const auto host = host_of(r.url);
  if (host.empty()) return true;
  for (const auto* own : {&h.hub.internal_url, &h.hub.external_url})
    if (!own->empty() && host_of(*own) == host) return true;
  return host == "localhost"sv || host == "127.0.0.1"sv || host == "homeassistant.local"sv || host == "homeassistant"sv;
}

Finding resource_finding(const Home& h, const DashboardResource& r, Severity s) {
  Finding f;
  f.severity = s;
  f.subject = {"dashboard_resource", r.id.empty() ? r.url : r.id, r.url};
  f.placeholders = {{"name", r.url}, {"host", host_of(r.url)}};
  f.evidence = {{"url", r.url}, {"type", r.type.empty() ? "unknown" : r.type}};
  (void)h;
  return f;
}

// DG-WEB-001: a dashboard loads code from a server outside the hub. Whoever controls that server
// (or takes it over) decides, at every page load, what runs inside the administrator's session: it
// can read the session token, unlock doors or add a user. High.
void remote_resource(const Home& h, Sink& out) {
  for (const auto& r : h.dashboard_resources) {
    if (from_hub(h, r)) continue;
    Finding f = resource_finding(h, r, Severity::high);
    f.evidence.emplace_back("served_by", "third party");
    f.remediation = guidance("rule.DG-WEB-001.fix");
    out.add(std::move(f));
  }
}

// DG-WEB-002: a dashboard resource is fetched over plain http from another machine: anyone on the
// path (the home network, or the internet for a remote server) can swap the code on its way to the
// browser. Critical when the server is outside the home (either control of it or of the path is
// enough), medium when it is another machine at home.
void cleartext_resource(const Home& h, Sink& out) {
  for (const auto& r : h.dashboard_resources) {
    if (lower(r.url).rfind("http://", 0) != 0) continue;
    const auto host = host_of(r.url);
    if (host == "localhost"sv || host == "127.0.0.1"sv) continue;
    bool lan = host.rfind("192.168.", 0) == 0 || host.rfind("10.", 0) == 0 || host.ends_with(".local") ||
               host.ends_with(".lan") || host.ends_with(".home.arpa") || host.find('.') == std::string::npos;
    for (int b = 16; b <= 31 && !lan; ++b) lan = host.rfind("172." + std::to_string(b) + ".", 0) == 0;
    lan = lan || from_hub(h, r);
    Finding f = resource_finding(h, r, lan ? Severity::medium : Severity::critical);
    f.evidence.emplace_back("encrypted", "false");
    f.remediation = guidance("rule.DG-WEB-002.fix");
    out.add(std::move(f));
  }
}

}  // namespace

std::vector<RuleDef> web() {
  return {
      {.id = "DG-WEB-001",
       .clauses = {"7.2.23", "6.2.2"},
       .etsi = {"5.7-1"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::service,
       .severity = Severity::high,
       .needs = {Part::dashboard_resources},
       .categories = {"hub"},
       .levels = {.recommended = LevelMode::warn, .strict = LevelMode::warn,
                  .strict_reason = "level.reason.hub_settings"},
       .home_check = remote_resource},
      {.id = "DG-WEB-002",
       .clauses = {"7.2.14", "7.2.23"},
       .etsi = {"5.5-1"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::network,
       .severity = Severity::high,
       .needs = {Part::dashboard_resources},
       .categories = {"hub"},
       .levels = {.basic = LevelMode::warn, .recommended = LevelMode::warn, .strict = LevelMode::warn,
                  .strict_reason = "level.reason.hub_settings"},
       .home_check = cleartext_resource},
  };
}

}  // namespace domoguard::audit::rules
