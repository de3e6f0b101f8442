// What a household reads first: findings grouped where one rule hits many subjects of one kind,
// the few steps that make the home safest soonest, and what fits on the first screen.
//
// A home of a few hundred devices gives hundreds of findings, most of them the same rule on many
// devices. People act on what they can see (7.2.18 asks for a home's state to be understandable,
// not merely recorded), so the same findings are folded once, here, and every front end (CLI
// table, HTML report, panel, HA repairs) shows these groups. Machines keep every finding: the
// grouping is added to the JSON, never put in place of it.
//
// Pure: reads a Home and an AuditResult, changes neither.
#pragma once

#include <cstddef>
#include <set>
#include <string>
#include <vector>

#include "audit/engine.hpp"

namespace domoguard::audit {

// One rule on one kind of subject: "58 devices do not report their firmware version".
// A finding whose rule hits no other subject of its kind is a group of one.
struct FindingGroup {
  std::string id;                 // "<rule>|<kind>:*", or the finding's own key for a group of one
  std::string rule;
  std::string subject_kind;
  Severity severity = Severity::info;   // the highest among its members
  std::vector<size_t> members;    // indices into AuditResult::findings, most severe first
  size_t fixable = 0;             // members whose remediation is an automatable action
  int score_after = 0;            // the home's score were every member resolved
  bool single() const { return members.size() == 1; }
};

// One "do this first" step: a group, and the home's score once it and every step before it are done.
struct FirstStep {
  size_t group = 0;               // index into Triage::groups
  int score_gain = 0;             // score_after minus the score before this step
  int score_after = 0;
};

struct TriageOptions {
  bool include_info = false;      // info-level findings on the first screen (the CLI's --all shows everything)
  size_t max_steps = 5;
  size_t budget = 25;             // top-level items on the first screen: steps plus the groups listed below them
  std::set<std::string> accepted; // finding keys a person accepted as a risk: kept out of groups and steps
};

struct Triage {
  std::vector<FindingGroup> groups;     // every group: severity, then size, then rule
  std::vector<FirstStep> steps;         // at most max_steps
  std::vector<size_t> listed;           // groups shown below the steps on the first screen (not repeating them)
  size_t hidden_groups = 0;             // groups left off the first screen (shown with --all)
  size_t hidden_findings = 0;           // findings in them
  std::vector<size_t> accepted;         // indices of accepted findings, shown apart
  // Top-level items on the first screen.
  size_t first_screen_items() const { return steps.size() + listed.size(); }
};

// The group id a finding belongs to when its rule repeats on its kind of subject.
std::string group_id(const Finding& f);

// Groups, first steps and the first screen. Every critical and high group is on the first screen
// whatever the budget says: nothing that grave is left to be found by scrolling.
Triage triage(const model::Home& home, const AuditResult& result, const TriageOptions& opts = {});

}  // namespace domoguard::audit
