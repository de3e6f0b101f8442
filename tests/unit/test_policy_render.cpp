#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include "report/render_plan.hpp"
#include "test_policy_home.hpp"

using namespace dgtest;
namespace json = boost::json;

TEST_CASE("plan table: a numbered list people can read", "[policy]") {
  PolicyHome ph;
  ph.ready();
  locale::Messages en("en");
  auto p = policy::plan_level(*ph.home, ph.findings, "basic", "access_locks");
  REQUIRE(p.ok());
  const auto t = report::plan_table(*p, en);
  CHECK_THAT(t, Catch::StartsWith("Security level “Basic” for Access, locks and safety\n"));
  CHECK_THAT(t, Catch::Contains("  1. Stop sharing "));
  CHECK_THAT(t, Catch::Contains(". Stop sharing Front door lock with Assist (now: shared)\n"));
  CHECK_THAT(t, Catch::Contains("Stop sharing Front door lock with Alexa (now: shared)"));
  CHECK_THAT(t, Catch::Contains("Plan " + p->id.substr(0, 12)));
  CHECK(t.find("{") == std::string::npos);   // every placeholder filled

  auto cs = policy::plan_child_safe(*ph.home);
  const auto ct = report::plan_table(*cs, en);
  CHECK_THAT(ct, Catch::Contains("Turn the child lock on: Kitchen oven switch.oven_child_lock (now: off)"));
  CHECK_THAT(ct, Catch::Contains("Engage the child lock: Desk plug lock.desk_plug_child_lock (now: unlocked)"));
  CHECK_THAT(ct, Catch::Contains("What the hub cannot do for you:"));
  CHECK_THAT(ct, Catch::Contains("restores exactly what this plan changes"));
}

TEST_CASE("plan table: hostile names cannot drive the terminal", "[policy]") {
  PolicyHome ph;
  ph.b.device("d_evil", "Evil", "e1");
  {
    auto& e = ph.b.entity("lock.evil", "d_evil", "locked");
    e.name = "Door\x1b[2J\x1b]0;owned\x07";
    e.exposure.conversation = true;
  }
  ph.ready();
  auto p = policy::plan_level(*ph.home, ph.findings, "basic", "");
  REQUIRE(p.ok());
  const auto t = report::plan_table(*p, locale::Messages("en"));
  CHECK(t.find('\x1b') == std::string::npos);
  CHECK(t.find('\x07') == std::string::npos);
}

TEST_CASE("plan JSON matches the plan output contract", "[policy]") {
  PolicyHome ph;
  ph.ready();
  locale::Messages en("en");
  auto p = policy::plan_level(*ph.home, ph.findings, "strict", "");
  REQUIRE(p.ok());
  auto v = json::parse(report::plan_json(*p, en)).as_object();
  CHECK(v.at("id").as_string() == p->id);
  CHECK(v.at("kind").as_string() == "level");
  CHECK(v.at("selector").as_string() == "level=strict");
  CHECK(v.at("title").as_string() == "Security level “Strict” for the whole home");
  CHECK_FALSE(v.contains("undo_by"));
  const auto& actions = v.at("actions").as_array();
  REQUIRE(actions.size() == p->actions.size());
  bool saw_analytics = false, saw_expose_new = false;
  for (const auto& a : actions) {
    const auto& o = a.as_object();
    for (const char* k : {"kind", "target", "param", "before", "after", "message"}) CHECK(o.contains(k));
    const std::string msg(o.at("message").as_string());
    CHECK(msg.find("plan.") == std::string::npos);
    CHECK(msg.find('{') == std::string::npos);
    if (o.at("kind") == "set_analytics") {
      saw_analytics = true;
      CHECK(msg == "Stop sending usage information to the hub's maker");
    }
    if (o.at("kind") == "set_expose_new") {
      saw_expose_new = true;
      CHECK(msg == "Stop sharing new devices with Assist automatically");
    }
  }
  CHECK((saw_analytics && saw_expose_new));
  const auto& guidance = v.at("guidance").as_array();
  REQUIRE(guidance.size() == p->guidance.size());
  bool saw_reason = false;
  for (const auto& g : guidance) {
    const auto& o = g.as_object();
    CHECK(o.contains("message"));
    CHECK(o.contains("rule"));
    if (o.contains("reason")) saw_reason = true;
  }
  CHECK(saw_reason);

  auto cs = json::parse(report::plan_json(*policy::plan_child_safe(*ph.home), en)).as_object();
  CHECK(cs.at("undo_by").as_string() == "journal");
  CHECK(cs.at("title").as_string() == "Child-safe mode on");
  auto pd = json::parse(report::plan_json(*policy::plan_privacy_defaults(*ph.home, "d_cam"), en)).as_object();
  CHECK(pd.at("undo_by").as_string() == "journal");
  CHECK(pd.at("title").as_string() == "Privacy by default for Living camera (Camera)");
  auto sc = json::parse(report::plan_json(*policy::plan_scenario(*ph.home, "guests"), en)).as_object();
  CHECK(sc.at("title").as_string() == "Scenario: Guests");
}

TEST_CASE("every compiled plan text resolves in English", "[policy]") {
  PolicyHome ph;
  ph.ready();
  locale::Messages en("en");
  std::vector<policy::Plan> plans;
  for (const char* l : {"basic", "recommended", "strict"}) plans.push_back(*policy::plan_level(*ph.home, ph.findings, l, ""));
  plans.push_back(*policy::plan_child_safe(*ph.home));
  for (const char* s : {"home", "away", "guests", "night"}) plans.push_back(*policy::plan_scenario(*ph.home, s));
  for (const auto& d : ph.home->devices) plans.push_back(*policy::plan_privacy_defaults(*ph.home, d.id));
  for (const auto& f : ph.findings) plans.push_back(policy::plan_fix(*ph.home, f));
  for (const auto& p : plans) {
    INFO(p.selector);
    CHECK(en.has(p.title_key));
    for (const auto& a : p.actions) {
      INFO(a.message_key);
      CHECK(en.has(a.message_key));
      CHECK(report::plan_text(a.message_key, a.placeholders, en).find('{') == std::string::npos);
    }
    for (const auto& g : p.guidance) {
      INFO(g.message_key);
      CHECK(en.has(g.message_key));
      if (!g.reason_key.empty()) CHECK(en.has(g.reason_key));
    }
  }
}
