#include "report/pseudonymiser.hpp"

#include <fcntl.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace domoguard::report {

namespace fs = std::filesystem;

struct Pseudonymiser::Mac {
  EVP_MAC* mac = nullptr;
  ~Mac() { EVP_MAC_free(mac); }
};

Pseudonymiser::Pseudonymiser(std::string key) : key_(std::move(key)), mac_(std::make_unique<Mac>()) {
  mac_->mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
}
Pseudonymiser::~Pseudonymiser() = default;

Result<std::string> Pseudonymiser::load_or_create_key(const std::string& path) {
  auto bad = [&](const std::string& what) { return Error{ErrorCode::io, "error.report.key", what, path, ""}; };
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    fs::path p(path);
    if (p.has_parent_path() && !fs::exists(p.parent_path(), ec)) {
      fs::create_directories(p.parent_path(), ec);
      if (ec) return bad("Cannot create the folder for the pseudonym key");
      fs::permissions(p.parent_path(), fs::perms::owner_all, fs::perm_options::replace, ec);
    }
    unsigned char raw[32];
    if (RAND_bytes(raw, sizeof raw) != 1) return bad("No randomness for a new pseudonym key");
    static const char* hex = "0123456789abcdef";
    std::string key;
    for (unsigned char c : raw) {
      key += hex[c >> 4];
      key += hex[c & 15];
    }
    // O_EXCL: two reports starting at once must not each write a different key.
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) {
      const std::string line = key + "\n";
      const bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) && ::fsync(fd) == 0;
      ::close(fd);
      if (!ok) return bad("Cannot write the pseudonym key");
      return key;
    }
    if (errno != EEXIST) return bad("Cannot create the pseudonym key");
  }
  if (!fs::is_regular_file(path, ec)) return bad("The pseudonym key is not a regular file");
  std::ifstream f(path, std::ios::binary);
  std::string key(4096, '\0');  // a key is tens of bytes: read no more than this, whatever the file holds
  f.read(key.data(), static_cast<std::streamsize>(key.size()));
  key.resize(static_cast<std::size_t>(f.gcount()));
  while (!key.empty() && (key.back() == '\n' || key.back() == '\r' || key.back() == ' ')) key.pop_back();
  if (!f.good() && !f.eof()) return bad("Cannot read the pseudonym key");
  if (key.size() < 16) return bad("The pseudonym key is too short (at least 16 bytes)");
  return key;
}

std::string Pseudonymiser::pseudonym(const std::string& kind, const std::string& value) const {
  const std::string input = kind + std::string(1, '\0') + value;
  if (auto it = cache_.find(input); it != cache_.end()) return it->second;
  unsigned char out[EVP_MAX_MD_SIZE];
  size_t len = 0;
  bool ok = false;
  if (mac_->mac) {
    EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(mac_->mac);
    char digest[] = "SHA256";
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0), OSSL_PARAM_construct_end()};
    ok = ctx && EVP_MAC_init(ctx, reinterpret_cast<const unsigned char*>(key_.data()), key_.size(), params) == 1 &&
         EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1 &&
         EVP_MAC_final(ctx, out, &len, sizeof out) == 1;
    EVP_MAC_CTX_free(ctx);
  }
  // Without a MAC the value must still not leak: a fixed mask is safer than the identifier.
  if (!ok || len < 4) return kind + "-????????";
  static const char* hex = "0123456789abcdef";
  std::string p = kind + "-";
  for (int i = 0; i < 4; ++i) {
    p += hex[out[i] >> 4];
    p += hex[out[i] & 15];
  }
  cache_.emplace(input, p);
  return p;
}

std::string Pseudonymiser::key_id() const { return pseudonym("key", "domoguard-report-key-id"); }

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool is_alnum(unsigned char c) { return std::isalnum(c) || c >= 0x80; }
bool is_hex(unsigned char c) { return std::isxdigit(c); }

// Alphanumeric runs (UTF-8 bytes count as letters, so names with accents stay whole).
std::vector<std::string> tokens(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (unsigned char c : s) {
    if (is_alnum(c)) cur += static_cast<char>(c);
    else if (!cur.empty()) out.push_back(std::move(cur)), cur.clear();
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

bool has_digit(const std::string& s) { return std::any_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); }); }

