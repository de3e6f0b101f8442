// domoguardd: the daemon the Home Assistant add-on ("app") runs. It watches the hub, re-audits what
// changes, keeps the history, and serves the panel and the domoguard/* API on one port.
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <malloc.h>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <mutex>
#include <optional>
#include <thread>

#include "api/service.hpp"
#include "app/source.hpp"
#include "hub/ha/live.hpp"
#include "hub/ha/live_port.hpp"
#include "policy/model_port.hpp"
#include "report/render.hpp"
#include "server.hpp"
#include "store/history.hpp"
#include "watcher.hpp"

namespace {

using namespace domoguard;

std::atomic<bool> g_stop{false};
void on_signal(int) { g_stop = true; }

std::mutex g_log_m;
daemon::LogLevel g_log_level = daemon::LogLevel::info;
void print_line(const char* tag, const std::string& line) {
  std::lock_guard lock(g_log_m);
  auto t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
  std::cerr << stamp << " domoguardd: " << tag << report::terminal_safe(line, 400) << std::endl;
}
void log_at(daemon::LogLevel level, const std::string& line) {
  if (level < g_log_level) return;
  print_line(level == daemon::LogLevel::error ? "error: " : level == daemon::LogLevel::warning ? "warning: " : "", line);
}
void log_line(const std::string& line) { log_at(daemon::LogLevel::info, line); }

// Without --panel-dir: the panel installed next to the program (../share/domoguard/panel), or the one
// built in the source tree the program was built in (build/bin/../../ui-panel/dist).
std::string find_panel_dir() {
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return "";
  const auto bin = exe.parent_path();
  for (const auto& dir : {bin / ".." / "share" / "domoguard" / "panel", bin / ".." / ".." / "ui-panel" / "dist"})
    if (std::filesystem::is_regular_file(dir / "domoguard-panel.js", ec)) return std::filesystem::weakly_canonical(dir, ec).string();
  return "";
}

const char* kHelp =
    "Usage: domoguardd [options]\n"
    "\n"
    "Watches a Home Assistant hub, audits it against ISO/IEC 27403:2024, re-audits what changes, and serves\n"
    "the DomoGuard panel and API on one port.\n"
    "\n"
    "  --demo                     serve the bundled demo home (no hub needed), on 127.0.0.1:8099\n"
    "  --source PATH              serve a snapshot read-only: an HA config folder, a folder of WebSocket replies\n"
    "                             or a backup tar (plans can be previewed, not applied)\n"
    "  --url URL                  the hub (ws://, wss://, http:// or https://)\n"
    "  --token-file FILE          a long-lived access token, in a file readable only by you (chmod 600)\n"
    "  --ca-file FILE             extra CA for the hub's certificate (TLS is always verified)\n"
    "  --allow-insecure           allow plain ws:// to a hub on another machine\n"
    "  --addon                    add-on mode: the hub at ws://supervisor/core/websocket with $SUPERVISOR_TOKEN,\n"
    "                             listen on 0.0.0.0:8099, accept only the ingress proxy (172.30.32.2) and loopback\n"
    "  --listen HOST:PORT         where to serve (default 127.0.0.1:8099; port 0 picks a free one)\n"
    "  --allow-peer ADDR          also accept connections from ADDR (repeatable)\n"
    "  --allow-host NAME          also answer requests addressed to the host name NAME, e.g. a name this machine has\n"
    "                             on the network or a reverse proxy's (repeatable); loopback names and addresses and\n"
    "                             the --listen address are always served, any other Host is refused (DNS rebinding)\n"
    "  --panel-dir DIR            the panel's built files (default: ../share/domoguard/panel next to the program,\n"
    "                             or ui-panel/dist of the source tree it was built in)\n"
    "  --db PATH                  audit history (default ~/.local/state/domoguard/history.db; /data/... in the add-on)\n"
    "  --log-level LEVEL          debug, info (default), warning or error: what the log shows\n"
    "  --lang xx                  language of notifications (en, de, fr, es, nl)\n"
    "  --no-notify                no notification in Home Assistant for new devices\n"
    "  --no-privacy-default       leave newly paired devices as they are, until the household switches it on in\n"
    "                             the panel (by default they start private:\n"
    "                             off voice assistants, privacy mode on, microphones and location off;\n"
    "                             opting in is undoing that change from DomoGuard's history)\n"
    "  --help, --version\n";

struct Options {
  bool demo = false, addon = false, notify = true, allow_insecure = false, privacy_default = true;
  std::string url, source, token_file, ca_file, panel_dir, db, lang = "en";
  std::string host = "127.0.0.1";
  int port = 8099;
  std::vector<std::string> peers, hosts;
};

std::optional<std::string> parse(int argc, char** argv, Options& o) {
  auto need = [&](int& i) -> std::optional<std::string> {
    if (i + 1 >= argc) return std::nullopt;
    return std::string(argv[++i]);
  };
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    std::optional<std::string> v;
    if (a == "--demo") o.demo = true;
    else if (a == "--addon") o.addon = true;
    else if (a == "--no-notify") o.notify = false;
    else if (a == "--no-privacy-default") o.privacy_default = false;
    else if (a == "--allow-insecure") o.allow_insecure = true;
    else if (a == "--url" || a == "--source" || a == "--token-file" || a == "--ca-file" || a == "--panel-dir" || a == "--db" ||
             a == "--lang" || a == "--log-level" || a == "--listen" || a == "--allow-peer" || a == "--allow-host") {
      v = need(i);
      if (!v) return "option " + a + " needs a value";
      if (a == "--url") o.url = *v;
      else if (a == "--source") o.source = *v;
      else if (a == "--token-file") o.token_file = *v;
      else if (a == "--ca-file") o.ca_file = *v;
      else if (a == "--panel-dir") o.panel_dir = *v;
      else if (a == "--db") {
        // Empty would mean an anonymous throw-away database: the history would vanish unseen.
        if (v->empty()) return "--db needs the path of a database file";
        o.db = *v;
      }
      else if (a == "--lang") o.lang = *v;
      else if (a == "--log-level") {
        if (*v == "debug") g_log_level = daemon::LogLevel::debug;
        else if (*v == "info") g_log_level = daemon::LogLevel::info;
        else if (*v == "warning") g_log_level = daemon::LogLevel::warning;
        else if (*v == "error") g_log_level = daemon::LogLevel::error;
        else return "--log-level must be debug, info, warning or error";
      }
      else if (a == "--allow-peer") o.peers.push_back(*v);
      else if (a == "--allow-host") {
        if (daemon::host_name_of(*v).empty()) return "--allow-host needs a host name or address, e.g. domoguard.lan";
        o.hosts.push_back(*v);
      }
      else {
        auto colon = v->rfind(':');
        if (colon == std::string::npos) return "--listen needs HOST:PORT";
        o.host = v->substr(0, colon);
        const auto port = v->substr(colon + 1);
        if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos)
          return "--listen: bad port";
        o.port = std::stoi(port);
        if (o.port > 65535) return "--listen: bad port";
      }
    } else {
      return "unknown option " + a;
    }
  }
  return std::nullopt;
}

}  // namespace

