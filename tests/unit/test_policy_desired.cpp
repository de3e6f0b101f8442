// The desired state of the settings in force, and drift from it (issue 18: modes that hold).
#include <catch2/catch.hpp>

#include "app/source.hpp"
#include "audit/classify.hpp"
#include "policy/desired.hpp"
#include "policy/model_port.hpp"
#include "test_policy_home.hpp"

using namespace dgtest;
using policy::HoldMode;
using policy::InForce;

namespace {

const policy::PolicyData& data() {
  auto d = policy::policy_data();
  REQUIRE(d.ok());
  return **d;
}

// Applies a plan to the in-memory home as a hub would, and returns it as the journal keeps it.
InForce apply_in_memory(model::Home& home, const policy::Plan& plan, HoldMode mode, int64_t journal_id) {
  policy::ModelPort port(home);
  for (const auto& a : plan.actions) REQUIRE(port.write(a, a.after).ok());
  home.index();
  return InForce{mode, journal_id, plan.selector, plan.actions};
}

using DriftRow = std::tuple<std::string, std::string, std::string, std::string, std::string>;  // kind target param want is

std::set<DriftRow> rows(const std::vector<policy::Drift>& drift) {
  std::set<DriftRow> s;
  for (const auto& d : drift) s.insert({d.want.action.kind, d.want.action.target, d.want.action.param, d.want.action.after, d.is});
  return s;
}

model::Entity& entity(model::Home& h, const std::string& id) {
  for (auto& e : h.entities)
    if (e.entity_id == id) return e;
  FAIL("no entity " << id);
  throw 0;
}

}  // namespace

TEST_CASE("child-safe mode in force: drift is each child lock or exposure undone, nothing else", "[policy][hold]") {
  PolicyHome ph;
  ph.ready();
  auto& home = *ph.home;
  const auto plan = policy::plan_child_safe(data(), home);
  REQUIRE_FALSE(plan.actions.empty());
  const std::vector<InForce> in_force{apply_in_memory(home, plan, HoldMode::child_safe, 7)};

  auto desired = policy::desired_state(data(), home, in_force);
  REQUIRE(desired.values.size() == plan.actions.size());
  CHECK(policy::compare(home, desired).empty());
  const auto* lock = desired.find("switch", "switch.oven_child_lock");
  REQUIRE(lock);
  CHECK(lock->action.after == "on");
  CHECK(lock->journal_id == 7);
  CHECK(lock->mode == HoldMode::child_safe);

  // The child lock turned off at the device, the front door given back to Assist, and a switch
  // nobody holds changed: two drifts, and the plug's own power is not one of them.
  entity(home, "switch.oven_child_lock").state = "off";
  entity(home, "lock.front_door").exposure.conversation = true;
  entity(home, "switch.desk_plug").state = "off";
  CHECK(rows(policy::compare(home, desired)) == std::set<DriftRow>{
                                                   {"switch", "switch.oven_child_lock", "", "on", "off"},
                                                   {"set_exposure", "lock.front_door", "conversation", "false", "true"},
                                               });

  // A device that is away is not drift: it cannot be told apart from a changed one, nor commanded.
  entity(home, "switch.oven_child_lock").state = "unavailable";
  CHECK(rows(policy::compare(home, desired)).size() == 1);

  // Putting it back is a plan of its own kind, and leaves no drift.
  entity(home, "switch.oven_child_lock").state = "off";
  const auto drift = policy::compare(home, desired);
  const auto restore = policy::restore_plan(HoldMode::child_safe, drift);
  CHECK(restore.kind == "hold");
  CHECK(restore.selector == "hold=child_safe");
  CHECK(restore.actions.size() == 2);
  CHECK_FALSE(restore.id.empty());
  policy::ModelPort port(home);
  for (const auto& a : restore.actions) REQUIRE(port.write(a, a.after).ok());
  CHECK(policy::compare(home, desired).empty());
  // A restore plan for another mode takes none of this drift.
  CHECK(policy::restore_plan(HoldMode::scenario, drift).actions.empty());
}

