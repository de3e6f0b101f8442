#include "store/eventlog.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

#include "store/sqlite_file.hpp"
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <optional>
#include <cerrno>
#include <cstdio>

#include "store/history.hpp"

#include "crypto/sigcrypto.hpp"

namespace domoguard::store {

namespace fs = std::filesystem;

struct EventLog::Impl {
  SQLite::Database db;
  std::string key;   // 32 raw bytes
  std::string head_path;
  explicit Impl(const std::string& path) : db(detail::open_private(path)), head_path(EventLog::head_path(path)) {}
};

namespace {

const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS event_log (
  seq INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  kind TEXT NOT NULL,
  subject TEXT NOT NULL,
  details TEXT NOT NULL,
  prev_mac TEXT NOT NULL,
  mac TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS event_log_head (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seq INTEGER NOT NULL,
  mac TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS event_log_anchor (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  since TEXT NOT NULL
);
)sql";

// The chain starts from an all-zero MAC.
const std::string kGenesis(64, '0');
constexpr size_t kKeyBytes = 32;

// Keys whose values are evidence or secrets; a details object naming one is refused outright,
// so a careless caller cannot leak them into a record meant to be shown to supervisors.
constexpr std::array<const char*, 14> kForbiddenKeys = {
    "token",       "access_token", "refresh_token", "password", "secret", "private_key", "mac",
    "mac_address", "ip",           "ip_address",    "serial",   "serial_number", "signature", "email"};

using detail::db_error;
using detail::now_utc;

void put_field(std::string& out, const std::string& s) {
  const auto n = static_cast<uint64_t>(s.size());
  for (int i = 7; i >= 0; --i) out += static_cast<char>((n >> (8 * i)) & 0xFF);
  out += s;
}

// The entry's canonical bytes: a version tag and each field length-prefixed, so no two different
// entries share a byte string.
std::string canonical(int64_t seq, const std::string& at, const std::string& actor, const std::string& kind,
                      const std::string& subject, const std::string& details) {
  std::string out;
  put_field(out, "domoguard.eventlog.v1");
  put_field(out, std::to_string(seq));
  put_field(out, at);
  put_field(out, actor);
  put_field(out, kind);
  put_field(out, subject);
  put_field(out, details);
  return out;
}

struct Row {
  int64_t seq = 0;
  std::string at, actor, kind, subject, details, prev_mac, mac;
};

// MAC of a row as if it had sequence number `seq`, chained after `prev_hex`.
std::string mac_of(const std::string& key, const Row& r, int64_t seq, const std::string& prev_hex) {
  std::string prev;
  if (!crypto::from_hex(prev_hex, prev)) return {};
  auto m = crypto::hmac_sha256(key, prev + canonical(seq, r.at, r.actor, r.kind, r.subject, r.details));
  return m ? crypto::to_hex(*m) : std::string();
}

bool fits(const std::string& key, const Row& r, int64_t seq, const std::string& prev_hex) {
  const std::string m = mac_of(key, r, seq, prev_hex);
  return !m.empty() && crypto::equal_ct(m, r.mac);
}

std::optional<std::string> forbidden_key(const boost::json::value& v) {
  if (v.is_object()) {
    for (const auto& [k, x] : v.as_object()) {
      std::string lower(k);
      std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
      if (std::find(kForbiddenKeys.begin(), kForbiddenKeys.end(), lower) != kForbiddenKeys.end()) return lower;
      if (auto f = forbidden_key(x)) return f;
    }
  } else if (v.is_array()) {
    for (const auto& x : v.as_array())
      if (auto f = forbidden_key(x)) return f;
  }
  return std::nullopt;
}

Error key_error(const char* key, const std::string& msg, const std::string& path) {
  return Error{ErrorCode::io, key, msg, path, "", {{"file", path}}};
}

// Reads the key, refusing a file others may read; creates it only when `may_create`.
Result<std::string> load_key(const std::string& path, bool may_create) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (!may_create)
      return key_error("error.log.key_missing",
                       "The event log's key file is missing, so the log cannot be verified or extended", path);
    auto bytes = crypto::random_bytes(kKeyBytes);
    if (!bytes) return bytes.error();
    // Written whole under a private name, then linked into place: two processes starting on a new
    // database at once never see a half-written key, and the one that loses the race reads the
    // winner's key instead of failing.
    const std::string tmp = path + ".new." + std::to_string(::getpid());
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return key_error("error.log.key_create", "Cannot create the event log's key file", path);
    const bool ok = ::write(fd, bytes->data(), bytes->size()) == static_cast<ssize_t>(bytes->size()) && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok) {
      ::unlink(tmp.c_str());
      return key_error("error.log.key_create", "Cannot write the event log's key file", path);
    }
    const int linked = ::link(tmp.c_str(), path.c_str());
    const int link_errno = errno;
    ::unlink(tmp.c_str());
    if (linked == 0) return *bytes;
    if (link_errno != EEXIST) return key_error("error.log.key_create", "Cannot create the event log's key file", path);
    if (::stat(path.c_str(), &st) != 0) return key_error("error.log.key_bad", "Cannot read the event log's key file", path);
  }
  if (!S_ISREG(st.st_mode)) return key_error("error.log.key_bad", "The event log's key file is not a regular file", path);
  if (st.st_mode & (S_IRWXG | S_IRWXO))
    return key_error("error.log.key_permissions",
                     "The event log's key file may be read by other users; make it private (chmod 600)", path);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return key_error("error.log.key_bad", "Cannot read the event log's key file", path);
  std::string key(kKeyBytes + 1, '\0');
  const ssize_t n = ::read(fd, key.data(), key.size());
  ::close(fd);
  if (n != static_cast<ssize_t>(kKeyBytes))
    return key_error("error.log.key_bad", "The event log's key file does not hold a 32-byte key", path);
  key.resize(kKeyBytes);
  return key;
}


