#include <catch2/catch.hpp>

#include <algorithm>

#include "home_builder.hpp"

using namespace dgtest;
using audit::Severity;

namespace {

// A home with a front-door lock, a garage door, an alarm panel and a blind, plus one automation.
HomeBuilder with_automation(std::vector<std::string> triggers, std::vector<std::string> conditions,
                            std::vector<std::string> services, std::vector<std::string> entities) {
  HomeBuilder b;
  b.device("lock1", "Front door");
  b.entity("lock.front_door", "lock1", "locked");
  b.device("gar1", "Garage");
  b.entity("cover.garage_door", "gar1", "closed", "garage");
  b.entity("cover.living_blind", "", "open", "blind");
  b.entity("alarm_control_panel.house", "", "armed_away");
  model::Automation a;
  a.id = "1700000000";
  a.entity_id = "automation.welcome_home";
  a.alias = "Welcome home";
  a.trigger_kinds = std::move(triggers);
  a.condition_kinds = std::move(conditions);
  a.action_services = std::move(services);
  a.action_entities = std::move(entities);
  b.h.automations.push_back(std::move(a));
  return b;
}

}  // namespace

TEST_CASE("DG-AUT-001 flags presence-only automations that open the home", "[rules][automation]") {
  struct Case {
    std::vector<std::string> triggers, conditions, services, entities;
    bool flagged;
    Severity sev;
  };
  auto c = GENERATE(
      Case{{"state:person"}, {}, {"lock.unlock"}, {"lock.front_door"}, true, Severity::critical},
      Case{{"zone"}, {}, {"alarm_control_panel.alarm_disarm"}, {"alarm_control_panel.house"}, true, Severity::critical},
      Case{{"state:device_tracker", "zone"}, {"state:person"}, {"cover.open_cover"}, {"cover.garage_door"}, true,
           Severity::high},
      Case{{"zone"}, {}, {"cover.open_cover"}, {"cover.living_blind"}, false, Severity::info},
      Case{{"state:person"}, {"time"}, {"lock.unlock"}, {"lock.front_door"}, false, Severity::info},
      Case{{"state:person", "state:binary_sensor"}, {}, {"lock.unlock"}, {"lock.front_door"}, false, Severity::info},
      Case{{"time"}, {}, {"lock.unlock"}, {"lock.front_door"}, false, Severity::info},
      Case{{"state:person"}, {}, {"light.turn_on"}, {"light.hall"}, false, Severity::info});
  auto b = with_automation(c.triggers, c.conditions, c.services, c.entities);
  auto f = run("DG-AUT-001", b.build());
  REQUIRE(f.size() == (c.flagged ? 1u : 0u));
  if (c.flagged) {
    CHECK(f[0].severity == c.sev);
    CHECK(f[0].subject.kind == "automation");
    CHECK(f[0].subject.id == "1700000000");
    CHECK(f[0].subject.name == "Welcome home");
    CHECK(f[0].device_id.empty());
    CHECK(f[0].clauses.front() == "7.3.11");
  }
}

TEST_CASE("DG-AUT-001 skips disabled automations and is not run without automations", "[rules][automation]") {
  auto b = with_automation({"state:person"}, {}, {"lock.unlock"}, {"lock.front_door"});
  b.h.automations[0].enabled = false;
  CHECK(run("DG-AUT-001", b.build()).empty());
  auto b2 = with_automation({"state:person"}, {}, {"lock.unlock"}, {"lock.front_door"});
  b2.without(model::Part::automations);
  bool ran = true;
  run("DG-AUT-001", b2.build(), &ran);
  CHECK_FALSE(ran);
}

