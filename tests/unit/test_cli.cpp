// The CLI as a user runs it: real binary, real files, real SQLite history.
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

struct Run {
  int code = -1;
  std::string out;
};

fs::path scratch() {
  static fs::path p = [] {
    auto d = fs::temp_directory_path() / ("dg-cli-" + std::to_string(::getpid()));
    fs::remove_all(d);
    fs::create_directories(d);
    return d;
  }();
  return p;
}

// Runs the CLI with args (a shell-quoted string); stdout (and stderr when merge) captured.
Run run(const std::string& args, bool merge_stderr = false) {
  std::string cmd = std::string(DG_BINARY_DIR) + "/bin/domoguard " + args + " --db " + (scratch() / "h.db").string();
  if (args.rfind("--help", 0) == 0 || args.rfind("--version", 0) == 0) cmd = std::string(DG_BINARY_DIR) + "/bin/domoguard " + args;
  cmd += merge_stderr ? " 2>&1" : " 2>/dev/null";
  Run r;
  FILE* p = ::popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  int status = ::pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << text;
}

}  // namespace

TEST_CASE("help and version", "[cli]") {
  auto h = run("--help");
  CHECK(h.code == 0);
  CHECK(h.out.find("domoguard audit SOURCE") != std::string::npos);
  auto ah = run("audit --help");
  CHECK(ah.code == 0);
  CHECK(ah.out.find("--fail-on") != std::string::npos);
  CHECK(run("catalog --help").code == 0);
  CHECK(run("explain --help").code == 0);
  CHECK(run("--version").out.find("domoguard ") == 0);
  auto bad = run("frobnicate", true);
  CHECK(bad.code == 2);
  CHECK(bad.out.find("unknown command") != std::string::npos);
  CHECK(run("audit --demo --format yaml").code == 2);
  CHECK(run("audit --demo --bogus").code == 2);
}

TEST_CASE("the demo audit's JSON follows the contract and matches the golden file", "[cli][golden]") {
  auto r = run("audit --demo --format json --no-history");
  REQUIRE(r.code == 0);
  auto doc = json::parse(r.out);
  auto& o = doc.as_object();
  for (auto key : {"hub", "score", "devices", "findings", "not_run"}) CHECK(o.contains(key));
  auto score = o.at("score").as_int64();
  CHECK(score >= 0);
  CHECK(score <= 100);
  CHECK(o.at("devices").as_array().size() >= 50);
  const auto& findings = o.at("findings").as_array();
  REQUIRE(findings.size() >= 10);
  for (const auto& fv : findings) {
    const auto& f = fv.as_object();
    for (auto key : {"rule", "clauses", "severity", "subject", "evidence", "remediation"}) REQUIRE(f.contains(key));
    CHECK_FALSE(f.at("clauses").as_array().empty());
    const auto kind = f.at("remediation").as_object().at("kind").as_string();
    CHECK((kind == "action" || kind == "guidance"));
    CHECK(f.at("title").as_string().find("rule.") == json::string::npos);  // never a raw key
  }
  for (const auto& d : o.at("devices").as_array())
    for (auto key : {"id", "name", "type", "tier", "score"}) CHECK(d.as_object().contains(key));

  const fs::path golden = fs::path(DG_SOURCE_DIR) / "tests/fixtures/golden/demo-audit.json";
  if (std::getenv("DG_UPDATE_GOLDEN")) {
    write(golden, r.out);
    WARN("golden file rewritten: " << golden);
  }
  std::ifstream g(golden);
  REQUIRE(g.good());
  std::string expected((std::istreambuf_iterator<char>(g)), std::istreambuf_iterator<char>());
  INFO("the demo audit changed; if that is intended, rerun with DG_UPDATE_GOLDEN=1 and review the diff");
  CHECK(json::parse(expected) == doc);
}

TEST_CASE("the exit code follows --fail-on", "[cli]") {
  CHECK(run("audit --demo --no-history --fail-on critical --format json").code == 1);
  CHECK(run("audit --demo --no-history --fail-on nonsense").code == 2);
}

