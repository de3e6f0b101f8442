#include <catch2/catch.hpp>

#include "home_builder.hpp"

using namespace dgtest;
using audit::Remediation;
using audit::Severity;

TEST_CASE("DG-FS-001 flags critical and safety devices served through a cloud", "[rules][failsafe]") {
  HomeBuilder b;
  b.integration("cl", "august", model::IotClass::cloud_push);
  b.integration("zw", "zwave_js", model::IotClass::local_push);
  b.device("lock1", "Front door", "cl");
  b.entity("lock.front_door", "lock1", "locked");
  b.device("smoke1", "Hall smoke", "cl");
  b.entity("binary_sensor.hall_smoke", "smoke1", "off", "smoke");
  b.device("lock2", "Back door", "zw");
  b.entity("lock.back_door", "lock2", "locked");
  b.device("light1", "Cloud bulb", "cl");
  b.entity("light.bulb", "light1", "on");
  auto f = run("DG-FS-001", b.build());
  REQUIRE(f.size() == 2);
  CHECK(f[0].device_id == "lock1");
  CHECK(f[1].device_id == "smoke1");
  CHECK(f[0].severity == Severity::high);
  CHECK(has_evidence(f[0], "iot_class", "cloud_push"));
  CHECK(f[0].clauses.front() == "7.1.4");
}

TEST_CASE("DG-FS-001 is not run without integrations", "[rules][failsafe]") {
  HomeBuilder b;
  b.integration("cl", "august", model::IotClass::cloud_push);
  b.device("lock1", "Front door", "cl");
  b.entity("lock.front_door", "lock1", "locked");
  b.without(model::Part::integrations);
  bool ran = true;
  CHECK(run("DG-FS-001", b.build(), &ran).empty());
  CHECK_FALSE(ran);
}

TEST_CASE("DG-FS-002 flags a critical device whose main entities are all unavailable", "[rules][failsafe]") {
  HomeBuilder b;
  b.device("lock1", "Front door");
  b.entity("lock.front_door", "lock1", "unavailable");
  b.entity("sensor.front_door_battery", "lock1", "80", "battery").entity_category = "diagnostic";
  b.device("co1", "CO sensor");
  b.entity("binary_sensor.co", "co1", "unknown", "carbon_monoxide");
  b.device("lock2", "Back door");
  b.entity("lock.back_door", "lock2", "locked");
  b.entity("sensor.back_door_signal", "lock2", "unavailable");
  auto f = run("DG-FS-002", b.build());
  REQUIRE(f.size() == 2);
  CHECK(f[0].device_id == "lock1");
  CHECK(f[1].device_id == "co1");
  CHECK(has_evidence(f[0], "state", "unavailable"));
  CHECK(f[0].severity == Severity::high);
}

TEST_CASE("DG-FS-002 is not run without states", "[rules][failsafe]") {
  HomeBuilder b;
  b.device("lock1", "Front door");
  b.entity("lock.front_door", "lock1", "unavailable");
  b.without(model::Part::states);
  bool ran = true;
  run("DG-FS-002", b.build(), &ran);
  CHECK_FALSE(ran);
}

TEST_CASE("DG-FS-003 grades low batteries on locks, alarms and safety sensors", "[rules][failsafe]") {
  struct Case {
    const char* how;  // "sensor", "attribute" or "binary"
    const char* value;
    bool flagged;
    Severity sev;
  };
  auto c = GENERATE(Case{"sensor", "15", true, Severity::high}, Case{"sensor", "7", true, Severity::critical},
                    Case{"sensor", "20", false, Severity::info}, Case{"sensor", "unavailable", false, Severity::info},
                    Case{"attribute", "9.5", true, Severity::critical}, Case{"attribute", "55", false, Severity::info},
                    Case{"binary", "on", true, Severity::critical}, Case{"binary", "off", false, Severity::info});
  HomeBuilder b;
  b.device("leak1", "Leak sensor");
  auto& leak = b.entity("binary_sensor.leak", "leak1", "off", "moisture");
  if (std::string(c.how) == "attribute") leak.attributes["battery_level"] = c.value;
  if (std::string(c.how) == "sensor") b.entity("sensor.leak_battery", "leak1", c.value, "battery");
  if (std::string(c.how) == "binary") b.entity("binary_sensor.leak_battery_low", "leak1", c.value, "battery");
  auto f = run("DG-FS-003", b.build());
  INFO(c.how << " " << c.value);
  REQUIRE(f.size() == (c.flagged ? 1u : 0u));
  if (c.flagged) {
    CHECK(f[0].severity == c.sev);
    CHECK(f[0].device_id == "leak1");
  }
}

TEST_CASE("DG-FS-003 ignores comfort devices and is not run without states", "[rules][failsafe]") {
  HomeBuilder b;
  b.device("t1", "Thermometer");
  b.entity("sensor.temp", "t1", "21", "temperature");
  b.entity("sensor.temp_battery", "t1", "3", "battery");
  CHECK(run("DG-FS-003", b.build()).empty());
  b.without(model::Part::states);
  bool ran = true;
  run("DG-FS-003", b.build(), &ran);
  CHECK_FALSE(ran);
}

TEST_CASE("DG-FS-004 flags a jammed lock", "[rules][failsafe]") {
  HomeBuilder b;
  b.device("lock1", "Front door");
  b.entity("lock.front_door", "lock1", "jammed");
  b.device("lock2", "Back door");
  b.entity("lock.back_door", "lock2", "unlocked");
  auto f = run("DG-FS-004", b.build());
  REQUIRE(f.size() == 1);
  CHECK(f[0].device_id == "lock1");
  CHECK(f[0].severity == Severity::high);
  CHECK(has_evidence(f[0], "state", "jammed"));
}

TEST_CASE("DG-FS-004 is not run without states", "[rules][failsafe]") {
  HomeBuilder b;
  b.device("lock1", "Front door");
  b.entity("lock.front_door", "lock1", "jammed");
  b.without(model::Part::states);
  bool ran = true;
  run("DG-FS-004", b.build(), &ran);
  CHECK_FALSE(ran);
}

TEST_CASE("DG-FS-005 notes safety sensors that report no battery", "[rules][failsafe]") {
  HomeBuilder b;
  b.device("s1", "Smoke alarm");
  b.entity("binary_sensor.smoke", "s1", "off", "smoke");
  b.device("s2", "Kitchen smoke alarm");
  b.entity("binary_sensor.kitchen_smoke", "s2", "off", "smoke");
  b.entity("sensor.kitchen_smoke_battery", "s2", "90", "battery");
  b.device("s3", "Leak sensor");
  b.entity("binary_sensor.leak", "s3", "off", "moisture").attributes["battery"] = "80";
  auto f = run("DG-FS-005", b.build());
  REQUIRE(f.size() == 1);
  CHECK(f[0].device_id == "s1");
  CHECK(f[0].severity == Severity::info);
  CHECK(f[0].remediation.kind == Remediation::Kind::guidance);
}

TEST_CASE("DG-FS-005 is not run without entities", "[rules][failsafe]") {
  HomeBuilder b;
  b.device("s1", "Smoke alarm");
  b.without(model::Part::entities);
  bool ran = true;
  run("DG-FS-005", b.build(), &ran);
  CHECK_FALSE(ran);
}
