#include "audit/triage.hpp"

#include <algorithm>
#include <map>
#include <unordered_set>

namespace domoguard::audit {

std::string group_id(const Finding& f) { return f.rule + "|" + f.subject.kind + ":*"; }

namespace {

// The home's score with the findings in `gone` (indices) resolved.
int score_without(const model::Home& home, const AuditResult& result, const std::vector<char>& gone) {
  AuditResult r;
  r.findings.reserve(result.findings.size());
  for (size_t i = 0; i < result.findings.size(); ++i)
    if (!gone[i]) r.findings.push_back(result.findings[i]);
  score(home, r);
  return r.score;
}

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
  for (auto& g : t.groups) {
    for (size_t i : g.members) gone[i] = 1;
    g.score_after = score_without(home, result, gone);
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
      const int s = score_without(home, result, gone);
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
