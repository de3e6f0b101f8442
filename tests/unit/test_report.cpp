// Reports: HTML escaping, pseudonyms (nothing identifying leaks; the key decides what links),
// coverage rows, and what was fixed from the history.
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <cctype>
#include <filesystem>
#include <fstream>

#include "app/report_data.hpp"
#include "app/source.hpp"
#include "audit/classify.hpp"
#include "report/report.hpp"
#include "store/history.hpp"
#include "store/notices.hpp"

using namespace domoguard;
namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

struct Scratch {
  fs::path dir;
  explicit Scratch(const std::string& name) {
    dir = fs::temp_directory_path() / ("dg-report-" + name + "-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  ~Scratch() { fs::remove_all(dir); }
  std::string path(const std::string& f) const { return (dir / f).string(); }
};

model::Home demo() {
  auto h = app::load_demo();
  REQUIRE(h);
  return std::move(*h);
}

report::ReportData gather(const app::ReportOptions& o, model::Home h = demo()) {
  auto d = app::gather_report(std::move(h), o);
  REQUIRE(d);
  return std::move(*d);
}

std::string render(const report::ReportData& d, const std::string& format) {
  const locale::Messages msg("en");
  return format == "html" ? report::report_html(d, msg) : format == "json" ? report::report_json(d, msg) : report::report_sarif(d, msg);
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::vector<std::string> tokens(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c >= 0x80) cur += static_cast<char>(std::tolower(c));
    else if (!cur.empty()) out.push_back(std::move(cur)), cur.clear();
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

// A MAC/EUI address: at least six hex pairs joined by ':' or '-'.
bool has_mac(const std::string& s) {
  for (size_t i = 0; i + 17 <= s.size(); ++i) {
    size_t pairs = 0, j = i;
    while (j + 1 < s.size() && std::isxdigit(static_cast<unsigned char>(s[j])) && std::isxdigit(static_cast<unsigned char>(s[j + 1]))) {
      ++pairs;
      j += 2;
      if (j < s.size() && (s[j] == ':' || s[j] == '-')) ++j;
      else break;
    }
    if (pairs >= 6) return true;
  }
  return false;
}

// An e-mail address: a letter or digit on both sides of an '@' (CSS's "@media" has none before).
bool has_email(const std::string& s) {
  for (size_t i = 1; i + 1 < s.size(); ++i)
    if (s[i] == '@' && std::isalnum(static_cast<unsigned char>(s[i - 1])) && std::isalnum(static_cast<unsigned char>(s[i + 1])))
      return true;
  return false;
}

// A dotted quad of numbers 0..255.
bool has_ipv4(const std::string& s) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i])) || (i && (std::isdigit(static_cast<unsigned char>(s[i - 1])) || s[i - 1] == '.'))) continue;
    size_t j = i;
    int parts = 0;
    while (parts < 4) {
      size_t st = j;
      int v = 0;
      while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j])) && j - st < 3) v = v * 10 + (s[j++] - '0');
      if (j == st || v > 255) break;
      ++parts;
      if (parts < 4) {
        if (j < s.size() && s[j] == '.') ++j;
        else break;
      }
    }
    if (parts == 4) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("html_escape neutralises hostile names", "[report]") {
  struct Case {
    const char* in;
    const char* out;
  };
  const std::vector<Case> cases = {
      {"<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"},
      {"\"><img src=x onerror=alert(1)>", "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"},
      {"Tom & Jerry's `lamp`", "Tom &amp; Jerry&#39;s &#96;lamp&#96;"},
      {"a\x01" "b", "a&#xFFFD;b"},
      {"Küche", "Küche"},
  };
  for (const auto& c : cases) CHECK(report::html_escape(c.in) == c.out);
}

TEST_CASE("hostile device, area and hub names are escaped in the HTML report", "[report]") {
  Scratch s("hostile");
  auto h = demo();
  const std::string evil = "<script>alert('x')</script><img src=x onerror=alert(2)>";
  h.hub.name = evil;
  for (auto& d : h.devices)
    if (d.name == "Front Door") d.name = evil;
  for (auto& a : h.areas)
    if (a.id == "kitchen") a.name = "\"><svg onload=alert(3)>";
  app::ReportOptions o;
  o.key_file = s.path("key");
  o.pseudonymise = false;
  const auto html = render(gather(o, h), "html");
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("<img") == std::string::npos);
  CHECK(html.find("<svg") == std::string::npos);
  CHECK(html.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;") != std::string::npos);
  CHECK(html.find("Content-Security-Policy") != std::string::npos);
}