// The head file: the number and MAC of the log's last entry, HMAC'd with the log's key, written
// after each commit. A crash between the commit and this file leaves the file one append behind:
// entries past it that chain on correctly were written with the key, so they are DomoGuard's own.
struct Head {
  int64_t seq = 0;
  std::string mac = kGenesis;
};

constexpr const char* kHeadTag = "domoguard.eventlog.head.v1";

std::string head_body(const Head& h) { return std::string(kHeadTag) + " " + std::to_string(h.seq) + " " + h.mac; }

std::string head_mac(const std::string& key, const Head& h) {
  auto m = crypto::hmac_sha256(key, head_body(h));
  return m ? crypto::to_hex(*m) : std::string();
}

enum class HeadState { missing, bad, ok };

// Reads at most 1 KiB: the file is one short line.
HeadState read_head(const std::string& path, const std::string& key, Head& out) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return errno == ENOENT ? HeadState::missing : HeadState::bad;
  std::string text(1024, '\0');
  const ssize_t n = ::read(fd, text.data(), text.size());
  ::close(fd);
  if (n <= 0 || n >= static_cast<ssize_t>(text.size())) return HeadState::bad;
  text.resize(static_cast<size_t>(n));
  char tag[40] = {0}, mac[80] = {0}, hm[80] = {0};
  long long seq = 0;
  if (std::sscanf(text.c_str(), "%39s %lld %79s %79s", tag, &seq, mac, hm) != 4 || std::string(tag) != kHeadTag)
    return HeadState::bad;
  out = Head{seq, mac};
  const std::string want = head_mac(key, out);
  return !want.empty() && crypto::equal_ct(want, hm) ? HeadState::ok : HeadState::bad;
}

