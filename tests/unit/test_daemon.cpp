// The daemon's server and API end to end: a real libwebsockets server and client on loopback.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "api/service.hpp"
#include "app/source.hpp"
#include "net/ws_client.hpp"
#include "policy/model_port.hpp"
#include "server.hpp"
#include "watcher.hpp"

using namespace domoguard;
namespace json = boost::json;
namespace fs = std::filesystem;

namespace {
std::unique_ptr<api::Service> demo_service() {
  auto s = api::Service::create({"", "en"});
  REQUIRE(s);
  auto home = app::load_demo();
  REQUIRE(home);
  REQUIRE((*s)->set_home(std::move(*home), "demo"));
  return std::move(*s);
}

json::object ask(net::WsClient& ws, const std::string& request) {
  REQUIRE(ws.send(request));
  auto r = ws.receive(5000);
  REQUIRE(r);
  REQUIRE(r->has_value());
  return json::parse(**r).as_object();
}

std::string http_get(int port, const std::string& path, const std::string& header = "") {
  std::string cmd = "curl -s -m 5 " + (header.empty() ? "" : "-H '" + header + "' ") + "http://127.0.0.1:" +
                    std::to_string(port) + path;
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  ::pclose(p);
  return out;
}
}  // namespace

TEST_CASE("the API answers over the daemon's WebSocket", "[daemon][api]") {
  auto service = demo_service();
  auto server = daemon::Server::start({"127.0.0.1", 0, {}, ""}, *service);
  REQUIRE(server);
  REQUIRE((*server)->port() > 0);
  auto url = net::parse_url("ws://127.0.0.1:" + std::to_string((*server)->port()) + "/api/websocket");
  auto ws = net::WsClient::connect(*url);
  REQUIRE(ws);

  auto status = ask(**ws, R"({"id":7,"type":"domoguard/status"})");
  CHECK(status.at("id").as_int64() == 7);
  CHECK(status.at("success").as_bool());
  CHECK(status.at("result").at("ready").as_bool());
  CHECK(status.at("result").at("devices").as_int64() >= 50);

  auto audit = ask(**ws, R"({"id":8,"type":"domoguard/audit","lang":"en"})");
  REQUIRE(audit.at("success").as_bool());
  CHECK(audit.at("result").at("findings").as_array().size() >= 10);

  const auto device_id = std::string(audit.at("result").at("devices").as_array().at(0).at("id").as_string());
  auto device = ask(**ws, R"({"id":9,"type":"domoguard/device","device_id":")" + device_id + "\"}");
  CHECK(device.at("success").as_bool());

  auto unknown = ask(**ws, R"({"id":10,"type":"domoguard/frobnicate"})");
  CHECK_FALSE(unknown.at("success").as_bool());
  CHECK(unknown.at("error").at("code").as_string() == "unknown_command");
  auto garbage = ask(**ws, "not json");
  CHECK_FALSE(garbage.at("success").as_bool());
  auto catalog = ask(**ws, R"({"id":11,"type":"domoguard/catalog"})");
  CHECK(catalog.at("result").at("clauses").as_array().size() == 53);
}

TEST_CASE("the index page honours the ingress path and ignores forged ones", "[daemon]") {
  auto service = demo_service();
  auto server = daemon::Server::start({"127.0.0.1", 0, {}, ""}, *service);
  REQUIRE(server);
  const int port = (*server)->port();
  auto page = http_get(port, "/", "X-Ingress-Path: /api/hassio_ingress/abc_DEF-123");
  CHECK(page.find("<base href=\"/api/hassio_ingress/abc_DEF-123/\">") != std::string::npos);
  auto forged = http_get(port, "/", "X-Ingress-Path: /\"><script>alert(1)</script>");
  CHECK(forged.find("<script>alert") == std::string::npos);
  CHECK(forged.find("<base href=\"/\">") != std::string::npos);
  auto health = json::parse(http_get(port, "/healthz"));
  CHECK(health.at("result").at("ready").as_bool());
  CHECK(http_get(port, "/panel/../../etc/passwd").find("root:") == std::string::npos);
}

TEST_CASE("static files never escape the panel folder", "[daemon]") {
  auto dir = fs::temp_directory_path() / ("dg-panel-" + std::to_string(::getpid()));
  fs::create_directories(dir / "sub");
  std::ofstream(dir / "domoguard-panel.js") << "x";
  std::ofstream(dir / "sub" / "a.css") << "y";
  CHECK_FALSE(daemon::static_file(dir.string(), "domoguard-panel.js").empty());
  CHECK_FALSE(daemon::static_file(dir.string(), "sub/a.css").empty());
  CHECK(daemon::static_file(dir.string(), "../etc/passwd").empty());
  // An absolute request path is taken relative to the panel folder, never as a host path.
  CHECK(daemon::static_file(dir.string(), "/etc/passwd").empty());
  CHECK(daemon::static_file(dir.string(), "missing.js").empty());
  CHECK(daemon::static_file("", "domoguard-panel.js").empty());
  fs::remove_all(dir);
}

