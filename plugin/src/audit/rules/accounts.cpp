// DG-ACC: the people who can log in to the hub.
// ISO/IEC 27403 7.2.16 (user authentication: a unique identity per family member), 7.2.21 (access
// control and least privilege) and 7.1.6 (consideration for children); ETSI EN 303 645 5.1, 5.5-4.
#include <algorithm>
#include <cctype>

#include "audit/classify.hpp"
#include "audit/rules/families.hpp"

namespace domoguard::audit::rules {
namespace {

using model::Home;
using model::Part;
using model::User;

// People, not the hub's own service accounts (supervisor, cloud, add-ons): those are never flagged.
bool human(const User& u) { return !u.system_generated; }
bool privileged(const User& u) { return u.owner || u.admin; }

std::string norm(const std::string& s) {
  std::string out;
  for (unsigned char c : s)
    if (!std::isspace(c) && c != '_' && c != '-' && c != '.') out += static_cast<char>(std::tolower(c));
  return out;
}

// Names that say "anyone in the house", not "this person" (English plus the project's other locales).
bool generic_name(const std::string& s) {
  static constexpr std::string_view names[] = {
      "admin", "administrator", "root", "family", "familie", "famille", "familia", "guest", "guests", "gast",
      "invite", "invitado", "user", "users", "home", "house", "household", "shared", "everyone", "default",
      "test", "homeassistant", "hass", "owner", "kids", "parents", "we", "us", "haus", "maison", "casa"};
  const auto n = norm(s);
  return !n.empty() && std::find(std::begin(names), std::end(names), n) != std::end(names);
}

// A child's account: flagged by the installer/adapter, or a name that says so.
bool looks_like_child(const User& u) {
  if (u.child) return true;
  for (const auto* s : {&u.name, &u.username})
    for (std::string_view w : {"kid", "kids", "child", "children", "junior", "jr", "son", "daughter", "teen", "teenager",
                               "boy", "girl", "baby", "kind", "kinder", "enfant", "enfants", "nino", "nina", "niño",
                               "niña", "hijo", "hija", "sohn", "tochter"})
      if (has_token(*s, w)) return true;
  return false;
}

Finding user_finding(const User& u, Severity s) {
  Finding f;
  f.severity = s;
  f.subject = subject_of(u);
  f.placeholders = {{"name", u.name.empty() ? u.username : u.name}};
  f.evidence = {{"role", u.owner ? "owner" : u.admin ? "administrator" : "user"},
                {"active", u.active ? "true" : "false"}};
  if (u.local_only) f.evidence.emplace_back("local_only", "true");
  return f;
}

// DG-ACC-001: an administrator logs in with a password alone. A guessed or phished admin password
// gives full control of every lock, camera and alarm in the home.
void admin_without_mfa(const Home& h, Sink& out) {
  for (const auto& u : h.users) {
    if (!human(u) || !u.active || !privileged(u) || !u.mfa || *u.mfa) continue;
    Finding f = user_finding(u, u.local_only ? Severity::medium : Severity::high);
    f.evidence.emplace_back("mfa", "false");
    f.remediation = guidance("rule.DG-ACC-001.fix");
    out.add(std::move(f));
  }
}

// DG-ACC-002: other people log in with a password alone; their account still operates devices.
void user_without_mfa(const Home& h, Sink& out) {
  for (const auto& u : h.users) {
    if (!human(u) || !u.active || privileged(u) || !u.mfa || *u.mfa) continue;
    Finding f = user_finding(u, u.local_only ? Severity::low : Severity::medium);
    f.evidence.emplace_back("mfa", "false");
    f.remediation = guidance("rule.DG-ACC-002.fix");
    out.add(std::move(f));
  }
}

// DG-ACC-003: more than two people can change everything. Each admin is one more password that
// unlocks the whole home; least privilege (7.2.21) keeps admin rights to those who need them.
void too_many_admins(const Home& h, Sink& out) {
  std::vector<const User*> admins;
  for (const auto& u : h.users)
    if (human(u) && u.active && privileged(u)) admins.push_back(&u);
  if (admins.size() <= 2) return;
  Finding f;
  f.severity = admins.size() > 4 ? Severity::medium : Severity::low;
  f.subject = hub_subject(h);
  f.placeholders = {{"count", std::to_string(admins.size())}};
  f.evidence = {{"administrators", std::to_string(admins.size())}, {"recommended_max", "2"}};
  std::string names;
  for (auto* u : admins) names += (names.empty() ? "" : ", ") + (u->name.empty() ? u->username : u->name);
  f.evidence.emplace_back("names", names);
  f.remediation = guidance("rule.DG-ACC-003.fix");
  out.add(std::move(f));
}

// DG-ACC-004: a child's account is an owner or administrator: a child can then change alarms,
// locks and safety settings, or remove the protections set for them (7.1.6).
void child_admin(const Home& h, Sink& out) {
  for (const auto& u : h.users) {
    if (!human(u) || !privileged(u) || !looks_like_child(u)) continue;
    Finding f = user_finding(u, Severity::high);
    f.evidence.emplace_back("child", u.child ? "tagged" : "name");
    if (u.owner) f.remediation = guidance("rule.DG-ACC-004.fix_owner");
    // Guidance: a user's rights are not a change a plan can read back and undo through the hub's
    // API safely (demoting the wrong account can lock the household out).
    else f.remediation = guidance("rule.DG-ACC-004.fix");
    out.add(std::move(f));
  }
}

// DG-ACC-005: a shared account ("family", "guest", "admin"). Nobody can tell who did what, one
// leaked password exposes everyone, and one person cannot be removed alone (7.2.16).
void shared_account(const Home& h, Sink& out) {
  for (const auto& u : h.users) {
    if (!human(u) || !u.active || !(generic_name(u.name) || generic_name(u.username))) continue;
    Finding f = user_finding(u, privileged(u) ? Severity::medium : Severity::low);
    f.evidence.emplace_back("generic_name", "true");
    f.remediation = guidance("rule.DG-ACC-005.fix");
    out.add(std::move(f));
  }
}

// DG-ACC-006: an account that is switched off still holds admin rights. If it is switched back on
// (or its old tokens still work) it has full control; an unused account should hold nothing.
void inactive_admin(const Home& h, Sink& out) {
  for (const auto& u : h.users) {
    if (!human(u) || u.active || !privileged(u) || u.owner) continue;
    Finding f = user_finding(u, Severity::low);
    f.remediation = guidance("rule.DG-ACC-006.fix");  // as DG-ACC-004: rights are changed by a person
    out.add(std::move(f));
  }
}

}  // namespace

std::vector<RuleDef> accounts() {
  return {
      {.id = "DG-ACC-001",
       .clauses = {"7.2.16", "7.2.21"},
       .etsi = {"5.1-3", "5.5-4"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::service,
       .severity = Severity::high,
       .needs = {Part::users, Part::mfa},
       .categories = {"hub"},
       .levels = {.basic = LevelMode::warn, .recommended = LevelMode::warn, .strict = LevelMode::warn,
                  .strict_reason = "level.reason.accounts"},
       .home_check = admin_without_mfa},
      {.id = "DG-ACC-002",
       .clauses = {"7.2.16"},
       .etsi = {"5.1-3"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::service,
       .severity = Severity::medium,
       .needs = {Part::users, Part::mfa},
       .categories = {"hub"},
       .levels = {.recommended = LevelMode::warn, .strict = LevelMode::warn, .strict_reason = "level.reason.accounts"},
       .home_check = user_without_mfa},
      {.id = "DG-ACC-003",
       .clauses = {"7.2.21", "7.2.16"},
       .etsi = {"5.5-5"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::service,
       .severity = Severity::low,
       .needs = {Part::users},
       .categories = {"hub"},
       .levels = {.recommended = LevelMode::warn, .strict = LevelMode::warn, .strict_reason = "level.reason.accounts"},
       .home_check = too_many_admins},
      {.id = "DG-ACC-004",
       .clauses = {"7.1.6", "7.2.21"},
       .etsi = {},
       .dimension = Dimension::security,
       .risk_source = RiskSource::service,
       .severity = Severity::high,
       .needs = {Part::users},
       .categories = {"hub"},
       .levels = {.basic = LevelMode::warn, .recommended = LevelMode::warn, .strict = LevelMode::warn,
                  .strict_reason = "level.reason.accounts"},
       .home_check = child_admin},
      {.id = "DG-ACC-005",
       .clauses = {"7.2.16"},
       .etsi = {"5.1-1"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::service,
       .severity = Severity::low,
       .needs = {Part::users},
       .categories = {"hub"},
       .levels = {.recommended = LevelMode::warn, .strict = LevelMode::warn, .strict_reason = "level.reason.accounts"},
       .home_check = shared_account},
      {.id = "DG-ACC-006",
       .clauses = {"7.2.21", "7.2.16"},
       .etsi = {"5.5-5"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::service,
       .severity = Severity::low,
       .needs = {Part::users},
       .categories = {"hub"},
       .levels = {.recommended = LevelMode::warn, .strict = LevelMode::warn, .strict_reason = "level.reason.accounts"},
       .home_check = inactive_admin},
  };
}

}  // namespace domoguard::audit::rules
