// What every store shares about its SQLite file: private to the user from the first byte, WAL,
// every commit synced to disk, many readers and writers at once (the CLI beside the daemon), a
// read-only or damaged file named plainly, and errors as values with one key.
// Internal to store/ (only its .cpp files include it): SQLiteCpp stays there.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <exception>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "util/clock.hpp"
#include "util/result.hpp"

namespace domoguard::store::detail {

// How long a statement waits for another process's write to finish before SQLite says "busy".
inline constexpr int kBusyTimeoutMs = 15000;

// Opens or creates the database at path (":memory:" too): a new folder is made 0700 and a new
// file 0600 before any data is written to it; the busy timeout is set before anything is read. A file
// that is not a database (or is damaged) is kept aside as <path>.corrupt-<UTC time> and a new one
// started (see take_set_aside). Throws SQLite::Exception, filesystem_error, or StoreFileError for a
// file that cannot be written (naming that file: the database, its -wal or -shm, or its folder).
SQLite::Database open_private(const std::string& path);
using util::now_utc;
Error db_error(const std::exception& e, const std::string& what);

struct StoreFileError : std::runtime_error {
  StoreFileError(std::string key, const std::string& msg, std::string file)
      : std::runtime_error(msg), key(std::move(key)), file(std::move(file)) {}
  std::string key, file;
};

// Runs body in a write transaction (BEGIN IMMEDIATE: a writer takes the write lock before it reads,
// so two writers never deadlock into SQLITE_BUSY), retried while another process holds the lock
// beyond the busy timeout. body commits nothing itself; it returns normally to commit.
void write_tx(SQLite::Database& db, const std::function<void()>& body);

// What every store's open() does: open_private(path), then its tables created (schema) in one write
// transaction (write_tx: BEGIN IMMEDIATE, retried while busy). `check`, when given, runs in that
// transaction after the schema and may refuse the file (a schema from a newer DomoGuard, say): then
// nothing is committed. Errors say `what` ("Cannot open the plan journal") and name the file.
using OpenCheck = std::function<std::optional<Error>(SQLite::Database&)>;
Result<SQLite::Database> open_store(const std::string& path, const char* schema, const std::string& what,
                                    const OpenCheck& check = {});

}  // namespace domoguard::store::detail
