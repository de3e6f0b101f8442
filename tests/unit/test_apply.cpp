// Applying plans: journal, verify, roll back, undo, recover — against an in-memory home.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>

#include "home_builder.hpp"
#include "locale/messages.hpp"
#include "policy/apply.hpp"
#include "policy/model_port.hpp"
#include "store/journal.hpp"

using namespace domoguard;
using dgtest::HomeBuilder;

namespace {

// A temporary journal file, removed with its WAL files.
struct TempDb {
  std::string path;
  TempDb() {
    char tmpl[] = "/tmp/dg-apply-XXXXXX";
    path = std::string(mkdtemp(tmpl)) + "/state/journal.db";
  }
  ~TempDb() { std::filesystem::remove_all(std::filesystem::path(path).parent_path().parent_path()); }
};

model::Home make_home() {
  HomeBuilder b;
  b.device("d1", "Front door", "", "");
  auto& lock = b.entity("lock.front_door", "d1", "locked");
  lock.exposure.conversation = true;
  lock.exposure.alexa = true;
  b.entity("switch.plug_child_lock", "", "off");
  b.entity("switch.oven_child_lock", "", "off");
  b.entity("select.washer_mode", "", "normal");
  b.entity("camera.hall", "", "idle").exposure.conversation = true;
  b.entity("switch.broken", "", "unavailable");
  auto& h = b.build();
  h.hub.expose_new["conversation"] = true;
  h.hub.analytics_diagnostics = true;
  return h;
}

policy::PlanAction act(std::string kind, std::string target, std::string param, std::string after) {
  policy::PlanAction a;
  a.kind = std::move(kind);
  a.target = std::move(target);
  a.param = std::move(param);
  a.after = std::move(after);
  a.message_key = "plan.action." + a.kind;
  return a;
}

policy::Plan child_safe_plan() {
  policy::Plan p;
  p.id = "cs0123456789";
  p.kind = "child_safe";
  p.selector = "child_safe=on";
  p.actions = {act("switch", "switch.plug_child_lock", "", "on"),
               act("set_exposure", "lock.front_door", "conversation", "false"),
               act("set_exposure", "lock.front_door", "cloud.alexa", "false"),
               act("switch", "switch.oven_child_lock", "", "on"),
               act("select_option", "select.washer_mode", "", "child_lock"),
               act("set_expose_new", "hub", "conversation", "false"),
               act("set_analytics", "hub", "diagnostics", "false"),
               act("hide_entity", "camera.hall", "", "true")};
  return p;
}

// Test helper: passes everything through to a real port, but fails the Nth write (1-based) and
// records every write so the order of changes and reverts can be asserted.
struct FailingPort : policy::HubPort {
  policy::HubPort& inner;
  int fail_at;
  int writes = 0;
  std::vector<std::string> log;  // "target/param=value"
  FailingPort(policy::HubPort& p, int n) : inner(p), fail_at(n) {}
  Result<std::string> read(const policy::PlanAction& a) override { return inner.read(a); }
  Result<bool> write(const policy::PlanAction& a, const std::string& v) override {
    ++writes;
    log.push_back(a.target + "/" + a.param + "=" + v);
    if (writes == fail_at) return Error{ErrorCode::internal, "error.ha.command", "not_allowed: refused by the hub", "", ""};
    return inner.write(a, v);
  }
};

struct Snapshot {
  std::string plug, oven, washer;
  bool lock_conv, lock_alexa, expose_new, diag, cam_hidden;
  static Snapshot of(const model::Home& h) {
    return {*h.entity("switch.plug_child_lock")->state, *h.entity("switch.oven_child_lock")->state,
            *h.entity("select.washer_mode")->state,    *h.entity("lock.front_door")->exposure.conversation,
            *h.entity("lock.front_door")->exposure.alexa, h.hub.expose_new.at("conversation"),
            *h.hub.analytics_diagnostics,              h.entity("camera.hall")->hidden};
  }
  bool operator==(const Snapshot&) const = default;
};

}  // namespace

