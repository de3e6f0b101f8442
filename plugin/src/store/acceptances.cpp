#include "store/acceptances.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

#include "store/sqlite_file.hpp"

namespace domoguard::store {

struct Acceptances::Impl {
  SQLite::Database db;
  explicit Impl(SQLite::Database d) : db(std::move(d)) {}
};

namespace {
const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS acceptances (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  home_key TEXT NOT NULL,
  fkey TEXT NOT NULL,
  evidence TEXT NOT NULL,
  reason TEXT NOT NULL,
  actor TEXT NOT NULL,
  accepted_at TEXT NOT NULL,
  until TEXT NOT NULL,
  state TEXT NOT NULL,
  ended_at TEXT NOT NULL DEFAULT '',
  ended_by TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS acceptances_home ON acceptances(home_key, state, fkey);
)sql";

const char* kColumns = "id, home_key, fkey, evidence, reason, actor, accepted_at, until, state, ended_at, ended_by";

Acceptance row(SQLite::Statement& q) {
  Acceptance a;
  a.id = q.getColumn(0).getInt64();
  a.home_key = q.getColumn(1).getString();
  a.key = q.getColumn(2).getString();
  a.evidence = q.getColumn(3).getString();
  a.reason = q.getColumn(4).getString();
  a.actor = q.getColumn(5).getString();
  a.accepted_at = q.getColumn(6).getString();
  a.until = q.getColumn(7).getString();
  a.state = q.getColumn(8).getString();
  a.ended_at = q.getColumn(9).getString();
  a.ended_by = q.getColumn(10).getString();
  return a;
}

void end_active(SQLite::Database& db, const std::string& home_key, const std::string& key, const std::string& state,
                const std::string& by, const std::string& at, int* changed) {
  SQLite::Statement q(db, "UPDATE acceptances SET state=?, ended_at=?, ended_by=? WHERE home_key=? AND fkey=? AND state='active'");
  q.bind(1, state);
  q.bind(2, at);
  q.bind(3, by);
  q.bind(4, home_key);
  q.bind(5, key);
  const int n = q.exec();
  if (changed) *changed = n;
}
}  // namespace

Acceptances::Acceptances(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Acceptances::~Acceptances() = default;

Result<std::unique_ptr<Acceptances>> Acceptances::open(const std::string& path) {
  auto db = detail::open_store(path, kSchema, "Cannot open the accepted risks");  // private, WAL, synced (store/sqlite_file)
  if (!db) return db.error();
  return std::unique_ptr<Acceptances>(new Acceptances(std::make_unique<Impl>(std::move(*db))));
}

Result<int64_t> Acceptances::add(const Acceptance& a) {
  try {
    SQLite::Transaction tx(impl_->db);
    end_active(impl_->db, a.home_key, a.key, "replaced", a.actor, a.accepted_at, nullptr);
    SQLite::Statement q(impl_->db,
                        "INSERT INTO acceptances(home_key, fkey, evidence, reason, actor, accepted_at, until, state) "
                        "VALUES (?,?,?,?,?,?,?,'active')");
    q.bind(1, a.home_key);
    q.bind(2, a.key);
    q.bind(3, a.evidence);
    q.bind(4, a.reason);
    q.bind(5, a.actor);
    q.bind(6, a.accepted_at);
    q.bind(7, a.until);
    q.exec();
    const int64_t id = impl_->db.getLastInsertRowid();
    tx.commit();
    return id;
  } catch (const std::exception& e) {
    return detail::db_error(e, "Cannot store the accepted risk");
  }
}

Result<bool> Acceptances::end(const std::string& home_key, const std::string& key, const std::string& state,
                              const std::string& by, const std::string& at) {
  try {
    int n = 0;
    end_active(impl_->db, home_key, key, state, by, at, &n);
    return n > 0;
  } catch (const std::exception& e) {
    return detail::db_error(e, "Cannot end the accepted risk");
  }
}

Result<bool> Acceptances::set_evidence(int64_t id, const std::string& evidence) {
  try {
    SQLite::Statement q(impl_->db, "UPDATE acceptances SET evidence=? WHERE id=? AND evidence=''");
    q.bind(1, evidence);
    q.bind(2, id);
    return q.exec() > 0;
  } catch (const std::exception& e) {
    return detail::db_error(e, "Cannot store the accepted risk");
  }
}

Result<std::vector<Acceptance>> Acceptances::active(const std::string& home_key) {
  try {
    SQLite::Statement q(impl_->db, std::string("SELECT ") + kColumns +
                                       " FROM acceptances WHERE home_key=? AND state='active' ORDER BY id");
    q.bind(1, home_key);
    std::vector<Acceptance> out;
    while (q.executeStep()) out.push_back(row(q));
    return out;
  } catch (const std::exception& e) {
    return detail::db_error(e, "Cannot read the accepted risks");
  }
}

Result<std::vector<Acceptance>> Acceptances::all(const std::string& home_key, int limit) {
  try {
    SQLite::Statement q(impl_->db, std::string("SELECT ") + kColumns +
                                       " FROM acceptances WHERE home_key=? ORDER BY id DESC LIMIT ?");
    q.bind(1, home_key);
    q.bind(2, limit);
    std::vector<Acceptance> out;
    while (q.executeStep()) out.push_back(row(q));
    return out;
  } catch (const std::exception& e) {
    return detail::db_error(e, "Cannot read the accepted risks");
  }
}

}  // namespace domoguard::store