TEST_CASE("since-last reports what changed, from the stored history", "[cli][store]") {
  fs::remove(scratch() / "h.db");
  auto first = json::parse(run("audit --demo --format json --since-last").out);
  CHECK(first.at("since_last").at("has_previous").as_bool() == false);
  auto second = json::parse(run("audit --demo --format json --since-last").out);
  CHECK(second.at("since_last").at("has_previous").as_bool() == true);
  CHECK(second.at("since_last").at("new").as_array().empty());
  CHECK(second.at("since_last").at("resolved").as_array().empty());
  auto table = run("audit --demo --since-last --no-color");
  CHECK(table.out.find("0 new, 0 resolved") != std::string::npos);
}

TEST_CASE("SARIF output is SARIF 2.1.0 with one result per finding", "[cli]") {
  auto j = json::parse(run("audit --demo --no-history --format json").out);
  auto s = json::parse(run("audit --demo --no-history --format sarif").out);
  CHECK(s.at("version").as_string() == "2.1.0");
  const auto& runv = s.at("runs").as_array().at(0);
  CHECK(runv.at("results").as_array().size() == j.at("findings").as_array().size());
  CHECK(runv.at("tool").at("driver").at("name").as_string() == "DomoGuard");
}

TEST_CASE("catalog and explain", "[cli]") {
  auto c = run("catalog --format json");
  REQUIRE(c.code == 0);
  auto doc = json::parse(c.out);
  CHECK(doc.at("rules").as_array().size() >= 45);
  CHECK(doc.at("clauses").as_array().size() == 53);
  auto e = run("explain DG-UPD-001");
  CHECK(e.code == 0);
  CHECK(e.out.find("7.2.17") != std::string::npos);
  CHECK(run("explain DG-NOPE-999").code == 2);
  auto table = run("catalog");
  CHECK(table.out.find("7.2.2") != std::string::npos);
}

TEST_CASE("bad input gives a clear error naming the file and place, with exit code 2", "[cli][errors]") {
  auto missing = run("audit /nonexistent/domoguard/home", true);
  CHECK(missing.code == 2);
  CHECK(missing.out.find("/nonexistent/domoguard/home") != std::string::npos);

  auto dir = scratch() / "broken";
  write(dir / "config__device_registry__list.json", "[\n  {\"id\": \"a\",\n   \"name\": }\n]\n");
  write(dir / "config__entity_registry__list.json", "[]");
  auto broken = run("audit " + dir.string(), true);
  CHECK(broken.code == 2);
  CHECK(broken.out.find("config__device_registry__list.json") != std::string::npos);
  CHECK(broken.out.find("line 3") != std::string::npos);

  // In the reader's language, with its values filled in (said once, by whoever made it).
  auto german = run("audit /nonexistent/domoguard/home --lang de", true);
  CHECK(german.code == 2);
  CHECK(german.out.find("Die Quelle wurde nicht gefunden") != std::string::npos);
  CHECK(german.out.find("/nonexistent/domoguard/home") != std::string::npos);
  auto dutch = run("audit " + dir.string() + " --lang nl", true);
  CHECK(dutch.out.find("Het bestand is geen geldige JSON") != std::string::npos);
  CHECK(dutch.out.find("regel 3, kolom") != std::string::npos);
  auto no_entry = run("undo 999 --demo --lang fr", true);   // answered by the service, in French already
  CHECK(no_entry.code == 2);
  CHECK(no_entry.out.find("Le journal ne contient pas de plan 999.") != std::string::npos);
  CHECK(no_entry.out.find('{') == std::string::npos);
}

