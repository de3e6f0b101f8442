#include "store/settings.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

#include "store/sqlite_file.hpp"

namespace domoguard::store {

struct Settings::Impl {
  SQLite::Database db;
  explicit Impl(SQLite::Database d) : db(std::move(d)) {}
};

namespace {
const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS settings (
  home_key TEXT NOT NULL,
  name TEXT NOT NULL,
  value TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (home_key, name)
);
)sql";
}  // namespace

Settings::Settings(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Settings::~Settings() = default;

Result<std::unique_ptr<Settings>> Settings::open(const std::string& path) {
  auto db = detail::open_store(path, kSchema, "Cannot open the settings");  // private, WAL, synced (store/sqlite_file)
  if (!db) return db.error();
  return std::unique_ptr<Settings>(new Settings(std::make_unique<Impl>(std::move(*db))));
}

Result<std::optional<std::string>> Settings::get(const std::string& home_key, const std::string& name) {
  try {
    SQLite::Statement q(impl_->db, "SELECT value FROM settings WHERE home_key=? AND name=?");
    q.bind(1, home_key);
    q.bind(2, name);
    if (q.executeStep()) return std::optional<std::string>(q.getColumn(0).getString());
    return std::optional<std::string>();
  } catch (const std::exception& e) {
    return detail::db_error(e, "Cannot read the settings");
  }
}

Result<bool> Settings::set(const std::string& home_key, const std::string& name, const std::string& value) {
  try {
    SQLite::Statement q(impl_->db,
                        "INSERT INTO settings(home_key, name, value, updated_at) VALUES (?,?,?,?) "
                        "ON CONFLICT(home_key, name) DO UPDATE SET value=excluded.value, updated_at=excluded.updated_at");
    q.bind(1, home_key);
    q.bind(2, name);
    q.bind(3, value);
    q.bind(4, detail::now_utc());
    q.exec();
    return true;
  } catch (const std::exception& e) {
    return detail::db_error(e, "Cannot store the setting");
  }
}

}  // namespace domoguard::store
