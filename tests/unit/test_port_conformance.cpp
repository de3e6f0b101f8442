// Hub-port conformance on the in-memory model port: the scenarios every port runs
// (tests/fixtures/ports/conformance.json), through the one apply path: each action kind applied and
// read back, rolled back (undone) and read back, a refused step rolling back the step before it, and
// changes every port must refuse.
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <fstream>
#include <set>
#include <sstream>

#include "home_builder.hpp"
#include "model/action_kind.hpp"
#include "policy/apply.hpp"
#include "policy/model_port.hpp"
#include "store/journal.hpp"

using namespace domoguard;
namespace json = boost::json;

namespace {
json::object scenarios() {
  std::ifstream f(std::string(DG_SOURCE_DIR) + "/tests/fixtures/ports/conformance.json");
  REQUIRE(f);
  std::stringstream ss;
  ss << f.rdbuf();
  return json::parse(ss.str()).as_object();
}

model::Home conformance_home() {
  dgtest::HomeBuilder b;
  b.device("d1", "Door");
  b.entity("lock.door", "d1", "locked").exposure.conversation = true;
  b.entity("switch.plug", "d1", "on");
  b.entity("select.mode", "d1", "first");
  b.h.hub.expose_new["conversation"] = true;
  b.h.hub.analytics_diagnostics = false;
  model::App app;
  app.slug = "a0d7b954_ssh";
  app.name = "Advanced SSH & Web Terminal";
  app.protection = false;
  b.h.apps.push_back(app);
  model::Token token;
  token.user_id = "u1";
  token.created_at = "2025-01-01T00:00:00Z";
  token.type = "long_lived_access_token";
  token.client_name = "Old script";
  b.h.tokens.push_back(token);
  return b.build();
}

std::string target_of(const std::string& role) {
  if (role == "hub") return "hub";
  if (role == "lock") return "lock.door";
  if (role == "switch") return "switch.plug";
  if (role == "select") return "select.mode";
  if (role == "app") return "a0d7b954_ssh";
  if (role == "token") return "u1/2025-01-01T00:00:00Z";
  if (role == "missing_token") return "u1/2020-01-01T00:00:00Z";
  return "switch.not_here";
}

policy::PlanAction action(const json::object& s, const std::string& value) {
  policy::PlanAction a;
  a.kind = std::string(s.at("kind").as_string());
  a.target = target_of(std::string(s.at("role").as_string()));
  a.param = std::string(s.at("param").as_string());
  a.after = value;
  return a;
}
}  // namespace

TEST_CASE("model port: every action kind applied, read back, rolled back, and refused steps", "[ports][conformance]") {
  const auto doc = scenarios();
  int passed = 0;
  std::set<std::string> kinds;
  for (const auto& sv : doc.at("scenarios").as_array()) {
    const auto& s = sv.as_object();
    const auto values = s.at("values").as_array();
    INFO(s.at("kind").as_string() << " on " << s.at("role").as_string());
    model::Home home = conformance_home();
    policy::ModelPort port(home);
    auto journal = store::Journal::open(":memory:");
    REQUIRE(journal);
    const auto set = action(s, std::string(values[0].as_string()));
    auto before = port.read(set);
    REQUIRE(before);
    CHECK(*before == values[1].as_string());  // the home starts at the rollback value
    policy::Plan plan;
    plan.kind = "test";
    plan.actions = {set};
    auto r = policy::apply(plan, port, **journal);
    REQUIRE(r);
    CHECK(r->ok);
    CHECK(*port.read(set) == values[0].as_string());
    auto u = policy::undo(r->journal_id, port, **journal);
    REQUIRE(u);
    CHECK(u->ok);
    CHECK(*port.read(set) == values[1].as_string());
    kinds.insert(set.kind);
    ++passed;
  }
  // Kinds no undo can take back: set and read back; undo refuses and the value stays; the way back is refused.
  int irreversible = 0;
  for (const auto& sv : doc.at("irreversible").as_array()) {
    const auto& s = sv.as_object();
    const auto values = s.at("values").as_array();
    INFO("irreversible: " << s.at("kind").as_string());
    model::Home home = conformance_home();
    policy::ModelPort port(home);
    auto journal = store::Journal::open(":memory:");
    REQUIRE(journal);
    const auto set = action(s, std::string(values[0].as_string()));
    CHECK_FALSE(model::undoable(set.kind));
    CHECK(*port.read(set) == values[1].as_string());
    policy::Plan plan;
    plan.kind = "test";
    plan.actions = {set};
    auto r = policy::apply(plan, port, **journal);
    REQUIRE(r);
    CHECK(r->ok);
    CHECK(*port.read(set) == values[0].as_string());
    // Nothing to offer as "the latest plan to undo", and undoing it by id says why it cannot.
    auto latest = (*journal)->latest_undoable("");
    REQUIRE(latest);
    CHECK_FALSE(latest->has_value());
    auto u = policy::undo(r->journal_id, port, **journal);
    REQUIRE_FALSE(u);
    CHECK(u.error().key == "error.undo.irreversible");
    CHECK(*port.read(set) == values[0].as_string());
    CHECK_FALSE(port.write(set, std::string(values[1].as_string())));
    kinds.insert(set.kind);
    ++irreversible;
  }
  CHECK(irreversible >= 1);

  // Every kind of the typed set has a scenario.
  for (auto k : model::kActionKinds) CHECK(kinds.count(std::string(model::to_string(k))) == 1);

  int refused = 0;
  for (const auto& rv : doc.at("refused").as_array()) {
    const auto& s = rv.as_object();
    INFO("refused: " << s.at("kind").as_string() << " " << s.at("value").as_string());
    model::Home home = conformance_home();
    policy::ModelPort port(home);
    auto journal = store::Journal::open(":memory:");
    REQUIRE(journal);
    // A good first step, then the refused one: the first is put back.
    policy::Plan plan;
    plan.kind = "test";
    policy::PlanAction first;
    first.kind = "hide_entity";
    first.target = "lock.door";
    first.after = "true";
    plan.actions = {first, action(s, std::string(s.at("value").as_string()))};
    auto r = policy::apply(plan, port, **journal);
    REQUIRE(r);
    CHECK_FALSE(r->ok);
    CHECK(r->failed_step == 1);
    CHECK(*port.read(first) == "false");
    ++refused;
  }
  WARN("model port conformance: " << passed << " scenarios applied, read back and rolled back; " << refused
                                  << " refused steps");
}
