#include <catch2/catch.hpp>

#include "home_builder.hpp"

using namespace dgtest;
using audit::Remediation;
using audit::Severity;

namespace {

// One camera device in an area of the given name, served by an integration of the given class.
HomeBuilder camera_in(const std::string& area_name, model::IotClass iot = model::IotClass::local_push) {
  HomeBuilder b;
  b.integration("e1", "onvif", iot);
  b.area("a1", area_name);
  b.device("cam1", "Camera", "e1", "a1");
  b.entity("camera.cam", "cam1", "idle");
  return b;
}

}  // namespace

TEST_CASE("DG-CAM-001 weighs a camera by the room it films", "[rules][camera]") {
  struct Case {
    const char* area;
    bool flagged;
    Severity sev;
  };
  auto c = GENERATE(Case{"Bathroom", true, Severity::critical}, Case{"Salle de bain", true, Severity::critical},
                    Case{"Master bedroom", true, Severity::high}, Case{"Kids room", true, Severity::high},
                    Case{"Living room", false, Severity::info}, Case{"Garden", false, Severity::info});
  auto b = camera_in(c.area);
  auto f = run("DG-CAM-001", b.build());
  INFO(c.area);
  REQUIRE(f.size() == (c.flagged ? 1u : 0u));
  if (c.flagged) {
    CHECK(f[0].severity == c.sev);
    CHECK(f[0].device_id == "cam1");
    CHECK(f[0].remediation.kind == Remediation::Kind::guidance);
    CHECK(f[0].clauses.front() == "7.3.1");
  }
}

TEST_CASE("DG-CAM-001 is not run without areas", "[rules][camera]") {
  auto b = camera_in("Bathroom");
  b.without(model::Part::areas);
  bool ran = true;
  CHECK(run("DG-CAM-001", b.build(), &ran).empty());
  CHECK_FALSE(ran);
}

TEST_CASE("DG-CAM-002 flags microphones in bedrooms and kids' rooms", "[rules][camera]") {
  HomeBuilder b;
  b.integration("esp", "esphome");
  b.area("kids", "Chambre d'enfant");
  b.area("bed", "Schlafzimmer");
  b.area("liv", "Living room");
  b.device("sat1", "Satellite", "esp", "kids");
  b.entity("assist_satellite.kids", "sat1", "idle");
  b.device("tv", "Bedroom TV", "esp", "bed");
  b.entity("media_player.tv", "tv", "off");
  b.entity("switch.tv_microphone", "tv", "on");
  b.device("sat2", "Satellite 2", "esp", "liv");
  b.entity("assist_satellite.living", "sat2", "idle");
  auto f = run("DG-CAM-002", b.build());
  REQUIRE(f.size() == 2);
  CHECK(f[0].device_id == "sat1");
  CHECK(f[0].severity == Severity::high);
  CHECK(f[1].device_id == "tv");
  CHECK(f[1].severity == Severity::medium);
  CHECK(has_evidence(f[1], "entity", "switch.tv_microphone"));
}

TEST_CASE("DG-CAM-002 leaves cameras to DG-CAM-001 and ignores mic-less devices", "[rules][camera]") {
  auto b = camera_in("Bedroom");
  b.entity("switch.cam_microphone", "cam1", "on");
  b.device("lamp", "Lamp", "e1", "a1");
  b.entity("light.lamp", "lamp", "on");
  CHECK(run("DG-CAM-002", b.build()).empty());
}

TEST_CASE("DG-CAM-003 reports an indoor camera's privacy switch and its state", "[rules][camera]") {
  auto b = camera_in("Living room");
  b.entity("switch.cam_privacy_mode", "cam1", "off").entity_category = "config";
  auto f = run("DG-CAM-003", b.build());
  REQUIRE(f.size() == 1);
  CHECK(f[0].severity == Severity::info);
  CHECK(has_evidence(f[0], "state", "off"));
  REQUIRE(f[0].remediation.kind == Remediation::Kind::action);
  CHECK(f[0].remediation.actions.front().kind == model::ActionKind::switch_state);
  CHECK(f[0].remediation.actions.front().target == "switch.cam_privacy_mode");

  auto on = camera_in("Living room");
  on.entity("switch.cam_privacy_mode", "cam1", "on");
  auto g = run("DG-CAM-003", on.build());
  REQUIRE(g.size() == 1);
  CHECK(g[0].remediation.kind == Remediation::Kind::guidance);
}

TEST_CASE("DG-CAM-003 is quiet for outdoor cameras and cameras with no privacy switch", "[rules][camera]") {
  auto out = camera_in("Garden");
  out.entity("switch.cam_privacy_mode", "cam1", "off");
  CHECK(run("DG-CAM-003", out.build()).empty());
  auto none = camera_in("Living room");
  CHECK(run("DG-CAM-003", none.build()).empty());
  auto no_entities = camera_in("Living room");
  no_entities.without(model::Part::entities);
  bool ran = true;
  run("DG-CAM-003", no_entities.build(), &ran);
  CHECK_FALSE(ran);
}

TEST_CASE("DG-CAM-004 flags indoor cameras without a privacy switch", "[rules][camera]") {
  auto b = camera_in("Living room");
  auto f = run("DG-CAM-004", b.build());
  REQUIRE(f.size() == 1);
  CHECK(f[0].severity == Severity::low);
  CHECK(f[0].remediation.message_key == "rule.DG-CAM-004.fix");

  auto kids = camera_in("Nursery");
  auto g = run("DG-CAM-004", kids.build());
  REQUIRE(g.size() == 1);
  CHECK(g[0].severity == Severity::medium);
}

TEST_CASE("DG-CAM-004 is quiet with a privacy switch, outdoors, and with no area", "[rules][camera]") {
  auto b = camera_in("Living room");
  b.entity("switch.cam_privacy", "cam1", "on");
  CHECK(run("DG-CAM-004", b.build()).empty());
  auto outside = camera_in("Driveway");
  CHECK(run("DG-CAM-004", outside.build()).empty());
  auto marked = camera_in("Shed");
  marked.h.areas[0].indoor = false;
  CHECK(run("DG-CAM-004", marked.build()).empty());
  HomeBuilder no_area;
  no_area.device("cam1", "Camera");
  no_area.entity("camera.cam", "cam1", "idle");
  CHECK(run("DG-CAM-004", no_area.build()).empty());
}

TEST_CASE("DG-CAM-005 flags cameras whose integration is cloud based", "[rules][camera]") {
  auto b = camera_in("Living room", model::IotClass::cloud_polling);
  auto f = run("DG-CAM-005", b.build());
  REQUIRE(f.size() == 1);
  CHECK(f[0].severity == Severity::medium);
  CHECK(has_evidence(f[0], "iot_class", "cloud_polling"));

  auto bed = camera_in("Bedroom", model::IotClass::cloud_push);
  auto g = run("DG-CAM-005", bed.build());
  REQUIRE(g.size() == 1);
  CHECK(g[0].severity == Severity::high);
}

TEST_CASE("DG-CAM-005 is quiet for local cameras, not run without integrations", "[rules][camera]") {
  auto b = camera_in("Living room", model::IotClass::local_push);
  CHECK(run("DG-CAM-005", b.build()).empty());
  auto c = camera_in("Living room", model::IotClass::cloud_push);
  c.without(model::Part::integrations);
  bool ran = true;
  run("DG-CAM-005", c.build(), &ran);
  CHECK_FALSE(ran);
}
