#include "server.hpp"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <libwebsockets.h>

#include <boost/json.hpp>

#include <algorithm>
#include <cstring>
#include <malloc.h>
#include <deque>
#include <filesystem>
#include <condition_variable>
#include <mutex>

#include "net/ws_client.hpp"
#include "util/text.hpp"

namespace domoguard::daemon {

namespace fs = std::filesystem;

bool peer_allowed(const std::string& peer, const std::vector<std::string>& allowed) {
  if (allowed.empty() || net::is_loopback(peer)) return true;
  std::string p = peer;
  if (p.rfind("::ffff:", 0) == 0) p = p.substr(7);  // IPv4-mapped IPv6
  return std::find(allowed.begin(), allowed.end(), p) != allowed.end();
}

std::string valid_ingress_path(const std::string& value) {
  // Exactly "/api/hassio_ingress/<token>", token of 1-128 characters from [A-Za-z0-9_-].
  static constexpr std::string_view prefix = "/api/hassio_ingress/";
  if (value.size() <= prefix.size() || value.size() > prefix.size() + 128 || value.compare(0, prefix.size(), prefix) != 0)
    return {};
  for (size_t i = prefix.size(); i < value.size(); ++i) {
    const char c = value[i];
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-')) return {};
  }
  return value;
}

std::string static_file(const std::string& root, const std::string& request_path) {
  if (root.empty() || request_path.empty() || request_path.size() > 512) return {};
  if (request_path.find("..") != std::string::npos || request_path.find('\0') != std::string::npos) return {};
  std::error_code ec;
  auto base = fs::weakly_canonical(root, ec);
  if (ec) return {};
  auto full = fs::weakly_canonical(base / fs::path(request_path).relative_path(), ec);
  if (ec) return {};
  auto rel = full.lexically_relative(base);
  if (rel.empty() || rel.native().rfind("..", 0) == 0 || !fs::is_regular_file(full, ec)) return {};
  return full.string();
}

Inbound::Step Inbound::add(std::string_view piece, bool last) {
  if (piece.size() > api::max_request_bytes - std::min(partial_.size(), api::max_request_bytes)) {
    partial_.clear();
    return Step::too_large;
  }
  partial_.append(piece);
  if (!last) return Step::more;
  done_ = std::move(partial_);
  partial_.clear();
  return Step::message;
}

std::string Inbound::take() { return std::move(done_); }

Request sort_request(std::string text, const std::string* user) {
  Request r;
  boost::system::error_code ec;
  boost::json::parse_options po;
  po.max_depth = 16;
  auto v = boost::json::parse(text, ec, {}, po);
  const auto* obj = !ec && v.is_object() ? &v.as_object() : nullptr;
  const auto* type = obj ? obj->if_contains("type") : nullptr;
  r.status = type && type->is_string() && type->as_string() == "domoguard/status";
  if (r.status)
    if (const auto* id = obj->if_contains("id")) r.status_id = boost::json::serialize(*id);
  r.text = user ? with_user(text, *user) : std::move(text);
  return r;
}

std::string with_id(const std::string& answer, const std::string& id_json) {
  boost::system::error_code ec;
  auto v = boost::json::parse(answer, ec);
  if (ec || !v.is_object()) return answer;
  boost::json::value id;
  if (!id_json.empty()) id = boost::json::parse(id_json, ec);
  if (!id_json.empty() && !ec) v.as_object()["id"] = id;
  else v.as_object().erase("id");
  return boost::json::serialize(v);
}

std::string with_user(const std::string& request, const std::string& who) {
  boost::system::error_code ec;
  boost::json::parse_options po;
  po.max_depth = 16;
  auto v = boost::json::parse(request, ec, {}, po);
  if (ec || !v.is_object()) return request;
  // Valid UTF-8 of bounded length, whatever the header held (a proxy may send Latin-1, and a cut
  // name may end inside a character): otherwise the request would no longer be JSON at all.
  v.as_object()["user"] = util::clean_text(who, kMaxUserChars);
  return boost::json::serialize(v);
}

namespace {

const char* mime_of(const std::string& path) {
  static const std::pair<const char*, const char*> table[] = {
      {".js", "text/javascript"}, {".mjs", "text/javascript"}, {".css", "text/css"}, {".html", "text/html"},
      {".json", "application/json"}, {".svg", "image/svg+xml"}, {".png", "image/png"}, {".map", "application/json"}};
  for (auto [ext, mime] : table)
    if (path.size() >= std::strlen(ext) && path.compare(path.size() - std::strlen(ext), std::string::npos, ext) == 0)
      return mime;
  return "application/octet-stream";
}

// A WebSocket API client's answers: filled by the worker thread, written by the service thread.
struct Conn {
  std::mutex m;
  lws* wsi = nullptr;               // nullptr once the connection closed (the worker then drops answers)
  std::deque<std::string> outbox;   // answers not yet written
  size_t queued = 0;                // bytes in outbox
  size_t pending = 0;               // requests received and not yet written back (worker's and outbox)
  bool rx_paused = false;           // reading stopped until answers drain (service thread only)
};

// Per-connection state for WebSocket API clients and dynamic HTTP answers. lws allocates it
// zero-filled, so it holds only pointers, created and freed in the callbacks below.
struct Session {
  Inbound* inbound;
  std::shared_ptr<Conn>* conn;
  std::string* http_body;
  const char* http_type;
  std::string* user;  // the person Home Assistant's ingress proxy says is signed in ("" = not behind ingress)
};

// Pipelined requests: past kSoftPending the daemon stops reading the client's socket until it has
// read its answers (every request is answered, none dropped); a client that still pushes past
// kHardPending or leaves kMaxQueuedBytes unread is closed with a reason (1008), not silently.
// Answers of a 2,000-device home are ~2 MB.
constexpr size_t kSoftPending = 64;
constexpr size_t kHardPending = 1024;
constexpr size_t kMaxQueuedBytes = 32u << 20;

std::string header(lws* wsi, lws_token_indexes token) {
  char buf[512] = {0};
  const int n = lws_hdr_copy(wsi, buf, sizeof buf, token);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

std::string custom_header(lws* wsi, const char* name) {
  char buf[512] = {0};
  const int n = lws_hdr_custom_copy(wsi, buf, sizeof buf, name, static_cast<int>(std::strlen(name)));
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

namespace {

bool all_digits(std::string_view s) {
  return !s.empty() && s.size() <= 5 && s.find_first_not_of("0123456789") == std::string_view::npos;
}

bool loopback_name(const std::string& name) {
  static constexpr std::string_view dot_localhost = ".localhost";  // RFC 6761: always loopback
  return net::is_loopback(name) ||
         (name.size() > dot_localhost.size() && name.compare(name.size() - dot_localhost.size(), std::string::npos, dot_localhost) == 0);
}

bool wildcard(const std::string& host) { return host.empty() || host == "0.0.0.0" || host == "::"; }

}  // namespace

std::string host_name_of(const std::string& authority) {
  if (authority.empty() || authority.size() > 255) return {};
  const std::string a = lower(authority);
  std::string name;
  if (a[0] == '[') {
    const auto close = a.find(']');
    if (close == std::string::npos) return {};
    name = a.substr(1, close - 1);
    const std::string rest = a.substr(close + 1);
    if (!rest.empty() && (rest[0] != ':' || !all_digits(std::string_view(rest).substr(1)))) return {};
  } else {
    const auto colon = a.find(':');
    name = a.substr(0, colon);
    if (colon != std::string::npos && !all_digits(std::string_view(a).substr(colon + 1))) return {};  // a bare IPv6 too
  }
  if (!name.empty() && name.back() == '.') name.pop_back();
  if (name.empty()) return {};
  for (const char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == ':' || c == '_')) return {};
  return name;
}

HostPolicy host_policy(const std::string& listen_host, int port, const std::vector<std::string>& extra) {
  HostPolicy p;
  p.port = port;
  if (!wildcard(listen_host)) p.names.push_back(host_name_of(listen_host.find(':') != std::string::npos ? "[" + listen_host + "]" : listen_host));
  for (const auto& e : extra)
    if (auto n = host_name_of(e); !n.empty()) p.names.push_back(n);
  if (wildcard(listen_host)) {
    // Listening everywhere: the machine's own addresses are names it serves (an address is not a name
    // a page can rebind).
    ifaddrs* list = nullptr;
    if (::getifaddrs(&list) == 0) {
      for (auto* i = list; i; i = i->ifa_next) {
        if (!i->ifa_addr) continue;
        char buf[INET6_ADDRSTRLEN] = {0};
        if (i->ifa_addr->sa_family == AF_INET)
          inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(i->ifa_addr)->sin_addr, buf, sizeof buf);
        else if (i->ifa_addr->sa_family == AF_INET6)
          inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(i->ifa_addr)->sin6_addr, buf, sizeof buf);
        if (buf[0] && std::strchr(buf, '%') == nullptr) p.names.push_back(buf);
      }
      ::freeifaddrs(list);
    }
  }
  return p;
}

bool host_allowed(const std::string& host, const HostPolicy& policy) {
  const std::string name = host_name_of(host);
  if (name.empty()) return false;
  return loopback_name(name) || std::find(policy.names.begin(), policy.names.end(), name) != policy.names.end();
}

// A browser sends Origin with every WebSocket it opens, and WebSockets have no same-origin rule:
// without this check any web page the household visits could drive the API on 127.0.0.1. The Origin
// is compared with the names the daemon serves, never with the request's own Host (which a page that
// rebinds its name to 127.0.0.1 controls).
bool origin_allowed(const std::string& origin, const HostPolicy& policy) {
  if (origin.empty()) return true;
  const std::string o = lower(origin);
  int default_port = 0;
  std::string rest;
  if (o.rfind("http://", 0) == 0) default_port = 80, rest = o.substr(7);
  else if (o.rfind("https://", 0) == 0) default_port = 443, rest = o.substr(8);
  else return false;  // "null" (a sandboxed frame, a file) and other schemes
  if (rest.find('/') != std::string::npos || rest.find('@') != std::string::npos) return false;
  const std::string name = host_name_of(rest);
  if (name.empty() || !host_allowed(rest, policy)) return false;
  if (!loopback_name(name)) return true;  // a name the user added, perhaps behind a proxy on another port
  int port = default_port;
  const auto colon = rest.rfind(':');
  if (colon != std::string::npos && (rest[0] != '[' || colon > rest.find(']'))) port = std::stoi(rest.substr(colon + 1));
  return port == policy.port;
}

namespace {

std::string index_html(const std::string& base, bool has_panel) {
  // The base element makes every relative URL (script, API socket) work behind the ingress prefix.
  std::string html = "<!doctype html><html><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
                     "content=\"width=device-width, initial-scale=1\"><base href=\"" + base +
                     "/\"><title>DomoGuard</title></head><body>";
  if (has_panel)
    html += "<domoguard-panel standalone></domoguard-panel><script type=\"module\" src=\"panel/domoguard-panel.js\"></script>";
  else
    html += "<h1>DomoGuard</h1><p>The daemon is running. Its API is at <code>api/websocket</code>; the panel is not "
            "installed in this build.</p>";
  return html + "</body></html>\n";
}

}  // namespace

// Requests run on one worker thread, in the order received: a plan applied to a live hub takes up
// to 30 s a step, and the service thread must keep answering meanwhile (status, /healthz, files,
// other clients). Status is answered at once from the last one the worker made whenever the worker
// is busy.
struct Server::Impl {
  ServerOptions opts;
  HostPolicy hosts;
  api::Service* service = nullptr;
  lws_context* ctx = nullptr;
  std::thread thread;
  std::atomic<bool> stop{false};

