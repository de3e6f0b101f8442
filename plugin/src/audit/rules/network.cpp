// DG-NET: how the hub talks to brokers, devices and services.
// ISO/IEC 27403 6.2.4 (risk sources of networks: eavesdropping, replay, spoofing) and 7.2.14
// (secure communication, no plaintext, authenticated connections); ETSI EN 303 645 5.5.
#include <algorithm>
#include <cctype>
#include <string_view>

#include "audit/classify.hpp"
#include "audit/rules/families.hpp"

namespace domoguard::audit::rules {

using namespace std::string_view_literals;
namespace {

using model::Device;
using model::DeviceType;
using model::Home;
using model::Integration;
using model::Part;
using model::Tier;

bool starts_with_ci(const std::string& s, std::string_view p) {
  if (s.size() < p.size()) return false;
  for (size_t i = 0; i < p.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[i])) != p[i]) return false;
  return true;
}

// Host part of "scheme://host[:port]/...", lower case; IPv6 literals keep their brackets off.
std::string url_host(const std::string& url) {
  auto p = url.find("://");
  if (p == std::string::npos) return {};
  std::string rest = url.substr(p + 3);
  if (auto at = rest.find('@'); at != std::string::npos && at < rest.find('/')) rest = rest.substr(at + 1);
  std::string host;
  if (!rest.empty() && rest[0] == '[') host = rest.substr(1, rest.find(']') - 1);
  else host = rest.substr(0, rest.find_first_of(":/?#"));
  std::transform(host.begin(), host.end(), host.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return host;
}

bool loopback_host(const std::string& host) {
  return host == "localhost"sv || host == "::1"sv || host.rfind("127.", 0) == 0 || host.ends_with(".localhost");
}

bool active(const Integration& i) { return !i.disabled; }

Finding integration_finding(const Integration& i, Severity s) {
  Finding f;
  f.severity = s;
  f.subject = subject_of(i);
  f.placeholders = {{"name", f.subject.name}};
  f.evidence = {{"domain", i.domain}};
  if (!i.transport_host_kind.empty()) f.evidence.emplace_back("host_kind", i.transport_host_kind);
  return f;
}

// DG-NET-001: the MQTT connection to a broker on another machine is unencrypted. Every device
// state and command (door unlocked, alarm off) crosses the network in clear and can be forged.
void mqtt_no_tls(const Home& h, Sink& out) {
  for (const auto& i : h.integrations) {
    if (!active(i) || i.domain != "mqtt"sv || i.uses_tls != false) continue;
    if (i.transport_host_kind != "local"sv && i.transport_host_kind != "remote"sv) continue;   // loopback or unknown
    Finding f = integration_finding(i, i.transport_host_kind == "remote"sv ? Severity::high : Severity::medium);
    f.evidence.emplace_back("tls", "false");
    f.remediation = guidance("rule.DG-NET-001.fix");
    out.add(std::move(f));
  }
}

// DG-NET-002: the MQTT broker lets anyone connect without a name and password. Any device on the
// network can then read every sensor and send commands to every MQTT device (ETSI 5.5-4).
void mqtt_no_auth(const Home& h, Sink& out) {
  for (const auto& i : h.integrations) {
    if (!active(i) || i.domain != "mqtt"sv || i.has_auth != false) continue;
    const auto& k = i.transport_host_kind;
    Severity s = k == "loopback"sv ? Severity::low : k == "remote"sv ? Severity::critical : k == "local"sv ? Severity::high
                                                                                                       : Severity::medium;
    Finding f = integration_finding(i, s);
    f.evidence.emplace_back("authentication", "false");
    f.remediation = guidance("rule.DG-NET-002.fix");
    out.add(std::move(f));
  }
}

// DG-NET-003: the device's own settings page is plain http://. Its admin password travels
// unencrypted on the home network each time someone opens it (7.2.14).
void admin_page_http(const Home&, const Device& d, Sink& out) {
  if (!starts_with_ci(d.configuration_url, "http://")) return;
  const auto host = url_host(d.configuration_url);
  if (host.empty() || loopback_host(host)) return;
  Finding f;
  f.severity = d.tier == Tier::normal ? Severity::low : Severity::medium;
  f.subject = subject_of(d);
  f.device_id = d.id;
  f.placeholders = {{"name", d.name}};
  f.evidence = {{"admin_page_scheme", "http"}};   // the address itself identifies the device: left out
  f.remediation = guidance("rule.DG-NET-003.fix");
  out.add(std::move(f));
}

// DG-NET-004: a Z-Wave lock, garage door or alarm joined without S2 security. Without it (or with
// the old S0 scheme, whose key exchange can be captured) radio commands can be sniffed or replayed.
void zwave_weak_security(const Home&, const Device& d, Sink& out) {
  if (!d.zwave_security) return;
  const int s = *d.zwave_security;
  if (s != -1 && s != 7) return;
  Finding f;
  f.severity = s == -1 ? Severity::high : Severity::medium;
  f.subject = subject_of(d);
  f.device_id = d.id;
  f.placeholders = {{"name", d.name}};
  f.evidence = {{"zwave_security", s == -1 ? "none" : "S0"}, {"type", model::to_string(d.type)}};
  f.remediation = guidance("rule.DG-NET-004.fix");
  out.add(std::move(f));
}

// DG-NET-005: an integration accepts any certificate. Anyone in the path can pose as the device or
// service and read the password or feed false data (7.2.14).
void verify_off(const Home& h, Sink& out) {
  for (const auto& i : h.integrations) {
    if (!active(i) || i.verify_tls != false) continue;
    Finding f = integration_finding(i, i.transport_host_kind == "remote"sv ? Severity::high : Severity::medium);
    f.evidence.emplace_back("certificate_check", "false");
    f.remediation = guidance("rule.DG-NET-005.fix");
    out.add(std::move(f));
  }
}

// DG-NET-006: an integration talks to a service on the internet without encryption: its password
// and the home's data cross the internet in clear. (MQTT has its own rule, DG-NET-001.)
void remote_plaintext(const Home& h, Sink& out) {
  for (const auto& i : h.integrations) {
    if (!active(i) || i.domain == "mqtt"sv || i.uses_tls != false || i.transport_host_kind != "remote"sv) continue;
    Finding f = integration_finding(i, Severity::high);
    f.evidence.emplace_back("tls", "false");
    f.remediation = guidance("rule.DG-NET-006.fix");
    out.add(std::move(f));
  }
}

}  // namespace

