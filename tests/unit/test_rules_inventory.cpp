#include <catch2/catch.hpp>

#include "home_builder.hpp"

using namespace dgtest;
using audit::Severity;

TEST_CASE("DG-INV-001 flags devices that cannot be identified", "[rules][inventory]") {
  HomeBuilder b;
  auto& anon = b.device("d1", "Mystery");
  anon.manufacturer.clear();
  anon.model.clear();
  b.device("d2", "No firmware").sw_version.clear();
  b.device("d3", "Complete");
  b.device("svc", "Cloud account").service = true;
  b.h.devices.back().manufacturer.clear();
  auto f = run("DG-INV-001", b.build());
  REQUIRE(f.size() == 2);
  for (auto& x : f) {
    if (x.subject.id == "d1") {
      CHECK(ev(x, "missing") == "manufacturer, model");
      CHECK(x.severity == Severity::low);
    } else {
      CHECK(x.subject.id == "d2");
      CHECK(x.severity == Severity::info);
    }
  }
}

TEST_CASE("DG-INV-002 flags removed devices left in the registry", "[rules][inventory]") {
  HomeBuilder b;
  b.h.deleted_devices.push_back({"x1", "Old lock", "zwave_js", "", "2026-01-01T00:00:00", true, {}});
  b.h.deleted_devices.push_back({"x2", "Restorable", "hue", "", "", false, {}});
  b.h.deleted_devices.push_back({"9f3c2a", "", "", "", "2026-02-01T00:00:00", true, {{"zha", "00:11:22"}}});
  b.h.deleted_devices.push_back({"7a1b0c", "", "", "", "", true, {{"zha", "00:11:23"}}});
  auto f = run("DG-INV-002", b.build());
  REQUIRE(f.size() == 1);   // one finding for the home, not one per removed device
  CHECK(f[0].subject.kind == "hub");
  CHECK(f[0].placeholders == std::vector<std::pair<std::string, std::string>>{{"count", "3"}});
  auto ev = [&](const std::string& k) {
    for (const auto& [key, v] : f[0].evidence)
      if (key == k) return v;
    return std::string();
  };
  CHECK(ev("integrations") == "zha 2, zwave_js 1");
  CHECK(ev("names") == "Old lock, zha device, zha device");
  for (const auto& [k, v] : f[0].evidence) CHECK(v.find("9f3c2a") == std::string::npos);
  HomeBuilder none;
  none.without(model::Part::deleted_devices);
  bool ran = true;
  run("DG-INV-002", none.build(), &ran);
  CHECK_FALSE(ran);
}

TEST_CASE("DG-INV-003 flags devices that share a name", "[rules][inventory]") {
  HomeBuilder b;
  b.device("l1", "Front door");
  b.entity("lock.front_door", "l1", "locked");
  b.device("l2", "front  door");
  b.device("l3", "Back door");
  auto f = run("DG-INV-003", b.build());
  REQUIRE(f.size() == 2);
  for (auto& x : f) CHECK(x.severity == Severity::medium);   // one of them is a lock
  HomeBuilder ok;
  ok.device("a", "Lamp 1");
  ok.device("b", "Lamp 2");
  CHECK(run("DG-INV-003", ok.build()).empty());
}

TEST_CASE("DG-INV-004 flags critical and sensitive devices without a room", "[rules][inventory]") {
  HomeBuilder b;
  b.area("hall", "Hall");
  b.device("l1", "Front door");
  b.entity("lock.front_door", "l1", "locked");
  b.device("l2", "Back door", "", "hall");
  b.entity("lock.back_door", "l2", "locked");
  b.device("p1", "Lamp");
  b.entity("light.lamp", "p1", "on");
  auto f = run("DG-INV-004", b.build());
  REQUIRE(f.size() == 1);
  CHECK(f[0].subject.id == "l1");
  HomeBuilder none;
  none.without(model::Part::areas);
  bool ran = true;
  run("DG-INV-004", none.build(), &ran);
  CHECK_FALSE(ran);
}

TEST_CASE("DG-INV-005 flags entities outside the registry", "[rules][inventory]") {
  HomeBuilder b;
  b.entity("lock.yaml_lock", "", "locked").in_registry = false;
  b.entity("sensor.yaml_temp", "", "21").in_registry = false;
  b.entity("sensor.registered", "", "1");
  // HA's own home zone and conversation agent have no unique id by design: not the household's to manage.
  b.entity("zone.home", "", "2").in_registry = false;
  b.entity("conversation.home_assistant", "", "unknown").in_registry = false;
  auto f = run("DG-INV-005", b.build());
  REQUIRE(f.size() == 2);
  for (auto& x : f) CHECK(x.severity == (x.subject.id == "lock.yaml_lock" ? Severity::medium : Severity::info));
}

TEST_CASE("DG-INV-006 flags devices with no integration behind them", "[rules][inventory]") {
  HomeBuilder b;
  b.integration("e1", "hue");
  b.device("d1", "Managed", "e1");
  b.device("d2", "Orphan", "gone");
  b.device("d3", "Loose");
  auto f = run("DG-INV-006", b.build());
  REQUIRE(f.size() == 2);
  for (auto& x : f) {
    // Removing a device cannot be undone: guidance, not a one-click plan.
    CHECK(x.remediation.kind == audit::Remediation::Kind::guidance);
    CHECK(x.remediation.message_key == "rule.DG-INV-006.fix");
  }
}
