#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "app/source.hpp"
#include "app/report_data.hpp"
#include "audit/triage.hpp"
#include "household_home.hpp"
#include "policy/compile.hpp"
#include "report/render.hpp"
#include "report/render_plan.hpp"
#include "report/report.hpp"

using namespace domoguard;
namespace json = boost::json;

namespace {

model::Home demo_home() {
  auto h = app::load_demo();
  REQUIRE(h);
  return std::move(*h);
}

// The group ids on the first screen: the steps, then the groups listed below them.
std::set<std::string> first_screen(const audit::Triage& t) {
  std::set<std::string> ids;
  for (const auto& s : t.steps) ids.insert(t.groups[s.group].id);
  for (size_t gi : t.listed) ids.insert(t.groups[gi].id);
  return ids;
}

// Top-level items of the table: numbered steps and groups at two spaces' indent.
size_t table_items(const std::string& table) {
  static const std::regex step(R"(^  \d+\. )"), item(R"(^  [A-Z]{3,}\s)");
  std::istringstream in(table);
  size_t n = 0;
  for (std::string line; std::getline(in, line);)
    if (std::regex_search(line, step) || std::regex_search(line, item)) ++n;
  return n;
}

void check_home(model::Home& home, size_t min_findings) {
  auto result = audit::run_audit(home);
  INFO("findings: " << result.findings.size());
  REQUIRE(result.findings.size() >= min_findings);
  const auto t = audit::triage(home, result);

  // Every finding is in exactly one group.
  size_t members = 0;
  for (const auto& g : t.groups) members += g.members.size();
  CHECK(members == result.findings.size());

  // At most 25 top-level items, every critical and high finding among them.
  CHECK(t.first_screen_items() <= 25);
  CHECK(t.steps.size() <= 5);
  const auto shown = first_screen(t);
  for (const auto& g : t.groups)
    if (g.severity >= audit::Severity::high) CHECK(shown.count(g.id));
  for (const auto& f : result.findings)
    if (f.severity >= audit::Severity::high) {
      bool found = false;
      for (const auto& g : t.groups)
        if (shown.count(g.id))
          for (size_t i : g.members) found |= result.findings[i].key() == f.key();
      CHECK(found);
    }
  // No information on the first screen by default.
  for (size_t gi : t.listed) CHECK(t.groups[gi].severity > audit::Severity::info);

  // The steps' scores climb and say the score after.
  int before = result.score;
  for (const auto& s : t.steps) {
    CHECK(s.score_after >= before);
    CHECK(s.score_after - before == s.score_gain);
    before = s.score_after;
  }

  // The table without --all holds the same items; with --all, every finding's subject appears.
  locale::Messages msg("en");
  report::AuditView view{home, result, msg, nullptr};
  const auto table = report::audit_table(report::audit_json(view), msg, false);
  CHECK(table_items(table) == t.first_screen_items());
  CHECK(table_items(table) <= 25);

  // The JSON keeps every finding and adds the grouping.
  auto doc = json::parse(report::audit_json(view)).as_object();
  std::set<std::string> keys;
  for (const auto& f : doc["findings"].as_array()) {
    const auto& o = f.as_object();
    const auto& s = o.at("subject").as_object();
    keys.insert(std::string(o.at("rule").as_string()) + "|" + std::string(s.at("kind").as_string()) + ":" +
                std::string(s.at("id").as_string()));
  }
  for (const auto& f : result.findings) CHECK(keys.count(f.key()));
  std::set<std::string> grouped;
  for (const auto& g : doc["groups"].as_array())
    for (const auto& k : g.as_object().at("keys").as_array()) grouped.insert(std::string(k.as_string()));
  CHECK(grouped == keys);
  CHECK(doc["first_steps"].as_array().size() == t.steps.size());
  CHECK(doc["first_screen"].as_object().at("items").as_int64() == static_cast<int64_t>(t.first_screen_items()));
}

}  // namespace

TEST_CASE("the demo home's first screen holds at most 25 items, every grave finding among them", "[triage][demo]") {
  auto home = demo_home();
  check_home(home, 50);
}