TEST_CASE("ingress mode admits only the proxy and loopback", "[daemon]") {
  const std::vector<std::string> allowed{"172.30.32.2"};
  CHECK(daemon::peer_allowed("172.30.32.2", allowed));
  CHECK(daemon::peer_allowed("::ffff:172.30.32.2", allowed));
  CHECK(daemon::peer_allowed("127.0.0.1", allowed));
  CHECK_FALSE(daemon::peer_allowed("172.30.32.3", allowed));
  CHECK_FALSE(daemon::peer_allowed("192.168.1.20", allowed));
  CHECK(daemon::valid_ingress_path("/api/hassio_ingress/Zx9_-a") == "/api/hassio_ingress/Zx9_-a");
  CHECK(daemon::valid_ingress_path("/api/hassio_ingress/../x").empty());
  CHECK(daemon::valid_ingress_path("javascript:alert(1)").empty());
}

TEST_CASE("incoming WebSocket messages are gathered within the limit and sorted", "[daemon][security]") {
  daemon::Inbound in;
  CHECK(in.add("{\"id\":7,\"type\":", false) == daemon::Inbound::Step::more);
  CHECK(in.add("\"domoguard/status\"}", true) == daemon::Inbound::Step::message);
  const std::string whole = in.take();
  CHECK(whole == "{\"id\":7,\"type\":\"domoguard/status\"}");
  // A status request is answered from the last status, under its own id.
  const auto status = daemon::sort_request(whole, nullptr);
  CHECK(status.status);
  CHECK(status.status_id == "7");
  CHECK(daemon::with_id(R"({"type":"result","id":1,"result":{}})", status.status_id) == R"({"type":"result","id":7,"result":{}})");
  CHECK(daemon::with_id(R"({"type":"result","id":1})", "") == R"({"type":"result"})");
  // Behind ingress the person the proxy named is who acts, whatever the page wrote.
  const std::string who = "Alex";
  const auto job = daemon::sort_request(R"({"type":"domoguard/undo","user":"Mallory"})", &who);
  CHECK_FALSE(job.status);
  CHECK(job.text == R"({"type":"domoguard/undo","user":"Alex"})");
  CHECK(daemon::sort_request("[1]", &who).text == "[1]");  // not an object: the service refuses it
  // A name in Latin-1, or cut inside a character, still leaves a JSON request with a readable name.
  const std::string latin1 = "J\xfcrgen", cut = std::string(199, 'a') + "\xc3";
  CHECK(daemon::sort_request(R"({"type":"domoguard/undo"})", &latin1).text ==
        "{\"type\":\"domoguard/undo\",\"user\":\"J\xef\xbf\xbdrgen\"}");
  boost::system::error_code ec;
  auto parsed = json::parse(daemon::sort_request(R"({"type":"domoguard/undo"})", &cut).text, ec);
  REQUIRE_FALSE(ec);
  CHECK(parsed.at("user").as_string().size() == 199 + 3);  // the broken byte as U+FFFD
  // One byte over the request limit, in pieces, is refused before it is kept; the next message is whole.
  const std::string half(api::max_request_bytes / 2, 'x');
  CHECK(in.add(half, false) == daemon::Inbound::Step::more);
  CHECK(in.add(half, false) == daemon::Inbound::Step::more);
  CHECK(in.add("x", true) == daemon::Inbound::Step::too_large);
  CHECK(in.add("{}", true) == daemon::Inbound::Step::message);
  CHECK(in.take() == "{}");
}

TEST_CASE("device names cannot add markdown to notifications", "[daemon][security]") {
  CHECK(daemon::markdown_escape("[click](http://evil)") == "\\[click\\]\\(http://evil\\)");
  CHECK(daemon::markdown_escape("a\x1b[31mb") == "a\\[31mb");
}

#include "policy/model_port.hpp"

namespace {
std::unique_ptr<api::Service> demo_service_with_port() {
  api::ServiceOptions o{"", "en", [](model::Home& h) -> Result<std::unique_ptr<policy::HubPort>> {
                          return std::unique_ptr<policy::HubPort>(new policy::ModelPort(h));
                        }, false};
  auto s = api::Service::create(o);
  REQUIRE(s);
  auto home = app::load_demo();
  REQUIRE(home);
  REQUIRE((*s)->set_home(std::move(*home), "demo"));
  return std::move(*s);
}
json::object call(api::Service& s, const std::string& request) { return json::parse(s.handle(request)).as_object(); }
std::set<std::string> finding_keys(api::Service& s) {
  std::set<std::string> keys;
  auto a = call(s, R"({"type":"domoguard/audit"})");
  for (const auto& f : a.at("result").at("findings").as_array())
    keys.insert(std::string(f.at("rule").as_string()) + "|" + std::string(f.at("subject").at("id").as_string()));
  return keys;
}
}  // namespace