TEST_CASE("the pseudonymised demo report shows no MAC, IP, serial, e-mail or name of a user", "[report]") {
  Scratch s("leak");
  const auto raw = demo();
  std::vector<std::string> serials, people;
  for (const auto& d : raw.devices) {
    if (!d.serial_number.empty()) serials.push_back(lower(d.serial_number));
    for (const auto& [t, v] : d.connections) serials.push_back(lower(v));
  }
  for (const auto& u : raw.users)
    if (!u.system_generated)
      for (const auto& src : {u.name, u.username})
        for (const auto& t : tokens(src)) people.push_back(t);
  REQUIRE(serials.size() >= 3);
  REQUIRE(std::find(people.begin(), people.end(), "alex") != people.end());
  REQUIRE(std::find(people.begin(), people.end(), "lena") != people.end());

  app::ReportOptions o;
  o.key_file = s.path("key");
  const auto d = gather(o);
  // The unpseudonymised report does show them, so the scan below can fail.
  app::ReportOptions plain = o;
  plain.pseudonymise = false;
  const auto plain_json = render(gather(plain), "json");
  CHECK(plain_json.find("Alex iPhone") != std::string::npos);

  for (const char* format : {"html", "json", "sarif"}) {
    INFO(format);
    const auto text = render(d, format);
    CHECK_FALSE(has_mac(text));
    CHECK_FALSE(has_ipv4(text));
    CHECK_FALSE(has_email(text));
    const auto low = lower(text);
    for (const auto& serial : serials) {
      INFO(serial);
      CHECK(low.find(serial) == std::string::npos);
    }
    const auto toks = tokens(text);
    for (const auto& p : people) {
      INFO(p);
      CHECK(std::find(toks.begin(), toks.end(), p) == toks.end());
    }
  }
  CHECK((fs::status(o.key_file).permissions() & (fs::perms::group_all | fs::perms::others_all)) == fs::perms::none);
}

TEST_CASE("reports link only when they share the pseudonym key", "[report]") {
  Scratch s("link");
  auto phone_name = [](const report::ReportData& d) {
    for (const auto& dev : d.result.devices)
      if (dev.id == "ad558490166dcdc3a76636e24a095ba2") return dev.name;
    return std::string();
  };
  app::ReportOptions a, b, c;
  a.key_file = b.key_file = s.path("shared.key");
  c.key_file = s.path("other.key");
  const auto na = phone_name(gather(a)), nb = phone_name(gather(b)), nc = phone_name(gather(c));
  REQUIRE_FALSE(na.empty());
  CHECK(na.find("Alex") == std::string::npos);
  CHECK(na.find("person-") != std::string::npos);
  CHECK(na == nb);
  CHECK(na != nc);
  CHECK(gather(a).key_id == gather(b).key_id);
  CHECK(gather(a).key_id != gather(c).key_id);

  app::ReportOptions plain;
  plain.pseudonymise = false;
  CHECK(phone_name(gather(plain)) == "Alex iPhone");
  CHECK(app::ReportOptions{}.pseudonymise);   // pseudonyms unless asked otherwise

  // A key that is too short is refused rather than used.
  std::ofstream(s.path("short.key")) << "abc\n";
  app::ReportOptions bad;
  bad.key_file = s.path("short.key");
  CHECK_FALSE(app::gather_report(demo(), bad));
}