TEST_CASE("apply, verify and undo round trip on the model", "[apply]") {
  TempDb db;
  auto home = make_home();
  const auto before = Snapshot::of(home);
  policy::ModelPort port(home);
  auto j = store::Journal::open(db.path);
  REQUIRE(j);

  auto r = policy::apply(child_safe_plan(), port, **j);
  REQUIRE(r);
  CHECK(r->ok);
  CHECK_FALSE(r->rolled_back);
  REQUIRE(r->steps.size() == 8);
  for (const auto& s : r->steps) CHECK(s.outcome == policy::StepOutcome::changed);
  CHECK(r->steps[0].action.before == "off");
  CHECK(*home.entity("switch.plug_child_lock")->state == "on");
  CHECK(*home.entity("lock.front_door")->exposure.conversation == false);
  CHECK(*home.entity("lock.front_door")->exposure.alexa == false);
  CHECK(*home.entity("select.washer_mode")->state == "child_lock");
  CHECK(home.hub.expose_new.at("conversation") == false);
  CHECK(*home.hub.analytics_diagnostics == false);
  CHECK(home.entity("camera.hall")->hidden);

  auto entry = (*j)->get(r->journal_id);
  REQUIRE(entry);
  CHECK(entry->state == store::PlanState::applied);
  CHECK(entry->plan_id == "cs0123456789");
  CHECK(entry->steps[1].before == "true");
  CHECK(entry->steps[1].state == store::StepState::verified);

  auto u = policy::undo(0, port, **j);
  REQUIRE(u);
  CHECK(u->ok);
  CHECK(Snapshot::of(home) == before);
  auto after_undo = (*j)->get(r->journal_id);
  REQUIRE(after_undo);
  CHECK(after_undo->state == store::PlanState::undone);
  // Nothing left to undo.
  auto again = policy::undo(0, port, **j);
  REQUIRE_FALSE(again);
  CHECK(again.error().key == "error.undo.nothing");
}

TEST_CASE("steps already at their target are unchanged; re-applying changes nothing", "[apply]") {
  TempDb db;
  auto home = make_home();
  policy::ModelPort port(home);
  auto j = store::Journal::open(db.path);
  REQUIRE(j);
  auto plan = child_safe_plan();
  plan.actions.push_back(act("set_exposure", "camera.hall", "cloud.alexa", "false"));  // already false
  auto r1 = policy::apply(plan, port, **j);
  REQUIRE(r1);
  REQUIRE(r1->ok);
  CHECK(r1->steps.back().outcome == policy::StepOutcome::unchanged);

  FailingPort counting(port, 0);
  auto r2 = policy::apply(plan, counting, **j);
  REQUIRE(r2);
  CHECK(r2->ok);
  CHECK(counting.writes == 0);
  for (const auto& s : r2->steps) CHECK(s.outcome == policy::StepOutcome::unchanged);

  // Undo of the latest skips the no-op entry and reverts the real one, but not the unchanged step.
  auto u = policy::undo(0, counting, **j);
  REQUIRE(u);
  CHECK(u->ok);
  CHECK(u->journal_id != r2->journal_id);
  CHECK(counting.writes == 8);
  CHECK(*home.entity("camera.hall")->exposure.alexa == false);  // never exposed, never touched
  CHECK(*home.entity("lock.front_door")->exposure.alexa == true);
}

TEST_CASE("a failing step rolls back the earlier ones in reverse order and names the action", "[apply]") {
  TempDb db;
  auto home = make_home();
  const auto before = Snapshot::of(home);
  policy::ModelPort model(home);
  FailingPort port(model, 4);  // the 4th write: switch.oven_child_lock
  auto j = store::Journal::open(db.path);
  REQUIRE(j);
  auto r = policy::apply(child_safe_plan(), port, **j);
  REQUIRE(r);
  CHECK_FALSE(r->ok);
  CHECK(r->rolled_back);
  CHECK(r->failed_step == 3);
  CHECK(r->error.key == "error.apply.step_failed");
  CHECK_THAT(r->error.message, Catch::Contains("switch switch.oven_child_lock") && Catch::Contains("not_allowed"));
  CHECK(Snapshot::of(home) == before);
  const std::vector<std::string> expected = {
      "switch.plug_child_lock/=on",           "lock.front_door/conversation=false", "lock.front_door/cloud.alexa=false",
      "switch.oven_child_lock/=on",           "lock.front_door/cloud.alexa=true",   "lock.front_door/conversation=true",
      "switch.plug_child_lock/=off"};
  CHECK(port.log == expected);
  CHECK(r->steps[0].outcome == policy::StepOutcome::reverted);
  CHECK(r->steps[3].outcome == policy::StepOutcome::failed);
  CHECK(r->steps[4].outcome == policy::StepOutcome::skipped);
  auto e = (*j)->get(r->journal_id);
  REQUIRE(e);
  CHECK(e->state == store::PlanState::rolled_back);
  CHECK(e->steps[2].state == store::StepState::reverted);
  CHECK(e->steps[3].state == store::StepState::failed);
  CHECK(e->steps[7].state == store::StepState::skipped);
}