TEST_CASE("plans through the API: preview, apply, undo on the demo home", "[daemon][api][policy]") {
  auto service = demo_service_with_port();
  const auto before = finding_keys(*service);
  const int score_before = service->score();

  auto preview = call(*service, R"({"id":1,"type":"domoguard/plan","selector":["--level","recommended"]})");
  REQUIRE(preview.at("success").as_bool());
  const auto planned = preview.at("result").at("actions").as_array().size();
  REQUIRE(planned > 0);
  CHECK(finding_keys(*service) == before);  // a preview changes nothing

  auto applied = call(*service, R"({"id":2,"type":"domoguard/apply","selector":["--level","recommended"],"user":"Alex"})");
  REQUIRE(applied.at("success").as_bool());
  CHECK(applied.at("result").at("ok").as_bool());
  CHECK(applied.at("result").at("steps").as_array().size() == planned);
  CHECK(service->score() >= score_before);  // capped at 40 while a critical finding (an automation) is open
  CHECK(finding_keys(*service).size() < before.size());

  // The level converges: applying it again soon changes nothing more. (A second pass may still
  // act on what the first one uncovered, e.g. basic analytics once the other sharing is off.)
  bool settled = false;
  for (int pass = 0; pass < 3 && !settled; ++pass) {
    auto again = call(*service, R"({"type":"domoguard/apply","selector":["--level","recommended"]})");
    REQUIRE(again.at("success").as_bool());
    settled = true;
    for (const auto& st : again.at("result").at("steps").as_array()) settled &= st.at("outcome").as_string() != "changed";
  }
  CHECK(settled);

  auto journal = call(*service, R"({"type":"domoguard/journal"})");
  CHECK(journal.at("result").as_array().size() >= 2);

  // Undo from the history, newest first, until nothing is left: the home is as it was.
  for (int i = 0; i < 5; ++i) {
    auto undone = call(*service, R"({"type":"domoguard/undo"})");
    if (!undone.at("success").as_bool()) {
      CHECK(undone.at("error").at("code").as_string() == "not_found");
      break;
    }
    CHECK(undone.at("result").at("ok").as_bool());
  }
  CHECK(finding_keys(*service) == before);
  CHECK(service->score() == score_before);
}

TEST_CASE("child-safe mode on and off through the API restores exactly what it changed", "[daemon][api][policy]") {
  auto service = demo_service_with_port();
  const auto before = finding_keys(*service);
  auto on = call(*service, R"({"type":"domoguard/apply","selector":["--child-safe","on"]})");
  REQUIRE(on.at("success").as_bool());
  CHECK(on.at("result").at("ok").as_bool());
  CHECK(finding_keys(*service) != before);
  auto off = call(*service, R"({"type":"domoguard/apply","selector":["--child-safe","off"]})");
  REQUIRE(off.at("success").as_bool());
  CHECK(off.at("result").at("ok").as_bool());
  CHECK(finding_keys(*service) == before);
  auto bad = call(*service, R"({"type":"domoguard/apply","selector":["--level","nonsense"]})");
  CHECK_FALSE(bad.at("success").as_bool());
  // A host without a port can preview but not apply.
  auto preview_only = demo_service();
  auto refused = call(*preview_only, R"({"type":"domoguard/apply","selector":["--child-safe","on"]})");
  CHECK_FALSE(refused.at("success").as_bool());
  CHECK(refused.at("error").at("code").as_string() == "not_supported");
}

