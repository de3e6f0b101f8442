#include <algorithm>
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <set>

#include "app/source.hpp"
#include "audit/engine.hpp"
#include "locale/messages.hpp"
#include "policy/compile.hpp"
#include "util/resources.hpp"

using namespace domoguard;

namespace {

const policy::PolicyData& data() {
  static auto d = policy::policy_data();
  if (!d.ok()) FAIL(d.error().describe());
  return **d;
}

std::set<std::string> all_rule_ids() {
  std::set<std::string> ids;
  for (const auto& r : audit::all_rules()) ids.insert(std::string(r.id));
  return ids;
}

policy::PolicySources embedded() {
  policy::PolicySources s;
  s.levels = *resources::get("manifests/policy/levels.json");
  s.child_safe = *resources::get("manifests/policy/child_safe.json");
  s.scenarios = *resources::get("manifests/policy/scenarios.json");
  s.privacy_defaults = *resources::get("manifests/policy/privacy_defaults.json");
  return s;
}

}  // namespace

TEST_CASE("policy manifests refer only to existing rules, and every rule has a category", "[policy]") {
  const auto ids = all_rule_ids();
  std::set<std::string> categorised;
  for (const auto& c : data().categories)
    for (const auto& r : c.rules) {
      INFO(c.name << " " << r);
      CHECK(ids.count(r) == 1);
      categorised.insert(r);
    }
  for (const auto& id : ids) {
    INFO(id);
    CHECK(categorised.count(id) == 1);
  }
  for (const auto& l : data().levels)
    for (const auto& [r, s] : l.rules) {
      INFO(l.name << " " << r);
      CHECK(ids.count(r) == 1);
    }
  CHECK(data().level_names() == std::vector<std::string>{"basic", "recommended", "strict"});
  CHECK(data().category_names() == std::vector<std::string>{"access_locks", "cameras_video", "voice_microphones",
                                                            "presence_location", "media_content", "energy_appliances",
                                                            "hub"});
  CHECK(data().scenario_names() == std::vector<std::string>{"home", "away", "guests", "night"});
}

TEST_CASE("a rule's categories and levels come from its table entry, once", "[policy]") {
  auto parsed = policy::parse_policy_data(embedded());
  REQUIRE(parsed.ok());
  const audit::RuleDef rule{.id = "DG-TST-001",
                            .categories = {"access_locks", "hub"},
                            .levels = {.recommended = audit::LevelMode::warn,
                                       .strict = audit::LevelMode::enforce}};
  auto data = *parsed;
  REQUIRE(policy::add_rule_levels(data, {rule}).ok());
  CHECK(data.category("hub")->rules == std::vector<std::string>{"DG-TST-001"});
  CHECK(data.category("access_locks")->rules == std::vector<std::string>{"DG-TST-001"});
  CHECK(data.category("cameras_video")->rules.empty());
  CHECK(data.level("basic")->setting("DG-TST-001").mode == policy::Mode::ignore);
  CHECK(data.level("recommended")->setting("DG-TST-001").mode == policy::Mode::warn);
  CHECK(data.level("strict")->setting("DG-TST-001").mode == policy::Mode::enforce);

  // Placed a second time (in levels.json and in its table): refused, naming the rule.
  auto twice = policy::add_rule_levels(data, {rule});
  REQUIRE_FALSE(twice.ok());
  CHECK(twice.error().message.find("DG-TST-001") != std::string::npos);
  // A category levels.json does not name: refused.
  auto fresh = *parsed;
  audit::RuleDef stray = rule;
  stray.categories = {"toasters"};
  auto unknown = policy::add_rule_levels(fresh, {stray});
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().message.find("toasters") != std::string::npos);
}

TEST_CASE("each device type belongs to at most one category; exactly one fallback", "[policy]") {
  std::set<std::string> seen;
  int fallbacks = 0;
  for (const auto& c : data().categories) {
    fallbacks += c.fallback;
    for (const auto& t : c.device_types) {
      INFO(t);
      CHECK(seen.insert(t).second);
    }
  }
  CHECK(fallbacks == 1);
}

