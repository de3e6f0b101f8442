#include "app/accept.hpp"

#include <boost/json.hpp>
#include <cstdio>
#include <ctime>
#include <map>

#include "store/eventlog.hpp"

namespace domoguard::app {

namespace json = boost::json;

namespace {

Error refuse(const std::string& key, const std::string& message, std::vector<std::pair<std::string, std::string>> ph = {}) {
  Error e{ErrorCode::bad_input, key, message, "", ""};
  e.placeholders = std::move(ph);
  return e;
}

// Days since 1970-01-01 of a "YYYY-MM-DD..." text; false when it is not a real date.
bool day_number(const std::string& s, long& out) {
  int y = 0, m = 0, d = 0;
  if (s.size() < 10 || s[4] != '-' || s[7] != '-' || std::sscanf(s.c_str(), "%4d-%2d-%2d", &y, &m, &d) != 3) return false;
  if (y < 1970 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31) return false;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = m - 1;
  tm.tm_mday = d;
  const time_t t = timegm(&tm);
  std::tm back{};
  gmtime_r(&t, &back);
  if (back.tm_mday != d || back.tm_mon != m - 1) return false;   // 2026-02-30 is no date
  out = static_cast<long>(t / 86400);
  return true;
}

std::string date_of(long day) {
  const time_t t = static_cast<time_t>(day) * 86400;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

Result<bool> log_event(const std::string& db_path, const std::string& kind, const std::string& person,
                       const std::string& subject, json::object details) {
  auto log = store::EventLog::open(db_path);
  if (!log) return log.error();
  auto r = (*log)->append({kind, person, subject, json::serialize(details)});
  if (!r) return r.error();
  return true;
}

bool is_group(const std::string& key) { return key.size() > 2 && key.compare(key.size() - 2, 2, ":*") == 0; }

}  // namespace

std::string evidence_fingerprint(const audit::Finding& f) {
  // FNV-1a over severity and the evidence pairs: stable across builds and platforms.
  uint64_t h = 1469598103934665603ull;
  auto mix = [&](const std::string& s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= 1099511628211ull;
    }
    h ^= 0xff;
    h *= 1099511628211ull;
  };
  mix(audit::to_string(f.severity));
  for (const auto& [k, v] : f.evidence) {
    mix(k);
    mix(v);
  }
  char buf[24];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

std::string add_days(const std::string& now, int days) {
  long today = 0;
  if (!day_number(now, today)) return {};
  return date_of(today + days);
}

Result<std::vector<store::Acceptance>> accept(const std::string& db_path, const AcceptRequest& req,
                                              const std::vector<audit::Finding>& findings) {
  std::string reason = req.reason;
  while (!reason.empty() && (reason.back() == ' ' || reason.back() == '\n')) reason.pop_back();
  if (reason.empty()) return refuse("error.accept.no_reason", "Say why the risk is accepted (--reason)");
  if (reason.size() > kMaxReasonBytes) return refuse("error.accept.long_reason", "The reason is longer than 500 bytes");
  long today = 0, until_day = 0;
  if (!day_number(req.now, today)) return refuse("error.accept.bad_date", "The clock gave no date", {{"date", req.now}});
  const std::string until = req.until.empty() ? date_of(today + kDefaultAcceptDays) : req.until;
  if (!day_number(until, until_day) || until.size() != 10)
    return refuse("error.accept.bad_date", "The end date must be a date written YYYY-MM-DD", {{"date", until}});
  if (until_day < today) return refuse("error.accept.past", "The end date has already passed", {{"date", until}});
  if (until_day > today + kMaxAcceptDays)
    return refuse("error.accept.too_long", "A risk is accepted for at most one year", {{"date", until}, {"max", date_of(today + 365)}});
  std::vector<const audit::Finding*> chosen;
  for (const auto& f : findings)
    if (f.key() == req.key || (is_group(req.key) && audit::group_id(f) == req.key)) chosen.push_back(&f);
  if (chosen.empty()) return refuse("error.accept.unknown", "No finding of the latest audit has this key", {{"key", req.key}});
  auto store = store::Acceptances::open(db_path);
  if (!store) return store.error();
  std::vector<store::Acceptance> out;
  for (const auto* f : chosen) {
    store::Acceptance a;
    a.home_key = req.home_key;
    a.key = f->key();
    a.evidence = evidence_fingerprint(*f);
    a.reason = reason;
    a.actor = req.actor;
    a.accepted_at = req.now;
    a.until = until;
    auto id = (*store)->add(a);
    if (!id) return id.error();
    a.id = *id;
    // The reason is free text that may name people: it stays in the acceptances table, not in the log,
    // which holds no personal data in clear (the actor is pseudonymised by the log itself).
    auto logged = log_event(db_path, "risk_accepted", req.actor, a.key,
                            json::object{{"until", until}, {"severity", audit::to_string(f->severity)}, {"acceptance", a.id}});
    if (!logged) return logged.error();
    out.push_back(std::move(a));
  }
  return out;
}

Result<int> withdraw(const std::string& db_path, const std::string& home_key, const std::string& key,
                     const std::string& actor, const std::string& now) {
  auto store = store::Acceptances::open(db_path);
  if (!store) return store.error();
  auto active = (*store)->active(home_key);
  if (!active) return active.error();
  int n = 0;
  for (const auto& a : *active) {
    const bool match = a.key == key || (is_group(key) && a.key.rfind(key.substr(0, key.size() - 1), 0) == 0);
    if (!match) continue;
    auto ended = (*store)->end(home_key, a.key, "withdrawn", actor, now);
    if (!ended) return ended.error();
    if (!*ended) continue;
    ++n;
    auto logged = log_event(db_path, "risk_acceptance_withdrawn", actor, a.key, json::object{{"until", a.until}, {"acceptance", a.id}});
    if (!logged) return logged.error();
  }
  if (n == 0) return refuse("error.accept.not_accepted", "This finding is not accepted", {{"key", key}});
  return n;
}

Result<std::vector<store::Acceptance>> review(const std::string& db_path, const std::string& home_key,
                                              const std::vector<audit::Finding>& findings, const std::string& now) {
  auto store = store::Acceptances::open(db_path);
  if (!store) return store.error();
  auto active = (*store)->active(home_key);
  if (!active) return active.error();
  long today = 0;
  if (!day_number(now, today)) return refuse("error.accept.bad_date", "The clock gave no date", {{"date", now}});
  std::map<std::string, const audit::Finding*> by_key;
  for (const auto& f : findings) by_key[f.key()] = &f;
  std::vector<store::Acceptance> holding;
  for (auto& a : *active) {
    long until_day = 0;
    const auto it = by_key.find(a.key);
    std::string ended;
    if (!day_number(a.until, until_day) || until_day < today) ended = "expired";
    else if (it == by_key.end()) ended = "resolved";
    else if (!a.evidence.empty() && a.evidence != evidence_fingerprint(*it->second)) ended = "evidence_changed";
    if (ended.empty()) {
      holding.push_back(a);
      continue;
    }
    auto r = (*store)->end(home_key, a.key, ended, "domoguard", now);
    if (!r) return r.error();
    auto logged = log_event(db_path, "risk_acceptance_ended", "", a.key,
                            json::object{{"why", ended}, {"until", a.until}, {"acceptance", a.id}});
    if (!logged) return logged.error();
  }
  return holding;
}

std::set<std::string> accepted_keys(const std::vector<store::Acceptance>& active) {
  std::set<std::string> keys;
  for (const auto& a : active) keys.insert(a.key);
  return keys;
}

}  // namespace domoguard::app