TEST_CASE("settings report what the journal has in force, and privacy by default is kept per home", "[daemon][api][policy]") {
  const fs::path db = fs::temp_directory_path() / ("dg-settings-" + std::to_string(::getpid()) + ".db");
  fs::remove(db);
  auto make = [&] {
    api::ServiceOptions o{db.string(), "en"};
    o.port = [](model::Home& home) -> Result<std::unique_ptr<policy::HubPort>> {
      return std::unique_ptr<policy::HubPort>(new policy::ModelPort(home));
    };
    o.privacy_default = false;  // the host's default; the household's choice overrides it
    auto s = api::Service::create(o);
    REQUIRE(s);
    auto home = app::load_demo();
    REQUIRE(home);
    REQUIRE((*s)->set_home(std::move(*home), "demo"));
    return std::move(*s);
  };
  {
    auto service = make();
    auto st = call(*service, R"({"type":"domoguard/settings","lang":"en"})");
    REQUIRE(st.at("success").as_bool());
    const auto& r = st.at("result").as_object();
    CHECK(r.at("levels").as_array().size() == 3);
    CHECK(r.at("categories").as_array().size() == 7);
    for (const auto& c : r.at("categories").as_array()) CHECK(c.at("level").is_null());
    CHECK(r.at("scenario").is_null());
    CHECK_FALSE(r.at("child_safe").at("on").as_bool());
    CHECK_FALSE(r.at("privacy_default").at("on").as_bool());
    CHECK(r.at("can_apply").as_bool());
    CHECK_FALSE(service->privacy_default_on());

    // An empty plan (the demo's cameras have nothing strict can change) is not journalled: no level
    // is shown in force for it, and it offers nothing to undo.
    auto empty = call(*service, R"({"type":"domoguard/apply","selector":["--level","strict","--category","cameras_video"]})");
    REQUIRE(empty.at("success").as_bool());
    CHECK(empty.at("result").at("ok").as_bool());
    CHECK(empty.at("result").at("nothing_to_change").as_bool());
    CHECK(empty.at("result").at("journal_id").as_int64() == 0);
    CHECK(call(*service, R"({"type":"domoguard/journal"})").at("result").as_array().empty());

    auto applied = call(*service, R"({"type":"domoguard/apply","selector":["--level","strict","--category","voice_microphones"]})");
    REQUIRE(applied.at("success").as_bool());
    CHECK_FALSE(applied.at("result").at("nothing_to_change").as_bool());
    REQUIRE(call(*service, R"({"type":"domoguard/apply","selector":["--child-safe","on"]})").at("success").as_bool());
    REQUIRE(call(*service, R"({"type":"domoguard/apply","selector":["--scenario","guests"]})").at("success").as_bool());
    auto set = call(*service, R"({"type":"domoguard/settings/set","privacy_default":true,"user":"Alex"})");
    REQUIRE(set.at("success").as_bool());
    CHECK(set.at("result").at("privacy_default").at("on").as_bool());
    CHECK(service->privacy_default_on());
    CHECK_FALSE(call(*service, R"({"type":"domoguard/settings/set","privacy_default":"yes"})").at("success").as_bool());

    auto now = call(*service, R"({"type":"domoguard/settings","lang":"de"})").at("result").as_object();
    for (const auto& c : now.at("categories").as_array()) {
      if (c.at("name").as_string() == "voice_microphones") {
        CHECK(c.at("level").as_string() == "strict");
        CHECK(c.at("journal_id").as_int64() == applied.at("result").at("journal_id").as_int64());
      } else {
        CHECK(c.at("level").is_null());
      }
    }
    CHECK(now.at("scenario").as_string() == "guests");
    CHECK(now.at("child_safe").at("on").as_bool());

    // Undoing the level and switching child-safe off clears them again.
    auto undo = json::serialize(json::object{{"type", "domoguard/undo"}, {"journal_id", applied.at("result").at("journal_id")}});
    REQUIRE(call(*service, undo).at("success").as_bool());
    REQUIRE(call(*service, R"({"type":"domoguard/apply","selector":["--child-safe","off"]})").at("success").as_bool());
    auto after = call(*service, R"({"type":"domoguard/settings"})").at("result").as_object();
    for (const auto& c : after.at("categories").as_array()) CHECK(c.at("level").is_null());
    CHECK_FALSE(after.at("child_safe").at("on").as_bool());

    // What changed since the audit before, as the overview shows it.
    auto audit = call(*service, R"({"type":"domoguard/audit"})").at("result").as_object();
    const auto& since = audit.at("since_last").as_object();
    CHECK(since.at("previous_score").is_int64());
    CHECK(since.at("new").is_array());
    CHECK(since.at("resolved").is_array());
  }
  // The household's choice outlives a restart of the host.
  auto again = make();
  CHECK(again->privacy_default_on());
  auto first = call(*again, R"({"type":"domoguard/audit"})").at("result").at("since_last").as_object();
  CHECK(first.at("previous_score").is_int64());  // the history remembers the audit before the restart
  fs::remove(db);
  fs::remove(db.string() + "-wal");
  fs::remove(db.string() + "-shm");
}

TEST_CASE("undo can be previewed by journal id, and the home notice says which device notices are acknowledged", "[daemon][api]") {
  auto service = demo_service_with_port();
  auto applied = call(*service, R"({"type":"domoguard/apply","selector":["--level","recommended","--category","voice_microphones"]})");
  REQUIRE(applied.at("success").as_bool());
  const auto id = applied.at("result").at("journal_id").as_int64();
  auto preview = call(*service, json::serialize(json::object{{"type", "domoguard/plan"}, {"journal_id", id}}));
  REQUIRE(preview.at("success").as_bool());
  CHECK(preview.at("result").at("actions").as_array().size() == applied.at("result").at("steps").as_array().size());
  CHECK_FALSE(call(*service, R"({"type":"domoguard/plan","journal_id":999999})").at("success").as_bool());
  CHECK_FALSE(call(*service, R"({"type":"domoguard/plan"})").at("success").as_bool());
  auto status = call(*service, R"({"type":"domoguard/status"})");
  CHECK(status.at("result").at("audit_id").as_int64() >= 2);  // the first audit, and the one after the change
}

