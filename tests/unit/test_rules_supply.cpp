#include <catch2/catch.hpp>

#include "home_builder.hpp"

using namespace dgtest;
using audit::Severity;

TEST_CASE("DG-SUP-001 flags custom integrations that run critical or sensitive devices", "[rules][supply]") {
  HomeBuilder b;
  b.integration("c1", "custom_lock", model::IotClass::cloud_polling, true).version = "1.2.0";
  b.integration("c2", "custom_cam", model::IotClass::local_push, true).version = "0.3";
  b.integration("c3", "custom_light", model::IotClass::local_push, true).version = "2.0";
  b.integration("core", "zwave_js");
  b.device("lock1", "Front door", "c1");
  b.entity("lock.front_door", "lock1", "locked");
  b.device("cam1", "Porch", "c2");
  b.entity("camera.porch", "cam1", "idle");
  b.device("light1", "Lamp", "c3");
  b.entity("light.lamp", "light1", "on");
  b.device("lock2", "Back door", "core");
  b.entity("lock.back_door", "lock2", "locked");
  auto f = run("DG-SUP-001", b.build());
  REQUIRE(f.size() == 2);
  for (auto& x : f) {
    if (x.subject.id == "c1") CHECK(x.severity == Severity::high);
    else {
      CHECK(x.subject.id == "c2");
      CHECK(x.severity == Severity::medium);
    }
  }
}

TEST_CASE("DG-SUP-001 is not run without integration manifests", "[rules][supply]") {
  HomeBuilder b;
  b.without(model::Part::manifests);
  bool ran = true;
  run("DG-SUP-001", b.build(), &ran);
  CHECK_FALSE(ran);
}

TEST_CASE("DG-SUP-002 flags custom integrations without a version", "[rules][supply]") {
  HomeBuilder b;
  b.integration("c1", "custom_a", model::IotClass::local_push, true);
  b.integration("c2", "custom_b", model::IotClass::local_push, true).version = "1.0";
  b.integration("core", "hue");   // core integrations carry no version of their own
  auto f = run("DG-SUP-002", b.build());
  REQUIRE(f.size() == 1);
  CHECK(f[0].subject.id == "c1");
  CHECK(f[0].severity == Severity::low);
}

TEST_CASE("DG-SUP-003 flags integrations that failed to set up", "[rules][supply]") {
  HomeBuilder b;
  b.integration("e1", "zwave_js").state = "setup_retry";
  b.integration("e2", "hue").state = "setup_error";
  b.integration("e3", "mqtt").state = "loaded";
  auto& off = b.integration("e4", "tuya");
  off.state = "setup_error";
  off.disabled = true;   // switched off on purpose
  b.device("lock1", "Front door", "e1");
  b.entity("lock.front_door", "lock1", "locked");
  auto f = run("DG-SUP-003", b.build());
  REQUIRE(f.size() == 2);
  for (auto& x : f) CHECK(x.severity == (x.subject.id == "e1" ? Severity::high : Severity::medium));
}

TEST_CASE("DG-SUP-004 flags switched-off integrations that still hold credentials", "[rules][supply]") {
  HomeBuilder b;
  auto& broker = b.integration("m1", "mqtt");
  broker.disabled = true;
  broker.has_auth = true;                                                  // a stored password
  b.integration("t1", "tuya", model::IotClass::cloud_polling).disabled = true;  // a cloud account
  b.integration("h1", "hue", model::IotClass::local_push).disabled = true;      // nothing stored
  auto& used = b.integration("m2", "mqtt");                                // switched on: in use
  used.has_auth = true;
  auto f = run("DG-SUP-004", b.build());
  REQUIRE(f.size() == 2);
  for (auto& x : f) {
    CHECK(x.severity == Severity::low);
    CHECK(x.remediation.message_key == "rule.DG-SUP-004.fix");
    CHECK((x.subject.id == "m1" || x.subject.id == "t1"));
  }
}

TEST_CASE("DG-SUP-004 finds nothing when every integration is in use, and is not run without integrations",
          "[rules][supply]") {
  HomeBuilder b;
  b.integration("t1", "tuya", model::IotClass::cloud_polling);
  CHECK(run("DG-SUP-004", b.build()).empty());
  HomeBuilder none;
  none.without(model::Part::integrations);
  bool ran = true;
  run("DG-SUP-004", none.build(), &ran);
  CHECK_FALSE(ran);
}
