// DG-LOG: the ways into the hub's login, and who actually uses them. ISO/IEC 27403 7.2.16 (user
// authentication), 7.2.21 (roles: the owner's rights kept for the owner's work), 7.2.19 (accounts
// retired with their life cycle); ETSI EN 303 645 5.5-4, 5.5-5.
#include "audit/rules/families.hpp"
#include "audit/rules/when.hpp"

namespace domoguard::audit::rules {
namespace {

using model::Home;
using model::Part;
using model::User;

bool human(const User& u) { return !u.system_generated; }

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
    for (const auto& t : h.tokens) seen |= t.user_id == u.id && t.type == "normal";
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
      if (t.user_id != u.id || t.type != "normal" || !companion_app(t.client_id) || t.last_used_at.empty()) continue;
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
       .home_check = never_signed_in},
      {.id = "DG-LOG-002",
       .clauses = {"7.2.21", "7.2.16"},
       .etsi = {"5.5-5"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::service,
       .severity = Severity::medium,
       .needs = {Part::users, Part::sign_ins},
       .home_check = owner_everyday},
  };
}

}  // namespace domoguard::audit::rules