TEST_CASE("the home notice marks each device notice acknowledged or not", "[daemon][api]") {
  const fs::path db = fs::temp_directory_path() / ("dg-acks-" + std::to_string(::getpid()) + ".db");
  fs::remove(db);
  {
    auto s = api::Service::create({db.string(), "en"});
    REQUIRE(s);
    auto home = app::load_demo();
    REQUIRE(home);
    REQUIRE((*s)->set_home(std::move(*home), "demo"));
    auto& service = **s;
    auto home_notice = call(service, R"({"type":"domoguard/notice"})").at("result").as_object();
    const auto& devs = home_notice.at("devices").as_array();
    REQUIRE(devs.size() > 2);
    for (const auto& d : devs) CHECK(d.at("acknowledgement").at("needs_ack").as_bool());
    const auto first = devs[0].at("device_id");
    auto dn = call(service, json::serialize(json::object{{"type", "domoguard/notice"}, {"device_id", first}})).at("result");
    auto ack = call(service, json::serialize(json::object{{"type", "domoguard/notice/ack"}, {"device_id", first},
                                                          {"version", dn.at("version")}, {"user", "Alex"}}));
    REQUIRE(ack.at("success").as_bool());
    auto after = call(service, R"({"type":"domoguard/notice"})").at("result").at("devices").as_array();
    int acked = 0;
    for (const auto& d : after)
      if (!d.at("acknowledgement").at("needs_ack").as_bool()) {
        ++acked;
        CHECK(d.at("device_id") == first);
        CHECK(d.at("acknowledgement").at("user").as_string() == "Alex");
      }
    CHECK(acked == 1);
  }
  for (const auto* ext : {"", "-wal", "-shm"}) fs::remove(db.string() + ext);
}

TEST_CASE("the API's refusals are said in the request's language", "[daemon][api][locale]") {
  auto service = demo_service();
  auto en = call(*service, R"({"type":"domoguard/device","device_id":"nope"})");
  auto de = call(*service, R"({"type":"domoguard/device","device_id":"nope","lang":"de"})");
  CHECK(en.at("error").at("key") == "error.api.unknown_device");
  CHECK(de.at("error").at("key") == "error.api.unknown_device");
  CHECK(en.at("error").at("message").as_string().find("no such device") != std::string::npos);
  CHECK(de.at("error").at("message").as_string().find("Gerät") != std::string::npos);
  // Before the language is known (not JSON at all), English.
  CHECK(call(*service, "[]").at("error").at("key") == "error.api.not_json");
}

