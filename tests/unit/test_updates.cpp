#include <catch2/catch.hpp>

#include "home_builder.hpp"

using namespace dgtest;

TEST_CASE("DG-UPD-001 flags a pending update, weighted by tier", "[rules][updates]") {
  HomeBuilder b;
  b.integration("e1", "zwave_js");
  b.device("lock1", "Front door", "e1");
  b.entity("lock.front_door", "lock1", "locked");
  auto& u = b.entity("update.front_door_firmware", "lock1", "on");
  u.attributes = {{"installed_version", "1.0"}, {"latest_version", "1.2"}};
  u.supported_features = 1;
  auto& home = b.build();
  auto f = run("DG-UPD-001", home);
  REQUIRE(f.size() == 1);
  CHECK(f[0].severity == audit::Severity::high);
  CHECK(f[0].subject.id == "lock1");
  // Installing cannot be undone: guidance (the installable one's text), never an empty one-click fix.
  CHECK(f[0].remediation.kind == audit::Remediation::Kind::guidance);
  CHECK(f[0].remediation.message_key == "rule.DG-UPD-001.fix");
  CHECK(f[0].clauses.front() == "7.2.17");
}

TEST_CASE("DG-UPD-001 is quiet when up to date, and not run without states", "[rules][updates]") {
  HomeBuilder b;
  b.device("d1", "Plug");
  b.entity("update.plug", "d1", "off");
  auto& home = b.build();
  CHECK(run("DG-UPD-001", home).empty());

  HomeBuilder b2;
  b2.without(model::Part::states);
  bool ran = true;
  run("DG-UPD-001", b2.build(), &ran);
  CHECK_FALSE(ran);
}