TEST_CASE("hostile device names stay inert in every output", "[cli][security]") {
  auto dir = scratch() / "hostile";
  const std::string evil = "<img src=x onerror=alert(1)>\\u001b[31mRED\\u001b]0;pwned\\u0007";
  write(dir / "config__device_registry__list.json",
        "[{\"id\":\"d1\",\"name\":\"" + evil + "\",\"manufacturer\":\"Acme\",\"model\":\"\",\"sw_version\":null,"
        "\"area_id\":null,\"config_entry_id\":null,\"config_entries\":[],\"identifiers\":[[\"mqtt\",\"x\"]],"
        "\"connections\":[],\"disabled_by\":null,\"entry_type\":null,\"via_device_id\":null,\"name_by_user\":null}]");
  write(dir / "config__entity_registry__list.json",
        "[{\"entity_id\":\"camera.evil\",\"device_id\":\"d1\",\"platform\":\"mqtt\",\"unique_id\":\"u1\","
        "\"disabled_by\":null,\"hidden_by\":null,\"name\":null,\"original_name\":\"Cam\",\"options\":{}}]");
  auto table = run("audit " + dir.string() + " --no-color --no-history");
  CHECK(table.code == 0);
  CHECK(table.out.find('\x1b') == std::string::npos);
  CHECK(table.out.find('\x07') == std::string::npos);
  auto j = run("audit " + dir.string() + " --format json --no-history");
  auto doc = json::parse(j.out);  // still valid JSON
  bool seen = false;
  for (const auto& d : doc.at("devices").as_array())
    if (d.at("name").as_string().find("<img src=x") != json::string::npos) seen = true;
  CHECK(seen);
}

TEST_CASE("audits and what they changed are in the tamper-evident log", "[cli][log]") {
  // A new database: its companions go too (a head file left behind would rightly call it a wiped log).
  for (const char* ext : {"", "-wal", "-shm", ".eventlog.head", ".eventlog.key"}) fs::remove(scratch() / ("h.db" + std::string(ext)));
  REQUIRE(run("audit --demo --format json").code == 0);
  REQUIRE(run("audit --demo --format json").code == 0);
  auto verify = run("log verify");
  CHECK(verify.code == 0);
  auto shown = run("log show --format json --limit 500");
  REQUIRE(shown.code == 0);
  auto doc = json::parse(shown.out);
  const auto& entries = doc.is_array() ? doc.as_array() : doc.at("entries").as_array();
  int audits = 0, new_findings = 0;
  for (const auto& e : entries) {
    const auto kind = e.at("kind").as_string();
    audits += kind == "audit";
    new_findings += kind == "finding_new";
  }
  CHECK(audits == 2);
  CHECK(new_findings > 10);  // the first audit's findings are all new; the second adds none
  // The demo's user names never appear in the log in clear.
  CHECK(shown.out.find("Alex") == std::string::npos);
}

TEST_CASE("an empty --db is refused, with no throw-away database and no key in the working folder", "[cli][store]") {
  const auto dir = scratch() / "empty-db";
  fs::create_directories(dir);
  for (const char* args : {"audit --demo --db ''", "log verify --db ''", "profile trust list --db ''", "audit --demo --db="}) {
    const std::string cmd = "cd " + dir.string() + " && " + std::string(DG_BINARY_DIR) + "/bin/domoguard " + args + " 2>&1";
    std::string out;
    FILE* p = ::popen(cmd.c_str(), "r");
    REQUIRE(p != nullptr);
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    const int status = ::pclose(p);
    INFO(args << ": " << out);
    CHECK(WEXITSTATUS(status) == 2);
    CHECK(out.find("--db") != std::string::npos);
  }
  CHECK(fs::is_empty(dir));
}

TEST_CASE("profile and plan files are read at most to their limit, whatever the file is", "[cli][profile][security]") {
  // /dev/zero never ends: the old reader grew to gigabytes; `timeout` turns a hang into a failure.
  for (const char* args : {"profile verify /dev/zero", "profile show /dev/zero", "profile trust add /dev/zero --name x",
                           "profile sign /dev/zero --key /dev/null --out /dev/null", "apply --demo --plan /dev/zero --yes"}) {
    const std::string cmd = "timeout 60 " + std::string(DG_BINARY_DIR) + "/bin/domoguard " + args + " --db " +
                            (scratch() / "z.db").string() + " 2>&1";
    std::string out;
    FILE* p = ::popen(cmd.c_str(), "r");
    REQUIRE(p != nullptr);
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    const int status = ::pclose(p);
    INFO(args << ": " << out);
    CHECK(WEXITSTATUS(status) != 124);  // not killed by timeout
    CHECK(WEXITSTATUS(status) != 0);
  }
}

