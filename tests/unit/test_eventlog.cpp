// The tamper-evident event log: HMAC wiring proven on RFC 4231, the chain catching an altered, a
// removed and an inserted row written straight into the SQLite file, the key kept private.
#include <SQLiteCpp/SQLiteCpp.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "store/eventlog.hpp"
#include "crypto/sigcrypto.hpp"
#include "store/history.hpp"
// The `log` command, run in-process (the CLI binary dispatches to the same function).
#include "../../plugin/cli/cmd_log.cpp"

using namespace domoguard;
namespace fs = std::filesystem;

namespace {

fs::path log_dir(const std::string& name) {
  auto p = fs::temp_directory_path() / ("dg-log-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(p);
  fs::create_directories(p);
  return p;
}

// A log with five entries, closed again so the test can edit the file underneath it.
std::string five_entries(const fs::path& dir) {
  const std::string db = (dir / "h.db").string();
  auto log = store::EventLog::open(db);
  REQUIRE(log);
  const char* kinds[] = {"audit", "finding_new", "plan_applied", "mode_switched", "notice_acknowledged"};
  for (int i = 0; i < 5; ++i) {
    auto seq = (*log)->append({kinds[i], i % 2 ? "alice" : "", "subject-" + std::to_string(i + 1),
                               "{\"n\":" + std::to_string(i + 1) + "}"});
    REQUIRE(seq);
    CHECK(*seq == i + 1);
  }
  return db;
}

store::VerifyReport verify_db(const std::string& db) {
  auto log = store::EventLog::open(db);
  REQUIRE(log);
  auto rep = (*log)->verify();
  REQUIRE(rep);
  return *rep;
}

struct CliRun {
  int code = -1;
  std::string out, err;
};

CliRun run_log(std::vector<std::string> words) {
  std::vector<char*> argv;
  for (auto& w : words) argv.push_back(w.data());
  std::ostringstream out, err;
  auto* old_out = std::cout.rdbuf(out.rdbuf());
  auto* old_err = std::cerr.rdbuf(err.rdbuf());
  CliRun r;
  r.code = cmd_log(static_cast<int>(argv.size()), argv.data());
  std::cout.rdbuf(old_out);
  std::cerr.rdbuf(old_err);
  r.out = out.str();
  r.err = err.str();
  return r;
}

}  // namespace

TEST_CASE("HMAC-SHA256 matches RFC 4231 test case 2", "[log]") {
  auto mac = crypto::hmac_sha256("Jefe", "what do ya want for nothing?");
  REQUIRE(mac);
  CHECK(crypto::to_hex(*mac) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST_CASE("an untouched log verifies, pages in order and keeps people pseudonymous", "[log]") {
  auto dir = log_dir("intact");
  const auto db = five_entries(dir);
  auto rep = verify_db(db);
  CHECK(rep.intact);
  CHECK(rep.entries == 5);

  auto log = store::EventLog::open(db);
  REQUIRE(log);
  auto page = (*log)->page(1, 2);
  REQUIRE(page);
  REQUIRE(page->size() == 2);
  CHECK((*page)[0].seq == 2);
  CHECK((*page)[1].seq == 3);
  CHECK((*page)[0].kind == "finding_new");
  // "alice" acted on entry 2; only a keyed pseudonym is stored, the same one each time.
  CHECK((*page)[0].actor.find("alice") == std::string::npos);
  CHECK((*page)[0].actor == "person:" + (*log)->pseudonym("alice"));
  CHECK((*page)[1].actor == store::kSystemActor);
  CHECK((*log)->pseudonym("alice") != (*log)->pseudonym("bob"));

  // The key is 32 bytes, readable by the owner only.
  struct stat st {};
  REQUIRE(::stat(store::EventLog::default_key_path(db).c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(st.st_size == 32);
}

TEST_CASE("the log refuses evidence, secrets and unknown kinds", "[log]") {
  auto dir = log_dir("refuse");
  auto log = store::EventLog::open((dir / "h.db").string());
  REQUIRE(log);
  for (const char* details : {R"({"mac":"aa:bb:cc:dd:ee:ff"})", R"({"device":{"ip_address":"10.0.0.2"}})",
                              R"({"list":[{"token":"x"}]})", R"({"Serial_Number":"123"})"}) {
    auto r = (*log)->append({"audit", "", "hub", details});
    REQUIRE_FALSE(r);
    CHECK(r.error().key == "error.log.secret");
  }
  auto bad_kind = (*log)->append({"coffee_made", "", "hub", "{}"});
  REQUIRE_FALSE(bad_kind);
  CHECK(bad_kind.error().key == "error.log.bad_kind");
  auto not_object = (*log)->append({"audit", "", "hub", "[1,2]"});
  REQUIRE_FALSE(not_object);
  CHECK(not_object.error().key == "error.log.bad_details");
  auto count = (*log)->count();
  REQUIRE(count);
  CHECK(*count == 0);
}

TEST_CASE("verify names the first altered, removed or inserted entry", "[log]") {
  struct Case {
    const char* what;
    std::vector<const char*> sql;
    store::Breach breach;
    int64_t seq;
  };
  // Forged rows copy a genuine row's MACs: without the key nothing better is possible.
  const std::vector<Case> cases = {
      {"details of entry 3 changed", {"UPDATE event_log SET details='{\"n\":33}' WHERE seq=3"}, store::Breach::altered, 3},
      {"kind of entry 2 changed", {"UPDATE event_log SET kind='audit' WHERE seq=2"}, store::Breach::altered, 2},
      {"entry 3 deleted", {"DELETE FROM event_log WHERE seq=3"}, store::Breach::removed, 3},
      {"entry 3 deleted, later ones renumbered",
       {"DELETE FROM event_log WHERE seq=3", "UPDATE event_log SET seq=-(seq-1) WHERE seq>3",
        "UPDATE event_log SET seq=-seq WHERE seq<0"},
       store::Breach::removed, 3},
      {"last entry deleted", {"DELETE FROM event_log WHERE seq=5"}, store::Breach::removed, 5},
      {"row appended",
       {"INSERT INTO event_log SELECT 6, at, actor, kind, subject, details, mac, mac FROM event_log WHERE seq=5"},
       store::Breach::inserted, 6},
      {"row inserted in the middle, later ones renumbered",
       {"UPDATE event_log SET seq=-(seq+1) WHERE seq>=3", "UPDATE event_log SET seq=-seq WHERE seq<0",
        "INSERT INTO event_log SELECT 3, at, actor, 'plan_undone', subject, details, prev_mac, mac FROM event_log "
        "WHERE seq=2"},
       store::Breach::inserted, 3},
  };
  for (const auto& c : cases) {
    SECTION(c.what) {
      auto dir = log_dir("tamper");
      const auto db = five_entries(dir);
      {
        SQLite::Database raw(db, SQLite::OPEN_READWRITE);
        for (const char* s : c.sql) raw.exec(s);
      }
      auto rep = verify_db(db);
      CHECK_FALSE(rep.intact);
      CHECK(store::to_string(rep.breach) == std::string(store::to_string(c.breach)));
      CHECK(rep.seq == c.seq);

      auto cli = run_log({"log", "verify", "--db", db});
      CHECK(cli.code == 6);
      CHECK(cli.out.find("entry " + std::to_string(c.seq)) != std::string::npos);
    }
  }
}

TEST_CASE("a missing or exposed key file is reported, and no new key is made for an existing log", "[log]") {
  auto dir = log_dir("key");
  const auto db = five_entries(dir);
  const auto key = store::EventLog::default_key_path(db);

  SECTION("readable by others") {
    ::chmod(key.c_str(), 0644);
    auto log = store::EventLog::open(db);
    REQUIRE_FALSE(log);
    CHECK(log.error().key == "error.log.key_permissions");
  }
  SECTION("missing") {
    fs::remove(key);
    auto log = store::EventLog::open(db);
    REQUIRE_FALSE(log);
    CHECK(log.error().key == "error.log.key_missing");
    CHECK_FALSE(fs::exists(key));
    auto cli = run_log({"log", "verify", "--db", db});
    CHECK(cli.code == 6);
    CHECK(cli.err.find("key file") != std::string::npos);
    CHECK(cli.err.find("missing") != std::string::npos);
  }
  SECTION("a different key") {
    fs::remove(key);
    {
      std::ofstream f(key, std::ios::binary);
      f << std::string(32, 'k');
    }
    ::chmod(key.c_str(), 0600);
    auto rep = verify_db(db);
    CHECK_FALSE(rep.intact);
    CHECK(rep.breach == store::Breach::altered);
    CHECK(rep.seq == 1);
  }
}

TEST_CASE("log show pages entries as text and JSON", "[log]") {
  auto dir = log_dir("show");
  const auto db = five_entries(dir);
  auto text = run_log({"log", "show", "--db", db, "--offset", "3", "--limit", "10"});
  CHECK(text.code == 0);
  CHECK(text.out.find("Mode switched") != std::string::npos);
  CHECK(text.out.find("Audit") == std::string::npos);   // entry 1 is before the offset
  auto js = run_log({"log", "show", "--db", db, "--format", "json", "--limit", "2"});
  REQUIRE(js.code == 0);
  auto v = boost::json::parse(js.out).as_object();
  CHECK(v.at("total").as_int64() == 5);
  REQUIRE(v.at("entries").as_array().size() == 2);
  CHECK(v.at("entries").as_array()[1].as_object().at("details").as_object().at("n").as_int64() == 2);
  CHECK(run_log({"log", "verify", "--db", db}).code == 0);
  CHECK(run_log({"log", "show", "--db", db, "--limit", "x"}).code == 2);
  CHECK(run_log({"log", "--help"}).code == 0);
}

TEST_CASE("a cut tail or a wiped log is found through the head file kept outside the database", "[log][security]") {
  auto dir = log_dir("head");
  const auto db = five_entries(dir);
  const auto head = store::EventLog::head_path(db);
  REQUIRE(fs::exists(head));
  struct stat st {};
  REQUIRE(::stat(head.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  auto raw_exec = [&](const std::vector<std::string>& sql) {
    SQLite::Database raw(db, SQLite::OPEN_READWRITE);
    for (const auto& s : sql) raw.exec(s);
  };

  SECTION("the last entries removed and the head in the database moved back") {
    raw_exec({"DELETE FROM event_log WHERE seq>3",
              "UPDATE event_log_head SET seq=3, mac=(SELECT mac FROM event_log WHERE seq=3)"});
    auto rep = verify_db(db);
    CHECK_FALSE(rep.intact);
    CHECK(rep.breach == store::Breach::removed);
    CHECK(rep.seq == 4);
    CHECK(run_log({"log", "verify", "--db", db}).code == 6);
  }
  SECTION("both tables emptied") {
    raw_exec({"DELETE FROM event_log", "DELETE FROM event_log_head", "DELETE FROM event_log_anchor"});
    auto rep = verify_db(db);
    CHECK_FALSE(rep.intact);
    CHECK(rep.breach == store::Breach::removed);
    CHECK(rep.message.find("emptied") != std::string::npos);
  }
  SECTION("emptied and the key file gone: said, and no new key made") {
    raw_exec({"DELETE FROM event_log", "DELETE FROM event_log_head"});
    fs::remove(store::EventLog::default_key_path(db));
    auto log = store::EventLog::open(db);
    REQUIRE_FALSE(log);
    CHECK(log.error().key == "error.log.key_missing");
    CHECK_FALSE(fs::exists(store::EventLog::default_key_path(db)));
    auto cli = run_log({"log", "verify", "--db", db});
    CHECK(cli.code != 0);
    CHECK(cli.err.find("missing") != std::string::npos);
  }
  SECTION("the head file removed: reported, and the log is not extended past it") {
    fs::remove(head);
    auto rep = verify_db(db);
    CHECK_FALSE(rep.intact);
    auto log = store::EventLog::open(db);
    REQUIRE(log);
    auto r = (*log)->append({"audit", "", "x", "{}"});
    REQUIRE_FALSE(r);
    CHECK(r.error().key == "error.log.head_missing");
  }
  SECTION("the head file rolled back to an earlier version") {
    const std::string old = [&] {
      std::ifstream f(head);
      return std::string(std::istreambuf_iterator<char>(f), {});
    }();
    {
      auto log = store::EventLog::open(db);
      REQUIRE(log);
      REQUIRE((*log)->append({"audit", "", "six", "{}"}));
    }
    CHECK(verify_db(db).intact);
    std::ofstream(head, std::ios::trunc) << old;  // one append behind: as after a crash, still intact
    CHECK(verify_db(db).intact);
    std::string forged = old;
    forged[forged.find(" 5 ") + 1] = '6';  // a head file edited without the key
    std::ofstream(head, std::ios::trunc) << forged;
    auto rep = verify_db(db);
    CHECK_FALSE(rep.intact);
    CHECK(rep.breach == store::Breach::altered);
  }
}

TEST_CASE("an audit and its log entries are stored together or not at all", "[log][store]") {
  auto dir = log_dir("together");
  const std::string db = (dir / "h.db").string();
  auto history = store::History::open(db);
  REQUIRE(history);
  auto log = store::EventLog::open(db);
  REQUIRE(log);
  audit::AuditResult result;
  result.score = 80;
  auto count = [&](const char* sql) {
    SQLite::Database raw(db, SQLite::OPEN_READONLY);
    return raw.execAndGet(sql).getInt();
  };
  // The log refuses the entries: the audit is not stored either.
  auto refused = (*history)->record_logged("hub:x", "demo", result, **log, [](int64_t, const store::Diff&) {
    return std::vector<store::NewEvent>{{"no_such_kind", "", "x", "{}"}};
  });
  REQUIRE_FALSE(refused);
  CHECK(count("SELECT COUNT(*) FROM audits") == 0);
  CHECK(count("SELECT COUNT(*) FROM event_log") == 0);
  auto stored = (*history)->record_logged("hub:x", "demo", result, **log, [](int64_t id, const store::Diff&) {
    return std::vector<store::NewEvent>{{"audit", "", "audit:" + std::to_string(id), "{}"}};
  });
  REQUIRE(stored);
  CHECK(count("SELECT COUNT(*) FROM audits") == 1);
  CHECK(count("SELECT COUNT(*) FROM event_log") == 1);
  CHECK((*log)->verify()->intact);
  // An audit stored without its entry (as an interrupted older version could leave) is noticed.
  REQUIRE((*history)->record("hub:x", "demo", result));
  auto rep = (*log)->verify();
  REQUIRE(rep);
  CHECK_FALSE(rep->intact);
  CHECK(rep->message.find("no entry in the event log") != std::string::npos);
}