TEST_CASE("a child lock on a device paired after child-safe mode went on is held too", "[policy][hold]") {
  PolicyHome before;
  before.ready();
  const auto plan = policy::plan_child_safe(data(), *before.home);
  const auto in_force = apply_in_memory(*before.home, plan, HoldMode::child_safe, 3);

  PolicyHome after;
  after.b.device("d_kettle", "Kettle", "e1");
  after.b.entity("switch.kettle_child_lock", "d_kettle", "off");
  after.ready();
  apply_in_memory(*after.home, plan, HoldMode::child_safe, 3);
  const auto desired = policy::desired_state(data(), *after.home, {in_force});
  CHECK(rows(policy::compare(*after.home, desired)) ==
        std::set<DriftRow>{{"switch", "switch.kettle_child_lock", "", "on", "off"}});
}

TEST_CASE("only the newest scenario holds, and a newer setting wins over an older one", "[policy][hold]") {
  PolicyHome ph;
  ph.ready();
  auto& home = *ph.home;
  auto away = policy::plan_scenario(data(), home, "away");
  REQUIRE(away.ok());
  REQUIRE_FALSE(away->actions.empty());
  const auto in_away = apply_in_memory(home, *away, HoldMode::scenario, 1);
  auto at_home = policy::plan_scenario(data(), home, "home");
  REQUIRE(at_home.ok());
  const auto in_home = apply_in_memory(home, *at_home, HoldMode::scenario, 2);

  auto desired = policy::desired_state(data(), home, {in_home, in_away});
  for (const auto& v : desired.values) CHECK(v.journal_id == 2);
  CHECK(policy::compare(home, desired).empty());

  // Child-safe applied after the scenario: where both want the same target, child-safe's value holds.
  const auto cs = policy::plan_child_safe(data(), home);
  const auto in_cs = apply_in_memory(home, cs, HoldMode::child_safe, 3);
  desired = policy::desired_state(data(), home, {in_away, in_home, in_cs});
  std::set<std::tuple<std::string, std::string, std::string>> keys;
  for (const auto& v : desired.values) CHECK(keys.insert({v.action.kind, v.action.target, v.action.param}).second);
  CHECK(policy::compare(home, desired).empty());
}

TEST_CASE("levels hold per category: the newest level of each, a level for all replaces older ones", "[policy][hold]") {
  PolicyHome ph;
  ph.ready();
  auto& home = *ph.home;
  auto basic_cams = policy::plan_level(data(), home, ph.findings, "basic", "cameras_video");
  auto recommended_all = policy::plan_level(data(), home, ph.findings, "recommended", "");
  REQUIRE(basic_cams.ok());
  REQUIRE(recommended_all.ok());
  REQUIRE_FALSE(recommended_all->actions.empty());
  const InForce older{HoldMode::level, 4, basic_cams->selector, basic_cams->actions};
  const auto newer = apply_in_memory(home, *recommended_all, HoldMode::level, 5);
  const auto desired = policy::desired_state(data(), home, {older, newer});
  REQUIRE_FALSE(desired.values.empty());
  for (const auto& v : desired.values) {
    CHECK(v.journal_id == 5);
    CHECK(v.name == "recommended");
  }
  // The level's rules stage their fixes (usage off first, base analytics at the next audit): what it
  // would do next is not drift, only what it did and someone undid.
  CHECK(policy::compare(home, desired).empty());
  // The analytics preference the level switched off, switched on again, is drift.
  home.hub.analytics_usage = true;
  CHECK(rows(policy::compare(home, desired)) == std::set<DriftRow>{{"set_analytics", "hub", "usage", "false", "true"}});
}