TEST_CASE("a change the hub accepts but never shows fails verification and is rolled back", "[apply]") {
  // A port whose switch writes are accepted and silently dropped, like a device that is off-line.
  struct Deaf : policy::HubPort {
    policy::HubPort& inner;
    explicit Deaf(policy::HubPort& p) : inner(p) {}
    Result<std::string> read(const policy::PlanAction& a) override { return inner.read(a); }
    Result<bool> write(const policy::PlanAction& a, const std::string& v) override {
      if (a.target == "switch.oven_child_lock") return true;
      return inner.write(a, v);
    }
  };
  TempDb db;
  auto home = make_home();
  const auto before = Snapshot::of(home);
  policy::ModelPort model(home);
  Deaf port(model);
  auto j = store::Journal::open(db.path);
  REQUIRE(j);
  policy::ApplyOptions opts;
  opts.verify_timeout_ms = 150;
  auto r = policy::apply(child_safe_plan(), port, **j, opts);
  REQUIRE(r);
  CHECK(r->rolled_back);
  CHECK(r->failed_step == 3);
  CHECK_THAT(r->error.message, Catch::Contains("still reads \"off\""));
  CHECK(Snapshot::of(home) == before);
  // Said in the household's language, the cause inside the step's sentence, the failed step too.
  const locale::Messages de("de");
  CHECK(locale::error_text(r->error, de) ==
        "Schritt 4 (switch.oven_child_lock: switch → on) ist fehlgeschlagen: der Hub hat die Änderung angenommen, "
        "zeigt nach 150 ms aber noch „off“");
  REQUIRE(r->steps[3].why);
  CHECK(locale::error_text(*r->steps[3].why, de) == "der Hub hat die Änderung angenommen, zeigt nach 150 ms aber noch „off“");
}

TEST_CASE("an unknown target or unavailable entity fails before or while acting", "[apply]") {
  TempDb db;
  auto home = make_home();
  const auto before = Snapshot::of(home);
  policy::ModelPort port(home);
  auto j = store::Journal::open(db.path);
  REQUIRE(j);
  SECTION("unknown entity: nothing is touched") {
    auto plan = child_safe_plan();
    plan.actions.insert(plan.actions.begin() + 2, act("set_exposure", "lock.nowhere", "conversation", "false"));
    auto r = policy::apply(plan, port, **j);
    REQUIRE(r);
    CHECK_FALSE(r->ok);
    CHECK(r->failed_step == 2);
    CHECK_THAT(r->error.message, Catch::Contains("lock.nowhere"));
    CHECK(Snapshot::of(home) == before);
    CHECK((*j)->get(r->journal_id)->state == store::PlanState::failed);
  }
  SECTION("unavailable switch: the earlier steps are rolled back") {
    auto plan = child_safe_plan();
    plan.actions.insert(plan.actions.begin() + 3, act("switch", "switch.broken", "", "on"));
    auto r = policy::apply(plan, port, **j);
    REQUIRE(r);
    CHECK(r->rolled_back);
    CHECK(r->failed_step == 3);
    CHECK_THAT(r->error.message, Catch::Contains("unavailable"));
    CHECK(Snapshot::of(home) == before);
    CHECK_THAT(locale::error_text(r->error, locale::Messages("fr")),
               Catch::StartsWith("L'étape 4 (switch.broken") && Catch::EndsWith("a échoué : switch.broken n'est pas disponible."));
  }
}

TEST_CASE("undo leaves a target someone changed since and reports it", "[apply]") {
  TempDb db;
  auto home = make_home();
  policy::ModelPort port(home);
  auto j = store::Journal::open(db.path);
  REQUIRE(j);
  auto r = policy::apply(child_safe_plan(), port, **j);
  REQUIRE(r);
  REQUIRE(r->ok);
  for (auto& e : home.entities) {
    if (e.entity_id == "switch.oven_child_lock") e.state = "off";  // someone turned the oven's lock off again
    if (e.entity_id == "select.washer_mode") e.state = "eco";      // and picked another washer mode
  }
  auto u = policy::undo(r->journal_id, port, **j);
  REQUIRE(u);
  CHECK_FALSE(u->ok);
  CHECK(u->error.key == "error.undo.changed_since");
  CHECK_THAT(u->error.message, Catch::Contains("select.washer_mode") && Catch::Contains("eco"));
  const locale::Messages es("es");
  CHECK_THAT(locale::error_text(u->error, es), Catch::StartsWith("Se dejaron como están") && Catch::Contains(": 1 ajuste(s)"));
  const auto skipped = std::find_if(u->steps.begin(), u->steps.end(), [](const auto& s) { return s.action.target == "select.washer_mode"; });
  REQUIRE(skipped != u->steps.end());
  REQUIRE(skipped->why);
  CHECK(locale::error_text(*skipped->why, es) == "cambiado desde el plan: ahora «eco», el plan había puesto «child_lock»");
  CHECK(*home.entity("select.washer_mode")->state == "eco");           // not overwritten
  CHECK(*home.entity("switch.plug_child_lock")->state == "off");       // restored
  CHECK(*home.entity("lock.front_door")->exposure.conversation == true);
  // The oven was put back by hand to its before value: counted as restored.
  auto e = (*j)->get(r->journal_id);
  REQUIRE(e);
  CHECK(e->state == store::PlanState::applied);  // the washer's change is still the plan's
  CHECK(e->steps[4].state == store::StepState::verified);
  CHECK(e->steps[3].state == store::StepState::reverted);
}

