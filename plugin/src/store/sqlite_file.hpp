// What every store shares about its SQLite file: private to the user from the first byte, WAL, every commit synced
// to disk, errors as values with one key. Internal to store/ (only its .cpp files include it): SQLiteCpp stays there.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <exception>
#include <string>

#include "util/clock.hpp"
#include "util/result.hpp"

namespace domoguard::store::detail {

// Opens or creates the database at path (":memory:" too): a new folder is made 0700 and a new
// file 0600 before any data is written to it. Throws SQLite::Exception or filesystem_error.
SQLite::Database open_private(const std::string& path);
using util::now_utc;
Error db_error(const std::exception& e, const std::string& what);

}  // namespace domoguard::store::detail
