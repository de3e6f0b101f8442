#include <catch2/catch.hpp>

#include "home_builder.hpp"
#include "hub/ha/adapter.hpp"

using namespace dgtest;
using audit::Severity;

TEST_CASE("DG-RAD-001 flags a Zigbee2MQTT permit-join switch left on, with a one-click off", "[rules][radio]") {
  HomeBuilder b;
  b.device("bridge", "Zigbee2MQTT Bridge", "mqtt1");
  auto& open = b.entity("switch.zigbee2mqtt_bridge_permit_join", "bridge", "on");
  open.unique_id = "bridge_0x00124b0029f3a1b2_permit_join_zigbee2mqtt";
  b.entity("switch.kitchen_plug", "", "on");
  auto f = run("DG-RAD-001", b.build());
  REQUIRE(f.size() == 1);
  CHECK(f[0].severity == Severity::high);
  REQUIRE(f[0].remediation.kind == audit::Remediation::Kind::action);
  CHECK(f[0].remediation.actions.at(0).kind == model::ActionKind::switch_state);
  CHECK(f[0].remediation.actions.at(0).target == "switch.zigbee2mqtt_bridge_permit_join");

  HomeBuilder closed;
  closed.entity("switch.zigbee2mqtt_bridge_permit_join", "", "off");
  CHECK(run("DG-RAD-001", closed.build()).empty());
  HomeBuilder offline;
  offline.entity("switch.zigbee2mqtt_bridge_permit_join");
  offline.without(model::Part::states);
  bool ran = true;
  run("DG-RAD-001", offline.build(), &ran);
  CHECK_FALSE(ran);
}

TEST_CASE("DG-RAD-002 flags a Z-Wave controller left including or excluding", "[rules][radio]") {
  for (auto [state, sev] : {std::pair{1, Severity::high}, std::pair{2, Severity::medium}}) {
    HomeBuilder b;
    b.h.hub.zwave_inclusion_state = state;
    auto f = run("DG-RAD-002", b.build());
    REQUIRE(f.size() == 1);
    CHECK(f[0].severity == sev);
  }
  for (int quiet : {0, 3, 4}) {   // idle, busy, SmartStart
    HomeBuilder b;
    b.h.hub.zwave_inclusion_state = quiet;
    CHECK(run("DG-RAD-002", b.build()).empty());
  }
  HomeBuilder unknown;
  unknown.without(model::Part::radio_security);
  bool ran = true;
  run("DG-RAD-002", unknown.build(), &ran);
  CHECK_FALSE(ran);
  // From Z-Wave JS's reply (components/zwave_js/api.py websocket_network_status: controller.inclusion_state).
  hub::ha::Replies r;
  r["zwave_js/network_status"] = R"({"client":{"connected":true},"controller":{"home_id":1,"inclusion_state":1,"nodes":[]}})";
  auto h = hub::ha::from_replies(r, "test");
  REQUIRE(h);
  CHECK(h->hub.zwave_inclusion_state == 1);
}

TEST_CASE("DG-RAD-003 flags doors and gates worked by fixed radio codes", "[rules][radio]") {
  HomeBuilder b;
  b.device("d_gate", "Driveway gate", "kaku1");
  auto& gate = b.entity("switch.driveway_gate", "d_gate", "off");
  gate.platform = "klik_aan_klik_uit";
  gate.original_name = "Driveway gate";
  auto& lamp = b.entity("switch.garden_lamp", "", "off");
  lamp.platform = "klik_aan_klik_uit";
  lamp.original_name = "Garden lamp";
  auto& zw = b.entity("cover.garage_door", "", "closed", "garage");
  zw.platform = "zwave_js";
  auto f = run("DG-RAD-003", b.build());
  REQUIRE(f.size() == 1);
  CHECK(f[0].subject.id == "d_gate");
  CHECK(f[0].severity == Severity::high);
  CHECK(ev(f[0], "coding") == "fixed");
}