std::string strip_separators(const std::string& s) {
  std::string o;
  for (char c : s)
    if (c != ':' && c != '-' && c != '.' && c != ' ') o += c;
  return o;
}

// Length of a MAC/EUI-48/EUI-64 address at i (hex pairs joined by ':' or '-'), or 0.
size_t mac_at(const std::string& s, size_t i) {
  if (i > 0 && is_alnum(s[i - 1])) return 0;
  size_t j = i, pairs = 0;
  char sep = 0;
  while (j + 1 < s.size() && is_hex(s[j]) && is_hex(s[j + 1])) {
    ++pairs;
    j += 2;
    if (j + 2 < s.size() && (s[j] == ':' || s[j] == '-') && (sep == 0 || s[j] == sep) && is_hex(s[j + 1]) &&
        is_hex(s[j + 2])) {
      sep = s[j];
      ++j;
      continue;
    }
    break;
  }
  if (pairs < 6 || sep == 0) return 0;
  if (j < s.size() && is_alnum(s[j])) return 0;
  return j - i;
}

// Length of a dotted IPv4 address at i, or 0.
size_t ipv4_at(const std::string& s, size_t i) {
  if (i > 0 && (std::isdigit(static_cast<unsigned char>(s[i - 1])) || s[i - 1] == '.')) return 0;
  size_t j = i;
  for (int part = 0; part < 4; ++part) {
    size_t start = j;
    int value = 0;
    while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j])) && j - start < 3) value = value * 10 + (s[j++] - '0');
    if (j == start || value > 255) return 0;
    if (part < 3) {
      if (j >= s.size() || s[j] != '.') return 0;
      ++j;
    }
  }
  if (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) return 0;
  return j - i;
}

bool email_char(unsigned char c) { return std::isalnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-'; }

bool looks_like_pseudonym(const std::string& s, size_t at, const std::string& tok) {
  static const std::set<std::string> kinds = {"person", "mac", "ip", "email", "serial", "id", "hub", "key"};
  if (!kinds.count(tok)) return false;
  const size_t end = at + tok.size();
  if (end + 9 > s.size() || s[end] != '-') return false;
  for (size_t k = end + 1; k < end + 9; ++k)
    if (!is_hex(s[k]) && s[k] != '?') return false;
  return true;
}

}  // namespace

void Pseudonymiser::learn_person(const std::string& name) {
  for (const auto& t : tokens(name))
    if (t.size() >= 3) persons_.insert(lower(t));
}

void Pseudonymiser::learn(const model::Home& home) {
  for (const auto& u : home.users) {
    if (u.system_generated) continue;
    learn_person(u.name);
    learn_person(u.username);
  }
  for (const auto& e : home.entities)
    if (e.domain == "person") {
      learn_person(e.name);
      learn_person(e.original_name);
      learn_person(e.entity_id.substr(e.entity_id.find('.') + 1));
    }
  auto add = [&](const std::string& v, const char* kind) {
    if (v.size() < 6 || !has_digit(v)) return;
    known_.emplace(lower(v), kind);
    const auto bare = lower(strip_separators(v));
    if (bare.size() >= 6) known_.emplace(bare, kind);
  };
  for (const auto& d : home.devices) {
    add(d.serial_number, "serial");
    for (const auto& [type, value] : d.connections) add(value, "mac");
    // Integration identifiers are often plain slugs ("zigbee2mqtt_bridge"); only hardware-like
    // ones (hex addresses, serial-shaped codes) identify a unit.
    for (const auto& [domain, value] : d.identifiers) {
      std::string bare = lower(strip_separators(value));
      if (bare.rfind("0x", 0) == 0) bare = bare.substr(2);
      if (bare.size() >= 8 && std::all_of(bare.begin(), bare.end(), [](unsigned char c) { return is_hex(c); }))
        add(value, "id");
    }
  }
}

