#include "store/sqlite_file.hpp"

#include "store/history.hpp"

#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <mutex>
#include <random>
#include <thread>

namespace domoguard::store {

namespace {
std::mutex g_set_aside_m;
std::vector<SetAside> g_for_output, g_for_log;
}  // namespace

std::vector<SetAside> take_set_aside() {
  std::lock_guard lock(g_set_aside_m);
  return std::exchange(g_for_output, {});
}

std::vector<SetAside> take_set_aside_for_log(const std::string& path) {
  std::lock_guard lock(g_set_aside_m);
  std::vector<SetAside> mine;
  std::erase_if(g_for_log, [&](const SetAside& s) {
    if (s.path != path) return false;
    mine.push_back(s);
    return true;
  });
  return mine;
}

}  // namespace domoguard::store

namespace domoguard::store::detail {

namespace fs = std::filesystem;

namespace {

bool busy(const SQLite::Exception& e) {
  const int c = e.getErrorCode() & 0xFF;
  return c == SQLITE_BUSY || c == SQLITE_LOCKED;
}

// A short, jittered pause between retries, so waiting processes do not retry in step.
void back_off(int attempt) {
  thread_local std::minstd_rand rng{static_cast<unsigned>(std::random_device{}())};
  std::this_thread::sleep_for(std::chrono::milliseconds(20 * (attempt + 1) + static_cast<int>(rng() % 30)));
}

constexpr int kBusyRetries = 8;

template <class F>
auto retry_busy(F&& f) {
  for (int attempt = 0;; ++attempt) {
    try {
      return f();
    } catch (const SQLite::Exception& e) {
      if (!busy(e) || attempt >= kBusyRetries) throw;
      back_off(attempt);
    }
  }
}

bool writable(const fs::path& p) { return ::access(p.c_str(), W_OK) == 0; }

// SQLite gives a new -wal/-shm the database file's permissions, so a run on a read-only database
// leaves read-only companions that refuse every later write. A companion of ours that cannot be
// written beside a database that can is such a leftover: made writable (for us only) again.
void check_writable(const fs::path& p) {
  const fs::path folder = p.has_parent_path() ? p.parent_path() : fs::path(".");
  std::error_code ec;
  if (fs::exists(p, ec) && !writable(p))
    throw StoreFileError("error.store.read_only", "The database file cannot be written (read-only)", p.string());
  for (const char* ext : {"-wal", "-shm"}) {
    const fs::path side = p.string() + ext;
    if (!fs::exists(side, ec) || writable(side)) continue;
    struct stat st {};
    if (::stat(side.c_str(), &st) == 0 && st.st_uid == ::geteuid() && fs::exists(p, ec) && writable(p)) ::chmod(side.c_str(), 0600);
    if (!writable(side))
      throw StoreFileError("error.store.read_only", "The database's companion file cannot be written (read-only)", side.string());
  }
  if (::access(folder.c_str(), W_OK | X_OK) != 0)
    throw StoreFileError("error.store.folder_read_only",
                         "The database's folder cannot be written (SQLite keeps its -wal and -shm files there)",
                         folder.string());
}

std::string utc_stamp() {
  const auto t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

// Keeps a damaged database (and its -wal, -shm and event-log head) under a new name; never deletes.
void set_aside(const std::string& path) {
  std::string moved = path + ".corrupt-" + utc_stamp();
  std::error_code ec;
  for (int n = 2; fs::exists(moved, ec); ++n) moved = path + ".corrupt-" + utc_stamp() + "-" + std::to_string(n);
  fs::rename(path, moved);  // throws when it cannot: then nothing is replaced
  for (const char* ext : {"-wal", "-shm", ".eventlog.head"})
    if (fs::exists(path + ext, ec)) fs::rename(path + ext, moved + ext, ec);
  std::lock_guard lock(g_set_aside_m);
  g_for_output.push_back({path, moved});
  g_for_log.push_back({path, moved});
}

bool damaged(const SQLite::Exception& e) {
  const int c = e.getErrorCode() & 0xFF;
  return c == SQLITE_NOTADB || c == SQLITE_CORRUPT;
}

SQLite::Database open_once(const std::string& path, bool memory) {
  bool fresh = false;
  if (!memory) {
    fs::path p(path);
    if (p.has_parent_path() && !fs::exists(p.parent_path())) {
      fs::create_directories(p.parent_path());
      fs::permissions(p.parent_path(), fs::perms::owner_all, fs::perm_options::replace);
    }
    check_writable(p);
    fresh = !fs::exists(p);
  }
  // The stores hold the household's settings and history: no moment where others may read it.
  const mode_t old = ::umask(077);
  // The busy timeout is given to the constructor: it is in force before the first statement (the
  // switch to WAL below already waits for other processes).
  SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE, kBusyTimeoutMs);
  ::umask(old);
  if (fresh) ::chmod(path.c_str(), 0600);
  retry_busy([&] { db.exec("PRAGMA journal_mode=WAL"); });
  db.exec("PRAGMA synchronous=FULL");   // a change is on disk before the hub or the user is told
  db.exec("PRAGMA foreign_keys=ON");
  // Reads the schema now, so a file that is not a database says so here rather than mid-audit.
  retry_busy([&] { return db.execAndGet("SELECT COUNT(*) FROM sqlite_master").getInt(); });
  return db;
}

}  // namespace

SQLite::Database open_private(const std::string& path) {
  const bool memory = path == ":memory:" || path.empty();
  try {
    return open_once(path, memory);
  } catch (const SQLite::Exception& e) {
    if (memory || !damaged(e)) throw;
  }
  // Damaged, or not a database at all: every later run would fail the same way. Kept aside for
  // whoever wants to look at it (or restore it), and a new database started.
  set_aside(path);
  return open_once(path, memory);
}

void write_tx(SQLite::Database& db, const std::function<void()>& body) {
  for (int attempt = 0;; ++attempt) {
    try {
      SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);  // rolls back unless committed
      body();
      tx.commit();
      return;
    } catch (const SQLite::Exception& e) {
      if (!busy(e) || attempt >= kBusyRetries) throw;
      back_off(attempt);
    }
  }
}

namespace {
// Carries a check's refusal out of write_tx, which then rolls the schema back.
struct Refused : std::exception {
  explicit Refused(Error e) : error(std::move(e)) {}
  Error error;
};
}  // namespace

Result<SQLite::Database> open_store(const std::string& path, const char* schema, const std::string& what,
                                    const OpenCheck& check) {
  try {
    SQLite::Database db = open_private(path);
    write_tx(db, [&] {
      db.exec(schema);
      if (check)
        if (auto refused = check(db)) throw Refused(std::move(*refused));
    });
    return Result<SQLite::Database>(std::move(db));
  } catch (const Refused& r) {
    return r.error;
  } catch (const std::exception& e) {
    auto err = db_error(e, what);
    if (err.file.empty()) err.file = path;
    return err;
  }
}

Error db_error(const std::exception& e, const std::string& what) {
  if (const auto* f = dynamic_cast<const StoreFileError*>(&e))
    return Error{ErrorCode::io, f->key, std::string(f->what()), f->file, "", {{"file", f->file}}};
  return Error{ErrorCode::io, "error.store.failed", what + ": " + e.what(), "", ""};
}

}  // namespace domoguard::store::detail