TEST_CASE("DG-AUT-002 flags webhook automations that operate critical entities", "[rules][automation]") {
  struct Case {
    std::vector<std::string> services, entities;
    bool flagged;
    Severity sev;
  };
  auto c = GENERATE(Case{{"lock.unlock"}, {"lock.front_door"}, true, Severity::critical},
                    Case{{"lock.lock"}, {"lock.front_door"}, true, Severity::high},
                    Case{{"cover.open_cover"}, {"cover.garage_door"}, true, Severity::high},
                    Case{{"script.turn_on"}, {"alarm_control_panel.house"}, true, Severity::high},
                    Case{{"cover.open_cover"}, {"cover.living_blind"}, false, Severity::info},
                    Case{{"light.turn_on"}, {"light.hall"}, false, Severity::info});
  auto b = with_automation({"webhook"}, {}, c.services, c.entities);
  auto f = run("DG-AUT-002", b.build());
  REQUIRE(f.size() == (c.flagged ? 1u : 0u));
  if (c.flagged) CHECK(f[0].severity == c.sev);
}

TEST_CASE("DG-AUT-002 ignores other triggers and is not run without automations", "[rules][automation]") {
  auto b = with_automation({"time"}, {}, {"lock.unlock"}, {"lock.front_door"});
  CHECK(run("DG-AUT-002", b.build()).empty());
  auto b2 = with_automation({"webhook"}, {}, {"lock.unlock"}, {"lock.front_door"});
  b2.without(model::Part::automations);
  bool ran = true;
  run("DG-AUT-002", b2.build(), &ran);
  CHECK_FALSE(ran);
}

namespace {

model::Script script(std::string key, std::vector<std::string> services, std::vector<std::string> entities) {
  model::Script s;
  s.id = key;
  s.entity_id = "script." + key;
  s.alias = key;
  s.action_services = std::move(services);
  s.action_entities = std::move(entities);
  return s;
}

}  // namespace

TEST_CASE("DG-AUT-001 and DG-AUT-002 follow the scripts an automation runs", "[rules][automation][scripts]") {
  struct Case {
    std::vector<std::string> triggers, services, entities;
    const char* rule;
    Severity sev;
  };
  auto c = GENERATE(
      // script.turn_on on the script's entity, then a script calling a script
      Case{{"state:person"}, {"script.turn_on"}, {"script.let_in"}, "DG-AUT-001", Severity::critical},
      // the script called by its own service name
      Case{{"zone"}, {"script.let_in"}, {}, "DG-AUT-001", Severity::critical},
      Case{{"zone"}, {"script.open_garage"}, {}, "DG-AUT-001", Severity::high},
      Case{{"webhook"}, {"script.turn_on"}, {"script.let_in"}, "DG-AUT-002", Severity::critical});
  auto b = with_automation(c.triggers, {}, c.services, c.entities);
  b.h.scripts.push_back(script("let_in", {"script.turn_on"}, {"script.unlock_front"}));
  b.h.scripts.push_back(script("unlock_front", {"lock.unlock"}, {"lock.front_door"}));
  b.h.scripts.push_back(script("open_garage", {"cover.open_cover"}, {"cover.garage_door"}));
  auto f = run(c.rule, b.build());
  REQUIRE(f.size() == 1);
  CHECK(f[0].severity == c.sev);
  CHECK(f[0].subject.kind == "automation");
  CHECK((has_evidence(f[0], "script", "script.let_in") || has_evidence(f[0], "script", "script.open_garage")));

  // A script that only turns a light on opens nothing, however it is reached.
  auto quiet = with_automation(c.triggers, {}, {"script.turn_on"}, {"script.lights"});
  quiet.h.scripts.push_back(script("lights", {"light.turn_on"}, {"light.hall"}));
  CHECK(run(c.rule, quiet.build()).empty());
}

TEST_CASE("script calls that loop end", "[rules][automation][scripts]") {
  auto b = with_automation({"state:person"}, {}, {"script.a"}, {});
  b.h.scripts.push_back(script("a", {"script.b"}, {}));
  b.h.scripts.push_back(script("b", {"script.a", "light.turn_on"}, {"light.hall"}));
  CHECK(run("DG-AUT-001", b.build()).empty());
}