std::vector<RuleDef> network() {
  return {
      {.id = "DG-NET-001",
       .clauses = {"7.2.14", "6.2.4"},
       .etsi = {"5.5-1", "5.5-5"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::network,
       .severity = Severity::medium,
       .needs = {Part::integrations},
       .categories = {"hub"},
       .levels = {.recommended = LevelMode::warn, .strict = LevelMode::warn,
                  .strict_reason = "level.reason.hub_settings"},
       .home_check = mqtt_no_tls},
      {.id = "DG-NET-002",
       .clauses = {"7.2.14", "6.2.4", "7.2.16"},
       .etsi = {"5.5-4"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::network,
       .severity = Severity::high,
       .needs = {Part::integrations},
       .categories = {"hub"},
       .levels = {.basic = LevelMode::warn, .recommended = LevelMode::warn, .strict = LevelMode::warn,
                  .strict_reason = "level.reason.hub_settings"},
       .home_check = mqtt_no_auth},
      {.id = "DG-NET-003",
       .clauses = {"7.2.14", "6.2.3"},
       .etsi = {"5.5-1"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::device,
       .severity = Severity::low,
       .needs = {Part::devices},
       .categories = {"access_locks", "cameras_video", "voice_microphones", "media_content", "energy_appliances", "hub"},
       .levels = {.recommended = LevelMode::warn, .strict = LevelMode::warn, .strict_reason = "level.reason.physical"},
       .device_check = admin_page_http},
      {.id = "DG-NET-004",
       .clauses = {"7.2.14", "6.2.4", "D"},
       .etsi = {"5.5-1"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::network,
       .severity = Severity::high,
       .needs = {Part::devices, Part::radio_security},
       .device_types = {DeviceType::lock, DeviceType::garage, DeviceType::alarm},
       .categories = {"access_locks"},
       .levels = {.recommended = LevelMode::warn, .strict = LevelMode::warn, .strict_reason = "level.reason.physical"},
       .device_check = zwave_weak_security},
      {.id = "DG-NET-005",
       .clauses = {"7.2.14"},
       .etsi = {"5.5-1"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::network,
       .severity = Severity::medium,
       .needs = {Part::integrations},
       .categories = {"hub"},
       .levels = {.recommended = LevelMode::warn, .strict = LevelMode::warn,
                  .strict_reason = "level.reason.hub_settings"},
       .home_check = verify_off},
      {.id = "DG-NET-006",
       .clauses = {"7.2.14", "6.2.4"},
       .etsi = {"5.5-1"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::network,
       .severity = Severity::high,
       .needs = {Part::integrations},
       .categories = {"hub"},
       .levels = {.recommended = LevelMode::warn, .strict = LevelMode::warn,
                  .strict_reason = "level.reason.hub_settings"},
       .home_check = remote_plaintext},
  };
}

}  // namespace domoguard::audit::rules
