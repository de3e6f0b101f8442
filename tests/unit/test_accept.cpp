#include <catch2/catch.hpp>
#include <filesystem>
#include <unistd.h>

#include "app/report_data.hpp"
#include "app/accept.hpp"
#include "app/source.hpp"
#include "audit/engine.hpp"
#include "audit/triage.hpp"
#include "store/acceptances.hpp"
#include "store/eventlog.hpp"
#include "report/report.hpp"
#include "util/clock.hpp"

using namespace domoguard;
namespace fs = std::filesystem;

namespace {

fs::path temp_db(const std::string& name) {
  auto dir = fs::temp_directory_path() / ("dg-test-accept-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir / "history.db";
}

audit::Finding finding(std::string rule, std::string id, audit::Severity s = audit::Severity::medium) {
  audit::Finding f;
  f.rule = std::move(rule);
  f.severity = s;
  f.subject = {"device", id, "Device " + id};
  f.evidence = {{"firmware", "unknown"}};
  return f;
}

std::vector<std::string> kinds(const std::string& db) {
  auto log = store::EventLog::open(db);
  REQUIRE(log);
  auto page = (*log)->page(0, 1000);
  REQUIRE(page);
  std::vector<std::string> out;
  for (const auto& e : *page) out.push_back(e.kind);
  return out;
}

size_t count(const std::vector<std::string>& v, const std::string& s) { return static_cast<size_t>(std::count(v.begin(), v.end(), s)); }

}  // namespace

TEST_CASE("an accepted risk holds until its date, on a clock the test controls", "[accept][store]") {
  const auto db = temp_db("expiry").string();
  std::vector<audit::Finding> fs = {finding("DG-UPD-003", "a"), finding("DG-UPD-003", "b"), finding("DG-INV-004", "c")};
  app::AcceptRequest req{"home1", "DG-UPD-003|device:*", "The vendor app checks them", "", "Alex", "2026-12-04T10:00:00Z"};
  auto done = app::accept(db, req, fs);
  REQUIRE(done);
  REQUIRE(done->size() == 2);
  CHECK(done->front().until == "2027-03-04");   // 90 days by default

  // Still holding on its last day, across a "restart" (the store reopened from the file).
  auto held = app::review(db, "home1", fs, "2027-03-04T23:59:59Z");
  REQUIRE(held);
  CHECK(held->size() == 2);
  CHECK(app::accepted_keys(*held) == std::set<std::string>{"DG-UPD-003|device:a", "DG-UPD-003|device:b"});

  // The day after, both come back, and the log says so.
  auto after = app::review(db, "home1", fs, "2027-03-05T00:00:01Z");
  REQUIRE(after);
  CHECK(after->empty());
  auto st = store::Acceptances::open(db);
  REQUIRE(st);
  auto all = (*st)->all("home1");
  REQUIRE(all);
  for (const auto& a : *all) CHECK(a.state == "expired");
  const auto k = kinds(db);
  CHECK(count(k, "risk_accepted") == 2);
  CHECK(count(k, "risk_acceptance_ended") == 2);
  auto log = store::EventLog::open(db);
  REQUIRE(log);
  auto v = (*log)->verify();
  REQUIRE(v);
  CHECK(v->intact);
  CHECK(v->entries == 4);
}

TEST_CASE("an accepted risk comes back when its evidence changes or it is withdrawn", "[accept][store]") {
  const auto db = temp_db("evidence").string();
  std::vector<audit::Finding> fs = {finding("DG-UPD-003", "a"), finding("DG-UPD-003", "b")};
  const std::string now = "2026-12-04T10:00:00Z";
  REQUIRE(app::accept(db, {"home1", "DG-UPD-003|device:a", "reason", "2027-01-31", "Alex", now}, fs));
  REQUIRE(app::accept(db, {"home1", "DG-UPD-003|device:b", "reason", "2027-01-31", "Alex", now}, fs));
  // The finding on a now says something else (it became graver): the decision no longer covers it.
  auto changed = fs;
  changed[0].severity = audit::Severity::high;
  auto held = app::review(db, "home1", changed, "2026-12-10T10:00:00Z");
  REQUIRE(held);
  REQUIRE(held->size() == 1);
  CHECK(held->front().key == "DG-UPD-003|device:b");
  // Withdrawn by a person.
  auto n = app::withdraw(db, "home1", "DG-UPD-003|device:b", "Sam", "2026-12-11T10:00:00Z");
  REQUIRE(n);
  CHECK(*n == 1);
  auto none = app::review(db, "home1", changed, "2026-12-12T10:00:00Z");
  REQUIRE(none);
  CHECK(none->empty());
  const auto k = kinds(db);
  CHECK(count(k, "risk_acceptance_ended") == 1);
  CHECK(count(k, "risk_acceptance_withdrawn") == 1);
  // Withdrawing what is not accepted is refused, naming the key.
  auto again = app::withdraw(db, "home1", "DG-UPD-003|device:b", "Sam", "2026-12-11T10:00:00Z");
  REQUIRE(!again);
  CHECK(again.error().key == "error.accept.not_accepted");
}

TEST_CASE("acceptance needs a reason, a real date within a year, and a finding that exists", "[accept]") {
  const auto db = temp_db("refuse").string();
  std::vector<audit::Finding> fs = {finding("DG-HUB-002", "hub")};
  const std::string now = "2026-12-04T10:00:00Z";
  auto key = fs[0].key();
  struct Case {
    std::string reason, until, key, error;
  };
  for (const auto& c : std::vector<Case>{{"", "", key, "error.accept.no_reason"},
                                         {"   ", "", key, "error.accept.no_reason"},
                                         {std::string(501, 'x'), "", key, "error.accept.long_reason"},
                                         {"ok", "2026-12-03", key, "error.accept.past"},
                                         {"ok", "2027-12-06", key, "error.accept.too_long"},
                                         {"ok", "2027-02-30", key, "error.accept.bad_date"},
                                         {"ok", "next week", key, "error.accept.bad_date"},
                                         {"ok", "", "DG-HUB-002|hub:other", "error.accept.unknown"}}) {
    INFO(c.error << " " << c.until);
    auto r = app::accept(db, {"home1", c.key, c.reason, c.until, "Alex", now}, fs);
    REQUIRE(!r);
    CHECK(r.error().key == c.error);
  }
  // Exactly a year, and today, are fine.
  CHECK(app::accept(db, {"home1", key, "ok", "2027-12-04", "Alex", now}, fs));
  CHECK(app::accept(db, {"home1", key, "ok", "2026-12-04", "Alex", now}, fs));
  // The second replaced the first: one decision holds.
  auto held = app::review(db, "home1", fs, now);
  REQUIRE(held);
  CHECK(held->size() == 1);
}

TEST_CASE("an accepted finding still counts in the score and is kept out of the first screen", "[accept][triage]") {
  auto home = app::load_demo();
  REQUIRE(home);
  auto result = audit::run_audit(*home);
  audit::TriageOptions o;
  for (const auto& f : result.findings)
    if (f.severity == audit::Severity::critical) o.accepted.insert(f.key());
  const auto t = audit::triage(*home, result, o);
  CHECK(t.accepted.size() == o.accepted.size());
  for (const auto& g : t.groups)
    for (size_t i : g.members) CHECK(!o.accepted.count(result.findings[i].key()));
  // Accepting every critical finding does not lift the cap that criticals put on the score.
  CHECK(result.score <= 40);
  if (!t.steps.empty()) CHECK(t.steps.front().score_after <= 40);
}

TEST_CASE("the report shows accepted risks apart, with who, why and until when", "[accept][report]") {
  const auto db = temp_db("report").string();
  auto home = app::load_demo();
  REQUIRE(home);
  auto copy = *home;
  auto result = audit::run_audit(copy);
  const std::string key = result.findings.front().key();
  REQUIRE(app::accept(db, {app::home_key(copy, "demo"), key, "Replacing it in spring", "", "Alex", util::now_utc()},
                      result.findings));
  app::ReportOptions opts;
  opts.db_path = db;
  opts.source_label = "demo";
  opts.pseudonymise = false;
  auto data = app::gather_report(std::move(*home), opts);
  REQUIRE(data);
  REQUIRE(data->accepted.size() == 1);
  locale::Messages msg("en");
  const auto html = report::report_html(*data, msg);
  CHECK(html.find("id=\"accepted-table\"") != std::string::npos);
  CHECK(html.find("Replacing it in spring") != std::string::npos);
  const auto doc = report::report_json(*data, msg);
  CHECK(doc.find("\"accepted_risks\"") != std::string::npos);
  const auto sarif = report::report_sarif(*data, msg);
  CHECK(sarif.find("\"suppressions\"") != std::string::npos);
  CHECK(sarif.find("Replacing it in spring") != std::string::npos);
}