TEST_CASE("a risk accepted from the CLI survives restarts, shows apart, and is in the verified log", "[cli][accept]") {
  const std::string group = "'DG-UPD-003|device:*'";
  auto before = run("audit --demo --format json");
  REQUIRE(before.code == 0);
  auto ok = run("accept --demo " + group + " --reason 'The vendor app checks these' --by Alex", true);
  INFO(ok.out);
  REQUIRE(ok.code == 0);
  CHECK(ok.out.find("13") != std::string::npos);
  // A later process sees it: listed, shown apart in the table, still every finding in the JSON.
  auto list = run("accepted --demo --format json");
  REQUIRE(list.code == 0);
  auto rows = boost::json::parse(list.out).as_array();
  CHECK(rows.size() == 13);
  CHECK(rows[0].as_object().at("by").as_string() == "Alex");
  auto table = run("audit --demo --no-color");
  CHECK(table.out.find("Accepted risks (13)") != std::string::npos);
  CHECK(table.out.find("The vendor app checks these") != std::string::npos);
  auto doc = boost::json::parse(run("audit --demo --format json").out).as_object();
  CHECK(doc["findings"].as_array().size() == boost::json::parse(before.out).as_object()["findings"].as_array().size());
  CHECK(doc["accepted"].as_array().size() == 13);
  CHECK(doc["score"] == boost::json::parse(before.out).as_object()["score"]);   // still counted
  // Refusals name what is wrong; withdrawing brings the findings back.
  auto far = run("accept --demo " + group + " --reason x --until 2099-01-01", true);
  CHECK(far.code == 2);
  CHECK(far.out.find("one year") != std::string::npos);
  CHECK(run("accept --demo " + group + " --withdraw --by Sam").code == 0);
  CHECK(boost::json::parse(run("accepted --demo --format json").out).as_array().empty());
  auto verify = run("log verify", true);
  CHECK(verify.code == 0);
  auto shown = run("log show --format json --limit 100000", true);
  CHECK(shown.out.find("risk_accepted") != std::string::npos);
  CHECK(shown.out.find("risk_acceptance_withdrawn") != std::string::npos);
}

TEST_CASE("a relative SOURCE path names the same home in audit, accept and hold", "[cli][source]") {
  // A hub without an id is kept under its source: the folder made absolute, whichever verb read it
  // and whatever the working folder was.
  const fs::path home = scratch() / "rel" / "home-without-id";
  fs::remove_all(home);
  fs::create_directories(home.parent_path());
  fs::copy(fs::path(DG_SOURCE_DIR) / "tests/fixtures/ha/config-v3", home, fs::copy_options::recursive);
  fs::remove(home / ".storage" / "core.uuid");
  const std::string db = (scratch() / "rel.db").string();
  fs::remove(db);
  const std::string bin = std::string(DG_BINARY_DIR) + "/bin/domoguard ";
  auto in_folder = [&](const std::string& args) {
    Run r;
    const std::string cmd = "cd '" + home.parent_path().string() + "' && " + bin + args + " --db '" + db + "' 2>&1";
    FILE* p = ::popen(cmd.c_str(), "r");
    REQUIRE(p != nullptr);
    char buf[65536];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
    const int status = ::pclose(p);
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
  };
  auto audited = in_folder("audit home-without-id --format json");
  INFO(audited.out);
  REQUIRE(audited.code == 0);
  const auto doc = json::parse(audited.out);
  const auto& first = doc.at("findings").as_array().at(0).as_object();
  const std::string key = std::string(first.at("rule").as_string()) + "|" + std::string(first.at("subject").at("kind").as_string()) +
                          ":" + std::string(first.at("subject").at("id").as_string());
  auto accepted = in_folder("accept home-without-id '" + key + "' --reason 'We know' --by Alex");
  INFO(accepted.out);
  REQUIRE(accepted.code == 0);
  auto held = in_folder("hold set child_safe notify home-without-id");
  INFO(held.out);
  REQUIRE(held.code == 0);

  // Read back through the absolute path: the same home each time.
  const std::string abs = "'" + home.string() + "'";
  auto again = in_folder("audit " + abs + " --format json --since-last");
  REQUIRE(again.code == 0);
  CHECK(json::parse(again.out).at("since_last").at("has_previous").as_bool());
  auto list = in_folder("accepted " + abs + " --format json");
  REQUIRE(list.code == 0);
  CHECK(json::parse(list.out).as_array().size() == 1);
  auto hold = in_folder("hold " + abs + " --format json");
  REQUIRE(hold.code == 0);
  std::string policy;
  const auto modes = json::parse(hold.out).at("modes");
  for (const auto& m : modes.as_array())
    if (m.at("mode").as_string() == "child_safe") policy = std::string(m.at("policy").as_string());
  CHECK(policy == "notify");
}

