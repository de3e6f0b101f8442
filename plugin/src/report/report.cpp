#include "report/report.hpp"

#include "util/clock.hpp"

#include <fcntl.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/source.hpp"
#include "audit/classify.hpp"
#include "notice/notice.hpp"
#include "report/render.hpp"
#include "store/history.hpp"
#include "store/journal.hpp"
#include "store/notices.hpp"

namespace domoguard::report {

namespace fs = std::filesystem;
namespace json = boost::json;

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 16);
  for (unsigned char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      case '`': out += "&#96;"; break;
      default:
        // Control characters have no business in a printed report; NUL would end some parsers.
        if (c < 0x20 && c != '\n' && c != '\t') out += "&#xFFFD;";
        else out += static_cast<char>(c);
    }
  }
  return out;
}

// ---- pseudonyms -------------------------------------------------------------------------------

struct Pseudonymiser::Mac {
  EVP_MAC* mac = nullptr;
  ~Mac() { EVP_MAC_free(mac); }
};

Pseudonymiser::Pseudonymiser(std::string key) : key_(std::move(key)), mac_(std::make_unique<Mac>()) {
  mac_->mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
}
Pseudonymiser::~Pseudonymiser() = default;

std::string Pseudonymiser::default_key_path(const std::string& db_path) {
  fs::path p(db_path.empty() ? store::History::default_path() : db_path);
  return (p.has_parent_path() ? p.parent_path() / "pseudonym.key" : fs::path("pseudonym.key")).string();
}

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
  std::stringstream ss;
  ss << f.rdbuf();
  std::string key = ss.str();
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

// ---- gathering --------------------------------------------------------------------------------

namespace {

std::string coverage_of(const catalog::Clause& c) {
  // As in the catalogue: rules serving a clause make it checked automatically.
  if (!c.rules.empty()) return "automated";
  return c.coverage == "automated" ? "guidance" : c.coverage;
}

}  // namespace