TEST_CASE("DG-AUT-003 flags what a spoken sentence can run that opens the home", "[rules][automation][scripts]") {
  // A script that unlocks (through another script), exposed to Assist: critical.
  auto b = with_automation({"time"}, {}, {"light.turn_on"}, {"light.hall"});
  b.h.scripts.push_back(script("let_in", {"script.turn_on"}, {"script.unlock_front"}));
  b.h.scripts.push_back(script("unlock_front", {"lock.unlock"}, {"lock.front_door"}));
  b.h.scripts.push_back(script("open_garage", {"cover.open_cover"}, {"cover.garage_door"}));
  b.h.scripts.push_back(script("bedtime", {"lock.lock"}, {"lock.front_door"}));
  b.entity("script.let_in").exposure.conversation = true;
  b.entity("script.unlock_front").exposure.conversation = false;
  b.entity("script.open_garage").exposure.google = true;
  b.entity("script.bedtime").exposure.conversation = true;
  auto f = run("DG-AUT-003", b.build());
  REQUIRE(f.size() == 2);
  std::sort(f.begin(), f.end(), [](const auto& x, const auto& y) { return x.subject.id < y.subject.id; });
  CHECK(f[0].subject.kind == "script");
  CHECK(f[0].subject.id == "script.let_in");
  CHECK(f[0].severity == Severity::critical);
  CHECK(has_evidence(f[0], "exposed_to", "conversation"));
  CHECK(has_evidence(f[0], "script", "script.unlock_front"));
  CHECK(has_evidence(f[0], "action", "lock.unlock"));
  CHECK(f[1].subject.id == "script.open_garage");
  CHECK(f[1].severity == Severity::high);
  CHECK(has_evidence(f[1], "exposed_to", "google"));
  CHECK(f[0].clauses.front() == "7.3.11");
}

TEST_CASE("DG-AUT-003: a script without an entity follows the hub's expose-new setting", "[rules][automation][scripts]") {
  for (bool expose_new : {true, false}) {
    auto b = with_automation({"time"}, {}, {"light.turn_on"}, {"light.hall"});
    b.h.scripts.push_back(script("let_in", {"alarm_control_panel.alarm_disarm"}, {"alarm_control_panel.house"}));
    b.h.hub.expose_new["conversation"] = expose_new;
    auto f = run("DG-AUT-003", b.build());
    REQUIRE(f.size() == (expose_new ? 1u : 0u));
    if (expose_new) CHECK(has_evidence(f[0], "exposure", "expose_new"));
  }
}

TEST_CASE("DG-AUT-003 flags sentence-triggered automations that open the home", "[rules][automation][scripts]") {
  struct Case {
    std::vector<std::string> triggers, conditions, services, entities;
    bool flagged;
  };
  auto c = GENERATE(Case{{"conversation"}, {}, {"lock.unlock"}, {"lock.front_door"}, true},
                    Case{{"conversation", "time"}, {"state:person"}, {"script.let_in"}, {}, true},
                    Case{{"conversation"}, {"state:alarm_control_panel"}, {"lock.unlock"}, {"lock.front_door"}, false},
                    Case{{"conversation"}, {}, {"light.turn_on"}, {"light.hall"}, false},
                    Case{{"state:person"}, {}, {"lock.unlock"}, {"lock.front_door"}, false});
  auto b = with_automation(c.triggers, c.conditions, c.services, c.entities);
  b.h.scripts.push_back(script("let_in", {"lock.unlock"}, {"lock.front_door"}));
  b.entity("script.let_in").exposure.conversation = false;
  auto f = run("DG-AUT-003", b.build());
  REQUIRE(f.size() == (c.flagged ? 1u : 0u));
  if (c.flagged) {
    CHECK(f[0].subject.kind == "automation");
    CHECK(f[0].severity == Severity::critical);
  }
}

TEST_CASE("DG-AUT-003 is not run without scripts", "[rules][automation][scripts]") {
  auto b = with_automation({"conversation"}, {}, {"lock.unlock"}, {"lock.front_door"});
  b.without(model::Part::scripts);
  bool ran = true;
  run("DG-AUT-003", b.build(), &ran);
  CHECK_FALSE(ran);
}
