// The WebSocket client's URL rules and TLS verification, against a real TLS server (openssl s_server).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "hub/ha/live.hpp"
#include "net/ws_client.hpp"

using namespace domoguard;
namespace fs = std::filesystem;

TEST_CASE("hub URLs are parsed strictly", "[net]") {
  auto u = net::parse_url("wss://hub.example:8443/api/websocket");
  REQUIRE(u);
  CHECK(u->tls);
  CHECK(u->host == "hub.example");
  CHECK(u->port == 8443);
  CHECK(u->path == "/api/websocket");
  auto h = net::parse_url("http://127.0.0.1:8123");
  REQUIRE(h);
  CHECK_FALSE(h->tls);
  CHECK(h->path == "/");
  auto v6 = net::parse_url("ws://[::1]:9/x");
  REQUIRE(v6);
  CHECK(v6->host == "::1");
  for (auto bad : {"ftp://x", "ws://", "ws://user:pw@host/", "ws://h:99999", "ws://h:12a", "hub:8123"})
    CHECK_FALSE(net::parse_url(bad));
  CHECK(net::is_loopback("127.0.0.1"));
  CHECK(net::is_loopback("127.9.9.9"));
  CHECK(net::is_loopback("localhost"));
  CHECK_FALSE(net::is_loopback("192.168.1.2"));
  CHECK_FALSE(net::is_loopback("10.0.0.1"));
}

TEST_CASE("tokens are never sent over plain ws to another machine", "[net]") {
  hub::ha::LiveOptions o;
  o.url = "ws://192.0.2.10:8123/api/websocket";  // TEST-NET-1: never contacted, refused before connecting
  o.token = "secret";
  auto r = hub::ha::LiveHub::connect(o);
  REQUIRE_FALSE(r);
  CHECK(r.error().key == "error.net.insecure");
  CHECK(r.error().message.find("secret") == std::string::npos);
}

TEST_CASE("token files must be private", "[net]") {
  auto dir = fs::temp_directory_path() / ("dg-token-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  auto f = dir / "token";
  {
    FILE* fp = std::fopen(f.c_str(), "w");
    std::fputs("abc.def.ghi\n", fp);
    std::fclose(fp);
  }
  fs::permissions(f, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read, fs::perm_options::replace);
  auto loose = hub::ha::read_token(f.string());
  REQUIRE_FALSE(loose);
  CHECK(loose.error().key == "error.token.permissions");
  fs::permissions(f, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace);
  auto ok = hub::ha::read_token(f.string());
  REQUIRE(ok);
  CHECK(*ok == "abc.def.ghi");
  fs::remove_all(dir);
}

TEST_CASE("versions compare numerically", "[net]") {
  CHECK(hub::ha::compare_versions("2026.11.1", "2024.1.0") > 0);
  CHECK(hub::ha::compare_versions("2023.12.4", "2024.1.0") < 0);
  CHECK(hub::ha::compare_versions("2024.1", "2024.1.0") == 0);
  CHECK(hub::ha::compare_versions("2026.10.0b3", "2026.10.0") == 0);
}

namespace {
// A real TLS server with a self-signed certificate for 127.0.0.1, on a free port.
struct TlsServer {
  fs::path dir;
  pid_t pid = -1;
  int port = 0;
  TlsServer() {
    dir = fs::temp_directory_path() / ("dg-tls-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const auto cmd = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 "
                     "-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -keyout " +
                     (dir / "key.pem").string() + " -out " + (dir / "cert.pem").string() + " 2>/dev/null";
    REQUIRE(std::system(cmd.c_str()) == 0);
    for (int attempt = 0; attempt < 20 && pid < 0; ++attempt) {
      port = 20000 + (::getpid() * 7 + attempt * 131) % 30000;
      pid = ::fork();
      if (pid == 0) {
        ::freopen("/dev/null", "w", stdout);
        ::freopen("/dev/null", "w", stderr);
        const auto accept = "127.0.0.1:" + std::to_string(port);
        ::execlp("openssl", "openssl", "s_server", "-accept", accept.c_str(), "-cert", (dir / "cert.pem").c_str(), "-key",
                 (dir / "key.pem").c_str(), "-www", "-quiet", static_cast<char*>(nullptr));
        ::_exit(127);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(400));
      int status;
      if (::waitpid(pid, &status, WNOHANG) == pid) pid = -1;  // port taken: try another
    }
    REQUIRE(pid > 0);
  }
  ~TlsServer() {
    if (pid > 0) {
      ::kill(pid, SIGTERM);
      ::waitpid(pid, nullptr, 0);
    }
    fs::remove_all(dir);
  }
};
}  // namespace

TEST_CASE("TLS to a self-signed server is refused unless its CA is given", "[net][tls]") {
  TlsServer server;
  auto url = net::parse_url("wss://127.0.0.1:" + std::to_string(server.port) + "/api/websocket");
  REQUIRE(url);
  net::WsOptions opts;
  opts.connect_timeout_ms = 5000;
  auto refused = net::WsClient::connect(*url, opts);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == ErrorCode::unreachable);
  CHECK(refused.error().key == "error.net.tls");
  CHECK(refused.error().message.find("self-signed") != std::string::npos);
  CHECK(refused.error().message.find("CN=127.0.0.1") != std::string::npos);

  // With the server's certificate as CA, TLS succeeds; the plain web server then refuses the
  // WebSocket upgrade, which is a different error — so the first refusal was TLS verification.
  opts.ca_file = (server.dir / "cert.pem").string();
  auto trusted = net::WsClient::connect(*url, opts);
  REQUIRE_FALSE(trusted);
  CHECK(trusted.error().key != "error.net.tls");

  // Trusted CA but the wrong name: still refused, and the message says so.
  auto wrong_name = net::parse_url("wss://localhost:" + std::to_string(server.port) + "/");
  REQUIRE(wrong_name);
  auto mismatch = net::WsClient::connect(*wrong_name, opts);
  REQUIRE_FALSE(mismatch);
  CHECK(mismatch.error().key == "error.net.tls");
  CHECK(mismatch.error().message.find("hostname mismatch") != std::string::npos);
}

TEST_CASE("an unreachable hub is a clear, distinct error", "[net]") {
  hub::ha::LiveOptions o;
  o.url = "ws://127.0.0.1:1/api/websocket";
  o.token = "t";
  o.timeout_ms = 3000;
  auto r = hub::ha::LiveHub::connect(o);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == ErrorCode::unreachable);
  CHECK(r.error().key == "error.net.refused");
  CHECK(r.error().message.find("127.0.0.1:1") != std::string::npos);
}
