// Runs the rule catalogue over a Home: classification, checks, redaction, scoring.
#pragma once

#include <string>
#include <vector>

#include "audit/rule.hpp"

namespace domoguard::audit {

struct NotRun {
  std::string rule;
  std::string reason;   // a message key, alone or packed with its values (locale::later); say it with locale::say
  std::string part;     // the data part that was missing, where that is the reason
  // What the home was read from: a reason the source gave none of ("notrun.missing.<part>") is
  // said in that source's terms, with what would let the rule run (see report::not_run_reason).
  model::SourceKind source = model::SourceKind::unknown;
};

struct DeviceScore {
  std::string id;
  std::string name;
  std::string area_id;
  model::DeviceType type = model::DeviceType::other;
  model::Tier tier = model::Tier::normal;
  int score = 100;
};

struct AuditResult {
  std::vector<Finding> findings;
  std::vector<NotRun> not_run;
  std::vector<DeviceScore> devices;
  int score = 100;
  int rules_run = 0;
};

struct AuditOptions {
  std::vector<std::string> only_rules;   // empty = all
};

// Classifies the home (so it is taken by reference) and runs every rule.
AuditResult run_audit(model::Home& home, const AuditOptions& opts = {});

// Re-runs only the device rules for one device, appending to out. The home must be classified.
void audit_device(const model::Home& home, const model::Device& device, std::vector<Finding>& out);

// Runs one rule; used by tests and `domoguard explain`. Returns false when it could not run
// (the reason is written to why).
bool run_rule(const RuleDef& rule, const model::Home& home, std::vector<Finding>& out, std::string* why = nullptr);

// True when the home holds every part the rule needs; otherwise why says what is missing.
bool can_run(const RuleDef& rule, const model::Home& home, std::string* why = nullptr);

// Scoring (see README "Scores"): per device from its findings, the home from devices and home-level findings.
int severity_penalty(Severity s);
void score(const model::Home& home, AuditResult& result);
// score()'s parts: a device's weight by tier, and the home's score from the weighted device scores,
// the penalty of home-level findings and whether any finding is critical.
double tier_weight(model::Tier tier);
int home_score(double weighted, double weights, int hub_penalty, bool any_critical);

// Drops or masks evidence values that identify people or hardware (MACs, serials, IPs, e-mail).
void redact(Evidence& evidence);

}  // namespace domoguard::audit