Result<ReportData> gather(model::Home home, const ReportOptions& opts) {
  ReportData d;
  d.generated_at = util::now_utc();
  d.lang = opts.lang;
  d.pseudonymised = opts.pseudonymise;
  const std::string home_key = app::home_key(home, opts.source_label);
  d.result = audit::run_audit(home);

  auto cat = catalog::load();
  if (!cat) return cat.error();
  const locale::Messages msg(opts.lang);
  for (const auto& c : cat->clauses) {
    CoverageRow r{c.id, msg.text("clause." + c.id + ".title"), coverage_of(c), msg.text_or_empty("clause." + c.id + ".reason"),
                  c.rules, 0};
    for (const auto& f : d.result.findings)
      if (std::find(f.clauses.begin(), f.clauses.end(), c.id) != f.clauses.end()) ++r.open_findings;
    d.coverage.push_back(std::move(r));
  }

  auto vendors = notice::load_vendors();
  if (!vendors) return vendors.error();
  const auto home_notice = notice::home_notice(home, *vendors);
  std::map<std::string, std::string> current_versions{{"home", home_notice.version}};
  for (const auto& n : home_notice.devices) current_versions[n.device_id] = n.version;
  d.notices_total = static_cast<int>(current_versions.size());

  std::error_code ec;
  if (!opts.db_path.empty() && fs::exists(opts.db_path, ec)) {
    auto history = store::History::open(opts.db_path);
    if (!history) return history.error();
    auto audits = (*history)->audits(home_key, 200);
    if (!audits) return audits.error();
    for (const auto& a : *audits) {
      auto diff = (*history)->diff(a.id);
      if (!diff) return diff.error();
      for (const auto& r : diff->resolved)
        d.fixed.push_back({a.created_at, r.rule, r.severity, r.subject_kind, r.subject_id, r.subject_name});
    }
    auto journal = store::Journal::open(opts.db_path);
    if (!journal) return journal.error();
    auto plans = (*journal)->recent(200);
    if (!plans) return plans.error();
    for (const auto& p : *plans) {
      if (p.hub != home_key || p.state == store::PlanState::pending) continue;
      d.plans.push_back({p.finished_at.empty() ? p.created_at : p.finished_at, p.kind, p.selector,
                         store::to_string(p.state), p.actor, static_cast<int>(p.steps.size())});
    }
    auto notices = store::Notices::open(opts.db_path);
    if (!notices) return notices.error();
    auto acks = (*notices)->all(home_key);
    if (!acks) return acks.error();
    std::set<std::string> current_acked;
    for (const auto& a : *acks) {
      AckItem item{a.acked_at, a.subject, a.subject == "home" ? home.hub.name : "", a.version, a.user, false};
      if (const auto* dev = home.device(a.subject)) item.subject_name = dev->name;
      auto it = current_versions.find(a.subject);
      item.current = it != current_versions.end() && it->second == a.version;
      if (item.current) current_acked.insert(a.subject);
      d.acks.push_back(std::move(item));
    }
    d.notices_acknowledged = static_cast<int>(current_acked.size());
    // Accepted risks: read only (a report ends nothing; the next audit does, and logs it).
    auto accepted = store::Acceptances::open(opts.db_path);
    if (!accepted) return accepted.error();
    auto rows = (*accepted)->all(home_key, 500);
    if (!rows) return rows.error();
    d.accepted = std::move(*rows);
  }

  if (opts.pseudonymise) {
    auto key = Pseudonymiser::load_or_create_key(opts.key_file.empty() ? Pseudonymiser::default_key_path(opts.db_path)
                                                                       : opts.key_file);
    if (!key) return key.error();
    Pseudonymiser p(std::move(*key));
    p.learn(home);
    for (const auto& a : d.acks) p.learn_person(a.user);
    for (const auto& pl : d.plans) p.learn_person(pl.actor);
    for (const auto& a : d.accepted) p.learn_person(a.actor);
    p.apply(home, d.result);
    for (auto& f : d.fixed) {
      f.subject_id = p.scrub(f.subject_id);
      f.subject_name = p.scrub(f.subject_name);
    }
    for (auto& pl : d.plans) {
      pl.selector = p.scrub(pl.selector);
      pl.actor = p.scrub(pl.actor);
    }
    for (auto& a : d.acks) {
      a.user = p.scrub(a.user);
      a.subject_name = p.scrub(a.subject_name);
    }
    for (auto& a : d.accepted) {
      a.actor = p.scrub(a.actor);
      a.reason = p.scrub(a.reason);
    }
    d.key_id = p.key_id();
  }
  d.home = std::move(home);
  return d;
}

// ---- JSON and SARIF ---------------------------------------------------------------------------

namespace {

json::object finding_brief(const audit::Finding& f, const locale::Messages& msg) {
  json::array clauses;
  for (const auto& c : f.clauses) clauses.emplace_back(c);
  return {{"rule", f.rule},
          {"clauses", std::move(clauses)},
          {"severity", audit::to_string(f.severity)},
          {"title", finding_title(f, msg)},
          {"subject", json::object{{"kind", f.subject.kind}, {"id", f.subject.id}, {"name", f.subject.name}}}};
}

json::array coverage_json(const ReportData& d) {
  json::array a;
  for (const auto& r : d.coverage) {
    json::array rules;
    for (const auto& x : r.rules) rules.emplace_back(x);
    json::object o{{"clause", r.clause}, {"title", r.title}, {"coverage", r.coverage}, {"rules", std::move(rules)},
                   {"open_findings", r.open_findings}};
    if (!r.reason.empty()) o["reason"] = r.reason;
    a.push_back(std::move(o));
  }
  return a;
}

json::array fixed_json(const ReportData& d) {
  json::array a;
  for (const auto& f : d.fixed)
    a.push_back(json::object{{"at", f.at}, {"rule", f.rule}, {"severity", f.severity},
                             {"subject", json::object{{"kind", f.subject_kind}, {"id", f.subject_id}, {"name", f.subject_name}}}});
  return a;
}

json::array plans_json(const ReportData& d) {
  json::array a;
  for (const auto& p : d.plans)
    a.push_back(json::object{{"at", p.at}, {"kind", p.kind}, {"selector", p.selector}, {"state", p.state},
                             {"actor", p.actor}, {"steps", p.steps}});
  return a;
}

json::object notices_json(const ReportData& d) {
  json::array acks;
  for (const auto& a : d.acks)
    acks.push_back(json::object{{"at", a.at}, {"subject", a.subject}, {"name", a.subject_name}, {"version", a.version},
                                {"user", a.user}, {"current", a.current}});
  return {{"total", d.notices_total}, {"acknowledged_current", d.notices_acknowledged}, {"acknowledgements", std::move(acks)}};
}

json::object report_meta(const ReportData& d) {
  json::object o{{"format_version", 1}, {"generated_at", d.generated_at}, {"language", d.lang},
                 {"pseudonymised", d.pseudonymised}, {"tool", "DomoGuard"}, {"version", DOMOGUARD_VERSION}};
  if (!d.key_id.empty()) o["key_id"] = d.key_id;
  return o;
}

}  // namespace

