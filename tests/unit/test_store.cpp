#include <SQLiteCpp/SQLiteCpp.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "home_builder.hpp"
#include "store/history.hpp"

using namespace domoguard;
namespace fs = std::filesystem;

namespace {
fs::path temp_dir(const std::string& name) {
  auto p = fs::temp_directory_path() / ("dg-test-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(p);
  return p;
}
audit::Finding finding(std::string rule, std::string subject) {
  audit::Finding f;
  f.rule = std::move(rule);
  f.severity = audit::Severity::high;
  f.subject = {"device", subject, subject};
  return f;
}
}  // namespace

TEST_CASE("history stores audits and diffs new and resolved findings", "[store]") {
  auto dir = temp_dir("store");
  auto path = (dir / "sub" / "history.db").string();
  auto db = store::History::open(path);
  REQUIRE(db);
  // The folder is private to the user, and so is the file.
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  REQUIRE(::stat((dir / "sub").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0700);

  audit::AuditResult first;
  first.score = 70;
  first.findings = {finding("DG-A-001", "d1"), finding("DG-A-002", "d2")};
  auto id1 = (*db)->record("hub:x", "demo", first);
  REQUIRE(id1);
  auto d0 = (*db)->diff(*id1);
  REQUIRE(d0);
  CHECK_FALSE(d0->has_previous);

  audit::AuditResult second;
  second.score = 80;
  second.findings = {finding("DG-A-002", "d2"), finding("DG-A-003", "d3")};
  auto id2 = (*db)->record("hub:x", "demo", second);
  REQUIRE(id2);
  // Another home's audit in between must not count as "previous".
  REQUIRE((*db)->record("hub:other", "x", first));
  auto d = (*db)->diff(*id2);
  REQUIRE(d);
  REQUIRE(d->has_previous);
  CHECK(d->previous.id == *id1);
  CHECK(d->previous.score == 70);
  REQUIRE(d->new_keys.size() == 1);
  CHECK(d->new_keys[0] == "DG-A-003|device:d3");
  REQUIRE(d->resolved.size() == 1);
  CHECK(d->resolved[0].rule == "DG-A-001");

  auto list = (*db)->audits("hub:x");
  REQUIRE(list);
  CHECK(list->size() == 2);
  db->reset();
  fs::remove_all(dir);
}

TEST_CASE("history survives reopening and refuses a newer schema", "[store]") {
  auto dir = temp_dir("store2");
  auto path = (dir / "h.db").string();
  {
    auto db = store::History::open(path);
    REQUIRE(db);
    audit::AuditResult r;
    r.findings = {finding("DG-A-001", "d1")};
    REQUIRE((*db)->record("k", "s", r));
  }
  {
    auto db = store::History::open(path);
    REQUIRE(db);
    auto list = (*db)->audits("k");
    REQUIRE(list);
    CHECK(list->size() == 1);
  }
  {
    SQLite::Database raw(path, SQLite::OPEN_READWRITE);
    raw.exec("PRAGMA user_version=99");
  }
  auto db = store::History::open(path);
  REQUIRE_FALSE(db);
  CHECK(db.error().key == "error.store.newer");
  fs::remove_all(dir);
}

TEST_CASE("a database that cannot be created is an error, not a crash", "[store]") {
  auto db = store::History::open("/proc/domoguard-cannot-exist/history.db");
  REQUIRE_FALSE(db);
  CHECK(db.error().code == ErrorCode::io);
}