namespace {
// A WebSocket client with headers of the test's choosing (what a browser or the ingress proxy sends).
struct RawWs {
  int fd = -1;
  std::string status;  // the HTTP status line of the upgrade answer
  ~RawWs() {
    if (fd >= 0) ::close(fd);
  }
};

std::unique_ptr<RawWs> raw_ws(int port, const std::vector<std::string>& headers) {
  auto ws = std::make_unique<RawWs>();
  ws->fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(ws->fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  timeval tv{5, 0};
  ::setsockopt(ws->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  const bool own_host = std::any_of(headers.begin(), headers.end(), [](const std::string& h) { return h.rfind("Host:", 0) == 0; });
  std::string req = "GET /api/websocket HTTP/1.1\r\n" + (own_host ? std::string() : "Host: 127.0.0.1:" + std::to_string(port) + "\r\n") +
                    "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    "Sec-WebSocket-Version: 13\r\n";
  for (const auto& h : headers) req += h + "\r\n";
  req += "\r\n";
  REQUIRE(::send(ws->fd, req.data(), req.size(), 0) == static_cast<ssize_t>(req.size()));
  std::string got;
  char c;
  while (got.find("\r\n\r\n") == std::string::npos && ::recv(ws->fd, &c, 1, 0) == 1) got += c;
  ws->status = got.substr(0, got.find("\r\n"));
  return ws;
}

json::object raw_ask_read(RawWs& ws);

json::object raw_ask(RawWs& ws, const std::string& text) {
  std::string frame{static_cast<char>(0x81), static_cast<char>(0xFE)};
  frame += static_cast<char>((text.size() >> 8) & 0xFF);
  frame += static_cast<char>(text.size() & 0xFF);
  const unsigned char mask[4] = {1, 2, 3, 4};
  frame.append(reinterpret_cast<const char*>(mask), 4);
  for (size_t i = 0; i < text.size(); ++i) frame += static_cast<char>(text[i] ^ mask[i % 4]);
  REQUIRE(::send(ws.fd, frame.data(), frame.size(), 0) == static_cast<ssize_t>(frame.size()));
  return raw_ask_read(ws);
}

// Reads one text frame from the server (unmasked, as servers send).
json::object raw_ask_read(RawWs& ws) {
  auto read_n = [&](size_t n) {
    std::string out;
    char buf[4096];
    while (out.size() < n) {
      const auto got = ::recv(ws.fd, buf, std::min(sizeof buf, n - out.size()), 0);
      REQUIRE(got > 0);
      out.append(buf, static_cast<size_t>(got));
    }
    return out;
  };
  auto head = read_n(2);
  size_t len = static_cast<unsigned char>(head[1]) & 0x7F;
  if (len == 126) {
    auto ext = read_n(2);
    len = (static_cast<unsigned char>(ext[0]) << 8) | static_cast<unsigned char>(ext[1]);
  } else if (len == 127) {
    auto ext = read_n(8);
    len = 0;
    for (char b : ext) len = (len << 8) | static_cast<unsigned char>(b);
  }
  return json::parse(read_n(len)).as_object();
}
}  // namespace

TEST_CASE("a page that rebinds its name to the daemon's address is refused (DNS rebinding)", "[daemon][security]") {
  CHECK(daemon::host_name_of("[::1]:8099") == "::1");
  CHECK(daemon::host_name_of("LocalHost.:8099") == "localhost");
  CHECK(daemon::host_name_of("a:b") == "");
  CHECK(daemon::host_name_of("evil.example/x") == "");
  const auto hosts = daemon::host_policy("127.0.0.1", 8099, {"domoguard.lan"});
  for (const char* ok : {"127.0.0.1:8099", "localhost:8099", "localhost", "[::1]:8099", "127.0.0.2", "app.localhost:8099",
                         "domoguard.lan", "DomoGuard.LAN:443"})
    CHECK(daemon::host_allowed(ok, hosts));
  for (const char* bad : {"attacker.test:8099", "", "127.0.0.1.attacker.test", "localhost.attacker.test", "evil:8099"})
    CHECK_FALSE(daemon::host_allowed(bad, hosts));
  CHECK(daemon::origin_allowed("https://domoguard.lan", hosts));
  CHECK(daemon::host_allowed("192.168.7.9:8099", daemon::host_policy("192.168.7.9", 8099, {})));

  auto service = demo_service();
  auto server = daemon::Server::start({"127.0.0.1", 0, {}, "", {"domoguard.lan"}}, *service);
  REQUIRE(server);
  const int port = (*server)->port();
  const std::string p = std::to_string(port);
  // The rebound page: its own name in both Host and Origin, as a browser sends them.
  auto rebound = raw_ws(port, {"Host: attacker.test:" + p, "Origin: http://attacker.test:" + p});
  CHECK(rebound->status.find(" 101 ") == std::string::npos);
  auto no_origin = raw_ws(port, {"Host: attacker.test:" + p});
  CHECK(no_origin->status.find(" 101 ") == std::string::npos);
  // Plain HTTP under that name is refused too; the names served still work.
  CHECK(http_get(port, "/healthz", "Host: attacker.test:" + p).find("\"success\"") == std::string::npos);
  CHECK(http_get(port, "/", "Host: attacker.test:" + p).find("DomoGuard</title>") == std::string::npos);
  CHECK(http_get(port, "/healthz").find("\"success\":true") != std::string::npos);
  CHECK(http_get(port, "/healthz", "Host: domoguard.lan").find("\"success\":true") != std::string::npos);
  // An ingress path from a peer that is not the ingress proxy (none configured here) opens nothing.
  auto forged = raw_ws(port, {"Host: attacker.test:" + p, "Origin: http://attacker.test:" + p,
                              "X-Ingress-Path: /api/hassio_ingress/tok3n"});
  CHECK(forged->status.find(" 101 ") == std::string::npos);
  auto own = raw_ws(port, {"Origin: http://localhost:" + p, "Host: localhost:" + p});
  REQUIRE(own->status.find(" 101 ") != std::string::npos);
  CHECK(raw_ask(*own, R"({"id":1,"type":"domoguard/status"})").at("success").as_bool());
  (*server)->stop();
}

TEST_CASE("a web page elsewhere cannot drive the API; the ingress proxy names who acts", "[daemon][security]") {
  const auto hosts = daemon::host_policy("127.0.0.1", 8099, {});
  CHECK(daemon::origin_allowed("", hosts));
  CHECK(daemon::origin_allowed("http://127.0.0.1:8099", hosts));
  CHECK(daemon::origin_allowed("http://LOCALHOST:8099", hosts));
  CHECK_FALSE(daemon::origin_allowed("http://localhost:3000", hosts));  // another local site
  CHECK_FALSE(daemon::origin_allowed("https://evil.example", hosts));
  CHECK_FALSE(daemon::origin_allowed("http://127.0.0.1:8099.evil.example", hosts));
  CHECK_FALSE(daemon::origin_allowed("null", hosts));
  CHECK_FALSE(daemon::origin_allowed("https://ha.example:8123", hosts));
  const fs::path db = fs::temp_directory_path() / ("dg-origin-" + std::to_string(::getpid()) + ".db");
  fs::remove(db);
  {
    api::ServiceOptions o{db.string(), "en"};
    auto s = api::Service::create(o);
    REQUIRE(s);
    auto home = app::load_demo();
    REQUIRE(home);
    REQUIRE((*s)->set_home(std::move(*home), "demo"));
    // Loopback stands in for the ingress proxy's address here.
    auto server = daemon::Server::start({"127.0.0.1", 0, {}, "", {}, "127.0.0.1"}, **s);
    REQUIRE(server);
    const int port = (*server)->port();

    auto evil = raw_ws(port, {"Origin: https://evil.example"});
    CHECK(evil->status.find(" 101 ") == std::string::npos);
    auto own = raw_ws(port, {"Origin: http://127.0.0.1:" + std::to_string(port)});
    REQUIRE(own->status.find(" 101 ") != std::string::npos);
    CHECK(raw_ask(*own, R"({"id":1,"type":"domoguard/status"})").at("success").as_bool());

    // Through ingress, the acknowledgement is recorded for the person the proxy names, whatever the page says.
    auto ingress = raw_ws(port, {"Origin: https://ha.example", "X-Ingress-Path: /api/hassio_ingress/tok3n",
                                 "X-Remote-User-Name: alex", "X-Remote-User-Display-Name: Alex Martin"});
    REQUIRE(ingress->status.find(" 101 ") != std::string::npos);
    auto notice = raw_ask(*ingress, R"({"id":2,"type":"domoguard/notice"})");
    REQUIRE(notice.at("success").as_bool());
    auto ack = raw_ask(*ingress, json::serialize(json::object{{"id", 3}, {"type", "domoguard/notice/ack"},
                                                             {"version", notice.at("result").at("version")},
                                                             {"user", "Someone Else"}}));
    REQUIRE(ack.at("success").as_bool());
    CHECK(ack.at("result").at("acknowledgement").at("user").as_string() == "Alex Martin");
    (*server)->stop();
  }
  for (const auto* ext : {"", "-wal", "-shm"}) fs::remove(db.string() + ext);
}

namespace {
// Sends one masked text frame (as a browser does).
void raw_send(RawWs& ws, const std::string& text) {
  std::string frame{static_cast<char>(0x81), static_cast<char>(0xFE)};
  frame += static_cast<char>((text.size() >> 8) & 0xFF);
  frame += static_cast<char>(text.size() & 0xFF);
  const unsigned char mask[4] = {9, 8, 7, 6};
  frame.append(reinterpret_cast<const char*>(mask), 4);
  for (size_t i = 0; i < text.size(); ++i) frame += static_cast<char>(text[i] ^ mask[i % 4]);
  REQUIRE(::send(ws.fd, frame.data(), frame.size(), 0) == static_cast<ssize_t>(frame.size()));
}

// A hub that takes its time, as a live one does (up to 30 s a step).
struct SlowPort : policy::HubPort {
  explicit SlowPort(model::Home& h) : inner(h) {}
  Result<std::string> read(const policy::PlanAction& a) override { return inner.read(a); }
  Result<bool> write(const policy::PlanAction& a, const std::string& v) override {
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    return inner.write(a, v);
  }
  policy::ModelPort inner;
};
}  // namespace

TEST_CASE("pipelined requests are all answered, none dropped", "[daemon][api][security]") {
  auto service = demo_service();
  auto server = daemon::Server::start({"127.0.0.1", 0, {}, ""}, *service);
  REQUIRE(server);
  auto ws = raw_ws((*server)->port(), {});
  REQUIRE(ws->status.find(" 101 ") != std::string::npos);
  constexpr int n = 300;
  std::string all;
  for (int i = 1; i <= n; ++i) raw_send(*ws, R"({"id":)" + std::to_string(i) + R"(,"type":"domoguard/status"})");
  std::set<int64_t> ids;
  for (int i = 1; i <= n; ++i) {
    auto answer = raw_ask_read(*ws);
    CHECK(answer.at("success").as_bool());
    ids.insert(answer.at("id").as_int64());
  }
  CHECK(ids.size() == n);
  (*server)->stop();
}

TEST_CASE("the API keeps answering while a plan is applied", "[daemon][api][policy]") {
  api::ServiceOptions o{"", "en", [](model::Home& h) -> Result<std::unique_ptr<policy::HubPort>> {
                          return std::unique_ptr<policy::HubPort>(new SlowPort(h));
                        }, false};
  auto s = api::Service::create(o);
  REQUIRE(s);
  auto home = app::load_demo();
  REQUIRE(home);
  REQUIRE((*s)->set_home(std::move(*home), "demo"));
  auto server = daemon::Server::start({"127.0.0.1", 0, {}, ""}, **s);
  REQUIRE(server);
  const int port = (*server)->port();
  auto planner = raw_ws(port, {});
  auto watcher = raw_ws(port, {});
  REQUIRE(planner->status.find(" 101 ") != std::string::npos);
  REQUIRE(watcher->status.find(" 101 ") != std::string::npos);
  const auto t0 = std::chrono::steady_clock::now();
  raw_send(*planner, R"({"id":1,"type":"domoguard/apply","selector":["--level","recommended"]})");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  // Meanwhile: status over another socket, /healthz over HTTP.
  auto status = raw_ask(*watcher, R"({"id":2,"type":"domoguard/status"})");
  CHECK(status.at("success").as_bool());
  CHECK(status.at("id").as_int64() == 2);
  CHECK(http_get(port, "/healthz").find("\"success\":true") != std::string::npos);
  const auto answered_in = std::chrono::steady_clock::now() - t0;
  auto applied = raw_ask_read(*planner);
  const auto plan_took = std::chrono::steady_clock::now() - t0;
  CHECK(applied.at("id").as_int64() == 1);
  CHECK(applied.at("success").as_bool());
  CHECK(answered_in < plan_took);  // status came back before the plan finished
  std::printf("status and /healthz answered after %lld ms while the plan took %lld ms\n",
              static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(answered_in).count()),
              static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(plan_took).count()));
  (*server)->stop();
}