TEST_CASE("apply --plan carries out exactly the plan reviewed and refuses one altered since", "[cli][apply]") {
  auto preview = run("plan --demo --level strict --format json");
  REQUIRE(preview.code == 0);
  auto reviewed = json::parse(preview.out).as_object();
  const auto actions = reviewed.at("actions").as_array().size();
  REQUIRE(actions >= 2);
  const fs::path file = scratch() / "reviewed.json";
  write(file, preview.out);

  // The table shows the plan reviewed (its id), then what was done.
  auto table = run("apply --demo --plan " + file.string() + " --yes --verify-timeout 0");
  INFO(table.out);
  CHECK(table.code == 0);
  CHECK(table.out.find(std::string(reviewed.at("id").as_string()).substr(0, 12)) != std::string::npos);
  auto done = run("apply --demo --plan " + file.string() + " --yes --format json");
  REQUIRE(done.code == 0);
  auto doc = json::parse(done.out).as_object();
  CHECK(doc.at("ok").as_bool());
  CHECK(doc.at("plan").at("id") == reviewed.at("id"));
  CHECK(doc.at("steps").as_array().size() == actions);
  CHECK(doc.at("recovered").as_array().empty());
  for (const auto& s : doc.at("steps").as_array()) CHECK_FALSE(s.as_object().contains("message"));

  // One value changed after review: refused, with exit code 2, and nothing is applied.
  json::object altered = reviewed;
  altered["actions"].as_array()[0].as_object()["after"] = "something else";
  write(file, json::serialize(altered));
  auto refused = run("apply --demo --plan " + file.string() + " --yes --format json", true);
  INFO(refused.out);
  CHECK(refused.code == 2);
  CHECK(refused.out.find("not the plan that was reviewed") != std::string::npos);
  CHECK(refused.out.find(file.string()) != std::string::npos);
  CHECK(refused.out.find("\"ok\"") == std::string::npos);
  // An action dropped: refused too.
  json::object shorter = reviewed;
  shorter["actions"].as_array().pop_back();
  write(file, json::serialize(shorter));
  CHECK(run("apply --demo --plan " + file.string() + " --yes").code == 2);

  // A plan written by hand (no id) is applied as written.
  write(file, json::serialize(json::object{{"actions", json::array{reviewed.at("actions").as_array()[0]}}}));
  auto by_hand = run("apply --demo --plan " + file.string() + " --yes --format json", true);
  INFO(by_hand.out);
  CHECK(by_hand.code == 0);
  // A selector applies the plan it previews (the preview's id goes with it).
  auto by_selector = run("apply --demo --level strict --yes --format json");
  REQUIRE(by_selector.code == 0);
  CHECK(json::parse(by_selector.out).at("plan").at("id") == reviewed.at("id"));
}

TEST_CASE("plan previews and undo refusals read as before through the surface", "[cli][apply]") {
  // Nothing switched child-safe mode on in this journal: said so, exit 2.
  auto off = run("plan --demo --child-safe off", true);
  CHECK(off.code == 2);
  CHECK(off.out.find("Child-safe mode was not switched on") != std::string::npos);
  auto nothing = run("undo --demo", true);
  CHECK(nothing.code == 2);
  CHECK(nothing.out.find("no applied plan of this hub") != std::string::npos);
  auto no_plan = run("undo feedfacecafe --demo", true);
  CHECK(no_plan.code == 2);
  CHECK(no_plan.out.find("no applied plan feedfacecafe with changes left to undo") != std::string::npos);
  // The table and the JSON of a plan agree.
  auto json_plan = json::parse(run("plan --demo --child-safe on --format json").out);
  auto table = run("plan --demo --child-safe on");
  CHECK(table.code == 0);
  CHECK(table.out.find(std::string(json_plan.at("title").as_string())) != std::string::npos);
}
