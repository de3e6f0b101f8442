#include "audit/engine.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string_view>
#include <unordered_set>

#include "audit/classify.hpp"
#include "audit/enough.hpp"

namespace domoguard::audit {

using namespace std::string_view_literals;

using model::Home;
using model::Tier;

namespace {

// The one place every finding passes through: it stamps rule identity, drops duplicates,
// and redacts evidence, so no check can skip those chores.
class RuleSink final : public Sink {
 public:
  RuleSink(const RuleDef& rule, std::vector<Finding>& out) : rule_(rule), out_(out) {}
  void add(Finding f) override {
    // Every finding here is of one rule, so the subject alone tells duplicates apart (Finding::key
    // without the rule); a duplicate is dropped before any of the work below.
    std::string key;
    key.reserve(f.subject.kind.size() + 1 + f.subject.id.size());
    key.append(f.subject.kind).append(1, ':').append(f.subject.id);
    if (!seen_.insert(std::move(key)).second) return;
    f.rule = std::string(rule_.id);
    f.clauses.assign(rule_.clauses.begin(), rule_.clauses.end());
    if (f.message_key.empty()) f.message_key = "rule." + f.rule + ".title";
    if (f.subject.name.empty()) f.subject.name = f.subject.id;
    redact(f.evidence);
    out_.push_back(std::move(f));
  }

 private:
  const RuleDef& rule_;
  std::vector<Finding>& out_;
  std::unordered_set<std::string> seen_;
};

bool applies_to(const RuleDef& rule, const model::Device& d) {
  if (d.disabled) return false;
  return rule.device_types.empty() ||
         std::find(rule.device_types.begin(), rule.device_types.end(), d.type) != rule.device_types.end();
}

bool missing_need(const RuleDef& rule, const Home& home, std::string* why, std::string* part) {
  for (auto p : rule.needs) {
    if (home.has(p)) continue;
    if (part) *part = model::to_string(p);
    if (why) {
      auto it = home.missing.find(p);
      // Only a host that holds modes keeps their record; any other audit cannot know of a fight.
      *why = it != home.missing.end() && !it->second.empty() ? it->second
             : p == model::Part::hold                         ? std::string("notrun.hold.not_holding")
                                                              : std::string("notrun.missing.") + model::to_string(p);
    }
    return true;
  }
  return false;
}

}  // namespace

bool can_run(const RuleDef& rule, const Home& home, std::string* why) { return !missing_need(rule, home, why, nullptr); }

bool run_rule(const RuleDef& rule, const Home& home, std::vector<Finding>& out, std::string* why) {
  if (missing_need(rule, home, why, nullptr)) return false;
  RuleSink sink(rule, out);
  if (rule.home_check) rule.home_check(home, sink);
  else
    for (const auto& d : home.devices)
      if (applies_to(rule, d)) rule.device_check(home, d, sink);
  return true;
}

void audit_device(const Home& home, const model::Device& device, std::vector<Finding>& out) {
  for (const auto& rule : all_rules()) {
    if (!rule.device_check || !applies_to(rule, device) || missing_need(rule, home, nullptr, nullptr)) continue;
    RuleSink sink(rule, out);
    rule.device_check(home, device, sink);
  }
}

AuditResult run_audit(Home& home, const AuditOptions& opts) {
  classify(home);
  AuditResult r;
  for (const auto& rule : all_rules()) {
    if (!opts.only_rules.empty() &&
        std::find(opts.only_rules.begin(), opts.only_rules.end(), rule.id) == opts.only_rules.end())
      continue;
    std::string why, part;
    if (missing_need(rule, home, &why, &part)) {
      r.not_run.push_back({std::string(rule.id), why, part, home.source_kind});
      continue;
    }
    run_rule(rule, home, r.findings);
    ++r.rules_run;
  }
  // Most severe first, then by rule, so output is stable. The order is found on indices and each
  // finding is then moved once (a stable sort of the findings themselves moves them many times).
  {
    auto& fs = r.findings;
    std::vector<std::uint32_t> order(fs.size());
    for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::uint32_t ia, std::uint32_t ib) {
      const Finding& a = fs[ia];
      const Finding& b = fs[ib];
      if (a.severity != b.severity) return a.severity > b.severity;
      if (a.rule != b.rule) return a.rule < b.rule;
      return a.subject.id < b.subject.id;
    });
    std::vector<Finding> sorted;
    sorted.reserve(fs.size());
    for (auto i : order) sorted.push_back(std::move(fs[i]));
    fs = std::move(sorted);
  }
  for (auto& f : r.findings)
    if (f.area_id.empty() && !f.device_id.empty())
      if (auto* d = home.device(f.device_id)) f.area_id = d->area_id;
  score(home, r);
  if (!enough_to_score(home)) r.score = 0;   // never read as a pass; front ends say "not enough data"
  return r;
}

