#include "store/history.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

#include "store/eventlog.hpp"
#include "store/sqlite_file.hpp"
#include <sys/stat.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <set>

namespace domoguard::store {

namespace fs = std::filesystem;

struct History::Impl {
  SQLite::Database db;
  explicit Impl(SQLite::Database d) : db(std::move(d)) {}
};

namespace {

constexpr int kSchemaVersion = 1;

const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS audits (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  home_key TEXT NOT NULL,
  created_at TEXT NOT NULL,
  source TEXT NOT NULL,
  score INTEGER NOT NULL,
  findings INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS audits_home ON audits(home_key, id);
CREATE TABLE IF NOT EXISTS findings (
  audit_id INTEGER NOT NULL REFERENCES audits(id) ON DELETE CASCADE,
  fkey TEXT NOT NULL,
  rule TEXT NOT NULL,
  severity TEXT NOT NULL,
  subject_kind TEXT NOT NULL,
  subject_id TEXT NOT NULL,
  subject_name TEXT NOT NULL,
  device_id TEXT NOT NULL,
  PRIMARY KEY (audit_id, fkey)
);
)sql";

using detail::db_error;
using detail::now_utc;

}  // namespace

History::History(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
History::~History() = default;

std::string History::default_path() {
  if (const char* p = std::getenv("DOMOGUARD_DB"); p && *p) return p;
  if (const char* x = std::getenv("XDG_STATE_HOME"); x && *x) return std::string(x) + "/domoguard/history.db";
  if (const char* h = std::getenv("HOME"); h && *h) return std::string(h) + "/.local/state/domoguard/history.db";
  return "domoguard-history.db";
}

Result<std::unique_ptr<History>> History::open(const std::string& path) {
  // Private, WAL, synced (store/sqlite_file); a file from a newer DomoGuard is refused untouched.
  auto db = detail::open_store(path, kSchema, "Cannot open the history database", [&](SQLite::Database& d) -> std::optional<Error> {
    const int version = d.execAndGet("PRAGMA user_version").getInt();
    if (version > kSchemaVersion)
      return Error{ErrorCode::io, "error.store.newer",
                   "The history database was written by a newer DomoGuard (schema " + std::to_string(version) + ")", path, "",
                   {{"schema", std::to_string(version)}}};
    d.exec("PRAGMA user_version=" + std::to_string(kSchemaVersion));
    return std::nullopt;
  });
  if (!db) return db.error();
  return std::unique_ptr<History>(new History(std::make_unique<Impl>(std::move(*db))));
}

namespace {

int64_t insert_audit(SQLite::Database& db, const std::string& home_key, const std::string& source, const audit::AuditResult& r) {
  SQLite::Statement a(db, "INSERT INTO audits(home_key, created_at, source, score, findings) VALUES (?,?,?,?,?)");
  a.bind(1, home_key);
  a.bind(2, now_utc());
  a.bind(3, source);
  a.bind(4, r.score);
  a.bind(5, static_cast<int>(r.findings.size()));
  a.exec();
  const int64_t id = db.getLastInsertRowid();
  SQLite::Statement f(db,
                      "INSERT OR IGNORE INTO findings(audit_id, fkey, rule, severity, subject_kind, subject_id, "
                      "subject_name, device_id) VALUES (?,?,?,?,?,?,?,?)");
  for (const auto& x : r.findings) {
    f.bind(1, id);
    f.bind(2, x.key());
    f.bind(3, x.rule);
    f.bind(4, audit::to_string(x.severity));
    f.bind(5, x.subject.kind);
    f.bind(6, x.subject.id);
    f.bind(7, x.subject.name);
    f.bind(8, x.device_id);
    f.exec();
    f.reset();
  }
  return id;
}

struct Refused {
  Error error;
};

}  // namespace

Result<int64_t> History::record(const std::string& home_key, const std::string& source, const audit::AuditResult& r) {
  try {
    int64_t id = 0;
    detail::write_tx(impl_->db, [&] { id = insert_audit(impl_->db, home_key, source, r); });
    return id;
  } catch (const std::exception& e) {
    return db_error(e, "Cannot store the audit");
  }
}

Result<History::Logged> History::record_logged(const std::string& home_key, const std::string& source,
                                               const audit::AuditResult& r, EventLog& log,
                                               const std::function<std::vector<NewEvent>(int64_t, const Diff&)>& events) {
  try {
    Logged out;
    detail::write_tx(impl_->db, [&] {
      out.id = insert_audit(impl_->db, home_key, source, r);
      auto d = diff(out.id);  // reads this transaction's own rows
      if (!d) throw Refused{d.error()};
      out.diff = std::move(*d);
      auto appended = log.append_all_on(impl_->db, events(out.id, out.diff));
      if (!appended) throw Refused{appended.error()};
    });
    if (auto a = log.anchor(); !a) return a.error();
    return out;
  } catch (const Refused& x) {
    return x.error;
  } catch (const std::exception& e) {
    return db_error(e, "Cannot store the audit");
  }
}

Result<Diff> History::diff(int64_t audit_id) {
  try {
    auto& db = impl_->db;
    Diff d;
    SQLite::Statement cur(db, "SELECT home_key FROM audits WHERE id=?");
    cur.bind(1, audit_id);
    if (!cur.executeStep()) return Error{ErrorCode::io, "error.store.no_audit", "No such audit", "", ""};
    const std::string home_key = cur.getColumn(0).getString();
    SQLite::Statement prev(db,
                           "SELECT id, created_at, source, score, findings FROM audits WHERE home_key=? AND id<? "
                           "ORDER BY id DESC LIMIT 1");
    prev.bind(1, home_key);
    prev.bind(2, audit_id);
    if (!prev.executeStep()) return d;
    d.has_previous = true;
    d.previous = {prev.getColumn(0).getInt64(), home_key, prev.getColumn(1).getString(), prev.getColumn(2).getString(),
                  prev.getColumn(3).getInt(), prev.getColumn(4).getInt()};
    auto keys = [&](int64_t id) {
      std::set<std::string> s;
      SQLite::Statement q(db, "SELECT fkey FROM findings WHERE audit_id=?");
      q.bind(1, id);
      while (q.executeStep()) s.insert(q.getColumn(0).getString());
      return s;
    };
    const auto now_keys = keys(audit_id), old_keys = keys(d.previous.id);
    for (const auto& k : now_keys)
      if (!old_keys.count(k)) d.new_keys.push_back(k);
    SQLite::Statement q(db,
                        "SELECT fkey, rule, severity, subject_kind, subject_id, subject_name FROM findings WHERE "
                        "audit_id=? ORDER BY fkey");
    q.bind(1, d.previous.id);
    while (q.executeStep()) {
      std::string k = q.getColumn(0).getString();
      if (now_keys.count(k)) continue;
      d.resolved.push_back({k, q.getColumn(1).getString(), q.getColumn(2).getString(), q.getColumn(3).getString(),
                            q.getColumn(4).getString(), q.getColumn(5).getString()});
    }
    return d;
  } catch (const std::exception& e) {
    return db_error(e, "Cannot read the audit history");
  }
}

Result<std::vector<AuditRecord>> History::audits(const std::string& home_key, int limit) {
  try {
    std::vector<AuditRecord> out;
    SQLite::Statement q(impl_->db,
                        "SELECT id, created_at, source, score, findings FROM audits WHERE home_key=? ORDER BY id DESC "
                        "LIMIT ?");
    q.bind(1, home_key);
    q.bind(2, limit);
    while (q.executeStep())
      out.push_back({q.getColumn(0).getInt64(), home_key, q.getColumn(1).getString(), q.getColumn(2).getString(),
                     q.getColumn(3).getInt(), q.getColumn(4).getInt()});
    return out;
  } catch (const std::exception& e) {
    return db_error(e, "Cannot read the audit history");
  }
}

}  // namespace domoguard::store
