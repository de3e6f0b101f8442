#include <catch2/catch.hpp>

#include "home_builder.hpp"

using namespace dgtest;
using audit::Remediation;
using audit::Severity;

TEST_CASE("DG-CHI-001 reads released child locks across entity shapes", "[rules][children]") {
  struct Case {
    const char* entity_id;
    const char* state;
    const char* device_class;
    bool released;
  };
  auto c = GENERATE(Case{"switch.plug_child_lock", "off", "", true}, Case{"switch.plug_child_lock", "on", "", false},
                    Case{"select.trv_child_lock", "UNLOCK", "", true}, Case{"select.trv_child_lock", "LOCK", "", false},
                    Case{"lock.washer_child_lock", "unlocked", "", true},
                    Case{"lock.washer_child_lock", "locked", "", false},
                    Case{"binary_sensor.heater_child_lock", "on", "lock", true},
                    Case{"binary_sensor.heater_child_lock", "off", "lock", false});
  HomeBuilder b;
  b.device("d1", "Living plug");
  b.entity(c.entity_id, "d1", c.state, c.device_class).translation_key = "child_lock";
  auto f = run("DG-CHI-001", b.build());
  INFO(c.entity_id << " " << c.state);
  REQUIRE(f.size() == (c.released ? 1u : 0u));
  if (c.released) {
    CHECK(f[0].device_id == "d1");
    CHECK(has_evidence(f[0], "entity", c.entity_id));
    CHECK(f[0].severity == Severity::medium);
    const bool switch_entity = std::string(c.entity_id).rfind("switch.", 0) == 0;
    CHECK((f[0].remediation.kind == Remediation::Kind::action) == switch_entity);
  }
}

TEST_CASE("DG-CHI-001 weighs hazardous appliances and kids' rooms higher", "[rules][children]") {
  HomeBuilder b;
  b.area("k", "Kids room");
  b.device("oven", "Kitchen oven");
  b.entity("switch.oven_child_lock", "oven", "off").entity_category = "config";
  b.device("plug", "Night light plug", "", "k");
  b.entity("switch.plug_child_lock", "plug", "off");
  auto f = run("DG-CHI-001", b.build());
  REQUIRE(f.size() == 2);
  for (const auto& x : f) {
    CHECK(x.severity == Severity::high);
    REQUIRE(x.remediation.actions.size() == 1);
    CHECK(x.remediation.actions[0].kind == model::ActionKind::switch_state);
  }
}

TEST_CASE("DG-CHI-001 is not run without states", "[rules][children]") {
  HomeBuilder b;
  b.device("d1", "Plug");
  b.entity("switch.plug_child_lock", "d1", "off");
  b.without(model::Part::states);
  bool ran = true;
  CHECK(run("DG-CHI-001", b.build(), &ran).empty());
  CHECK_FALSE(ran);
}

TEST_CASE("DG-CHI-002 flags hazardous appliances without a child lock", "[rules][children]") {
  HomeBuilder b;
  b.device("oven", "Backofen");
  b.entity("sensor.oven_temperature", "oven", "180");
  b.device("heat", "Bathroom heater");
  b.entity("climate.bathroom_heater", "heat", "heat");
  b.device("trv", "Living thermostat");
  b.entity("climate.living", "trv", "heat");
  auto f = run("DG-CHI-002", b.build());
  REQUIRE(f.size() == 2);
  CHECK(f[0].device_id == "oven");
  CHECK(f[1].device_id == "heat");
  CHECK(f[0].severity == Severity::low);
  CHECK(f[0].remediation.kind == Remediation::Kind::guidance);
}

TEST_CASE("DG-CHI-002 is quiet when the appliance has a child lock; not run without entities", "[rules][children]") {
  HomeBuilder b;
  b.device("wm", "Washing machine");
  b.entity("sensor.wm_program", "wm", "cotton");
  b.entity("switch.wm_child_lock", "wm", "on");
  CHECK(run("DG-CHI-002", b.build()).empty());
  HomeBuilder b2;
  b2.device("wm", "Washing machine");
  b2.without(model::Part::entities);
  bool ran = true;
  run("DG-CHI-002", b2.build(), &ran);
  CHECK_FALSE(ran);
}