TEST_CASE("levels grow stricter and strict gives a reason for every rule it does not enforce", "[policy]") {
  const auto* basic = data().level("basic");
  const auto* rec = data().level("recommended");
  const auto* strict = data().level("strict");
  REQUIRE((basic && rec && strict));
  locale::Messages en("en");
  for (const auto& id : all_rule_ids()) {
    INFO(id);
    const auto b = basic->setting(id).mode, r = rec->setting(id).mode;
    const auto s = strict->setting(id);
    CHECK(static_cast<int>(b) <= static_cast<int>(r));
    CHECK(static_cast<int>(r) <= static_cast<int>(s.mode));
    CHECK(strict->rules.count(id) == 1);
    if (s.mode != policy::Mode::enforce) {
      CHECK_FALSE(s.reason_key.empty());
      CHECK(en.has(s.reason_key));
    }
  }
  // Only rules with a one-click remediation somewhere are worth enforcing; a level enforcing a rule
  // that only ever gives guidance would promise more than it does.
  const std::set<std::string> automatable = {"DG-VOI-001", "DG-VOI-002", "DG-VOI-003", "DG-VOI-004", "DG-VOI-005",
                                             "DG-CHI-001", "DG-CHI-003", "DG-PRV-001", "DG-PRV-002", "DG-VOI-006",
                                             "DG-RAD-001"};
  for (const auto& l : data().levels)
    for (const auto& [r, s] : l.rules)
      if (s.mode == policy::Mode::enforce) {
        INFO(l.name << " " << r);
        CHECK(automatable.count(r) == 1);
      }
}

TEST_CASE("every policy text is in the English catalogue", "[policy]") {
  locale::Messages en("en");
  std::vector<std::string> keys;
  for (const auto& l : data().levels) {
    keys.push_back("level." + l.name + ".title");
    keys.push_back("level." + l.name + ".description");
  }
  for (const auto& c : data().categories) keys.push_back("category." + c.name + ".title");
  for (const auto& s : data().scenarios) {
    keys.push_back("scenario." + s.name + ".title");
    keys.push_back("scenario." + s.name + ".description");
  }
  for (const auto& [situation, key] : data().child_safe.guidance) keys.push_back(key);
  for (const auto& key : data().child_safe.always_guidance) keys.push_back(key);
  for (auto k : model::kActionKinds) {
    const std::string kind(model::to_string(k));
    if (kind == "select_option") continue;
    keys.push_back(std::string("plan.value.") + kind + "." +
                   (kind == "switch" ? "on" : kind == "lock" ? "locked" : kind == "revoke_token" ? "revoked" : "true"));
  }
  for (const auto& k : {"plan.title.level", "plan.title.level_all", "plan.title.child_safe", "plan.title.scenario",
                        "plan.title.privacy_default", "plan.title.fix", "plan.action.select_option",
                        "assistant.conversation", "assistant.cloud.alexa", "assistant.cloud.google_assistant",
                        "privacy_default.guidance.opt_in", "privacy_default.guidance.tracker_kept"})
    keys.push_back(k);
  for (const auto& k : keys) {
    INFO(k);
    CHECK(en.has(k));
  }
}