TEST_CASE("recover rolls back a plan a crash left applying", "[apply]") {
  TempDb db;
  auto home = make_home();
  const auto before = Snapshot::of(home);
  policy::ModelPort port(home);
  int64_t id = 0;
  {
    // Simulate the crash: journal written, two steps done on the hub, the third sent but not recorded.
    auto j = store::Journal::open(db.path);
    REQUIRE(j);
    store::JournalPlan jp;
    jp.plan_id = "cs0123456789";
    jp.kind = "child_safe";
    jp.selector = "child_safe=on";
    jp.plan_json = store::Journal::plan_to_json(child_safe_plan());
    jp.actor = "test";
    jp.hub = "home-a";
    const auto plan = child_safe_plan();
    for (size_t i = 0; i < plan.actions.size(); ++i) {
      store::JournalStep s;
      s.index = static_cast<int>(i);
      s.kind = plan.actions[i].kind;
      s.target = plan.actions[i].target;
      s.param = plan.actions[i].param;
      s.before = *port.read(plan.actions[i]);
      s.after = plan.actions[i].after;
      jp.steps.push_back(s);
    }
    auto r = (*j)->begin(jp);
    REQUIRE(r);
    id = *r;
    for (int i = 0; i < 3; ++i) REQUIRE(port.write(plan.actions[i], plan.actions[i].after));
    (*j)->set_step(id, 0, store::StepState::verified);
    (*j)->set_step(id, 1, store::StepState::done);
  }
  REQUIRE_FALSE(Snapshot::of(home) == before);
  auto j = store::Journal::open(db.path);  // "next start"
  REQUIRE(j);
  REQUIRE((*j)->get(id)->state == store::PlanState::applying);
  // Another hub's start leaves this hub's plan alone.
  policy::ApplyOptions other;
  other.hub = "home-b";
  auto none = policy::recover(port, **j, other);
  REQUIRE(none);
  CHECK(none->empty());
  CHECK((*j)->get(id)->state == store::PlanState::applying);
  policy::ApplyOptions mine;
  mine.hub = "home-a";
  auto rec = policy::recover(port, **j, mine);
  REQUIRE(rec);
  REQUIRE(rec->size() == 1);
  CHECK(rec->front() == id);
  CHECK(Snapshot::of(home) == before);
  auto e = (*j)->get(id);
  REQUIRE(e);
  CHECK(e->state == store::PlanState::rolled_back);
  CHECK(e->steps[0].state == store::StepState::reverted);
  CHECK(e->steps[2].state == store::StepState::reverted);
  CHECK(e->steps[5].state == store::StepState::skipped);
  // Nothing left to recover.
  auto again = policy::recover(port, **j);
  REQUIRE(again);
  CHECK(again->empty());
}

TEST_CASE("the journal survives reopening, is private and round-trips plans", "[apply]") {
  TempDb db;
  auto home = make_home();
  policy::ModelPort port(home);
  int64_t id = 0;
  {
    auto j = store::Journal::open(db.path);
    REQUIRE(j);
    auto r = policy::apply(child_safe_plan(), port, **j);
    REQUIRE(r);
    id = r->journal_id;
  }
  struct stat st {};
  REQUIRE(::stat(db.path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  REQUIRE(::stat(std::filesystem::path(db.path).parent_path().c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0700);
  auto j = store::Journal::open(db.path);
  REQUIRE(j);
  auto e = (*j)->get(id);
  REQUIRE(e);
  CHECK(e->state == store::PlanState::applied);
  CHECK(e->steps.size() == 8);
  CHECK_FALSE(e->created_at.empty());
  CHECK_FALSE(e->finished_at.empty());
  auto plan = store::Journal::plan_from_json(e->plan_json);
  REQUIRE(plan);
  CHECK(plan->actions.size() == 8);
  CHECK(plan->actions[2].param == "cloud.alexa");
  CHECK(plan->kind == "child_safe");
  auto latest = (*j)->latest_with_plan_id("cs0123");
  REQUIRE(latest);
  REQUIRE(latest->has_value());
  CHECK((*latest)->id == id);
  CHECK_FALSE(store::Journal::plan_from_json("[1,2]"));
}