TEST_CASE("DG-CHI-003 flags content filters that are off", "[rules][children]") {
  HomeBuilder b;
  b.integration("ag", "adguard");
  b.device("agh", "AdGuard Home", "ag");
  b.entity("switch.adguard_parental_control", "agh", "off").platform = "adguard";
  b.entity("switch.adguard_safe_search", "agh", "on").platform = "adguard";
  b.entity("switch.adguard_query_log", "agh", "off").platform = "adguard";
  b.entity("switch.pi_hole", "", "off").platform = "pi_hole";
  auto f = run("DG-CHI-003", b.build());
  REQUIRE(f.size() == 2);
  CHECK(f[0].subject.id == "switch.adguard_parental_control");
  CHECK(f[0].device_id == "agh");
  CHECK(f[1].subject.id == "switch.pi_hole");
  REQUIRE(f[0].remediation.kind == Remediation::Kind::action);
  CHECK(f[0].remediation.actions[0].kind == model::ActionKind::switch_state);
  CHECK(f[0].clauses.front() == "7.1.5");
}

TEST_CASE("DG-CHI-003 is quiet when filters are on, not run without states", "[rules][children]") {
  HomeBuilder b;
  b.entity("switch.adguard_safe_search", "", "on").platform = "adguard";
  b.entity("switch.garden_pump", "", "off");
  CHECK(run("DG-CHI-003", b.build()).empty());
  b.without(model::Part::states);
  bool ran = true;
  run("DG-CHI-003", b.build(), &ran);
  CHECK_FALSE(ran);
}

TEST_CASE("DG-CHI-004 flags media in a kids' room when the home has no content filter", "[rules][children]") {
  HomeBuilder b;
  b.area("k", "Habitación de los niños");
  b.device("tv", "Kids TV", "", "k");
  b.entity("media_player.kids_tv", "tv", "off");
  auto f = run("DG-CHI-004", b.build());
  REQUIRE(f.size() == 1);
  CHECK(f[0].device_id == "tv");
  CHECK(f[0].severity == Severity::low);
}

TEST_CASE("DG-CHI-004 is quiet with a filter in the home or media elsewhere", "[rules][children]") {
  HomeBuilder b;
  b.area("k", "Kids room");
  b.device("tv", "Kids TV", "", "k");
  b.entity("media_player.kids_tv", "tv", "off");
  b.entity("switch.adguard_parental_control", "", "off").platform = "adguard";
  CHECK(run("DG-CHI-004", b.build()).empty());
  HomeBuilder b2;
  b2.area("l", "Living room");
  b2.device("tv", "TV", "", "l");
  b2.entity("media_player.tv", "tv", "off");
  CHECK(run("DG-CHI-004", b2.build()).empty());
  b2.without(model::Part::areas);
  bool ran = true;
  run("DG-CHI-004", b2.build(), &ran);
  CHECK_FALSE(ran);
}

TEST_CASE("DG-CHI-005 points to child-safe mode when child locks exist without a plan", "[rules][children]") {
  HomeBuilder b;
  b.device("d1", "Plug");
  b.entity("switch.plug_child_lock", "d1", "on");
  b.entity("switch.heater_child_lock", "", "off");
  auto f = run("DG-CHI-005", b.build());
  REQUIRE(f.size() == 1);
  CHECK(f[0].severity == Severity::info);
  CHECK(f[0].subject.kind == "hub");
  CHECK(has_evidence(f[0], "child_lock_controls", "2"));

  b.h.child_safe_plan = true;
  CHECK(run("DG-CHI-005", b.h).empty());
}

TEST_CASE("DG-CHI-005 is quiet without child-lock controls", "[rules][children]") {
  HomeBuilder b;
  b.device("d1", "Plug");
  b.entity("switch.plug", "d1", "on");
  CHECK(run("DG-CHI-005", b.build()).empty());
}