TEST_CASE("privacy by default holds per device while its plan stands; a removed device holds nothing", "[policy][hold]") {
  PolicyHome ph;
  ph.ready();
  auto& home = *ph.home;
  auto cam = policy::plan_privacy_defaults(data(), home, "d_kcam");
  REQUIRE(cam.ok());
  REQUIRE_FALSE(cam->actions.empty());
  const auto in_force = apply_in_memory(home, *cam, HoldMode::privacy_default, 9);
  auto desired = policy::desired_state(data(), home, {in_force});
  REQUIRE_FALSE(desired.values.empty());
  for (const auto& v : desired.values) CHECK(v.name == "d_kcam");
  CHECK(policy::compare(home, desired).empty());
  const auto& first = desired.values.front().action;
  auto now = policy::current_value(home, first);
  REQUIRE(now);
  CHECK(*now == first.after);

  // Its entities gone from the home: the journalled values cannot be compared, so no drift.
  PolicyHome gone;
  gone.b.h.devices.erase(std::remove_if(gone.b.h.devices.begin(), gone.b.h.devices.end(),
                                        [](const model::Device& d) { return d.id == "d_kcam"; }),
                         gone.b.h.devices.end());
  gone.b.h.entities.erase(std::remove_if(gone.b.h.entities.begin(), gone.b.h.entities.end(),
                                         [](const model::Entity& e) { return e.device_id == "d_kcam"; }),
                          gone.b.h.entities.end());
  gone.ready();
  desired = policy::desired_state(data(), *gone.home, {in_force});
  CHECK(policy::compare(*gone.home, desired).empty());
}

TEST_CASE("nothing in force holds nothing", "[policy][hold]") {
  PolicyHome ph;
  ph.ready();
  CHECK(policy::desired_state(data(), *ph.home, {}).values.empty());
}

TEST_CASE("the demo home holds child-safe mode", "[policy][hold]") {
  auto demo = app::load_demo();
  REQUIRE(demo.ok());
  auto& home = *demo;
  audit::classify(home);
  const auto plan = policy::plan_child_safe(data(), home);
  REQUIRE_FALSE(plan.actions.empty());
  const auto in_force = apply_in_memory(home, plan, HoldMode::child_safe, 1);
  const auto desired = policy::desired_state(data(), home, {in_force});
  CHECK(policy::compare(home, desired).empty());
  // Undo each change by hand: each is drift, and the restore plan brings back the same values.
  policy::ModelPort port(home);
  for (const auto& a : plan.actions) REQUIRE(port.write(a, a.before).ok());
  const auto drift = policy::compare(home, desired);
  CHECK(drift.size() == plan.actions.size());
  const auto restore = policy::restore_plan(HoldMode::child_safe, drift);
  for (const auto& a : restore.actions) REQUIRE(port.write(a, a.after).ok());
  CHECK(policy::compare(home, desired).empty());
}

TEST_CASE("hold modes and policies by name", "[policy][hold]") {
  for (auto m : policy::kHoldModes) CHECK(policy::hold_mode(policy::to_string(m)) == m);
  CHECK_FALSE(policy::hold_mode("fix"));
  CHECK(policy::default_policy(HoldMode::child_safe) == policy::HoldPolicy::restore);
  CHECK(policy::default_policy(HoldMode::privacy_default) == policy::HoldPolicy::restore);
  CHECK(policy::default_policy(HoldMode::level) == policy::HoldPolicy::notify);
  CHECK(policy::hold_policy("restore") == policy::HoldPolicy::restore);
  CHECK(policy::hold_policy("notify") == policy::HoldPolicy::notify);
  CHECK_FALSE(policy::hold_policy("ignore"));
  std::string name, category, device;
  policy::selector_parts("level=strict;category=hub", name, category, device);
  CHECK(name == "strict");
  CHECK(category == "hub");
  policy::selector_parts("privacy_default=on;device=abc", name, category, device);
  CHECK(device == "abc");
  CHECK(name.empty());
}
