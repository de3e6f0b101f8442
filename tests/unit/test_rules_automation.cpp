#include <catch2/catch.hpp>

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
