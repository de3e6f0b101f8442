#include "store/notices.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

#include "store/sqlite_file.hpp"
#include <sys/stat.h>

#include <chrono>
#include <ctime>
#include <filesystem>

namespace domoguard::store {

namespace fs = std::filesystem;

struct Notices::Impl {
  SQLite::Database db;
  explicit Impl(SQLite::Database d) : db(std::move(d)) {}
};

namespace {

const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS notice_acks (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  home_key TEXT NOT NULL,
  subject TEXT NOT NULL,
  version TEXT NOT NULL,
  user TEXT NOT NULL,
  acked_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS notice_acks_subject ON notice_acks(home_key, subject, id);
)sql";

using detail::db_error;
using detail::now_utc;

NoticeAck row(SQLite::Statement& q) {
  return {q.getColumn(0).getInt64(), q.getColumn(1).getString(), q.getColumn(2).getString(),
          q.getColumn(3).getString(), q.getColumn(4).getString(), q.getColumn(5).getString()};
}

constexpr const char* kColumns = "SELECT id, home_key, subject, version, user, acked_at FROM notice_acks ";

}  // namespace

Notices::Notices(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Notices::~Notices() = default;

Result<std::unique_ptr<Notices>> Notices::open(const std::string& path) {
  auto db = detail::open_store(path, kSchema, "Cannot open the notice acknowledgements");  // private, WAL, synced (store/sqlite_file)
  if (!db) return db.error();
  return std::unique_ptr<Notices>(new Notices(std::make_unique<Impl>(std::move(*db))));
}

Result<int64_t> Notices::acknowledge(const std::string& home_key, const std::string& subject,
                                     const std::string& version, const std::string& user) {
  try {
    SQLite::Statement q(impl_->db,
                        "INSERT INTO notice_acks(home_key, subject, version, user, acked_at) VALUES (?,?,?,?,?)");
    q.bind(1, home_key);
    q.bind(2, subject);
    q.bind(3, version);
    q.bind(4, user);
    q.bind(5, now_utc());
    q.exec();
    return static_cast<int64_t>(impl_->db.getLastInsertRowid());
  } catch (const std::exception& e) {
    return db_error(e, "Cannot store the acknowledgement");
  }
}

Result<std::optional<NoticeAck>> Notices::latest(const std::string& home_key, const std::string& subject) {
  try {
    SQLite::Statement q(impl_->db, std::string(kColumns) + "WHERE home_key=? AND subject=? ORDER BY id DESC LIMIT 1");
    q.bind(1, home_key);
    q.bind(2, subject);
    if (!q.executeStep()) return std::optional<NoticeAck>{};
    return std::optional<NoticeAck>{row(q)};
  } catch (const std::exception& e) {
    return db_error(e, "Cannot read the acknowledgements");
  }
}

Result<std::optional<NoticeAck>> Notices::latest_for(const std::string& home_key, const std::string& subject,
                                                     const std::string& version) {
  try {
    SQLite::Statement q(impl_->db, std::string(kColumns) +
                                       "WHERE home_key=? AND subject=? AND version=? ORDER BY id DESC LIMIT 1");
    q.bind(1, home_key);
    q.bind(2, subject);
    q.bind(3, version);
    if (!q.executeStep()) return std::optional<NoticeAck>{};
    return std::optional<NoticeAck>{row(q)};
  } catch (const std::exception& e) {
    return db_error(e, "Cannot read the acknowledgements");
  }
}

Result<std::vector<NoticeAck>> Notices::all(const std::string& home_key, int limit) {
  try {
    std::vector<NoticeAck> out;
    SQLite::Statement q(impl_->db, std::string(kColumns) + "WHERE home_key=? ORDER BY id DESC LIMIT ?");
    q.bind(1, home_key);
    q.bind(2, limit);
    while (q.executeStep()) out.push_back(row(q));
    return out;
  } catch (const std::exception& e) {
    return db_error(e, "Cannot read the acknowledgements");
  }
}

}  // namespace domoguard::store
