#include "store/trust.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

#include "store/sqlite_file.hpp"
#include <sys/stat.h>

#include <chrono>
#include <ctime>
#include <filesystem>

namespace domoguard::store {

namespace fs = std::filesystem;

struct TrustStore::Impl {
  SQLite::Database db;
  explicit Impl(SQLite::Database d) : db(std::move(d)) {}
};

namespace {

const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS trusted_keys (
  key_id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  public_pem TEXT NOT NULL,
  added_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS profile_versions (
  name TEXT PRIMARY KEY,
  version INTEGER NOT NULL,
  key_id TEXT NOT NULL,
  applied_at TEXT NOT NULL
);
)sql";

using detail::db_error;
using detail::now_utc;

}  // namespace

TrustStore::TrustStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TrustStore::~TrustStore() = default;

Result<std::unique_ptr<TrustStore>> TrustStore::open(const std::string& path) {
  auto db = detail::open_store(path, kSchema, "Cannot open the trust store");  // private, WAL, synced (store/sqlite_file)
  if (!db) return db.error();
  return std::unique_ptr<TrustStore>(new TrustStore(std::make_unique<Impl>(std::move(*db))));
}

Result<bool> TrustStore::add(const TrustedKey& key) {
  try {
    auto& db = impl_->db;
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement upd(db, "UPDATE trusted_keys SET name=? WHERE key_id=?");
    upd.bind(1, key.name);
    upd.bind(2, key.key_id);
    if (upd.exec() > 0) {
      tx.commit();
      return false;
    }
    SQLite::Statement ins(db, "INSERT INTO trusted_keys(key_id, name, public_pem, added_at) VALUES (?,?,?,?)");
    ins.bind(1, key.key_id);
    ins.bind(2, key.name);
    ins.bind(3, key.public_pem);
    ins.bind(4, key.added_at.empty() ? now_utc() : key.added_at);
    ins.exec();
    tx.commit();
    return true;
  } catch (const std::exception& e) {
    return db_error(e, "Cannot store the trusted key");
  }
}

Result<bool> TrustStore::remove(const std::string& key_id) {
  try {
    SQLite::Statement del(impl_->db, "DELETE FROM trusted_keys WHERE key_id=?");
    del.bind(1, key_id);
    return del.exec() > 0;
  } catch (const std::exception& e) {
    return db_error(e, "Cannot remove the trusted key");
  }
}

Result<std::vector<TrustedKey>> TrustStore::list() {
  try {
    std::vector<TrustedKey> out;
    SQLite::Statement q(impl_->db, "SELECT key_id, name, public_pem, added_at FROM trusted_keys ORDER BY name, key_id");
    while (q.executeStep())
      out.push_back({q.getColumn(0).getString(), q.getColumn(1).getString(), q.getColumn(2).getString(),
                     q.getColumn(3).getString()});
    return out;
  } catch (const std::exception& e) {
    return db_error(e, "Cannot read the trusted keys");
  }
}

Result<std::optional<TrustedKey>> TrustStore::find(const std::string& key_id) {
  try {
    SQLite::Statement q(impl_->db, "SELECT key_id, name, public_pem, added_at FROM trusted_keys WHERE key_id=?");
    q.bind(1, key_id);
    if (!q.executeStep()) return std::optional<TrustedKey>();
    return std::optional<TrustedKey>(TrustedKey{q.getColumn(0).getString(), q.getColumn(1).getString(),
                                                q.getColumn(2).getString(), q.getColumn(3).getString()});
  } catch (const std::exception& e) {
    return db_error(e, "Cannot read the trusted keys");
  }
}

Result<std::optional<int64_t>> TrustStore::applied_version(const std::string& profile_name) {
  try {
    SQLite::Statement q(impl_->db, "SELECT version FROM profile_versions WHERE name=?");
    q.bind(1, profile_name);
    if (!q.executeStep()) return std::optional<int64_t>();
    return std::optional<int64_t>(q.getColumn(0).getInt64());
  } catch (const std::exception& e) {
    return db_error(e, "Cannot read the applied profile versions");
  }
}

Result<bool> TrustStore::record_applied(const std::string& profile_name, int64_t version, const std::string& key_id) {
  try {
    SQLite::Statement q(impl_->db,
                        "INSERT INTO profile_versions(name, version, key_id, applied_at) VALUES (?,?,?,?) "
                        "ON CONFLICT(name) DO UPDATE SET version=excluded.version, key_id=excluded.key_id, "
                        "applied_at=excluded.applied_at WHERE excluded.version >= profile_versions.version");
    q.bind(1, profile_name);
    q.bind(2, version);
    q.bind(3, key_id);
    q.bind(4, now_utc());
    q.exec();
    return true;
  } catch (const std::exception& e) {
    return db_error(e, "Cannot record the applied profile version");
  }
}

}  // namespace domoguard::store