TEST_CASE("malformed policy manifests are refused with file and place", "[policy]") {
  auto good = embedded();
  REQUIRE(policy::parse_policy_data(good).ok());
  struct Case {
    std::string levels, child_safe, scenarios, privacy;
    std::string file, where;
  };
  const std::string L(good.levels), C(good.child_safe), S(good.scenarios), P(good.privacy_defaults);
  const std::vector<Case> cases = {
      {"{not json", C, S, P, "levels.json", ""},
      {R"({"categories":[],"levels":[{"name":"x","rules":{"DG-VOI-001":"sometimes"}}]})", C, S, P, "levels.json",
       "levels[0].rules.DG-VOI-001"},
      {R"({"categories":[{"name":"c","device_types":["toaster"],"rules":[]}],"levels":[]})", C, S, P, "levels.json",
       "categories[0].device_types"},
      {L, R"({"child_locks":{"switch":"on","lock":"locked","select":[]},"unexpose":{"device_types":"lock"},"content_filters":"on"})",
       S, P, "child_safe.json", "unexpose.device_types"},
      {L, C, R"({"scenarios":[{"name":"x","steps":[{"do":"dance"}]}]})", P, "scenarios.json", "scenarios[0].steps[0].do"},
      {L, C, R"({"scenarios":[{"name":"x","steps":[{"do":"privacy_switch","device_types":["camera"],"where":"attic","after":"on"}]}]})",
       P, "scenarios.json", "scenarios[0].steps[0].where"},
      {L, C, S, R"({"types":{"camera":{"unexpose":true}}})", "privacy_defaults.json", "types"},
      {L, C, S, R"({"types":{"default":{},"camera":{"unexpose":"yes"}}})", "privacy_defaults.json", "types.camera.unexpose"},
      {L, C, S, R"([1,2])", "privacy_defaults.json", ""},
  };
  for (const auto& c : cases) {
    INFO(c.file << " " << c.where);
    auto r = policy::parse_policy_data({c.levels, c.child_safe, c.scenarios, c.privacy});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::bad_input);
    CHECK_THAT(r.error().file, Catch::EndsWith(c.file));
    CHECK(r.error().where == c.where);
  }
}

TEST_CASE("plans over the demo home are plausible", "[policy]") {
  auto home = app::load_demo();
  REQUIRE(home.ok());
  auto result = audit::run_audit(*home);
  auto check = [&](const policy::Plan& p) {
    INFO(p.selector);
    CHECK(p.id.size() == 64);
    for (const auto& a : p.actions) {
      INFO(a.kind << " " << a.target << " " << a.param);
      CHECK(policy::parse_action_kind(a.kind).has_value());
      const bool known_token = a.kind == "revoke_token" &&
                               std::any_of(home->tokens.begin(), home->tokens.end(),
                                           [&](const model::Token& t) { return model::token_key(t) == a.target; });
      const bool known_app = a.kind == "set_app_protection" &&
                             std::any_of(home->apps.begin(), home->apps.end(),
                                         [&](const model::App& x) { return x.slug == a.target; });
      CHECK((a.target == "hub" || home->entity(a.target) != nullptr || known_token || known_app));
      CHECK(a.before != a.after);
      CHECK_FALSE(a.message_key.empty());
    }
  };
  auto rec = policy::plan_level(*home, result.findings, "recommended", "");
  REQUIRE(rec.ok());
  check(*rec);
  CHECK(rec->actions.size() >= 3);
  CHECK_FALSE(rec->guidance.empty());
  auto basic = policy::plan_level(*home, result.findings, "basic", "");
  auto strict = policy::plan_level(*home, result.findings, "strict", "");
  REQUIRE((basic.ok() && strict.ok()));
  check(*basic);
  check(*strict);
  CHECK(basic->actions.size() <= rec->actions.size());
  CHECK(rec->actions.size() <= strict->actions.size());

  auto cs = policy::plan_child_safe(*home);
  REQUIRE(cs.ok());
  check(*cs);
  CHECK_FALSE(cs->actions.empty());
  for (const auto& name : data().scenario_names()) {
    auto sc = policy::plan_scenario(*home, name);
    REQUIRE(sc.ok());
    check(*sc);
  }
  for (const auto& d : home->devices) {
    auto pd = policy::plan_privacy_defaults(*home, d.id);
    REQUIRE(pd.ok());
    check(*pd);
  }
  for (const auto& f : result.findings) check(policy::plan_fix(*home, f));
}
