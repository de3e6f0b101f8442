#include <catch2/catch.hpp>

#include "home_builder.hpp"

using namespace dgtest;
using audit::Severity;

TEST_CASE("DG-UPD-001 leaves the hub's own updates to DG-UPD-005", "[rules][updates]") {
  HomeBuilder b;
  b.entity("update.home_assistant_core_update", "", "on");
  auto& home = b.build();
  CHECK(run("DG-UPD-001", home).empty());
  auto f = run("DG-UPD-005", home);
  REQUIRE(f.size() == 1);
  CHECK(f[0].subject.kind == "entity");
  CHECK(f[0].device_id.empty());
  CHECK(has_evidence(f[0], "component", "core"));
}

TEST_CASE("DG-UPD-002 flags auto-update off, weighted by tier", "[rules][updates]") {
  HomeBuilder b;
  b.device("lock1", "Front door");
  b.entity("lock.front_door", "lock1", "locked");
  b.entity("update.front_door", "lock1", "off").attributes = {{"auto_update", "false"}};
  b.device("plug1", "Kettle plug");
  b.entity("switch.kettle", "plug1", "on");
  b.entity("update.kettle", "plug1", "off").attributes = {{"auto_update", "true"}};
  auto& home = b.build();
  auto f = run("DG-UPD-002", home);
  REQUIRE(f.size() == 1);
  CHECK(f[0].subject.id == "lock1");
  CHECK(f[0].severity == Severity::medium);
  // HA has no service that switches auto_update: guidance, not a one-click fix that does nothing.
  CHECK(f[0].remediation.kind == audit::Remediation::Kind::guidance);
  CHECK(f[0].remediation.message_key == "rule.DG-UPD-002.fix");
}

TEST_CASE("DG-UPD-002 is quiet without the attribute and not run without states", "[rules][updates]") {
  HomeBuilder b;
  b.device("d1", "Plug");
  b.entity("update.plug", "d1", "off");
  CHECK(run("DG-UPD-002", b.build()).empty());
  HomeBuilder b2;
  b2.without(model::Part::states);
  bool ran = true;
  run("DG-UPD-002", b2.build(), &ran);
  CHECK_FALSE(ran);
}

TEST_CASE("DG-UPD-003 flags critical and sensitive devices without an update entity", "[rules][updates]") {
  HomeBuilder b;
  b.device("lock1", "Front door");
  b.entity("lock.front_door", "lock1", "locked");
  b.device("cam1", "Porch camera");
  b.entity("camera.porch", "cam1", "idle");
  b.entity("update.porch", "cam1", "off");
  b.device("light1", "Lamp");
  b.entity("light.lamp", "light1", "on");
  auto& home = b.build();
  auto f = run("DG-UPD-003", home);
  REQUIRE(f.size() == 1);   // the camera has one, the lamp is normal tier
  CHECK(f[0].subject.id == "lock1");
  CHECK(f[0].severity == Severity::medium);
  CHECK(has_evidence(f[0], "update_entity", "none"));
}

TEST_CASE("DG-UPD-003 counts a disabled update entity as no channel, and needs entities", "[rules][updates]") {
  HomeBuilder b;
  b.device("cam1", "Porch camera");
  b.entity("camera.porch", "cam1", "idle");
  b.entity("update.porch", "cam1", "off").disabled = true;
  auto f = run("DG-UPD-003", b.build());
  REQUIRE(f.size() == 1);
  CHECK(f[0].severity == Severity::low);
  CHECK(has_evidence(f[0], "update_entity", "disabled"));

  HomeBuilder b2;
  b2.without(model::Part::entities);
  bool ran = true;
  run("DG-UPD-003", b2.build(), &ran);
  CHECK_FALSE(ran);
}

TEST_CASE("DG-UPD-004 flags a skipped update that is still the latest", "[rules][updates]") {
  HomeBuilder b;
  b.device("lock1", "Front door");
  b.entity("lock.front_door", "lock1", "locked");
  auto& u = b.entity("update.front_door", "lock1", "off");
  u.attributes = {{"installed_version", "1.0"}, {"latest_version", "1.2"}, {"skipped_version", "1.2"}};
  u.supported_features = 1;
  auto f = run("DG-UPD-004", b.build());
  REQUIRE(f.size() == 1);
  CHECK(f[0].severity == Severity::medium);
  // An installation cannot be undone: guidance, however installable the entity is.
  CHECK(f[0].remediation.kind == audit::Remediation::Kind::guidance);
  CHECK(f[0].remediation.message_key == "rule.DG-UPD-004.fix");
}

TEST_CASE("DG-UPD-004 is quiet when nothing is skipped or a newer release replaced it", "[rules][updates]") {
  HomeBuilder b;
  b.device("d1", "Plug");
  b.entity("update.a", "d1", "off").attributes = {{"installed_version", "1.0"}, {"latest_version", "1.0"},
                                                  {"skipped_version", "null"}};
  b.entity("update.b", "d1", "on").attributes = {{"installed_version", "1.0"}, {"latest_version", "1.3"},
                                                 {"skipped_version", "1.2"}};
  CHECK(run("DG-UPD-004", b.build()).empty());
}

TEST_CASE("DG-UPD-005 flags pending hub core and OS updates, not device ones", "[rules][updates]") {
  HomeBuilder b;
  auto& os = b.entity("update.home_assistant_operating_system_update", "", "on");
  os.attributes = {{"installed_version", "16.0"}, {"latest_version", "16.3"}};
  os.supported_features = 1;
  b.entity("update.home_assistant_core_update", "", "off");
  b.device("d1", "Plug");
  b.entity("update.plug", "d1", "on");
  auto f = run("DG-UPD-005", b.build());
  REQUIRE(f.size() == 1);
  CHECK(has_evidence(f[0], "component", "os"));
  CHECK(f[0].severity == Severity::medium);
  // Installing cannot be undone: guidance (the installable one's text), never an empty one-click fix.
  CHECK(f[0].remediation.kind == audit::Remediation::Kind::guidance);
  CHECK(f[0].remediation.message_key == "rule.DG-UPD-005.fix");
}