TEST_CASE("risks accepted over the API survive a restart of the service and leave the first screen", "[daemon][api][accept]") {
  const fs::path dir = fs::temp_directory_path() / ("dg-accept-api-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string db = (dir / "h.db").string();
  auto start = [&] {
    auto s = api::Service::create({db, "en"});
    REQUIRE(s);
    auto home = app::load_demo();
    REQUIRE(home);
    REQUIRE((*s)->set_home(std::move(*home), "demo"));
    return std::move(*s);
  };
  std::string key;
  {
    auto s = start();
    auto audit = call(*s, R"({"type":"domoguard/audit"})").at("result").as_object();
    const auto score = audit.at("score").as_int64();
    const auto& step = audit.at("first_steps").as_array()[0].as_object();
    key = std::string(step.at("group").as_string());
    // No reason, no user: refused in the request's language.
    auto bad = call(*s, json::serialize(json::object{{"type", "domoguard/accept"}, {"key", key}, {"user", "Alex"}, {"lang", "de"}}));
    CHECK_FALSE(bad.at("success").as_bool());
    CHECK(bad.at("error").at("key").as_string() == "error.accept.no_reason");
    CHECK(bad.at("error").at("message").as_string().find("Geben Sie") == 0);
    CHECK_FALSE(call(*s, json::serialize(json::object{{"type", "domoguard/accept"}, {"key", key}, {"reason", "r"}})).at("success").as_bool());
    auto ok = call(*s, json::serialize(json::object{{"type", "domoguard/accept"}, {"key", key}, {"reason", "Known, fixed next week"}, {"user", "Alex"}}));
    REQUIRE(ok.at("success").as_bool());
    CHECK(!ok.at("result").at("accepted").as_array().empty());
    auto again = call(*s, R"({"type":"domoguard/audit"})").at("result").as_object();
    CHECK(again.at("score").as_int64() == score);
    CHECK(again.at("first_steps").as_array()[0].at("group").as_string() != key);
    CHECK(!again.at("accepted").as_array().empty());
  }
  {
    auto s = start();   // a restart: a new service on the same database
    auto list = call(*s, R"({"type":"domoguard/accepted"})").at("result").as_array();
    REQUIRE(!list.empty());
    CHECK(list[0].at("by").as_string() == "Alex");
    CHECK(list[0].at("reason").as_string() == "Known, fixed next week");
    auto w = call(*s, json::serialize(json::object{{"type", "domoguard/accept/withdraw"}, {"key", key}, {"user", "Sam"}}));
    REQUIRE(w.at("success").as_bool());
    CHECK(call(*s, R"({"type":"domoguard/accepted"})").at("result").as_array().empty());
    CHECK(call(*s, R"({"type":"domoguard/accepted","all":true})").at("result").as_array().size() == list.size());
  }
  fs::remove_all(dir);
}