std::string Pseudonymiser::scrub(const std::string& in) const {
  if (in.empty()) return in;
  std::string s = in;
  // E-mail addresses (they carry names, so they go first and whole).
  for (size_t at = s.find('@'); at != std::string::npos; at = s.find('@', at + 1)) {
    size_t b = at, e = at + 1;
    while (b > 0 && email_char(s[b - 1])) --b;
    while (e < s.size() && email_char(s[e])) ++e;
    const std::string domain = s.substr(at + 1, e - at - 1);
    if (b == at || domain.find('.') == std::string::npos) continue;
    const std::string p = pseudonym("email", lower(s.substr(b, e - b)));
    s.replace(b, e - b, p);
    at = b + p.size() - 1;
  }
  // Hardware and network addresses.
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    if (size_t n = mac_at(s, i)) {
      out += pseudonym("mac", lower(strip_separators(s.substr(i, n))));
      i += n;
    } else if (size_t m = ipv4_at(s, i)) {
      out += pseudonym("ip", s.substr(i, m));
      i += m;
    } else {
      out += s[i++];
    }
  }
  s = std::move(out);
  // Known serials and identifiers, wherever they appear (longest first, case-insensitive).
  if (!known_.empty()) {
    std::vector<const std::pair<const std::string, std::string>*> ids;
    for (const auto& kv : known_) ids.push_back(&kv);
    std::sort(ids.begin(), ids.end(), [](auto* a, auto* b) { return a->first.size() > b->first.size(); });
    std::string ls = lower(s);
    for (auto* kv : ids)
      for (size_t pos = ls.find(kv->first); pos != std::string::npos; pos = ls.find(kv->first, pos)) {
        const std::string p = pseudonym(kv->second, kv->first);
        s.replace(pos, kv->first.size(), p);
        ls.replace(pos, kv->first.size(), lower(p));
        pos += p.size();
      }
  }
  // Tokens: person names, 0x-prefixed radio addresses, and truncated serials (device paths
  // often carry the first part of a serial number).
  out.clear();
  for (size_t i = 0; i < s.size();) {
    if (!is_alnum(s[i])) {
      out += s[i++];
      continue;
    }
    size_t j = i;
    while (j < s.size() && is_alnum(s[j])) ++j;
    const std::string tok = s.substr(i, j - i), lt = lower(tok);
    std::string repl = tok;
    if (looks_like_pseudonym(s, i, lt)) {
      repl = tok;
    } else if (persons_.count(lt)) {
      repl = pseudonym("person", lt);
    } else if (lt.size() == 18 && lt.rfind("0x", 0) == 0 && std::all_of(lt.begin() + 2, lt.end(), [](unsigned char c) { return is_hex(c); })) {
      repl = pseudonym("mac", lt.substr(2));
    } else if (lt.size() >= 8 && has_digit(lt)) {
      for (const auto& [id, kind] : known_)
        if (kind == "serial" && id.size() > lt.size() && id.compare(0, lt.size(), lt) == 0) {
          repl = pseudonym(kind, id);
          break;
        }
    }
    out += repl;
    i = j;
  }
  return out;
}

void Pseudonymiser::apply(model::Home& home, audit::AuditResult& result) const {
  auto S = [&](std::string& v) { v = scrub(v); };
  auto& h = home.hub;
  if (!h.id.empty()) h.id = pseudonym("hub", h.id);
  S(h.name);
  S(h.internal_url);
  S(h.external_url);
  for (auto& u : home.users) {
    S(u.name);
    S(u.username);
  }
  for (auto& a : home.areas) S(a.name);
  for (auto& i : home.integrations) S(i.title);
  for (auto& d : home.devices) {
    S(d.name);
    S(d.label);
    if (!d.serial_number.empty()) d.serial_number = pseudonym("serial", lower(d.serial_number));
    for (auto& [t, v] : d.connections) v = pseudonym("mac", lower(strip_separators(v)));
    for (auto& [t, v] : d.identifiers) S(v);
    S(d.configuration_url);
  }
  for (auto& e : home.entities) {
    S(e.entity_id);
    S(e.name);
    S(e.original_name);
    if (e.state) S(*e.state);
    for (auto& [k, v] : e.attributes) S(v);
  }
  for (auto& d : home.deleted_devices) S(d.name);
  for (auto& a : home.automations) {
    S(a.alias);
    for (auto& x : a.trigger_entities) S(x);
    for (auto& x : a.action_entities) S(x);
  }
  home.index();
  for (auto& f : result.findings) {
    S(f.subject.id);
    S(f.subject.name);
    for (auto& [k, v] : f.placeholders) S(v);
    for (auto& [k, v] : f.evidence) S(v);
    for (auto& a : f.remediation.actions) S(a.target);
  }
  for (auto& d : result.devices) S(d.name);
}

}  // namespace domoguard::report
