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

#include "crypto/sigcrypto.hpp"

namespace domoguard::store {

namespace fs = std::filesystem;

struct EventLog::Impl {
  SQLite::Database db;
  std::string key;   // 32 raw bytes
  explicit Impl(const std::string& path) : db(detail::open_private(path)) {}
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
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return key_error("error.log.key_create", "Cannot create the event log's key file", path);
    const bool ok = ::write(fd, bytes->data(), bytes->size()) == static_cast<ssize_t>(bytes->size()) && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok) {
      ::unlink(path.c_str());
      return key_error("error.log.key_create", "Cannot write the event log's key file", path);
    }
    return *bytes;
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

Result<std::unique_ptr<EventLog>> EventLog::open(const std::string& db_path, const std::string& key_path_in) {
  const std::string key_path = key_path_in.empty() ? default_key_path(db_path) : key_path_in;
  try {
    auto impl = std::make_unique<Impl>(db_path);  // private, WAL, synced (store/sqlite_file)
    auto& db = impl->db;
    {
      SQLite::Transaction tx(db);
      db.exec(kSchema);
      tx.commit();
    }
    const bool empty = db.execAndGet("SELECT COUNT(*) FROM event_log").getInt64() == 0;
    auto key = load_key(key_path, empty);
    if (!key) return key.error();
    impl->key = std::move(*key);
    return std::unique_ptr<EventLog>(new EventLog(std::move(impl)));
  } catch (const std::exception& e) {
    auto err = db_error(e, "Cannot open the event log");
    err.file = db_path;
    return err;
  }
}

std::string EventLog::pseudonym(const std::string& personal) const {
  auto m = crypto::hmac_sha256(impl_->key, std::string("domoguard.pseudonym.v1") + '\0' + personal);
  return m ? crypto::to_hex(*m).substr(0, 16) : std::string();
}

Result<int64_t> EventLog::append(const NewEvent& ev) { return append_all({ev}); }

Result<int64_t> EventLog::append_all(const std::vector<NewEvent>& events) {
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
    r.actor = ev.person.empty() ? kSystemActor : "person:" + pseudonym(ev.person);
    r.kind = ev.kind;
    r.subject = ev.subject;
    r.details = boost::json::serialize(details);
    rows.push_back(std::move(r));
  }
  if (rows.empty()) return count();
  try {
    auto& db = impl_->db;
    // IMMEDIATE: two writers must not both chain onto the same previous entry. One transaction
    // (one sync to disk) for the whole batch: an audit of a large home logs many findings at once.
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    int64_t last = 0;
    std::string prev = kGenesis;
    {
      SQLite::Statement q(db, "SELECT seq, mac FROM event_log ORDER BY seq DESC LIMIT 1");
      if (q.executeStep()) {
        last = q.getColumn(0).getInt64();
        prev = q.getColumn(1).getString();
      }
    }
    SQLite::Statement ins(db,
                          "INSERT INTO event_log(seq, at, actor, kind, subject, details, prev_mac, mac) "
                          "VALUES (?,?,?,?,?,?,?,?)");
    for (auto& r : rows) {
      r.seq = ++last;
      r.prev_mac = prev;
      r.mac = mac_of(impl_->key, r, r.seq, r.prev_mac);
      if (r.mac.empty()) return Error{ErrorCode::internal, "error.log.mac", "Cannot compute the entry's MAC", "", ""};
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
    tx.commit();
    return rows.back().seq;
  } catch (const std::exception& e) {
    return db_error(e, "Cannot append to the event log");
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
