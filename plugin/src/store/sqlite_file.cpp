#include "store/sqlite_file.hpp"

#include <sys/stat.h>

#include <chrono>
#include <ctime>
#include <filesystem>

namespace domoguard::store::detail {

namespace fs = std::filesystem;

SQLite::Database open_private(const std::string& path) {
  const bool memory = path == ":memory:";
  bool fresh = false;
  if (!memory) {
    fs::path p(path);
    if (p.has_parent_path() && !fs::exists(p.parent_path())) {
      fs::create_directories(p.parent_path());
      fs::permissions(p.parent_path(), fs::perms::owner_all, fs::perm_options::replace);
    }
    fresh = !fs::exists(p);
  }
  // The stores hold the household's settings and history: no moment where others may read it.
  const mode_t old = ::umask(077);
  SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  ::umask(old);
  if (fresh) ::chmod(path.c_str(), 0600);
  db.exec("PRAGMA journal_mode=WAL");
  db.exec("PRAGMA synchronous=FULL");   // a change is on disk before the hub or the user is told
  db.exec("PRAGMA foreign_keys=ON");
  db.setBusyTimeout(5000);
  return db;
}

Error db_error(const std::exception& e, const std::string& what) {
  return Error{ErrorCode::io, "error.store.failed", what + ": " + e.what(), "", ""};
}

}  // namespace domoguard::store::detail
