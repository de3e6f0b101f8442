// DG-LOG: the ways into the hub's login, and who actually uses them. ISO/IEC 27403 7.2.16 (user
// authentication), 7.2.21 (roles: the owner's rights kept for the owner's work), 7.2.19 (accounts
// retired with their life cycle), 7.2.15 (secure settings), 7.2.14 (suitable networks); ETSI EN 303 645
// 5.5-4 (access only after authentication), 5.5-5, 5.1-5 (brute-force mitigation).
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "audit/rules/families.hpp"
#include "audit/rules/when.hpp"

namespace domoguard::audit::rules {

using namespace std::string_view_literals;
namespace {

using model::Home;
using model::Part;
using model::User;

bool human(const User& u) { return !u.system_generated; }

struct Net {
  bool v6 = false;
  int prefix = -1;           // -1 when the text is not an address or network
  bool is_private = false;   // inside RFC 1918 / loopback / link-local / ULA
};

// "192.168.1.0/24", "10.0.0.1", "fd00::/8", "::/0" as written in HA's configuration.
Net parse_net(const std::string& text) {
  Net n;
  auto slash = text.find('/');
  std::string addr = text.substr(0, slash);
  n.v6 = addr.find(':') != std::string::npos;
  int max = n.v6 ? 128 : 32;
  n.prefix = max;
  if (slash != std::string::npos) {
    char* end = nullptr;
    long p = std::strtol(text.c_str() + slash + 1, &end, 10);
    if (!end || *end || p < 0 || p > max) return {};
    n.prefix = static_cast<int>(p);
  }
  if (n.v6) {
    std::string a;
    for (char c : addr) a += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    n.is_private = n.prefix >= 7 && (a.rfind("fd", 0) == 0 || a.rfind("fc", 0) == 0 || a.rfind("fe8", 0) == 0 ||
                                     a.rfind("fe9", 0) == 0 || a.rfind("fea", 0) == 0 || a.rfind("feb", 0) == 0 ||
                                     a == "::1"sv);
    return n;
  }
  unsigned o[4] = {0, 0, 0, 0};
  if (std::sscanf(addr.c_str(), "%u.%u.%u.%u", &o[0], &o[1], &o[2], &o[3]) != 4 || o[0] > 255 || o[1] > 255) return {};
  n.is_private = (o[0] == 10 && n.prefix >= 8) || (o[0] == 172 && o[1] >= 16 && o[1] <= 31 && n.prefix >= 12) ||
                 (o[0] == 192 && o[1] == 168 && n.prefix >= 16) || (o[0] == 127 && n.prefix >= 8) ||
                 (o[0] == 169 && o[1] == 254 && n.prefix >= 16);
  return n;
}

// A network that holds addresses outside the home: public, or wider than any home network.
bool broad(const std::string& text) {
  const Net n = parse_net(text);
  if (n.prefix < 0) return false;
  return !n.is_private || (n.v6 ? n.prefix < 48 : n.prefix < 16);
}

// Whether people outside the home reach the hub: an external URL, the vendor's remote UI, or a proxy
// on the public internet (a CDN or tunnel such as Cloudflare's ranges) whose forwarded addresses the
// hub believes. "unknown" when the files that would say so (.storage/core.config, .storage/cloud)
// are not in the snapshot and nothing else tells.
std::string reachable_from_outside(const Home& h) {
  if (!h.hub.external_url.empty() || h.hub.remote_ui.value_or(false)) return "true";
  const auto& http = h.hub.http;
  if (http.use_x_forwarded_for == true && http.trusted_proxies)
    for (const auto& n : *http.trusted_proxies)
      if (const Net net = parse_net(n); net.prefix >= 0 && !net.is_private) return "true";
  if (!h.has(Part::hub_config) || !h.has(Part::cloud)) return "unknown";
  return "false";
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

Finding hub_level(const Home& h, Severity s) {
  Finding f;
  f.severity = s;
  f.subject = hub_subject(h);
  f.placeholders = {{"name", f.subject.name}};
  return f;
}

// The companion apps sign in with these client ids (the app on a phone carried every day).
bool companion_app(const std::string& client_id) {
  return client_id.rfind("https://home-assistant.io/iOS", 0) == 0 ||
         client_id.rfind("https://home-assistant.io/android", 0) == 0 ||
         client_id.rfind("https://home-assistant.io/ios", 0) == 0;
}

// DG-LOG-001: an active person's account has no sign-in session: it has not signed in for at least
// 90 days (HA drops a session unused that long), or never. An account nobody uses still accepts its
// password: a forgotten or default password is a way in nobody watches (7.2.19). Medium for an
// administrator, low otherwise.
void never_signed_in(const Home& h, Sink& out) {
  for (const auto& u : h.users) {
    if (!human(u) || !u.active) continue;
    bool seen = false;
    for (const auto& t : h.tokens) seen |= t.user_id == u.id && t.type == "normal"sv;
    if (seen) continue;
    Finding f;
    f.severity = u.owner || u.admin ? Severity::medium : Severity::low;
    f.subject = subject_of(u);
    f.placeholders = {{"name", u.name.empty() ? u.username : u.name}};
    f.evidence = {{"role", u.owner ? "owner" : u.admin ? "administrator" : "user"}, {"sessions", "0"}};
    f.remediation = guidance("rule.DG-LOG-001.fix");
    out.add(std::move(f));
  }
}

// DG-LOG-002: the owner account is the one on an everyday phone: its companion app signed in within
// the last 30 days. The owner can do what no administrator can (it cannot be removed or demoted);
// a lost or borrowed phone, or a malicious app on it, then holds the home's master key. Medium.
void owner_everyday(const Home& h, Sink& out) {
  if (h.taken_at.empty()) return;
  for (const auto& u : h.users) {
    if (!u.owner || !human(u)) continue;
    int phones = 0;
    std::string last;
    for (const auto& t : h.tokens) {
      if (t.user_id != u.id || t.type != "normal"sv || !companion_app(t.client_id) || t.last_used_at.empty()) continue;
      auto idle = days_between(t.last_used_at, h.taken_at);
      if (!idle || *idle > 30) continue;
      ++phones;
      last = std::max(last, t.last_used_at);
    }
    if (!phones) continue;
    Finding f;
    f.severity = Severity::medium;
    f.subject = subject_of(u);
    f.placeholders = {{"name", u.name.empty() ? u.username : u.name}};
    f.evidence = {{"role", "owner"}, {"companion_app_sessions", std::to_string(phones)}, {"last_used", last}};
    f.remediation = guidance("rule.DG-LOG-002.fix");
    out.add(std::move(f));
  }
}

// DG-LOG-003: the trusted-networks sign-in lets a device on those networks in without a password,
// and allow_bypass_login skips even the choice of account: whoever is on the network (a guest's
// phone, a compromised plug, a neighbour on the Wi-Fi) is signed in as a household member. High;
// critical when a trusted network reaches beyond the home (public or very wide ranges).
void bypass_login(const Home& h, Sink& out) {
  for (const auto& p : *h.hub.auth_providers) {
    if (p.type != "trusted_networks"sv || p.allow_bypass_login != true) continue;
    std::vector<std::string> wide;
    for (const auto& n : p.trusted_networks)
      if (broad(n)) wide.push_back(n);
    Finding f = hub_level(h, wide.empty() ? Severity::high : Severity::critical);
    f.evidence = {{"auth_provider", "trusted_networks"}, {"allow_bypass_login", "true"},
                  {"trusted_networks", join(p.trusted_networks)}};
    if (!wide.empty()) f.evidence.emplace_back("beyond_home", join(wide));
    f.remediation = guidance("rule.DG-LOG-003.fix");
    out.add(std::move(f));
  }
}

// DG-LOG-004: a trusted network reaches beyond the home (a public range, or one wider than any
// home network): devices there sign in by choosing an account, with no password. High; DG-LOG-003
// reports the worse case where even the choice is skipped.
void broad_trusted_network(const Home& h, Sink& out) {
  for (const auto& p : *h.hub.auth_providers) {
    if (p.type != "trusted_networks"sv || p.allow_bypass_login == true) continue;
    std::vector<std::string> wide;
    for (const auto& n : p.trusted_networks)
      if (broad(n)) wide.push_back(n);
    if (wide.empty()) continue;
    Finding f = hub_level(h, p.trusted_users_set ? Severity::medium : Severity::high);
    f.placeholders.emplace_back("networks", join(wide));
    f.evidence = {{"auth_provider", "trusted_networks"}, {"beyond_home", join(wide)},
                  {"trusted_users_set", p.trusted_users_set ? "true" : "false"}};
    f.remediation = guidance("rule.DG-LOG-004.fix");
    out.add(std::move(f));
  }
}

// DG-LOG-005: the legacy API password sign-in is configured: one shared password, no account, no
// second factor, and no record of who used it. High.
void legacy_password(const Home& h, Sink& out) {
  for (const auto& p : *h.hub.auth_providers) {
    if (p.type != "legacy_api_password"sv) continue;
    Finding f = hub_level(h, Severity::high);
    f.evidence = {{"auth_provider", "legacy_api_password"}};
    f.remediation = guidance("rule.DG-LOG-005.fix");
    out.add(std::move(f));
    return;
  }
}

// DG-LOG-006: the hub believes the client address a proxy reports (use_x_forwarded_for) from
// proxies in a broad or public range. Anyone who can reach the hub from there writes their own
// address: they look like a trusted network, and the login ban hits the address they choose. High.
void broad_proxies(const Home& h, Sink& out) {
  const auto& http = h.hub.http;
  if (http.use_x_forwarded_for != true || !http.trusted_proxies) return;
  std::vector<std::string> wide;
  for (const auto& n : *http.trusted_proxies)
    if (broad(n)) wide.push_back(n);
  if (wide.empty()) return;
  Finding f = hub_level(h, Severity::high);
  f.placeholders.emplace_back("networks", join(wide));
  f.evidence = {{"use_x_forwarded_for", "true"}, {"broad_trusted_proxies", join(wide)}};
  f.remediation = guidance("rule.DG-LOG-006.fix");
  out.add(std::move(f));
}

// DG-LOG-007: web pages from other sites may call the hub's API from a signed-in browser (CORS
// origins beyond HA's own cast receiver). A flaw or takeover of such a site reaches the hub with the
// visitor's session. High for "*", medium otherwise.
void cors_origins(const Home& h, Sink& out) {
  const auto& origins = h.hub.http.cors_allowed_origins;
  if (!origins) return;
  std::vector<std::string> extra;
  for (const auto& o : *origins)
    if (o != "https://cast.home-assistant.io"sv) extra.push_back(o);
  if (extra.empty()) return;
  const bool any = std::find(extra.begin(), extra.end(), "*") != extra.end();
  Finding f = hub_level(h, any ? Severity::high : Severity::medium);
  f.placeholders.emplace_back("origins", join(extra));
  f.evidence = {{"cors_allowed_origins", join(extra)}};
  f.remediation = guidance("rule.DG-LOG-007.fix");
  out.add(std::move(f));
}

// DG-LOG-008: login banning is on but set never to ban (login_attempts_threshold -1, which is HA's
// default: components/http/__init__.py, NO_LOGIN_ATTEMPT_THRESHOLD): passwords can be guessed
// without limit while the setting looks safe. High when the hub is reachable from outside, low
// otherwise (ETSI 5.1-5). Banning switched off altogether is DG-HUB-005.
void ban_never(const Home& h, Sink& out) {
  const auto& http = h.hub.http;
  if (http.ip_ban_enabled == false || !http.login_attempts_threshold || *http.login_attempts_threshold > 0) return;
  const std::string outside = reachable_from_outside(h);
  Finding f = hub_level(h, outside == "true"sv ? Severity::high : Severity::low);
  f.evidence = {{"login_ban", "on"}, {"login_attempts_threshold", std::to_string(*http.login_attempts_threshold)},
                {"reachable_from_outside", outside}};
  f.remediation = guidance("rule.DG-LOG-008.fix");
  out.add(std::move(f));
}

}  // namespace

std::vector<RuleDef> login() {
  return {
      {.id = "DG-LOG-001",
       .clauses = {"7.2.16", "7.2.19"},
       .etsi = {"5.5-4"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::service,
       .severity = Severity::low,
       .needs = {Part::users, Part::sign_ins},
       .categories = {"hub"},
       .levels = {.recommended = LevelMode::warn, .strict = LevelMode::warn, .strict_reason = "level.reason.accounts"},
       .home_check = never_signed_in},
      {.id = "DG-LOG-002",
       .clauses = {"7.2.21", "7.2.16"},
       .etsi = {"5.5-5"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::service,
       .severity = Severity::medium,
       .needs = {Part::users, Part::sign_ins},
       .categories = {"hub"},
       .levels = {.recommended = LevelMode::warn, .strict = LevelMode::warn, .strict_reason = "level.reason.accounts"},
       .home_check = owner_everyday},
      {.id = "DG-LOG-003",
       .clauses = {"7.2.16", "7.2.15", "7.2.14"},
       .etsi = {"5.5-4"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::gateway,
       .severity = Severity::high,
       .needs = {Part::auth_providers},
       .categories = {"hub"},
       .levels = {.basic = LevelMode::warn, .recommended = LevelMode::warn, .strict = LevelMode::warn,
                  .strict_reason = "level.reason.hub_settings"},
       .home_check = bypass_login},
      {.id = "DG-LOG-004",
       .clauses = {"7.2.16", "7.2.14"},
       .etsi = {"5.5-4"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::network,
       .severity = Severity::high,
       .needs = {Part::auth_providers},
       .categories = {"hub"},
       .levels = {.recommended = LevelMode::warn, .strict = LevelMode::warn,
                  .strict_reason = "level.reason.hub_settings"},
       .home_check = broad_trusted_network},
      {.id = "DG-LOG-005",
       .clauses = {"7.2.16", "7.2.15"},
       .etsi = {"5.1-1", "5.5-4"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::gateway,
       .severity = Severity::high,
       .needs = {Part::auth_providers},
       .categories = {"hub"},
       .levels = {.basic = LevelMode::warn, .recommended = LevelMode::warn, .strict = LevelMode::warn,
                  .strict_reason = "level.reason.hub_settings"},
       .home_check = legacy_password},
      {.id = "DG-LOG-006",
       .clauses = {"7.2.14", "7.2.16", "6.2.4"},
       .etsi = {"5.5-4"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::network,
       .severity = Severity::high,
       .needs = {Part::http},
       .categories = {"hub"},
       .levels = {.basic = LevelMode::warn, .recommended = LevelMode::warn, .strict = LevelMode::warn,
                  .strict_reason = "level.reason.hub_settings"},
       .home_check = broad_proxies},
      {.id = "DG-LOG-007",
       .clauses = {"7.2.15", "6.2.2"},
       .etsi = {"5.6-1"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::gateway,
       .severity = Severity::medium,
       .needs = {Part::http},
       .categories = {"hub"},
       .levels = {.recommended = LevelMode::warn, .strict = LevelMode::warn,
                  .strict_reason = "level.reason.hub_settings"},
       .home_check = cors_origins},
      {.id = "DG-LOG-008",
       .clauses = {"7.2.16", "7.2.15"},
       .etsi = {"5.1-5"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::gateway,
       .severity = Severity::low,
       .needs = {Part::http},
       .categories = {"hub"},
       .levels = {.recommended = LevelMode::warn, .strict = LevelMode::warn,
                  .strict_reason = "level.reason.hub_settings"},
       .home_check = ban_never},
  };
}

}  // namespace domoguard::audit::rules