  struct Job {
    std::shared_ptr<Conn> conn;
    std::string request;
  };
  std::thread worker;
  std::mutex jobs_m;
  std::condition_variable jobs_cv;
  std::deque<Job> jobs;
  std::atomic<bool> busy{false};
  std::deque<std::shared_ptr<Conn>> wake;  // connections with new answers (under jobs_m)

  std::mutex status_m;
  std::string status;  // the last status answer

  std::string cached_status() {
    std::lock_guard lock(status_m);
    return status;
  }
  void refresh_status() {
    auto answer = service->handle("{\"type\":\"domoguard/status\"}");
    std::lock_guard lock(status_m);
    status = std::move(answer);
  }
  void run_worker() {
    for (;;) {
      Job job;
      {
        std::unique_lock lock(jobs_m);
        if (!jobs_cv.wait_for(lock, std::chrono::seconds(1), [&] { return stop.load() || !jobs.empty(); })) {
          lock.unlock();
          // Idle: the watcher may have audited meanwhile. Busy while at it, since the watcher may
          // hold the service (a plan for a new device): status is then answered from the cache.
          busy = true;
          refresh_status();
          busy = false;
          continue;
        }
        if (stop.load()) return;
        job = std::move(jobs.front());
        jobs.pop_front();
        busy = true;
      }
      std::string answer = service->handle(job.request);
      refresh_status();
      busy = false;
      {
        std::lock_guard lock(job.conn->m);
        if (!job.conn->wsi) continue;
        job.conn->queued += answer.size();
        job.conn->outbox.push_back(std::move(answer));
      }
      {
        std::lock_guard lock(jobs_m);
        wake.push_back(job.conn);
      }
      lws_cancel_service(ctx);
    }
  }
};

namespace {

Server::Impl* impl_of(lws* wsi) { return static_cast<Server::Impl*>(lws_context_user(lws_get_context(wsi))); }

// A request the ingress proxy forwarded: add-on mode, from the proxy's address, with the path it adds.
// Such a request carries the Host the person typed into the browser to reach Home Assistant.
bool through_ingress(lws* wsi, const Server::Impl& impl) {
  if (impl.opts.ingress_peer.empty() || valid_ingress_path(custom_header(wsi, "x-ingress-path:")).empty()) return false;
  char peer[INET6_ADDRSTRLEN + 8] = {0};
  lws_get_peer_simple(wsi, peer, sizeof peer);
  std::string p = peer;
  if (p.rfind("::ffff:", 0) == 0) p = p.substr(7);
  return p == impl.opts.ingress_peer;
}

bool host_served(lws* wsi, const Server::Impl& impl) {
  return through_ingress(wsi, impl) || host_allowed(header(wsi, WSI_TOKEN_HOST), impl.hosts);
}

int http_reply(lws* wsi, Session* s, int status, const char* type, std::string body) {
  unsigned char buf[LWS_PRE + 1024];
  unsigned char *start = buf + LWS_PRE, *p = start, *end = buf + sizeof buf - 1;
  if (lws_add_http_common_headers(wsi, static_cast<unsigned>(status), type, body.size(), &p, end)) return 1;
  static const char csp[] = "default-src 'self'; connect-src 'self' ws: wss:; style-src 'self' 'unsafe-inline'; img-src 'self' data:";
  if (lws_add_http_header_by_name(wsi, reinterpret_cast<const unsigned char*>("content-security-policy:"),
                                  reinterpret_cast<const unsigned char*>(csp), sizeof csp - 1, &p, end))
    return 1;
  if (lws_add_http_header_by_name(wsi, reinterpret_cast<const unsigned char*>("x-content-type-options:"),
                                  reinterpret_cast<const unsigned char*>("nosniff"), 7, &p, end))
    return 1;
  if (lws_finalize_write_http_header(wsi, start, &p, end)) return 1;
  s->http_body = new std::string(std::move(body));
  s->http_type = type;
  lws_callback_on_writable(wsi);
  return 0;
}

int callback(lws* wsi, lws_callback_reasons reason, void* user, void* in, size_t len) {
  auto* impl = impl_of(wsi);
  auto* s = static_cast<Session*>(user);
  switch (reason) {
    case LWS_CALLBACK_FILTER_NETWORK_CONNECTION: {
      auto* args = static_cast<lws_filter_network_conn_args*>(user);
      if (!args || !impl) return 0;
      char host[INET6_ADDRSTRLEN] = {0};
      if (args->cli_addr.ss_family == AF_INET)
        inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(&args->cli_addr)->sin_addr, host, sizeof host);
      else if (args->cli_addr.ss_family == AF_INET6)
        inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(&args->cli_addr)->sin6_addr, host, sizeof host);
      return peer_allowed(host, impl->opts.allowed_peers) ? 0 : 1;  // non-zero hangs up at once
    }
    case LWS_CALLBACK_HTTP: {
      if (!host_served(wsi, *impl))  // a name the daemon does not serve: a rebound name, or a mistake
        return http_reply(wsi, s, HTTP_STATUS_FORBIDDEN, "text/plain", "This host name is not served here; see domoguardd --allow-host.\n");
      std::string path(static_cast<const char*>(in), strnlen(static_cast<const char*>(in), 1024));
      if (path == "/" || path == "/index.html") {
        std::string base;
        char hdr[256] = {0};
        int n = lws_hdr_custom_copy(wsi, hdr, sizeof hdr, "x-ingress-path:", 15);
        if (n > 0) base = valid_ingress_path(std::string(hdr, static_cast<size_t>(n)));
        const bool has_panel = !static_file(impl->opts.panel_dir, "domoguard-panel.js").empty();
        return http_reply(wsi, s, HTTP_STATUS_OK, "text/html", index_html(base, has_panel));
      }
      if (path.rfind("/panel/", 0) == 0) {
        auto file = static_file(impl->opts.panel_dir, path.substr(7));
        if (file.empty()) return lws_return_http_status(wsi, HTTP_STATUS_NOT_FOUND, nullptr) ? -1 : lws_http_transaction_completed(wsi);
        int r = lws_serve_http_file(wsi, file.c_str(), mime_of(file), nullptr, 0);
        if (r < 0 || (r > 0 && lws_http_transaction_completed(wsi))) return -1;
        return 0;
      }
      if (path == "/healthz")  // from the worker's last status: answered even while a plan runs
        return http_reply(wsi, s, HTTP_STATUS_OK, "application/json", with_id(impl->cached_status(), ""));
      return lws_return_http_status(wsi, HTTP_STATUS_NOT_FOUND, nullptr) ? -1 : lws_http_transaction_completed(wsi);
    }
    case LWS_CALLBACK_HTTP_WRITEABLE: {
      if (!s || !s->http_body) break;
      std::string body = std::move(*s->http_body);
      delete s->http_body;
      s->http_body = nullptr;
      std::vector<unsigned char> buf(LWS_PRE + body.size());
      std::memcpy(buf.data() + LWS_PRE, body.data(), body.size());
      if (lws_write(wsi, buf.data() + LWS_PRE, body.size(), LWS_WRITE_HTTP_FINAL) != static_cast<int>(body.size())) return 1;
      if (lws_http_transaction_completed(wsi)) return -1;
      break;
    }
    case LWS_CALLBACK_HTTP_FILE_COMPLETION:
      if (lws_http_transaction_completed(wsi)) return -1;
      break;
    case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
      if (!host_served(wsi, *impl)) return 1;  // refuses the upgrade
      if (!through_ingress(wsi, *impl) && !origin_allowed(header(wsi, WSI_TOKEN_ORIGIN), impl->hosts)) return 1;
      break;
    case LWS_CALLBACK_ESTABLISHED: {
      s->conn = new std::shared_ptr<Conn>(std::make_shared<Conn>());
      (*s->conn)->wsi = wsi;
      s->inbound = new Inbound();
      // Behind ingress the Supervisor names the signed-in person: that, not what the page says, goes
      // into the journal and the notice acknowledgements.
      std::string who = custom_header(wsi, "x-remote-user-display-name:");
      if (who.empty()) who = custom_header(wsi, "x-remote-user-name:");
      if (through_ingress(wsi, *impl) && !who.empty())
        s->user = new std::string(util::clean_text(who, kMaxUserChars));
      break;
    }
    case LWS_CALLBACK_RECEIVE: {
      if (!s->inbound || !s->conn) return -1;
      const auto step = s->inbound->add(std::string_view(static_cast<const char*>(in), len),
                                        lws_is_final_fragment(wsi) && !lws_remaining_packet_payload(wsi));
      if (step == Inbound::Step::too_large) {
        lws_close_reason(wsi, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE, reinterpret_cast<unsigned char*>(const_cast<char*>("request too large")), 17);
        return -1;
      }
      if (step == Inbound::Step::more) break;
      Conn& c = **s->conn;
      size_t pending = 0, queued = 0;
      {
        std::lock_guard lock(c.m);
        pending = c.pending;
        queued = c.queued;
      }
      if (pending >= kHardPending || queued > kMaxQueuedBytes) {
        static const char why[] = "too many unread answers";
        lws_close_reason(wsi, LWS_CLOSE_STATUS_POLICY_VIOLATION, reinterpret_cast<unsigned char*>(const_cast<char*>(why)), sizeof why - 1);
        return -1;
      }
      Request req = sort_request(s->inbound->take(), s->user);
      bool queue_busy = impl->busy.load();
      {
        std::lock_guard lock(impl->jobs_m);
        queue_busy = queue_busy || !impl->jobs.empty();
      }
      if (req.status && queue_busy) {
        std::string answer = with_id(impl->cached_status(), req.status_id);
        std::lock_guard lock(c.m);
        c.queued += answer.size();
        c.outbox.push_back(std::move(answer));
        ++c.pending;
        lws_callback_on_writable(wsi);
        break;
      }
      std::string request = std::move(req.text);
      {
        std::lock_guard lock(c.m);
        ++c.pending;
        pending = c.pending;
      }
      {
        std::lock_guard lock(impl->jobs_m);
        impl->jobs.push_back({*s->conn, std::move(request)});
      }
      impl->jobs_cv.notify_one();
      if (pending >= kSoftPending && !c.rx_paused) {
        c.rx_paused = true;
        lws_rx_flow_control(wsi, 0);
      }
      break;
    }
    case LWS_CALLBACK_EVENT_WAIT_CANCELLED: {
      if (!impl) break;
      std::deque<std::shared_ptr<Conn>> wake;
      {
        std::lock_guard lock(impl->jobs_m);
        wake.swap(impl->wake);
      }
      for (auto& c : wake) {
        std::lock_guard lock(c->m);
        if (c->wsi) lws_callback_on_writable(c->wsi);
      }
      break;
    }
    case LWS_CALLBACK_SERVER_WRITEABLE: {
      if (!s->conn) break;
      Conn& c = **s->conn;
      std::string msg;
      bool more = false;
      size_t pending = 0;
      {
        std::lock_guard lock(c.m);
        if (c.outbox.empty()) break;
        msg = std::move(c.outbox.front());
        c.outbox.pop_front();
        c.queued -= std::min(c.queued, msg.size());
        c.pending -= std::min<size_t>(c.pending, 1);
        more = !c.outbox.empty();
        pending = c.pending;
      }
      std::vector<unsigned char> buf(LWS_PRE + msg.size());
      std::memcpy(buf.data() + LWS_PRE, msg.data(), msg.size());
      if (lws_write(wsi, buf.data() + LWS_PRE, msg.size(), LWS_WRITE_TEXT) < static_cast<int>(msg.size())) return -1;
      if (more) lws_callback_on_writable(wsi);
      if (c.rx_paused && pending < kSoftPending / 2) {
        c.rx_paused = false;
        lws_rx_flow_control(wsi, 1);
      }
      // A large answer (a whole audit) leaves megabytes of freed heap behind: give them back, so the
      // daemon's resident memory stays that of the home it holds.
      if (msg.size() > 256 * 1024) ::malloc_trim(0);
      break;
    }
    case LWS_CALLBACK_CLOSED:
      if (s->conn) {
        std::lock_guard lock((*s->conn)->m);
        (*s->conn)->wsi = nullptr;
      }
      delete s->conn;
      delete s->inbound;
      delete s->user;
      s->conn = nullptr;
      s->inbound = nullptr;
      s->user = nullptr;
      break;
    case LWS_CALLBACK_HTTP_DROP_PROTOCOL:
    case LWS_CALLBACK_CLOSED_HTTP:
      if (s && s->http_body) {
        delete s->http_body;
        s->http_body = nullptr;
      }
      break;
    default:
      break;
  }
  return 0;
}