int main(int argc, char** argv) {
  // Three threads (main, server, watcher) each with a malloc arena of its own would keep three
  // heaps' worth of freed memory; one arena keeps resident memory that of the home held (the
  // threads rarely allocate at the same moment).
  ::mallopt(M_ARENA_MAX, 1);
  if (argc > 1 && (std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h")) {
    std::cout << kHelp;
    return 0;
  }
  if (argc > 1 && std::string(argv[1]) == "--version") {
    std::cout << "domoguardd " << DOMOGUARD_VERSION << "\n";
    return 0;
  }
  Options o;
  if (auto err = parse(argc, argv, o)) {
    std::cerr << "domoguardd: " << *err << "; see domoguardd --help\n";
    return 2;
  }
  if (o.addon) {
    if (o.url.empty()) o.url = hub::ha::default_url();
    o.host = "0.0.0.0";
    o.peers.push_back("172.30.32.2");  // the Supervisor's ingress proxy
    if (o.db.empty()) o.db = "/data/domoguard.db";
  }
  if (static_cast<int>(o.demo) + static_cast<int>(!o.source.empty()) + static_cast<int>(!o.url.empty()) != 1) {
    std::cerr << "domoguardd: give one of --demo, --source PATH, --url URL --token-file FILE, or --addon; see domoguardd --help\n";
    return 2;
  }
  // Bound to all interfaces without an allow-list would let anyone on the network read the audit.
  if (o.host != "127.0.0.1" && o.host != "localhost" && o.host != "::1" && o.peers.empty()) {
    std::cerr << "domoguardd: listening on " << o.host << " needs --allow-peer ADDR (or --addon)\n";
    return 2;
  }
  if (o.db.empty()) o.db = store::History::default_path();
  if (o.panel_dir.empty()) o.panel_dir = find_panel_dir();

  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  std::signal(SIGPIPE, SIG_IGN);

  api::ServiceOptions sopts{o.db, o.lang, nullptr, !o.demo && o.source.empty(), o.privacy_default};
  if (o.demo) {
    // The demo home lives in memory: plans change it there, so every button can be tried.
    sopts.port = [](model::Home& home) -> Result<std::unique_ptr<policy::HubPort>> {
      return std::unique_ptr<policy::HubPort>(new policy::ModelPort(home));
    };
  }
  std::optional<hub::ha::LiveOptions> live_for_port;
  if (!o.demo && o.source.empty()) {
    // Plans get a connection of their own; the watcher's belongs to its thread.
    sopts.port = [&live_for_port](model::Home&) -> Result<std::unique_ptr<policy::HubPort>> {
      if (!live_for_port) return Error{ErrorCode::unreachable, "error.api.no_hub", "Not connected to a hub", "", ""};
      return hub::ha::connect_port(*live_for_port);
    };
  }
  // For the tests of modes that hold only: DOMOGUARD_TEST_CLOCK_FILE=PATH moves the clock of pauses
  // and of the fight window on by the whole seconds written in PATH (re-read at each use; 0 or no
  // file = the system clock), so a test can let a pause or a window pass without waiting for it.
  if (const char* f = std::getenv("DOMOGUARD_TEST_CLOCK_FILE"); f && *f) {
    const std::string clock_file = f;
    sopts.clock = [clock_file]() -> int64_t {
      int64_t offset = 0;
      if (std::FILE* in = std::fopen(clock_file.c_str(), "r")) {
        long long v = 0;
        if (std::fscanf(in, "%lld", &v) == 1 && v >= 0 && v <= 366LL * 24 * 3600) offset = v;
        std::fclose(in);
      }
      return static_cast<int64_t>(std::time(nullptr)) + offset;
    };
    log_at(daemon::LogLevel::warning, "test clock in use (DOMOGUARD_TEST_CLOCK_FILE): pauses and the fight window follow the offset in " +
                clock_file);
  }
  auto service = api::Service::create(sopts);
  if (!service) {
    std::cerr << "domoguardd: " << service.error().describe() << "\n";
    return 4;
  }
  for (const auto& s : store::take_set_aside())
    log_at(daemon::LogLevel::warning, "the database " + s.path + " was damaged: it is kept as " + s.moved +
                                          " (nothing was deleted) and a new database was started");
  std::optional<hub::ha::LiveOptions> live;
  if (o.demo) {
    auto home = app::load_demo();
    if (!home) {
      std::cerr << "domoguardd: " << home.error().describe() << "\n";
      return 4;
    }
    auto d = (*service)->set_home(std::move(*home), "demo");
    if (!d) {
      std::cerr << "domoguardd: " << d.error().describe() << "\n";
      return 4;
    }
  } else if (!o.source.empty()) {
    // A snapshot on disk: shown and explained, never changed (there is no hub to apply plans to).
    auto home = app::load_path(o.source);
    if (!home) {
      std::cerr << "domoguardd: " << home.error().describe() << "\n";
      return 2;
    }
    auto d = (*service)->set_home(std::move(*home), o.source);
    if (!d) {
      std::cerr << "domoguardd: " << d.error().describe() << "\n";
      return 4;
    }
  } else {
    auto token = hub::ha::read_token(o.token_file);
    if (!token) {
      std::cerr << "domoguardd: " << token.error().describe() << "\n";
      return 2;
    }
    live = hub::ha::LiveOptions{o.url, std::move(*token), o.ca_file, o.allow_insecure, 30000};
    live_for_port = live;
    auto u = net::parse_url(o.url);
    if (!u) {
      std::cerr << "domoguardd: " << u.error().message << "\n";
      return 2;
    }
  }

  daemon::ServerOptions so{o.host, o.port, o.peers, o.panel_dir, o.hosts, o.addon ? "172.30.32.2" : ""};
  auto server = daemon::Server::start(so, **service);
  if (!server) {
    std::cerr << "domoguardd: " << server.error().describe() << "\n";
    return 4;
  }
  // Always said, whatever the log level: it is how people and scripts learn where the panel is.
  if (o.panel_dir.empty())
    log_line("no built panel found: the API is served; build the panel with (cd ui-panel && npm ci && npx vite build) "
             "or give --panel-dir");
  else
    log_line("panel from " + o.panel_dir);
  print_line("", "serving on http://" + o.host + ":" + std::to_string((*server)->port()) + "/" +
           (o.demo ? " (demo home)" : !o.source.empty() ? " (snapshot, read-only)" : ""));

  std::thread watcher;
  if (live) {
    daemon::WatcherOptions wo;
    wo.live = *live;
    wo.notify = o.notify;
    wo.db_path = o.db;
    wo.lang = o.lang;
    // Where the notification's link goes: the add-on's ingress page; else the panel this daemon
    // serves itself (HA has no /domoguard page unless the integration is installed too).
    wo.panel_link = o.addon                ? "/hassio/ingress/domoguard"
                    : !o.panel_dir.empty() ? "http://" + o.host + ":" + std::to_string((*server)->port()) + "/"
                                           : "/domoguard";
    watcher = std::thread([&, wo] {
      daemon::Watcher w(wo, **service, log_at);
      w.run(g_stop);
    });
  }
  // Reading and auditing a home leaves freed heap behind (the hub's JSON, intermediate copies):
  // hand it back to the system now and then, so resident memory is that of the home held.
  ::malloc_trim(0);
  for (int tick = 1; !g_stop.load(); ++tick) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (tick % 100 == 0) ::malloc_trim(0);
  }
  log_line("stopping");
  if (watcher.joinable()) watcher.join();
  (*server)->stop();
  return 0;
}
