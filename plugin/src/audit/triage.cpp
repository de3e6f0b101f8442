#include "audit/triage.hpp"

#include <algorithm>
#include <map>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace domoguard::audit {

std::string group_id(const Finding& f) { return f.rule + "|" + f.subject.kind + ":*"; }

namespace {

// The home's score with some findings resolved, as score() computes it, without copying findings:
// triage asks it once per group and again per group for each first step.
class Scorer {
 public:
  Scorer(const model::Home& home, const std::vector<Finding>& fs) : home_(home), fs_(fs) {
    std::unordered_map<std::string_view, int> slot;
    device_slot_.reserve(home.devices.size());
    for (const auto& d : home.devices)
      device_slot_.push_back(slot.try_emplace(d.id, static_cast<int>(slot.size())).first->second);
    slots_ = slot.size();
    finding_slot_.reserve(fs.size());
    for (const auto& f : fs) {
      auto it = f.device_id.empty() ? slot.end() : slot.find(f.device_id);
      finding_slot_.push_back(f.device_id.empty() ? kHub : it == slot.end() ? kElsewhere : it->second);
    }
  }
  // `gone` marks the findings (by index) taken as resolved.
  int operator()(const std::vector<char>& gone) {
    penalty_.assign(slots_, 0);
    int hub_penalty = 0;
    bool any_critical = false;
    for (size_t i = 0; i < fs_.size(); ++i) {
      if (gone[i]) continue;
      any_critical |= fs_[i].severity == Severity::critical;
      const int p = severity_penalty(fs_[i].severity);
      if (finding_slot_[i] == kHub) hub_penalty += p;
      else if (finding_slot_[i] >= 0) penalty_[static_cast<size_t>(finding_slot_[i])] += p;
    }
    double weighted = 0, weights = 0;
    for (size_t i = 0; i < home_.devices.size(); ++i) {
      const auto& d = home_.devices[i];
      if (d.disabled) continue;
      const double w = tier_weight(d.tier);
      weighted += w * std::max(0, 100 - penalty_[static_cast<size_t>(device_slot_[i])]);
      weights += w;
    }
    return home_score(weighted, weights, hub_penalty, any_critical);
  }

 private:
  static constexpr int kHub = -1, kElsewhere = -2;   // a home-level finding; a device not in the home
  const model::Home& home_;
  const std::vector<Finding>& fs_;
  std::vector<int> device_slot_, finding_slot_, penalty_;
  size_t slots_ = 0;
};

}  // namespace

Triage triage(const model::Home& home, const AuditResult& result, const TriageOptions& opts) {
  Triage t;
  const auto& fs = result.findings;
  // Group by rule and subject kind, in the order groups first appear.
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < fs.size(); ++i) {
    const auto& f = fs[i];
    if (opts.accepted.count(f.key())) {
      t.accepted.push_back(i);
      continue;
    }
    const auto id = group_id(f);
    auto [it, added] = index.try_emplace(id, t.groups.size());
    if (added) t.groups.push_back(FindingGroup{id, f.rule, f.subject.kind, f.severity, {}, 0, 0});
    auto& g = t.groups[it->second];
    g.members.push_back(i);
    g.severity = std::max(g.severity, f.severity);
    if (f.remediation.kind == Remediation::Kind::action && !f.remediation.actions.empty()) ++g.fixable;
  }
  for (auto& g : t.groups) {
    std::stable_sort(g.members.begin(), g.members.end(),
                     [&](size_t a, size_t b) { return fs[a].severity > fs[b].severity; });
    if (g.single()) g.id = fs[g.members.front()].key();
  }
  std::stable_sort(t.groups.begin(), t.groups.end(), [](const FindingGroup& a, const FindingGroup& b) {
    if (a.severity != b.severity) return a.severity > b.severity;
    if (a.members.size() != b.members.size()) return a.members.size() > b.members.size();
    return a.rule < b.rule;
  });

  // What each group is worth alone.
  // Accepted findings still count in the score (README "Accepted risks"): they are never "gone".
  std::vector<char> gone(fs.size(), 0);
  Scorer score_without(home, fs);
  for (auto& g : t.groups) {
    for (size_t i : g.members) gone[i] = 1;
    g.score_after = score_without(gone);
    for (size_t i : g.members) gone[i] = 0;
  }

  // First steps, greedily: the group that raises the score most once the steps before it are done;
  // on a tie the graver, then the larger. Information is never a step.
  std::vector<char> taken(t.groups.size(), 0);
  int current = result.score;
  while (t.steps.size() < opts.max_steps) {
    long best = -1;
    int best_score = 0;
    for (size_t gi = 0; gi < t.groups.size(); ++gi) {
      const auto& g = t.groups[gi];
      if (taken[gi] || g.severity == Severity::info) continue;
      for (size_t i : g.members) gone[i] = 1;
      const int s = score_without(gone);
      for (size_t i : g.members) gone[i] = 0;
      if (best < 0) {
        best = static_cast<long>(gi);
        best_score = s;
        continue;
      }
      const auto& b = t.groups[static_cast<size_t>(best)];
      const bool better = s != best_score ? s > best_score
                          : g.severity != b.severity ? g.severity > b.severity
                                                     : g.members.size() > b.members.size();
      if (better) {
        best = static_cast<long>(gi);
        best_score = s;
      }
    }
    if (best < 0) break;
    const auto bi = static_cast<size_t>(best);
    taken[bi] = 1;
    for (size_t i : t.groups[bi].members) gone[i] = 1;
    t.steps.push_back(FirstStep{bi, best_score - current, best_score});
    current = best_score;
  }

  // The first screen below the steps: every critical and high group, then the rest in order while
  // the budget lasts.
  size_t room = opts.budget > t.steps.size() ? opts.budget - t.steps.size() : 0;
  for (size_t gi = 0; gi < t.groups.size(); ++gi) {
    if (taken[gi]) continue;
    const auto& g = t.groups[gi];
    const bool grave = g.severity >= Severity::high;
    const bool quiet = g.severity == Severity::info && !opts.include_info;
    if (grave || (!quiet && t.listed.size() < room)) {
      t.listed.push_back(gi);
    } else {
      ++t.hidden_groups;
      t.hidden_findings += g.members.size();
    }
  }
  return t;
}

}  // namespace domoguard::audit