TEST_CASE("a generated 200-device household's first screen holds at most 25 items", "[triage][household]") {
  auto home = dgtest::household_home();
  REQUIRE(home.devices.size() == 200);
  check_home(home, 150);
  auto result = audit::run_audit(home);
  const auto t = audit::triage(home, result);
  // One rule on many devices is one group: the largest group folds dozens of findings.
  size_t largest = 0;
  for (const auto& g : t.groups) largest = std::max(largest, g.members.size());
  CHECK(largest >= 20);
  CHECK(t.groups.size() < result.findings.size() / 3);
}

TEST_CASE("groups fold one rule on one kind of subject and carry one fix for all", "[triage]") {
  dgtest::HomeBuilder b;
  b.integration("zha", "zha");
  for (int i = 0; i < 4; ++i) {
    auto& d = b.device("d" + std::to_string(i), "Plug " + std::to_string(i), "zha", i == 0 ? "" : "");
    d.sw_version.clear();
    b.entity("switch.plug_" + std::to_string(i), d.id, "on", "outlet");
  }
  auto& home = b.build();
  auto result = audit::run_audit(home);
  const auto t = audit::triage(home, result);
  const audit::FindingGroup* inv = nullptr;
  for (const auto& g : t.groups)
    if (g.rule == "DG-INV-001") inv = &g;
  REQUIRE(inv);
  CHECK(inv->members.size() == 4);
  CHECK(inv->id == "DG-INV-001|device:*");
  locale::Messages en("en"), de("de");
  CHECK(report::group_title(*inv, result, en) == "4 devices cannot be identified (maker, model or firmware unknown)");
  CHECK(report::group_title(*inv, result, de).find("4 Geräte") == 0);
  // Advice that names its device speaks of each of them in a group.
  for (const auto& g : t.groups)
    if (g.rule == "DG-INV-004") CHECK(report::group_fix(g, result, en) == "Assign each of these to the room it is in.");
  // An accepted finding leaves its group and is listed apart; it still counts in the score.
  audit::TriageOptions o;
  o.accepted.insert(result.findings[inv->members.front()].key());
  const auto t2 = audit::triage(home, result, o);
  CHECK(t2.accepted.size() == 1);
  for (const auto& g : t2.groups)
    if (g.rule == "DG-INV-001") CHECK(g.members.size() == 3);
}

TEST_CASE("a group's fix is one plan for every member", "[triage][policy]") {
  auto home = demo_home();
  auto result = audit::run_audit(home);
  const auto t = audit::triage(home, result);
  const audit::FindingGroup* fixable = nullptr;
  for (const auto& g : t.groups)
    if (!g.single() && g.fixable >= 2) fixable = &g;
  REQUIRE(fixable);
  auto sel = policy::parse_selector({"--fix", fixable->id});
  REQUIRE(sel);
  auto plan = policy::compile(home, result.findings, *sel);
  REQUIRE(plan);
  CHECK(plan->actions.size() >= fixable->fixable);
  locale::Messages msg("en");
  CHECK(report::plan_json(*plan, msg).find(report::group_title(*fixable, result, msg)) != std::string::npos);
}

TEST_CASE("SARIF and the HTML report keep every finding and add the groups and first steps", "[triage][report]") {
  auto home = demo_home();
  auto result = audit::run_audit(home);
  locale::Messages msg("en");
  report::AuditView view{home, result, msg, nullptr};
  auto sarif = json::parse(report::audit_sarif(report::audit_json(view), msg)).as_object();
  auto& run = sarif["runs"].as_array()[0].as_object();
  const auto& results = run["results"].as_array();
  CHECK(results.size() == result.findings.size());
  for (const auto& r : results) CHECK(!r.as_object().at("properties").as_object().at("group").as_string().empty());
  CHECK(!run["properties"].as_object().at("groups").as_array().empty());
  CHECK(run["properties"].as_object().at("first_steps").as_array().size() <= 5);

  app::ReportOptions opts;
  opts.pseudonymise = false;
  auto data = app::gather_report(demo_home(), opts);
  REQUIRE(data);
  const auto html = report::report_html(*data, msg);
  CHECK(html.find("id=\"first-steps\"") != std::string::npos);
  CHECK(html.find("id=\"groups\"") != std::string::npos);
  CHECK(html.find("Do these first") < html.find("id=\"devices\""));
}