const lws_protocols kProtocols[] = {
    {"domoguard", callback, sizeof(Session), 64 * 1024, 0, nullptr, 0},
    {nullptr, nullptr, 0, 0, 0, nullptr, 0}};

}  // namespace

Result<std::unique_ptr<Server>> Server::start(const ServerOptions& opts, api::Service& service) {
  auto impl = std::make_unique<Impl>();
  impl->opts = opts;
  impl->service = &service;
  lws_set_log_level(std::getenv("DOMOGUARD_DEBUG_LWS") ? LLL_ERR | LLL_WARN : 0, nullptr);
  lws_context_creation_info info{};
  info.port = opts.port;  // 0: the kernel picks a free port, read back below
  info.iface = opts.host.c_str();
  info.protocols = kProtocols;
  info.user = impl.get();
  info.options = LWS_SERVER_OPTION_VALIDATE_UTF8 | LWS_SERVER_OPTION_DISABLE_IPV6;
  if (opts.host == "::" || opts.host.find(':') != std::string::npos) info.options &= ~LWS_SERVER_OPTION_DISABLE_IPV6;
  impl->ctx = lws_create_context(&info);
  if (!impl->ctx)
    return Error{ErrorCode::io, "error.daemon.listen",
                 "Cannot listen on " + opts.host + ":" + std::to_string(opts.port) + " (in use, or not an address of this machine)",
                 "", ""};
  std::unique_ptr<Server> server(new Server());
  lws_vhost* vh = lws_get_vhost_by_name(impl->ctx, "default");
  server->port_ = vh ? lws_get_vhost_listen_port(vh) : opts.port;
  impl->hosts = host_policy(opts.host, server->port_, opts.allowed_hosts);
  impl->refresh_status();
  Impl* raw = impl.get();
  impl->worker = std::thread([raw] { raw->run_worker(); });
  impl->thread = std::thread([raw] {
    while (!raw->stop.load()) lws_service(raw->ctx, 0);
  });
  server->impl_ = std::move(impl);
  return server;
}

void Server::stop() {
  if (!impl_ || !impl_->ctx) return;
  impl_->stop = true;
  impl_->jobs_cv.notify_all();
  if (impl_->worker.joinable()) impl_->worker.join();  // after the request it is running, if any
  lws_cancel_service(impl_->ctx);
  if (impl_->thread.joinable()) impl_->thread.join();
  lws_context_destroy(impl_->ctx);
  impl_->ctx = nullptr;
}

Server::~Server() { stop(); }

}  // namespace domoguard::daemon
