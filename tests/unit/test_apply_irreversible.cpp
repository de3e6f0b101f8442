// Changes no undo can take back (model::undoable: revoking a long-lived access token). The plan says
// so before anything is applied, runs them after every reversible step, never names the token by
// its owner's id and creation time in a text, and undo restores the rest and leaves them alone.
#include <catch2/catch.hpp>

#include "home_builder.hpp"
#include "locale/messages.hpp"
#include "policy/apply.hpp"
#include "policy/compile.hpp"
#include "policy/model_port.hpp"
#include "report/render_plan.hpp"
#include "store/journal.hpp"

using namespace dgtest;

namespace {

const std::string kTokenKey = "u1/2025-01-01T00:00:00Z";

model::Home& token_home(HomeBuilder& b) {
  b.user("u1", "Alice", true, true);
  b.device("d1", "Hall");
  b.entity("switch.hall", "d1", "on");
  model::Token t;
  t.user_id = "u1";
  t.type = "long_lived_access_token";
  t.client_name = "Old backup script";
  t.created_at = "2025-01-01T00:00:00Z";
  t.last_used_at = "2025-02-01T00:00:00Z";
  b.h.tokens.push_back(t);
  return b.build();
}

policy::PlanAction step(std::string kind, std::string target, std::string after) {
  policy::PlanAction a;
  a.kind = std::move(kind);
  a.target = std::move(target);
  a.after = std::move(after);
  return a;
}

}  // namespace

TEST_CASE("a token revoke: the plan says it cannot be undone and names the token, never its id", "[apply][irreversible]") {
  HomeBuilder b;
  auto& home = token_home(b);
  const auto findings = audit::run_audit(home).findings;
  const audit::Finding* unused = nullptr;
  for (const auto& f : findings)
    if (f.rule == "DG-TOK-001") unused = &f;
  REQUIRE(unused);
  const auto plan = policy::plan_fix(home, *unused);
  REQUIRE(plan.actions.size() == 1);
  CHECK(plan.actions[0].kind == "revoke_token");
  CHECK(plan.actions[0].before == "present");
  CHECK(plan.actions[0].after == "revoked");
  for (const char* lang : {"en", "de", "fr", "es", "nl"}) {
    INFO(lang);
    locale::Messages msg(lang);
    const auto table = report::plan_table(plan, msg);
    CHECK(table.find("Old backup script") != std::string::npos);
    CHECK(table.find(kTokenKey) == std::string::npos);
    CHECK(table.find("{") == std::string::npos);
    const auto doc = report::plan_json(plan, msg);
    CHECK(doc.find("\"undoable\":false") != std::string::npos);
    CHECK(doc.find("\"irreversible\":{\"count\":1") != std::string::npos);
  }
  locale::Messages en("en");
  CHECK_THAT(report::plan_table(plan, en), Catch::Contains("Cannot be undone (1): a revoked access token cannot be restored"));
  CHECK_THAT(report::plan_table(plan, en), Catch::Contains("Revoke the long-lived access token “Old backup script” (cannot be undone) (now: valid)"));

  // Applied: the token is gone and the audit no longer finds it.
  model::Home copy = home;
  policy::ModelPort port(copy);
  auto journal = store::Journal::open(":memory:");
  REQUIRE(journal);
  auto r = policy::apply(plan, port, **journal);
  REQUIRE(r);
  CHECK(r->ok);
  CHECK(copy.tokens.empty());
  for (const auto& f : audit::run_audit(copy).findings) CHECK(f.rule.rfind("DG-TOK", 0) != 0);
  // Nothing to undo: not offered as the latest plan, refused by id with the reason.
  auto latest = (*journal)->latest_undoable("");
  REQUIRE(latest);
  CHECK_FALSE(latest->has_value());
  auto u = policy::undo(r->journal_id, port, **journal);
  REQUIRE_FALSE(u);
  CHECK(u.error().key == "error.undo.irreversible");
  CHECK(u.error().message.find(kTokenKey) == std::string::npos);
}

TEST_CASE("irreversible steps run last; undo restores the rest and leaves the token revoked", "[apply][irreversible]") {
  HomeBuilder b;
  auto& home = token_home(b);
  // compile's ordering: a plan listing the revoke first still runs it last.
  policy::Plan plan;
  plan.kind = "fix";
  plan.actions = {step("revoke_token", kTokenKey, "revoked"), step("switch", "switch.hall", "off")};
  model::Home copy = home;
  policy::ModelPort port(copy);
  auto journal = store::Journal::open(":memory:");
  REQUIRE(journal);

  SECTION("a failing reversible step after a revoke: the revoke is reported, not pretended undone") {
    plan.actions.push_back(step("switch", "switch.hall", "sideways"));
    auto r = policy::apply(plan, port, **journal);
    REQUIRE(r);
    CHECK_FALSE(r->ok);
    CHECK_FALSE(r->rolled_back);   // not everything could be put back
    CHECK(r->failed_step == 2);
    CHECK_THAT(r->error.message, Catch::Contains("cannot be undone"));
    CHECK(r->error.message.find(kTokenKey) == std::string::npos);
    CHECK(copy.tokens.empty());
    CHECK(*port.read(step("switch", "switch.hall", "")) == "on");   // the reversible step was put back
  }

  SECTION("undo of a mixed plan") {
    auto r = policy::apply(plan, port, **journal);
    REQUIRE(r);
    REQUIRE(r->ok);
    CHECK(copy.tokens.empty());
    auto latest = (*journal)->latest_undoable("");
    REQUIRE(latest);
    REQUIRE(latest->has_value());
    auto u = policy::undo(0, port, **journal);
    REQUIRE(u);
    CHECK(u->ok);
    REQUIRE(u->steps.size() == 1);   // only the switch
    CHECK(u->steps[0].action.kind == "switch");
    CHECK(*port.read(step("switch", "switch.hall", "")) == "on");
    CHECK(copy.tokens.empty());
    auto orig = (*journal)->get(r->journal_id);
    REQUIRE(orig);
    CHECK(orig->state == store::PlanState::undone);
    auto again = (*journal)->latest_undoable("");
    REQUIRE(again);
    CHECK_FALSE(again->has_value());
  }
}

TEST_CASE("plans order irreversible steps after reversible ones", "[apply][irreversible][policy]") {
  HomeBuilder b;
  auto& home = token_home(b);
  home.tokens[0].created_at = "2024-01-01T00:00:00Z";
  home.tokens[0].last_used_at = "2026-11-18T00:00:00Z";   // in use, over a year old: DG-TOK-003
  model::App app;
  app.slug = "local_tools";
  app.name = "Tools";
  app.protection = false;   // DG-APP-001: protection mode back on, reversible
  home.apps.push_back(app);
  auto findings = audit::run_audit(home).findings;
  // The revoke's finding first, so only the plan's own ordering can put it last.
  std::vector<const audit::Finding*> members;
  for (const char* rule : {"DG-TOK-003", "DG-APP-001"})
    for (const auto& f : findings)
      if (f.rule == rule) members.push_back(&f);
  REQUIRE(members.size() == 2);
  const auto plan = policy::plan_fix_group(home, members, "all");
  REQUIRE(plan.actions.size() == 2);
  CHECK(plan.actions[0].kind == "set_app_protection");
  CHECK(plan.actions[0].before == "false");
  bool seen_irreversible = false;
  int revokes = 0;
  for (const auto& a : plan.actions) {
    if (!model::undoable(a.kind)) {
      seen_irreversible = true;
      ++revokes;
    } else {
      CHECK_FALSE(seen_irreversible);
    }
  }
  CHECK(revokes == 1);
}
