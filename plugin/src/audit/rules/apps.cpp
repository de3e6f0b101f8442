// DG-APP: apps (formerly add-ons) the Supervisor runs next to the hub. Each is a container with
// its own software supplier, and some reach far beyond it: into the host, the home network or the
// Docker engine that runs everything else. ISO/IEC 27403 6.2.2 (the gateway as a source of risk),
// 7.2.15 (secure settings), 7.2.21 (roles: what each part may do), 7.2.17 (updates), 7.2.23 (suppliers),
// 7.2.14 (suitable networks), 7.2.16 (authentication); ETSI EN 303 645 5.6-7 (least privilege),
// 5.6-1 (unused interfaces closed), 5.3-8 (timely updates), 5.1-5 (brute-force mitigation).
//
// What the facts mean is taken from the Supervisor's source (home-assistant/supervisor @ 090ef31ec024):
// supervisor/docker/app.py grants full hardware access, the host's process namespace and the Docker
// socket only while protection mode is off; capabilities (`privileged`) and host networking are
// granted whatever the protection mode; supervisor/apps/utils.py `rating_security` gives the rating.
#include <algorithm>
#include <string>
#include <string_view>

#include "audit/rules/families.hpp"

namespace domoguard::audit::rules {

using namespace std::string_view_literals;
namespace {

using model::App;
using model::Home;
using model::Part;

// Capabilities that let a container reach the host kernel, other processes or the network stack
// (the set supervisor/apps/utils.py counts against the rating, plus SYS_BOOT and SYS_TIME).
bool dangerous_capability(const std::string& c) {
  static constexpr std::string_view caps[] = {"BPF",        "CHECKPOINT_RESTORE", "DAC_READ_SEARCH", "NET_ADMIN",
                                              "NET_RAW",    "PERFMON",            "SYS_ADMIN",       "SYS_MODULE",
                                              "SYS_PTRACE", "SYS_RAWIO",          "SYS_BOOT",        "SYS_TIME"};
  return std::find(std::begin(caps), std::end(caps), c) != std::end(caps);
}

// Rights that only protection mode holds back (supervisor/docker/app.py).
bool asks_host_control(const App& a) { return a.full_access || a.docker_api || a.host_pid; }

bool elevated(const App& a) {
  return asks_host_control(a) || a.host_network || a.protection == false ||
         std::any_of(a.privileged.begin(), a.privileged.end(), dangerous_capability);
}

bool third_party(const App& a) { return !a.repository.empty() && a.repository != "core"sv && a.repository != "local"sv; }

bool login_app(const App& a) {
  return a.slug.find("ssh") != std::string::npos || a.slug.find("terminal") != std::string::npos;
}

Finding app_finding(const App& a, Severity s) {
  Finding f;
  f.severity = s;
  f.subject = {"app", a.slug, a.name.empty() ? a.slug : a.name};
  f.placeholders = {{"name", f.subject.name}};
  f.evidence = {{"app", a.slug}};
  if (!a.repository.empty()) f.evidence.emplace_back("repository", a.repository);
  return f;
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

// DG-APP-001: protection mode is off. It is the Supervisor's one switch between an app and the
// host: with it off, an app that asks for full hardware access, the host's processes or the Docker
// engine gets them, and with the Docker socket it is root on the machine that holds every
// password, token and camera recording of the home. Critical when the app asks for those rights;
// medium otherwise (nothing is granted today, but the next version of the app may ask).
void protection_off(const Home& h, Sink& out) {
  for (const auto& a : h.apps) {
    if (a.protection != false) continue;
    Finding f = app_finding(a, asks_host_control(a) ? Severity::critical : Severity::medium);
    f.evidence.emplace_back("protection_mode", "false");
    if (a.full_access) f.evidence.emplace_back("full_access", "true");
    if (a.docker_api) f.evidence.emplace_back("docker_api", "true");
    if (a.host_pid) f.evidence.emplace_back("host_pid", "true");
    // One click through the Supervisor (POST /addons/<slug>/security), undone the same way.
    f.remediation = action("rule.DG-APP-001.fix", {{model::ActionKind::set_app_protection, a.slug, "true"}});
    out.add(std::move(f));
  }
}

// DG-APP-002: the app is granted kernel capabilities that reach past its container (SYS_ADMIN,
// SYS_MODULE, NET_ADMIN, ...). They are granted whatever the protection mode, so a flaw in the app
// or a hostile update becomes control of the host. High for SYS_ADMIN, SYS_MODULE, SYS_RAWIO and
// SYS_PTRACE (each alone is enough to leave the container), medium for the others.
void privileged_app(const Home& h, Sink& out) {
  for (const auto& a : h.apps) {
    std::vector<std::string> caps;
    for (const auto& c : a.privileged)
      if (dangerous_capability(c)) caps.push_back(c);
    if (caps.empty()) continue;
    const bool escape = std::any_of(caps.begin(), caps.end(), [](const std::string& c) {
      return c == "SYS_ADMIN"sv || c == "SYS_MODULE"sv || c == "SYS_RAWIO"sv || c == "SYS_PTRACE"sv;
    });
    Finding f = app_finding(a, escape ? Severity::high : Severity::medium);
    f.evidence.emplace_back("capabilities", join(caps));
    f.remediation = guidance("rule.DG-APP-002.fix");
    out.add(std::move(f));
  }
}

// DG-APP-003: the app shares the host's network: every port it opens is open on the home network
// and it can see the host's traffic, with no container network in between (7.2.14). Medium when it
// can also reconfigure or sniff the network (NET_ADMIN, NET_RAW), low otherwise.
void host_network(const Home& h, Sink& out) {
  for (const auto& a : h.apps) {
    if (!a.host_network) continue;
    const bool net_caps = std::any_of(a.privileged.begin(), a.privileged.end(),
                                      [](const std::string& c) { return c == "NET_ADMIN"sv || c == "NET_RAW"sv; });
    Finding f = app_finding(a, net_caps ? Severity::medium : Severity::low);
    f.evidence.emplace_back("host_network", "true");
    if (net_caps) f.evidence.emplace_back("network_capabilities", "true");
    f.remediation = guidance("rule.DG-APP-003.fix");
    out.add(std::move(f));
  }
}

// DG-APP-004: a login app (SSH, terminal) listens on a port of the home network. With a password
// set, anyone on the network (or the internet, if the router forwards it) can guess their way into
// a shell on the hub: high. With keys only but on the default port 22, the port is the first one
// scanners try: medium (ETSI 5.1-5, 5.6-1).
void login_port_open(const Home& h, Sink& out) {
  for (const auto& a : h.apps) {
    if (!login_app(a) || a.host_ports.empty()) continue;
    bool default_port = false;
    std::string ports;
    for (const auto& [container, host] : a.host_ports) {
      default_port |= host == 22;
      ports += (ports.empty() ? "" : ", ") + std::to_string(host);
    }
    const bool password = a.password_login == true;
    if (!password && !default_port) continue;
    Finding f = app_finding(a, password ? Severity::high : Severity::medium);
    f.evidence.emplace_back("host_ports", ports);
    f.evidence.emplace_back("password_login", a.password_login ? (*a.password_login ? "true" : "false") : "unknown");
    f.remediation = guidance("rule.DG-APP-004.fix");
    out.add(std::move(f));
  }
}

// DG-APP-005: automatic updates are off for an app that holds elevated rights: its fixes wait for
// someone to notice them, while the rights it holds make a known flaw in it worth exploiting
// (7.2.17). Apps without elevated rights are left to the household's choice.
void app_auto_update_off(const Home& h, Sink& out) {
  for (const auto& a : h.apps) {
    if (a.auto_update != false || !elevated(a)) continue;
    Finding f = app_finding(a, Severity::low);
    f.evidence.emplace_back("auto_update", "false");
    f.remediation = guidance("rule.DG-APP-005.fix");
    out.add(std::move(f));
  }
}

// DG-APP-006: a newer version of the app is waiting. App updates often carry fixes for the software
// inside (an SSH server, a broker, a database); high when the app holds elevated rights, medium
// otherwise. A backup does not say what the store offers, so only the Supervisor's answer counts.
void app_update_waiting(const Home& h, Sink& out) {
  for (const auto& a : h.apps) {
    if (!a.update_available) continue;
    Finding f = app_finding(a, elevated(a) ? Severity::high : Severity::medium);
    f.placeholders.emplace_back("version", a.version_latest);
    f.evidence.emplace_back("installed", a.version);
    f.evidence.emplace_back("latest", a.version_latest);
    f.remediation = guidance("rule.DG-APP-006.fix");
    out.add(std::move(f));
  }
}

// DG-APP-007: the app comes from a third-party repository: its author is a supplier the household
// chose, whose updates arrive with whatever rights the app holds (7.2.23). Medium with elevated
// rights, low otherwise.
void third_party_app(const Home& h, Sink& out) {
  for (const auto& a : h.apps) {
    if (!third_party(a)) continue;
    Finding f = app_finding(a, elevated(a) ? Severity::medium : Severity::low);
    f.evidence.emplace_back("elevated_rights", elevated(a) ? "true" : "false");
    f.remediation = guidance("rule.DG-APP-007.fix");
    out.add(std::move(f));
  }
}

// DG-APP-008: the Supervisor itself rates the app's security low (3 or less of 8): it counts the
// rights the app holds against the protections it uses (AppArmor, ingress login, signing).
// 1 is the rating of apps with the Docker socket or full hardware access: high; 2-3 medium.
void low_rating(const Home& h, Sink& out) {
  for (const auto& a : h.apps) {
    if (!a.rating || *a.rating > 3) continue;
    Finding f = app_finding(a, *a.rating <= 1 ? Severity::high : Severity::medium);
    f.placeholders.emplace_back("rating", std::to_string(*a.rating));
    f.evidence.emplace_back("rating", std::to_string(*a.rating) + "/8");
    f.remediation = guidance("rule.DG-APP-008.fix");
    out.add(std::move(f));
  }
}

}  // namespace

std::vector<RuleDef> apps() {
  return {
      {.id = "DG-APP-001",
       .clauses = {"7.2.15", "6.2.2", "7.2.21"},
       .etsi = {"5.6-7"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::gateway,
       .severity = Severity::medium,
       .needs = {Part::apps},
       .categories = {"hub"},
       .levels = {.basic = LevelMode::warn, .recommended = LevelMode::warn, .strict = LevelMode::warn,
                  .strict_reason = "level.reason.hub_settings"},
       .home_check = protection_off},
      {.id = "DG-APP-002",
       .clauses = {"7.2.21", "6.2.2"},
       .etsi = {"5.6-7"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::gateway,
       .severity = Severity::medium,
       .needs = {Part::apps},
       .categories = {"hub"},
       .levels = {.recommended = LevelMode::warn, .strict = LevelMode::warn, .strict_reason = "level.reason.vendor"},
       .home_check = privileged_app},
      {.id = "DG-APP-003",
       .clauses = {"7.2.14", "6.2.4"},
       .etsi = {"5.6-1"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::network,
       .severity = Severity::low,
       .needs = {Part::apps},
       .categories = {"hub"},
       .levels = {.recommended = LevelMode::warn, .strict = LevelMode::warn, .strict_reason = "level.reason.vendor"},
       .home_check = host_network},
      {.id = "DG-APP-004",
       .clauses = {"7.2.16", "7.2.14", "6.2.2"},
       .etsi = {"5.1-5", "5.6-1"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::gateway,
       .severity = Severity::high,
       .needs = {Part::apps},
       .categories = {"hub"},
       .levels = {.basic = LevelMode::warn, .recommended = LevelMode::warn, .strict = LevelMode::warn,
                  .strict_reason = "level.reason.hub_settings"},
       .home_check = login_port_open},
      {.id = "DG-APP-005",
       .clauses = {"7.2.17", "7.2.19"},
       .etsi = {"5.3-2"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::gateway,
       .severity = Severity::low,
       .needs = {Part::apps},
       .categories = {"hub"},
       .levels = {.recommended = LevelMode::warn, .strict = LevelMode::warn,
                  .strict_reason = "level.reason.hub_settings"},
       .home_check = app_auto_update_off},
      {.id = "DG-APP-006",
       .clauses = {"7.2.17", "7.2.22"},
       .etsi = {"5.3-8"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::gateway,
       .severity = Severity::medium,
       .needs = {Part::apps},
       .categories = {"hub"},
       .levels = {.recommended = LevelMode::warn, .strict = LevelMode::warn,
                  .strict_reason = "level.reason.not_reversible"},
       .home_check = app_update_waiting},
      {.id = "DG-APP-007",
       .clauses = {"7.2.23"},
       .etsi = {"5.2-1"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::service,
       .severity = Severity::low,
       .needs = {Part::apps},
       .categories = {"hub"},
       .levels = {.recommended = LevelMode::warn, .strict = LevelMode::warn, .strict_reason = "level.reason.vendor"},
       .home_check = third_party_app},
      {.id = "DG-APP-008",
       .clauses = {"7.2.23", "7.2.21"},
       .etsi = {"5.6-7"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::gateway,
       .severity = Severity::medium,
       .needs = {Part::apps},
       .categories = {"hub"},
       .levels = {.recommended = LevelMode::warn, .strict = LevelMode::warn, .strict_reason = "level.reason.vendor"},
       .home_check = low_rating},
  };
}

}  // namespace domoguard::audit::rules
