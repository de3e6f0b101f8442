// Plan compilers: a Home (and its findings) plus declarative data in manifests/policy/ give a Plan.
// Pure and hub-neutral: nothing here reads or writes the hub.
//   levels.json            security levels per service category (7.1.2, 7.1.3)
//   child_safe.json        child-safe mode (7.1.5, 7.1.6)
//   scenarios.json         scenario privacy presets: home, away, guests, night (7.1.7)
//   privacy_defaults.json  privacy by default for a newly paired device (7.3.2)
// Switching child-safe mode or privacy-by-default OFF is not compiled: it is the undo of the plan
// that switched it on, done by policy::undo from the journal (so exactly what was changed comes back).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "audit/rule.hpp"
#include "model/home.hpp"
#include "policy/plan.hpp"
#include "util/result.hpp"

namespace domoguard::policy {

// ---- Declarative data, as parsed from manifests/policy/*.json ----

enum class Mode { ignore, warn, enforce };
const char* to_string(Mode);

struct RuleSetting {
  Mode mode = Mode::ignore;
  std::string reason_key;   // why a level does not enforce it (strict gives one for every such rule)
};

struct Level {
  std::string name;
  std::map<std::string, RuleSetting> rules;   // rules not listed are ignored
  RuleSetting setting(const std::string& rule) const;
};

struct Category {
  std::string name;
  bool fallback = false;                       // takes findings whose subject has no category
  std::vector<std::string> device_types;       // model::to_string(DeviceType) names
  std::vector<std::string> domains;            // entity domains, for entities without a device
  std::vector<std::string> rules;
};

struct ChildSafe {
  std::map<std::string, std::string> engage;            // child-lock domain -> engaged value (switch, lock)
  std::vector<std::string> select_engaged;              // option names that mean "locked" on selects
  bool unexpose_critical = true;
  std::vector<std::string> unexpose_device_types;
  std::vector<std::string> heater_words;                // climate devices named so count as heaters
  std::string content_filters = "on";
  std::map<std::string, std::string> guidance;          // situation -> locales key
  std::vector<std::string> always_guidance;
};

struct ScenarioStep {
  std::string action;                      // "privacy_switch" or "unexpose"
  std::vector<std::string> device_types;   // privacy_switch: types whose switches it sets
  std::string where = "any";               // any, indoor, outdoor, private_rooms
  std::string after;                       // privacy_switch: "on" (private) / "off"
  std::vector<std::string> what;           // unexpose: "camera", "microphone"
};

struct Scenario {
  std::string name;
  std::vector<ScenarioStep> steps;
};

struct PrivacyDefault {
  bool unexpose = false;
  std::string privacy_switch;    // "" = leave alone
  std::string microphones;       // "" or "disable"
  std::string location;          // "" or "disable"
};

struct PolicyData {
  std::vector<Category> categories;
  std::vector<Level> levels;
  ChildSafe child_safe;
  std::vector<std::string> scenario_unchanged;   // domains no scenario touches
  std::vector<Scenario> scenarios;
  std::map<std::string, PrivacyDefault> privacy_defaults;   // device type name or "default"

  const Level* level(const std::string& name) const;
  const Category* category(const std::string& name) const;
  const Scenario* scenario(const std::string& name) const;
  std::vector<std::string> level_names() const;
  std::vector<std::string> category_names() const;
  std::vector<std::string> scenario_names() const;
};

struct PolicySources {
  std::string_view levels, child_safe, scenarios, privacy_defaults;
};

// Parses the four documents; errors name the file and the place.
Result<PolicyData> parse_policy_data(const PolicySources& src);
// Adds what each rule's table entry says (.categories, .levels) to the categories and levels that
// levels.json names. Refuses a rule placed both in levels.json and in its table, or naming a
// category or level levels.json does not have.
Result<bool> add_rule_levels(PolicyData& data, const std::vector<audit::RuleDef>& rules);
// The embedded manifests with the rule tables' levels, parsed once.
Result<std::shared_ptr<const PolicyData>> policy_data();

// ---- Compilers ----

// Actions from the remediation of enforced findings in the category ("" = all), guidance for warned
// ones and for enforced ones the hub cannot carry out safely (updates, removing devices, accounts).
Result<Plan> plan_level(const model::Home& home, const std::vector<audit::Finding>& findings, const std::string& level,
                        const std::string& category);
Result<Plan> plan_level(const PolicyData& data, const model::Home& home, const std::vector<audit::Finding>& findings,
                        const std::string& level, const std::string& category);
// Child-safe mode on.
Result<Plan> plan_child_safe(const model::Home& home);
Plan plan_child_safe(const PolicyData& data, const model::Home& home);
// A scenario preset.
Result<Plan> plan_scenario(const model::Home& home, const std::string& name);
Result<Plan> plan_scenario(const PolicyData& data, const model::Home& home, const std::string& name);
// Privacy defaults for one (newly paired) device.
Result<Plan> plan_privacy_defaults(const model::Home& home, const std::string& device_id);
Result<Plan> plan_privacy_defaults(const PolicyData& data, const model::Home& home, const std::string& device_id);
// One finding's own remediation.
Plan plan_fix(const model::Home& home, const audit::Finding& finding);
// Every member of a group (audit/triage: one rule on one kind of subject) fixed in one plan.
Plan plan_fix_group(const model::Home& home, const std::vector<const audit::Finding*>& members, const std::string& group);

// ---- Selectors, as written on the command line ----

struct Selector {
  enum class Kind { level, child_safe, scenario, privacy_default, fix, profile };
  Kind kind = Kind::level;
  std::string name;        // level or scenario name, finding key, profile file
  std::string category;    // level: category, "" = all
  std::string device_id;   // privacy_default
  bool on = true;          // child_safe / privacy_default: false = undo the plan that switched it on
  std::string text() const;   // canonical form, used as Plan::selector
};

// "--level NAME [--category CAT]", "--child-safe on|off", "--scenario NAME",
// "--privacy-default on|off --device ID", "--fix FINDING_KEY", "--profile FILE".
// Unknown names give Error(bad_input) listing the valid ones.
Result<Selector> parse_selector(const std::vector<std::string>& words);

// Compiles a selector. "off" selectors and profiles are not compiled here: they give
// Error(bad_input) with key "error.plan.undo_by_journal" / "error.plan.profile" so hosts route them.
Result<Plan> compile(const model::Home& home, const std::vector<audit::Finding>& findings, const Selector& selector);

}  // namespace domoguard::policy