std::string report_json(const ReportData& d, const locale::Messages& msg) {
  const auto& h = d.home.hub;
  std::map<std::string, json::array> by_device;
  json::array home_findings;
  for (const auto& f : d.result.findings) {
    if (f.device_id.empty()) home_findings.push_back(finding_brief(f, msg));
    else by_device[f.device_id].push_back(finding_brief(f, msg));
  }
  json::array devices;
  for (const auto& dev : d.result.devices) {
    json::object o{{"id", dev.id},       {"name", dev.name},  {"type", model::to_string(dev.type)},
                   {"tier", model::to_string(dev.tier)}, {"area", audit::area_name_of(d.home, dev.area_id)},
                   {"score", dev.score}};
    auto it = by_device.find(dev.id);
    o["findings"] = it == by_device.end() ? json::array{} : std::move(it->second);
    devices.push_back(std::move(o));
  }
  json::object summary;
  for (auto s : {audit::Severity::critical, audit::Severity::high, audit::Severity::medium, audit::Severity::low,
                 audit::Severity::info})
    summary[audit::to_string(s)] = std::count_if(d.result.findings.begin(), d.result.findings.end(),
                                                 [&](const audit::Finding& f) { return f.severity == s; });
  json::array not_run;
  for (const auto& n : d.result.not_run) not_run.push_back(json::object{{"rule", n.rule}, {"reason", not_run_reason(n, msg)}});
  json::object root{{"report", report_meta(d)},
                    {"hub", json::object{{"id", h.id}, {"name", h.name}, {"version", h.version},
                                         {"installation_type", h.installation_type}}},
                    {"score", d.result.score},
                    {"summary", std::move(summary)},
                    {"rules_run", d.result.rules_run},
                    {"coverage", coverage_json(d)},
                    {"devices", std::move(devices)},
                    {"home_findings", std::move(home_findings)},
                    {"not_run", std::move(not_run)},
                    {"fixed", fixed_json(d)},
                    {"plans", plans_json(d)},
                    {"notices", notices_json(d)}};
  json::array accepted;
  for (const auto& a : d.accepted)
    accepted.push_back(json::object{{"key", a.key}, {"state", a.state}, {"reason", a.reason}, {"by", a.actor},
                                    {"accepted_at", a.accepted_at}, {"until", a.until}, {"ended_at", a.ended_at}});
  root["accepted_risks"] = std::move(accepted);
  return json::serialize(root) + "\n";
}

std::string report_sarif(const ReportData& d, const locale::Messages& msg) {
  AuditView view{d.home, d.result, msg, nullptr};
  for (const auto& a : d.accepted)
    if (a.state == "active") view.accepted.push_back(a);
  boost::system::error_code ec;
  json::value doc = json::parse(audit_sarif(view), ec);
  if (ec || !doc.is_object()) return audit_sarif(view);
  auto& run = doc.as_object()["runs"].as_array().at(0).as_object();
  auto& props = run["properties"].as_object();
  props["report"] = report_meta(d);
  props["coverage"] = coverage_json(d);
  props["fixed"] = fixed_json(d);
  props["plans"] = plans_json(d);
  props["notices"] = notices_json(d);
  return json::serialize(doc) + "\n";
}

}  // namespace domoguard::report