// Written beside and renamed over the old one, synced, so the file is always one whole version.
bool write_head(const std::string& path, const std::string& key, const Head& h) {
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  const std::string text = head_body(h) + " " + head_mac(key, h) + "\n";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return false;
  bool ok = ::fchmod(fd, 0600) == 0 && ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
            ::fsync(fd) == 0;
  ::close(fd);
  ok = ok && ::rename(tmp.c_str(), path.c_str()) == 0;
  if (!ok) {
    ::unlink(tmp.c_str());
    return false;
  }
  const std::string dir = fs::path(path).has_parent_path() ? fs::path(path).parent_path().string() : ".";
  if (const int d = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); d >= 0) {
    ::fsync(d);
    ::close(d);
  }
  return true;
}

bool has_anchor(SQLite::Database& db) { return db.execAndGet("SELECT COUNT(*) FROM event_log_anchor").getInt() > 0; }

// Thrown inside a write transaction to roll it back with an Error for the caller.
struct LogRefusal {
  Error error;
};

}  // namespace

bool is_event_kind(const std::string& kind) {
  return std::any_of(std::begin(kEventKinds), std::end(kEventKinds), [&](const char* k) { return kind == k; });
}

const char* to_string(Breach b) {
  switch (b) {
    case Breach::none: return "none";
    case Breach::altered: return "altered";
    case Breach::removed: return "removed";
    case Breach::inserted: return "inserted";
  }
  return "none";
}

