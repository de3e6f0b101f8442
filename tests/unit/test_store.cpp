#include <SQLiteCpp/SQLiteCpp.h>
#include <sys/stat.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <thread>

#include "home_builder.hpp"
#include "store/eventlog.hpp"
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

namespace {
std::string slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}
// Runs a shell command; its exit code.
int shell(const std::string& cmd) {
  const int status = std::system(cmd.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}
}  // namespace

// Runs body as an unprivileged user when the tests run as root (root writes read-only files); its
// result: 0 when every step held, else the number of the first step that failed.
int as_user(const fs::path& dir, const std::function<int()>& body) {
  if (::geteuid() != 0) return body();
  ::chown(dir.c_str(), 65534, 65534);
  const pid_t pid = ::fork();
  if (pid == 0) {
    if (::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(99);
    ::_exit(body());
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 98;
}

TEST_CASE("a read-only database is named, and leaves nothing behind that fails later runs", "[store]") {
  auto dir = temp_dir("readonly");
  fs::create_directories(dir);
  const auto path = (dir / "history.db").string();
  const int failed_step = as_user(dir, [&]() -> int {
    { if (!store::History::open(path)) return 1; }
    for (const char* ext : {"-wal", "-shm"}) fs::remove(path + ext);
    ::chmod(path.c_str(), 0400);
    auto ro = store::History::open(path);
    if (ro) return 2;
    if (ro.error().key != "error.store.read_only" || ro.error().file != path) return 3;
    if (fs::exists(path + "-wal") || fs::exists(path + "-shm")) return 4;  // nothing read-only left beside it
    ::chmod(path.c_str(), 0600);
    if (!store::History::open(path)) return 5;
    // Companions left read-only by an earlier run (SQLite gives them the database's mode) are ours:
    // made writable again instead of failing every run.
    for (const char* ext : {"-wal", "-shm"}) {
      fs::remove(path + ext);
      std::ofstream(path + ext).close();
      ::chmod((path + ext).c_str(), 0400);
    }
    {
      auto again = store::History::open(path);
      if (!again) return 6;
      if (!(*again)->record("hub:x", "demo", audit::AuditResult{})) return 7;
    }
    // A read-only folder is named as the culprit (SQLite must create -wal and -shm there).
    for (const char* ext : {"-wal", "-shm"}) fs::remove(path + ext);
    ::chmod(dir.c_str(), 0500);
    auto folder = store::History::open(path);
    ::chmod(dir.c_str(), 0700);
    if (folder) return 8;
    if (folder.error().key != "error.store.folder_read_only" || folder.error().file != dir.string()) return 9;
    return 0;
  });
  CHECK(failed_step == 0);
}

TEST_CASE("a damaged database is kept aside, a new one started, and the log says so", "[store][log]") {
  auto dir = temp_dir("corrupt");
  fs::create_directories(dir);
  const auto path = (dir / "history.db").string();
  const std::string garbage = "this is not a database " + std::string(8192, 'x');
  std::ofstream(path, std::ios::binary) << garbage;
  (void)store::take_set_aside();
  auto db = store::History::open(path);
  REQUIRE(db);
  auto kept = store::take_set_aside();
  REQUIRE(kept.size() == 1);
  CHECK(kept[0].path == path);
  CHECK(kept[0].moved.rfind(path + ".corrupt-", 0) == 0);
  CHECK(slurp(kept[0].moved) == garbage);  // never deleted, byte for byte
  auto log = store::EventLog::open(path);
  REQUIRE(log);
  auto first = (*log)->page(0, 5);
  REQUIRE(first);
  REQUIRE_FALSE(first->empty());
  CHECK(first->front().kind == "database_set_aside");
  CHECK(first->front().subject == fs::path(kept[0].moved).filename().string());
  auto rep = (*log)->verify();
  REQUIRE(rep);
  CHECK(rep->intact);
}

TEST_CASE("twenty audits at once on one database all succeed (real processes)", "[store][cli]") {
  auto dir = temp_dir("parallel");
  fs::create_directories(dir);
  const auto db = (dir / "same.db").string();
  const std::string bin = std::string(DG_BINARY_DIR) + "/bin/domoguard";
  // Started together on a database that does not exist yet: creation, WAL switch and writes race.
  std::string cmd = "cd " + dir.string() + " && for i in $(seq 20); do (" + bin + " audit --demo --format json --db " + db +
                    " >/dev/null 2>>err.txt; echo $? >> rc.txt) & done; wait";
  REQUIRE(shell(cmd) == 0);
  const std::string rc = slurp(dir / "rc.txt");
  CHECK(std::count(rc.begin(), rc.end(), '\n') == 20);
  CHECK(rc.find_first_not_of("0\n") == std::string::npos);
  INFO(slurp(dir / "err.txt"));
  CHECK(slurp(dir / "err.txt").empty());
  SQLite::Database raw(db, SQLite::OPEN_READONLY);
  CHECK(raw.execAndGet("SELECT COUNT(*) FROM audits").getInt() == 20);
  CHECK(raw.execAndGet("SELECT COUNT(*) FROM event_log WHERE kind='audit'").getInt() == 20);
  CHECK(shell(bin + " log verify --db " + db + " >/dev/null 2>&1") == 0);
}

TEST_CASE("kill -9 at random points during audits leaves history and log in step", "[store][log][cli]") {
  auto dir = temp_dir("killaudit");
  fs::create_directories(dir);
  const auto db = (dir / "h.db").string();
  const std::string bin = std::string(DG_BINARY_DIR) + "/bin/domoguard";
  REQUIRE(shell(bin + " audit --demo --format json --db " + db + " >/dev/null 2>&1") == 0);
  int killed = 0;
  constexpr int runs = 24;
  for (int i = 0; i < runs; ++i) {
    const pid_t pid = ::fork();
    if (pid == 0) {
      const int null = ::open("/dev/null", O_WRONLY);
      ::dup2(null, 1);
      ::dup2(null, 2);
      ::execl(bin.c_str(), "domoguard", "audit", "--demo", "--format", "json", "--db", db.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    // Spread over a run (about 80 ms): loading, auditing, storing, anchoring.
    std::this_thread::sleep_for(std::chrono::milliseconds(4 * i));
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == 0) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      killed += WIFSIGNALED(status);
    }
  }
  INFO(killed << " of " << runs << " killed before they finished");
  WARN(killed << " of " << runs << " audits killed before they finished");
  // Every audit stored has its log entry, the chain and its anchored end hold.
  CHECK(shell(bin + " log verify --db " + db + " >/dev/null 2>&1") == 0);
  SQLite::Database raw(db, SQLite::OPEN_READONLY);
  CHECK(raw.execAndGet("SELECT COUNT(*) FROM audits").getInt() ==
        raw.execAndGet("SELECT COUNT(*) FROM event_log WHERE kind='audit'").getInt());
  CHECK(shell(bin + " audit --demo --format json --db " + db + " >/dev/null 2>&1") == 0);  // and the next run works
}
