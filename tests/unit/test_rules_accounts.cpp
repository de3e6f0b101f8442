#include <catch2/catch.hpp>

#include "home_builder.hpp"

using namespace dgtest;
using audit::Severity;

namespace {
std::vector<std::string> subjects(const std::vector<audit::Finding>& f) {
  std::vector<std::string> out;
  for (auto& x : f) out.push_back(x.subject.id);
  std::sort(out.begin(), out.end());
  return out;
}
}  // namespace

TEST_CASE("DG-ACC-001/002 flag users without MFA by role; system users never", "[rules][accounts]") {
  HomeBuilder b;
  b.user("u_admin", "Alice", true, true);
  b.user("u_local", "Bob", true).local_only = true;
  b.user("u_user", "Carol");
  b.user("u_mfa", "Dave", true).mfa = true;
  b.user("u_sys", "Supervisor", true).system_generated = true;
  b.user("u_off", "Eve").active = false;
  auto& home = b.build();
  auto admins = run("DG-ACC-001", home);
  REQUIRE(subjects(admins) == std::vector<std::string>{"u_admin", "u_local"});
  for (auto& f : admins) CHECK(f.severity == (f.subject.id == "u_admin" ? Severity::high : Severity::medium));
  auto users = run("DG-ACC-002", home);
  REQUIRE(subjects(users) == std::vector<std::string>{"u_user"});
  CHECK(users[0].severity == Severity::medium);
}

TEST_CASE("DG-ACC-001 is not run when MFA is unknown, and quiet when MFA is on", "[rules][accounts]") {
  HomeBuilder b;
  b.user("u1", "Alice", true).mfa = true;
  CHECK(run("DG-ACC-001", b.build()).empty());
  HomeBuilder b2;
  b2.user("u1", "Alice", true);
  b2.without(model::Part::mfa);
  bool ran = true;
  CHECK(run("DG-ACC-001", b2.build(), &ran).empty());
  CHECK_FALSE(ran);
  run("DG-ACC-002", b2.h, &ran);
  CHECK_FALSE(ran);
}

TEST_CASE("DG-ACC-003 flags more than two human admins", "[rules][accounts]") {
  HomeBuilder b;
  b.user("u1", "Alice", true, true);
  b.user("u2", "Bob", true);
  b.user("u3", "Supervisor", true).system_generated = true;
  CHECK(run("DG-ACC-003", b.build()).empty());
  b.user("u4", "Carol", true);
  auto f = run("DG-ACC-003", b.build());
  REQUIRE(f.size() == 1);
  CHECK(f[0].subject.kind == "hub");
  CHECK(f[0].severity == Severity::low);
  CHECK(f[0].placeholders.at(0).second == "3");
}

TEST_CASE("DG-ACC-004 flags a child's account with admin rights", "[rules][accounts]") {
  HomeBuilder b;
  b.user("u1", "Emma", true).child = true;
  b.user("u2", "Kids tablet", true);
  b.user("u3", "Junior", false);          // a child without admin rights is fine
  b.user("u4", "Kindle reader", true);    // "kind" inside a word is not a child marker
  auto f = run("DG-ACC-004", b.build());
  REQUIRE(subjects(f) == std::vector<std::string>{"u1", "u2"});
  for (auto& x : f) {
    CHECK(x.severity == Severity::high);
    // A person changes another's rights; no plan offers it as one click.
    CHECK(x.remediation.kind == audit::Remediation::Kind::guidance);
    CHECK(x.remediation.message_key == "rule.DG-ACC-004.fix");
  }
}

TEST_CASE("DG-ACC-004 gives guidance for a child owner account", "[rules][accounts]") {
  HomeBuilder b;
  b.user("u1", "Tom", true, true).child = true;
  auto f = run("DG-ACC-004", b.build());
  REQUIRE(f.size() == 1);
  CHECK(f[0].remediation.kind == audit::Remediation::Kind::guidance);
}

TEST_CASE("DG-ACC-005 flags shared account names", "[rules][accounts]") {
  const char* shared[] = {"admin", "Family", "guest", "User", "the_family"};
  const char* personal[] = {"Alice", "Guestroom speaker bot", "Administrator Anna"};
  for (auto* n : shared) {
    HomeBuilder b;
    b.user("u1", n);
    INFO(n);
    if (std::string(n) == "the_family") CHECK(run("DG-ACC-005", b.build()).empty());
    else CHECK(run("DG-ACC-005", b.build()).size() == 1);
  }
  for (auto* n : personal) {
    HomeBuilder b;
    b.user("u1", n);
    INFO(n);
    CHECK(run("DG-ACC-005", b.build()).empty());
  }
  HomeBuilder b;
  b.user("u1", "admin", true);
  CHECK(run("DG-ACC-005", b.build()).at(0).severity == Severity::medium);
}

TEST_CASE("DG-ACC-006 flags inactive admins, not inactive users or system users", "[rules][accounts]") {
  HomeBuilder b;
  b.user("u1", "Old admin", true).active = false;
  b.user("u2", "Old user").active = false;
  auto& s = b.user("u3", "Cloud", true);
  s.active = false;
  s.system_generated = true;
  b.user("u4", "Alice", true);
  auto f = run("DG-ACC-006", b.build());
  REQUIRE(subjects(f) == std::vector<std::string>{"u1"});
  CHECK(f[0].remediation.kind == audit::Remediation::Kind::guidance);  // a person changes rights
  CHECK(f[0].remediation.actions.empty());
}