EventLog::EventLog(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
EventLog::~EventLog() = default;

std::string EventLog::default_key_path(const std::string& db_path) { return db_path + ".eventlog.key"; }
std::string EventLog::head_path(const std::string& db_path) { return db_path + ".eventlog.head"; }

Result<std::unique_ptr<EventLog>> EventLog::open(const std::string& db_path, const std::string& key_path_in) {
  const std::string key_path = key_path_in.empty() ? default_key_path(db_path) : key_path_in;
  try {
    auto impl = std::make_unique<Impl>(db_path);  // private, WAL, synced (store/sqlite_file)
    auto& db = impl->db;
    detail::write_tx(db, [&] { db.exec(kSchema); });
    // A new key only for a log that never had entries: not for an emptied one (its head file or
    // anchor says it had), so a wiped log with its key gone is reported, not silently restarted.
    const bool empty = db.execAndGet("SELECT COUNT(*) FROM event_log").getInt64() == 0;
    std::error_code ec;
    const bool anchored = has_anchor(db) || fs::exists(impl->head_path, ec);
    auto key = load_key(key_path, empty && !anchored);
    if (!key) return key.error();
    impl->key = std::move(*key);
    std::unique_ptr<EventLog> log(new EventLog(std::move(impl)));
    // A damaged database this process kept aside: the new log's first words say so.
    for (const auto& s : take_set_aside_for_log(db_path)) {
      auto r = log->append({"database_set_aside", "", fs::path(s.moved).filename().string(), "{}"});
      if (!r) return r.error();
    }
    return log;
  } catch (const std::exception& e) {
    auto err = db_error(e, "Cannot open the event log");
    if (err.file.empty()) err.file = db_path;
    return err;
  }
}

std::string EventLog::pseudonym(const std::string& personal) const {
  auto m = crypto::hmac_sha256(impl_->key, std::string("domoguard.pseudonym.v1") + '\0' + personal);
  return m ? crypto::to_hex(*m).substr(0, 16) : std::string();
}

Result<int64_t> EventLog::append(const NewEvent& ev) { return append_all({ev}); }

namespace {

Result<std::vector<Row>> prepare(const std::vector<NewEvent>& events, const EventLog& log) {
  std::vector<Row> rows;
  rows.reserve(events.size());
  const auto at = now_utc();
  for (const auto& ev : events) {
    if (!is_event_kind(ev.kind))
      return Error{ErrorCode::internal, "error.log.bad_kind", "Unknown event kind \"" + ev.kind + "\"", "", ""};
    boost::system::error_code ec;
    auto details = boost::json::parse(ev.details.empty() ? "{}" : ev.details, ec);
    if (ec || !details.is_object())
      return Error{ErrorCode::internal, "error.log.bad_details", "Event details must be a JSON object", "", ""};
    if (auto k = forbidden_key(details))
      return Error{ErrorCode::internal, "error.log.secret", "Event details may not carry \"" + *k + "\" (evidence or secrets)",
                   "", "", {{"key", *k}}};
    Row r;
    r.at = at;
    r.actor = ev.person.empty() ? kSystemActor : "person:" + log.pseudonym(ev.person);
    r.kind = ev.kind;
    r.subject = ev.subject;
    r.details = boost::json::serialize(details);
    rows.push_back(std::move(r));
  }
  return rows;
}

// Chains rows onto the log inside the caller's write transaction (BEGIN IMMEDIATE: two writers
// must not both chain onto the same previous entry). Throws SQLite errors and LogRefusal.
int64_t append_rows(SQLite::Database& db, const std::string& key, const std::string& head_file, std::vector<Row>& rows) {
  int64_t last = 0;
  std::string prev = kGenesis;
  {
    SQLite::Statement q(db, "SELECT seq, mac FROM event_log ORDER BY seq DESC LIMIT 1");
    if (q.executeStep()) {
      last = q.getColumn(0).getInt64();
      prev = q.getColumn(1).getString();
    }
  }
  std::error_code ec;
  if (!fs::exists(head_file, ec) && has_anchor(db))
    throw LogRefusal{key_error("error.log.head_missing",
                               "The event log's head file is missing, so the end of the log cannot be confirmed", head_file)};
  SQLite::Statement ins(db,
                        "INSERT INTO event_log(seq, at, actor, kind, subject, details, prev_mac, mac) "
                        "VALUES (?,?,?,?,?,?,?,?)");
  for (auto& r : rows) {
    r.seq = ++last;
    r.prev_mac = prev;
    r.mac = mac_of(key, r, r.seq, r.prev_mac);
    if (r.mac.empty()) throw LogRefusal{Error{ErrorCode::internal, "error.log.mac", "Cannot compute the entry's MAC", "", ""}};
    ins.bind(1, r.seq);
    ins.bind(2, r.at);
    ins.bind(3, r.actor);
    ins.bind(4, r.kind);
    ins.bind(5, r.subject);
    ins.bind(6, r.details);
    ins.bind(7, r.prev_mac);
    ins.bind(8, r.mac);
    ins.exec();
    ins.reset();
    prev = r.mac;
  }
  SQLite::Statement head(db, "INSERT OR REPLACE INTO event_log_head(id, seq, mac) VALUES (1, ?, ?)");
  head.bind(1, rows.back().seq);
  head.bind(2, rows.back().mac);
  head.exec();
  return rows.back().seq;
}

}  // namespace

Result<int64_t> EventLog::append_all(const std::vector<NewEvent>& events) {
  auto rows = prepare(events, *this);
  if (!rows) return rows.error();
  if (rows->empty()) return count();
  try {
    int64_t last = 0;
    // One transaction (one sync to disk) for the whole batch: an audit of a large home logs many
    // findings at once.
    detail::write_tx(impl_->db, [&] { last = append_rows(impl_->db, impl_->key, impl_->head_path, *rows); });
    if (auto a = anchor(); !a) return a.error();
    return last;
  } catch (const LogRefusal& r) {
    return r.error;
  } catch (const std::exception& e) {
    return db_error(e, "Cannot append to the event log");
  }
}

Result<bool> EventLog::anchor() {
  try {
    auto& db = impl_->db;
    Head last;
    {
      SQLite::Statement q(db, "SELECT seq, mac FROM event_log ORDER BY seq DESC LIMIT 1");
      if (!q.executeStep()) return true;
      last = Head{q.getColumn(0).getInt64(), q.getColumn(1).getString()};
    }
    // Another process may have anchored a later end meanwhile: the file only moves forward.
    Head current;
    if (read_head(impl_->head_path, impl_->key, current) == HeadState::ok && current.seq >= last.seq) return true;
    if (!write_head(impl_->head_path, impl_->key, last))
      return key_error("error.log.head_write", "Cannot write the event log's head file", impl_->head_path);
    SQLite::Statement a(db, "INSERT OR IGNORE INTO event_log_anchor(id, since) VALUES (1, ?)");
    a.bind(1, now_utc());
    a.exec();
    return true;
  } catch (const std::exception& e) {
    return db_error(e, "Cannot anchor the event log");
  }
}

Result<int64_t> EventLog::append_all_on(SQLite::Database& db, const std::vector<NewEvent>& events) {
  auto rows = prepare(events, *this);
  if (!rows) return rows.error();
  if (rows->empty()) return int64_t{0};
  try {
    return append_rows(db, impl_->key, impl_->head_path, *rows);
  } catch (const LogRefusal& r) {
    return r.error;
  }
}

Result<VerifyReport> EventLog::verify() {
  try {
    auto& db = impl_->db;
    std::vector<Row> rows;
    {
      SQLite::Statement q(db, "SELECT seq, at, actor, kind, subject, details, prev_mac, mac FROM event_log ORDER BY seq");
      while (q.executeStep())
        rows.push_back({q.getColumn(0).getInt64(), q.getColumn(1).getString(), q.getColumn(2).getString(),
                        q.getColumn(3).getString(), q.getColumn(4).getString(), q.getColumn(5).getString(),
                        q.getColumn(6).getString(), q.getColumn(7).getString()});
    }
    int64_t head_seq = 0;
    std::string head_mac = kGenesis;
    {
      SQLite::Statement h(db, "SELECT seq, mac FROM event_log_head WHERE id=1");
      if (h.executeStep()) {
        head_seq = h.getColumn(0).getInt64();
        head_mac = h.getColumn(1).getString();
      }
    }
    const std::string& key = impl_->key;
    VerifyReport rep;
    rep.entries = static_cast<int64_t>(rows.size());
    auto breach = [&](Breach b, int64_t seq, std::string msg) {
      rep.intact = false;
      rep.breach = b;
      rep.seq = seq;
      rep.message = std::move(msg);
      return rep;
    };
    std::string prev = kGenesis;
    int64_t prev_seq = 0;
    for (size_t i = 0; i < rows.size(); ++i) {
      const Row& r = rows[i];
      const int64_t expected = prev_seq + 1;
      const bool own = fits(key, r, r.seq, r.prev_mac);
      if (own && r.prev_mac == prev && r.seq == expected) {
        prev = r.mac;
        prev_seq = r.seq;
        continue;
      }
      if (own && r.prev_mac != prev)
        return breach(Breach::removed, expected,
                      "entry " + std::to_string(expected) + " was removed: entry " + std::to_string(r.seq) +
                          " chains onto an entry that is no longer there");
      if (own)   // the MAC covers the number, so this needs a renumbering the MAC cannot hide
        return breach(Breach::altered, r.seq, "entry " + std::to_string(r.seq) + " is out of sequence");
      // The row's own MAC fails. If the chain carries on past it as though it were not there, it was
      // slipped in (possibly with the later entries renumbered to make room).
      if (i + 1 < rows.size()) {
        const Row& s = rows[i + 1];
        if (fits(key, s, s.seq, prev) || fits(key, s, s.seq - 1, prev))
          return breach(Breach::inserted, r.seq,
                        "entry " + std::to_string(r.seq) + " was inserted: it was not written by DomoGuard and the "
                        "chain continues past it");
      } else if (r.seq > head_seq) {
        return breach(Breach::inserted, r.seq,
                      "entry " + std::to_string(r.seq) + " was inserted after the last entry DomoGuard wrote");
      }
      // Removed with the later entries renumbered to close the gap.
      if (r.prev_mac != prev && fits(key, r, r.seq + 1, r.prev_mac))
        return breach(Breach::removed, expected,
                      "entry " + std::to_string(expected) + " was removed and the later entries renumbered");
      return breach(Breach::altered, r.seq,
                    "entry " + std::to_string(r.seq) + " was altered: its content does not match its MAC");
    }
    // The end of the chain against the head file, kept outside the database: the chain must reach
    // the anchored entry and pass through it (entries past it chain on with the key: the file lags
    // one append behind after a crash).
    Head anchor;
    const auto state = read_head(impl_->head_path, key, anchor);
    if (state == HeadState::bad)
      return breach(Breach::altered, 0, "the log's head file " + impl_->head_path + " was altered or damaged");
    if (state == HeadState::missing && has_anchor(db))
      return breach(Breach::removed, prev_seq + 1,
                    "the log's head file " + impl_->head_path + " is missing, so the end of the log cannot be confirmed");
    if (state == HeadState::ok) {
      if (prev_seq < anchor.seq)
        return breach(Breach::removed, prev_seq + 1,
                      rows.empty() ? "the log was emptied: it had " + std::to_string(anchor.seq) + " entries"
                                   : "entries from " + std::to_string(prev_seq + 1) + " to " + std::to_string(anchor.seq) +
                                         " were removed from the end of the log");
      const std::string& at_anchor = anchor.seq == 0 ? kGenesis : rows[static_cast<size_t>(anchor.seq - 1)].mac;
      if (!crypto::equal_ct(at_anchor, anchor.mac))
        return breach(Breach::altered, anchor.seq,
                      "entry " + std::to_string(anchor.seq) + " does not match the log's head file");
    }
    // Every audit in the history has its entry in the log (both are written in one transaction):
    // an audit without one was stored behind the log's back, or its entry was taken out.
    if (db.tableExists("audits")) {
      SQLite::Statement q(db,
                          "SELECT id FROM audits WHERE ('audit:' || id) NOT IN "
                          "(SELECT subject FROM event_log WHERE kind='audit') ORDER BY id LIMIT 1");
      if (q.executeStep())
        return breach(Breach::removed, 0,
                      "audit " + std::to_string(q.getColumn(0).getInt64()) +
                          " in the history has no entry in the event log");
    }
    if (prev_seq < head_seq)
      return breach(Breach::removed, prev_seq + 1,
                    "entries from " + std::to_string(prev_seq + 1) + " to " + std::to_string(head_seq) +
                        " were removed from the end of the log");
    if (prev_seq == head_seq && prev != head_mac)
      return breach(Breach::altered, head_seq, "the log's head record does not match entry " + std::to_string(head_seq));
    rep.message = "intact: " + std::to_string(rows.size()) + " entries";
    return rep;
  } catch (const std::exception& e) {
    return db_error(e, "Cannot read the event log");
  }
}

Result<std::vector<Event>> EventLog::page(int64_t offset, int64_t limit) {
  try {
    std::vector<Event> out;
    SQLite::Statement q(impl_->db,
                        "SELECT seq, at, actor, kind, subject, details, mac FROM event_log ORDER BY seq LIMIT ? OFFSET ?");
    q.bind(1, std::max<int64_t>(0, limit));
    q.bind(2, std::max<int64_t>(0, offset));
    while (q.executeStep())
      out.push_back({q.getColumn(0).getInt64(), q.getColumn(1).getString(), q.getColumn(2).getString(),
                     q.getColumn(3).getString(), q.getColumn(4).getString(), q.getColumn(5).getString(),
                     q.getColumn(6).getString()});
    return out;
  } catch (const std::exception& e) {
    return db_error(e, "Cannot read the event log");
  }
}

Result<int64_t> EventLog::count() {
  try {
    return impl_->db.execAndGet("SELECT COUNT(*) FROM event_log").getInt64();
  } catch (const std::exception& e) {
    return db_error(e, "Cannot read the event log");
  }
}

}  // namespace domoguard::store
