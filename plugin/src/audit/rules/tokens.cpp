// DG-TOK: long-lived access tokens. Each is a password that never expires (ten years by default),
// carries every right of the account that made it, needs no second factor and is usually pasted into
// another system's configuration. ISO/IEC 27403 7.2.16 (user and device authentication), 7.2.21
// (roles), 7.2.19 (life cycle: credentials retired when no longer used); ETSI EN 303 645 5.5-4,
// 5.4-1 (sensitive parameters stored securely, here: held in as few places as needed).
//
// Evidence is counts, dates and the name the token was given: never the token, its hash, its key
// or its id. The address of the last use is reduced to "inside or outside the home's ranges".
// The one-click fix of DG-TOK-001/003 revokes the token (model::ActionKind::revoke_token), named as the
// finding names it (owner and creation time, model::token_key); a revoke cannot be undone and plans say so.
#include <algorithm>
#include <map>
#include <string_view>

#include "audit/rules/families.hpp"
#include "audit/rules/when.hpp"

namespace domoguard::audit::rules {

using namespace std::string_view_literals;
namespace {

using model::Home;
using model::Part;
using model::Token;
using model::User;

bool long_lived(const Token& t) { return t.type == "long_lived_access_token"sv; }

const User* owner_of(const Home& h, const Token& t) {
  for (const auto& u : h.users)
    if (u.id == t.user_id) return &u;
  return nullptr;
}

bool admin_token(const Home& h, const Token& t) {
  const User* u = owner_of(h, t);
  return u && (u->owner || u->admin);
}

// Revoking in one click where owner and creation time name this token alone; otherwise (no creation
// time, or two tokens of one person made in the same second) the household deletes it by hand.
Remediation revoke_or_guide(const Home& h, const Token& t, const std::string& key) {
  if (t.created_at.empty()) return guidance(key);
  const auto same = std::count_if(h.tokens.begin(), h.tokens.end(),
                                  [&](const Token& x) { return model::token_key(x) == model::token_key(t); });
  if (same != 1) return guidance(key);
  return action(key, {{model::ActionKind::revoke_token, model::token_key(t), "revoked"}});
}

Finding token_finding(const Home& h, const Token& t, Severity s) {
  const User* u = owner_of(h, t);
  const std::string person = u ? (u->name.empty() ? u->username : u->name) : t.user_id;
  Finding f;
  f.severity = s;
  // The subject names the token by its owner and creation time: stable, and no secret.
  f.subject = {"token", model::token_key(t), t.client_name.empty() ? "(unnamed)" : t.client_name};
  f.placeholders = {{"name", f.subject.name}, {"user", person}};
  f.evidence = {{"user", person}, {"created", t.created_at.empty() ? "unknown" : t.created_at},
                {"last_used", t.last_used_at.empty() ? "never" : t.last_used_at}};
  if (u) f.evidence.emplace_back("role", u->owner ? "owner" : u->admin ? "administrator" : "user");
  return f;
}

// DG-TOK-001: a long-lived token has not been used for 90 days or more (or never). Whoever it was
// made for no longer needs it, yet it still opens the hub with the rights of its account; copies of
// it in old configurations and backups stay valid. High for an admin's token, medium otherwise.
void unused_token(const Home& h, Sink& out) {
  if (h.taken_at.empty()) return;
  for (const auto& t : h.tokens) {
    if (!long_lived(t)) continue;
    const auto& since = t.last_used_at.empty() ? t.created_at : t.last_used_at;
    auto idle = days_between(since, h.taken_at);
    if (!idle || *idle < 90) continue;
    Finding f = token_finding(h, t, admin_token(h, t) ? Severity::high : Severity::medium);
    f.placeholders.emplace_back("days", std::to_string(*idle));
    f.evidence.emplace_back("idle_days", std::to_string(*idle));
    f.remediation = revoke_or_guide(h, t, "rule.DG-TOK-001.fix");
    out.add(std::move(f));
  }
}

// DG-TOK-002: one account holds more than three long-lived tokens. Each is one more copy of a
// full-access password kept somewhere else; nobody can tell which still matter. Medium for an admin
// account, low otherwise.
void many_tokens(const Home& h, Sink& out) {
  std::map<std::string, int> per_user;
  for (const auto& t : h.tokens)
    if (long_lived(t)) ++per_user[t.user_id];
  for (const auto& [user_id, n] : per_user) {
    if (n <= 3) continue;
    const User* u = nullptr;
    for (const auto& x : h.users)
      if (x.id == user_id) u = &x;
    Finding f;
    f.severity = u && (u->owner || u->admin) ? Severity::medium : Severity::low;
    f.subject = u ? subject_of(*u) : Subject{"user", user_id, user_id};
    f.placeholders = {{"name", f.subject.name}, {"count", std::to_string(n)}};
    f.evidence = {{"long_lived_count", std::to_string(n)}, {"recommended_max", "3"}};
    f.remediation = guidance("rule.DG-TOK-002.fix");
    out.add(std::move(f));
  }
}

// DG-TOK-003: a long-lived token still in use is more than a year old. A token is never rotated by
// itself; the longer it lives, the more places (scripts, backups, old devices) may hold a copy.
void old_token(const Home& h, Sink& out) {
  if (h.taken_at.empty()) return;
  for (const auto& t : h.tokens) {
    if (!long_lived(t) || t.last_used_at.empty()) continue;
    auto age = days_between(t.created_at, h.taken_at);
    auto idle = days_between(t.last_used_at, h.taken_at);
    if (!age || *age < 365 || !idle || *idle >= 90) continue;   // unused ones are DG-TOK-001's
    Finding f = token_finding(h, t, Severity::low);
    f.placeholders.emplace_back("days", std::to_string(*age));
    f.evidence.emplace_back("age_days", std::to_string(*age));
    f.remediation = revoke_or_guide(h, t, "rule.DG-TOK-003.fix");
    out.add(std::move(f));
  }
}

// DG-TOK-004: a long-lived token was last used from outside the home's address ranges. Either a
// service on the internet holds a full-access key to the home, or the key has leaked. High for an
// admin's token, medium otherwise.
void remote_token(const Home& h, Sink& out) {
  for (const auto& t : h.tokens) {
    if (!long_lived(t) || t.last_used_remote != true) continue;
    Finding f = token_finding(h, t, admin_token(h, t) ? Severity::high : Severity::medium);
    f.evidence.emplace_back("last_used_from", "outside the home network");
    f.remediation = guidance("rule.DG-TOK-004.fix");
    out.add(std::move(f));
  }
}

}  // namespace

std::vector<RuleDef> tokens() {
  return {
      {.id = "DG-TOK-001",
       .clauses = {"7.2.16", "7.2.19"},
       .etsi = {"5.5-4"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::service,
       .severity = Severity::medium,
       .needs = {Part::tokens, Part::users},
       .categories = {"hub"},
       .levels = {.recommended = LevelMode::warn, .strict = LevelMode::warn, .strict_reason = "level.reason.accounts"},
       .home_check = unused_token},
      {.id = "DG-TOK-002",
       .clauses = {"7.2.16", "7.2.21"},
       .etsi = {"5.4-1"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::service,
       .severity = Severity::low,
       .needs = {Part::tokens, Part::users},
       .categories = {"hub"},
       .levels = {.recommended = LevelMode::warn, .strict = LevelMode::warn, .strict_reason = "level.reason.accounts"},
       .home_check = many_tokens},
      {.id = "DG-TOK-003",
       .clauses = {"7.2.16", "7.2.19"},
       .etsi = {"5.4-1"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::service,
       .severity = Severity::low,
       .needs = {Part::tokens, Part::users},
       .categories = {"hub"},
       .levels = {.recommended = LevelMode::warn, .strict = LevelMode::warn, .strict_reason = "level.reason.accounts"},
       .home_check = old_token},
      {.id = "DG-TOK-004",
       .clauses = {"7.2.16", "7.2.14"},
       .etsi = {"5.5-4"},
       .dimension = Dimension::security,
       .risk_source = RiskSource::network,
       .severity = Severity::medium,
       .needs = {Part::tokens, Part::users},
       .categories = {"hub"},
       .levels = {.basic = LevelMode::warn, .recommended = LevelMode::warn, .strict = LevelMode::warn,
                  .strict_reason = "level.reason.accounts"},
       .home_check = remote_token},
  };
}

}  // namespace domoguard::audit::rules