TEST_CASE("scrub replaces identifiers in free text", "[report]") {
  report::Pseudonymiser p("0123456789abcdef0123456789abcdef");
  auto h = demo();
  p.learn(h);
  struct Case {
    std::string in;
    std::string gone;
  };
  const std::vector<Case> cases = {
      {"mail alex.morgan@example.com now", "alex.morgan@example.com"},
      {"at 192.168.1.20:8123", "192.168.1.20"},
      {"mac 00:17:88:4A:1B:2C", "00:17:88:4A:1B:2C"},
      {"zigbee 0x00158d774ec11962", "00158d774ec11962"},
      {"/dev/serial/by-id/usb-Nabu_Casa_Home_Assistant_Connect_ZBT-1_9e2adbd75b8beb11-if00-port0", "9e2adbd75b8beb11"},
      {"Lena's Night Light", "Lena"},
      {"device_tracker.alex_iphone", "alex"},
      {"serial 95270000YGAKNWKJ", "95270000YGAKNWKJ"},
  };
  for (const auto& c : cases) {
    INFO(c.in);
    const auto out = p.scrub(c.in);
    CHECK(out.find(c.gone) == std::string::npos);
    CHECK(p.scrub(c.in) == out);   // stable
  }
  CHECK(p.scrub("Kitchen Pendant 2026.11.1") == "Kitchen Pendant 2026.11.1");
}

TEST_CASE("report: 53 coverage rows, fixed findings from the history, notices acknowledged", "[report]") {
  Scratch s("history");
  const std::string db = s.path("state.db");
  auto home = demo();
  auto result = audit::run_audit(home);
  REQUIRE(result.findings.size() > 2);
  {
    auto hist = store::History::open(db);
    REQUIRE(hist);
    REQUIRE((*hist)->record(app::home_key(home, "demo"), "demo", result));
    auto later = result;
    const auto gone = later.findings.front();
    later.findings.erase(later.findings.begin());
    REQUIRE((*hist)->record(app::home_key(home, "demo"), "demo", later));
    auto notices = store::Notices::open(db);
    REQUIRE(notices);
    REQUIRE((*notices)->acknowledge(app::home_key(home, "demo"), "home", "stale-version", "Alex Morgan"));
  }
  app::ReportOptions o;
  o.db_path = db;
  o.source_label = "demo";
  const auto d = gather(o);
  REQUIRE(d.coverage.size() == 53);
  for (const auto& r : d.coverage)
    CHECK((r.coverage == "automated" || r.coverage == "guidance" || r.coverage == "out_of_reach"));
  CHECK(std::any_of(d.coverage.begin(), d.coverage.end(), [](const report::CoverageRow& r) { return r.open_findings > 0; }));
  REQUIRE(d.fixed.size() == 1);
  CHECK(d.fixed.front().rule == result.findings.front().rule);
  REQUIRE(d.acks.size() == 1);
  CHECK_FALSE(d.acks.front().current);
  CHECK(d.acks.front().user.find("Alex") == std::string::npos);   // pseudonymised like any name
  CHECK(d.notices_acknowledged == 0);
  // The key lives beside the database when none is given.
  CHECK(fs::exists(s.path("pseudonym.key")));

  const auto parsed = json::parse(render(d, "json")).as_object();
  CHECK(parsed.at("coverage").as_array().size() == 53);
  CHECK(parsed.at("fixed").as_array().size() == 1);
  CHECK(parsed.at("report").as_object().at("pseudonymised").as_bool());
  const auto sarif = json::parse(render(d, "sarif")).as_object();
  CHECK(sarif.at("runs").as_array()[0].as_object().at("properties").as_object().at("coverage").as_array().size() == 53);
  const auto html = render(d, "html");
  CHECK(html.find("id=\"coverage-table\"") != std::string::npos);
  size_t rows = 0;
  const auto table = html.substr(html.find("id=\"coverage-table\""));
  for (size_t p = table.find("<tr><td>"); p != std::string::npos && p < table.find("</table>"); p = table.find("<tr><td>", p + 1)) ++rows;
  CHECK(rows == 53);
}

TEST_CASE("the HTML report lists the checks that could not run, in the source's terms", "[report][not_run]") {
  auto d = gather({});
  const auto html = render(d, "html");
  const auto at = html.find("<section id=\"not-run\">");
  REQUIRE(at != std::string::npos);
  const auto section = html.substr(at, html.find("</section>", at) - at);
  CHECK(section.find("Checks that could not run (" + std::to_string(d.result.not_run.size()) + ")") != std::string::npos);
  CHECK(section.find("The demo home does not include http/config.") != std::string::npos);
  CHECK(section.find("<code>DG-HUB-003</code> <code>DG-HUB-005</code>") != std::string::npos);
  CHECK(section.find("<code>DG-HOLD-001</code>") != std::string::npos);
  CHECK(section.find("snapshot") == std::string::npos);
}