std::vector<std::string> unscored_parts(const Home& home) {
  std::vector<std::string> out;
  for (auto p : {model::Part::devices, model::Part::entities})
    if (!home.has(p)) out.emplace_back(model::to_string(p));
  if (out.empty() && home.devices.empty() && home.entities.empty())
    out = {model::to_string(model::Part::devices), model::to_string(model::Part::entities)};
  return out;
}

bool enough_to_score(const Home& home) { return unscored_parts(home).empty(); }

int severity_penalty(Severity s) {
  switch (s) {
    case Severity::info: return 0;
    case Severity::low: return 3;
    case Severity::medium: return 8;
    case Severity::high: return 20;
    case Severity::critical: return 35;
  }
  return 0;
}

void score(const Home& home, AuditResult& r) {
  std::unordered_map<std::string, int> penalty;
  int hub_penalty = 0;
  bool any_critical = false;
  for (const auto& f : r.findings) {
    any_critical |= f.severity == Severity::critical;
    if (f.device_id.empty()) hub_penalty += severity_penalty(f.severity);
    else penalty[f.device_id] += severity_penalty(f.severity);
  }
  r.devices.clear();
  double weighted = 0, weights = 0;
  for (const auto& d : home.devices) {
    if (d.disabled) continue;
    DeviceScore s{d.id, shown_name(d), d.area_id, d.type, d.tier, std::max(0, 100 - penalty[d.id])};
    const double w = tier_weight(d.tier);
    weighted += w * s.score;
    weights += w;
    r.devices.push_back(std::move(s));
  }
  r.score = home_score(weighted, weights, hub_penalty, any_critical);
}

double tier_weight(Tier t) { return t == Tier::critical ? 3 : t == Tier::sensitive ? 2 : 1; }

int home_score(double weighted, double weights, int hub_penalty, bool any_critical) {
  const double device_part = weights > 0 ? weighted / weights : 100.0;
  const double hub_part = std::max(0, 100 - hub_penalty);
  int total = static_cast<int>(std::lround(0.6 * device_part + 0.4 * hub_part));
  if (any_critical) total = std::min(total, 40);
  return std::clamp(total, 0, 100);
}

void redact(Evidence& evidence) {
  static constexpr std::string_view secret_words[] = {"password", "token", "secret", "code", "key", "psk"};
  static constexpr std::string_view identifying[] = {"mac", "serial", "ip", "email", "latitude", "longitude", "ssid", "imei"};
  for (auto it = evidence.begin(); it != evidence.end();) {
    const auto& k = it->first;
    bool secret = std::any_of(std::begin(secret_words), std::end(secret_words),
                              [&](std::string_view w) { return k.find(w) != std::string::npos; });
    // "has_default_code" and similar booleans are facts, not secrets.
    if (secret && it->second != "true"sv && it->second != "false"sv) {
      it = evidence.erase(it);
      continue;
    }
    bool ident = std::any_of(std::begin(identifying), std::end(identifying), [&](std::string_view w) {
      return k == w || (k.size() > w.size() && k[w.size()] == '_' && k.compare(0, w.size(), w) == 0);
    });
    if (ident) it->second = "[redacted]";
    ++it;
  }
}

}  // namespace domoguard::audit
