// Rules, findings and the check-function contract.
//
// A rule is one entry in its family's table (id, clauses, what it needs, ...) plus one check
// function in the same file. The engine runs each check through one entry point that enforces
// the shared chores: it skips rules whose data is missing (reported as "not run" with the
// reason), stamps rule id and clauses on every finding, and redacts evidence.
#pragma once

#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/action_kind.hpp"
#include "model/home.hpp"

namespace domoguard::audit {

enum class Severity { info, low, medium, high, critical };
const char* to_string(Severity);
bool parse_severity(std::string_view, Severity&);

enum class Dimension { security, privacy };
enum class RiskSource { service, gateway, device, network };
enum class Scope { home, device };

const char* to_string(Dimension);
const char* to_string(RiskSource);

// An automatable remediation: one hub-neutral action that a plan can carry out (model::ActionKind:
// only changes that can be read back and undone, so a one-click fix is never an empty plan).
struct Action {
  model::ActionKind kind;
  std::string target;    // entity id; for set_expose_new the assistant, for set_analytics the preference
  std::string after;     // the desired value, as text ("false", "on", ...)
};

struct Remediation {
  enum class Kind { guidance, action } kind = Kind::guidance;
  std::string message_key;            // locales key explaining what to do
  std::vector<Action> actions;        // non-empty when kind == action
};

struct Subject {
  std::string kind;   // hub, user, device, entity, integration, area, automation
  std::string id;
  std::string name;
};

// Evidence is facts, as (key, value) text pairs. Keys naming identifiers (mac, serial, ip, ...)
// are pseudonymised or dropped by the engine before a finding leaves it.
using Evidence = std::vector<std::pair<std::string, std::string>>;

struct Finding {
  std::string rule;
  std::vector<std::string> clauses;
  Severity severity = Severity::medium;
  Subject subject;
  std::string device_id;              // the device the finding counts against ("" for home-level)
  std::string area_id;
  std::string message_key;            // title key; defaults to "rule.<id>.title"
  std::vector<std::pair<std::string, std::string>> placeholders;  // for the message
  Evidence evidence;
  Remediation remediation;
  std::string key() const { return rule + "|" + subject.kind + ":" + subject.id; }
};

// Where check functions put findings. Keeps the check code to "what is wrong".
class Sink {
 public:
  virtual ~Sink() = default;
  virtual void add(Finding f) = 0;
};

// Shorthands for check functions.
Subject subject_of(const model::Device&);
Subject subject_of(const model::Entity&);
Subject subject_of(const model::User&);
Subject subject_of(const model::Integration&);
Subject hub_subject(const model::Home&);
// A finding about a device: subject, device, area, and the {name} and {area} placeholders set.
Finding device_finding(const model::Home&, const model::Device&, Severity);
Remediation guidance(std::string key);
Remediation action(std::string key, std::vector<Action> actions);

// What a security level (ISO/IEC 27403 7.1.2, 7.1.3) does with the rule's findings: enforce (its
// one-click actions become plan actions), warn (guidance in the plan) or ignore.
enum class LevelMode { ignore, warn, enforce };

// The rule's place in the levels of manifests/policy/levels.json, which names the levels and the
// service categories (devices types and domains) but no rule. Levels only grow stricter, and strict
// says why it does not enforce a rule (a locales key).
struct RuleLevels {
  LevelMode basic = LevelMode::ignore;
  LevelMode recommended = LevelMode::ignore;
  LevelMode strict = LevelMode::ignore;
  std::string_view strict_reason;
};

using HomeCheck = void (*)(const model::Home&, Sink&);
using DeviceCheck = void (*)(const model::Home&, const model::Device&, Sink&);

struct RuleDef {
  std::string_view id;                          // DG-<FAMILY>-<NNN>
  std::vector<std::string_view> clauses;        // ISO/IEC 27403 clauses, e.g. "7.2.17", "D"
  std::vector<std::string_view> etsi;           // ETSI EN 303 645 provisions, e.g. "5.3-2"
  Dimension dimension;
  RiskSource risk_source;
  Severity severity;                            // the usual severity (checks may raise or lower it)
  std::vector<model::Part> needs;               // data the check reads
  std::vector<model::DeviceType> device_types;  // device rules: types it applies to (empty = all)
  // Service categories (levels.json) whose level plans take the rule's findings; a rule in several
  // counts where its subject's device type or domain belongs. Empty: levels.json lists the rule itself.
  std::vector<std::string_view> categories;
  RuleLevels levels;
  HomeCheck home_check = nullptr;               // exactly one of home_check / device_check
  DeviceCheck device_check = nullptr;
  Scope scope() const { return device_check ? Scope::device : Scope::home; }
};

// Every rule, in catalogue order. Families are registered in rules/registry.cpp.
const std::vector<RuleDef>& all_rules();
const RuleDef* find_rule(std::string_view id);

}  // namespace domoguard::audit
