#include "net/ws_client.hpp"

#include <arpa/inet.h>
#include <libwebsockets.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

namespace domoguard::net {

Result<Url> parse_url(const std::string& text) {
  Url u;
  std::string rest;
  auto bad = [&](const std::string& why) {
    return Error{ErrorCode::bad_input, "error.url.invalid", "Not a usable hub URL (" + why + "): " + text, "", ""};
  };
  for (auto [prefix, tls] : {std::pair{"ws://", false}, {"wss://", true}, {"http://", false}, {"https://", true}}) {
    if (text.rfind(prefix, 0) == 0) {
      u.tls = tls;
      rest = text.substr(std::strlen(prefix));
      break;
    }
  }
  if (rest.empty()) return bad("it must start with ws://, wss://, http:// or https://");
  auto slash = rest.find('/');
  std::string hostport = rest.substr(0, slash);
  u.path = slash == std::string::npos ? "/" : rest.substr(slash);
  if (hostport.empty()) return bad("no host");
  if (hostport.find('@') != std::string::npos) return bad("credentials in URLs are not accepted");
  if (hostport.front() == '[') {
    auto close = hostport.find(']');
    if (close == std::string::npos) return bad("unclosed IPv6 address");
    u.host = hostport.substr(1, close - 1);
    hostport = hostport.substr(close + 1);
    if (!hostport.empty() && hostport.front() != ':') return bad("junk after the IPv6 address");
    hostport = hostport.empty() ? "" : hostport.substr(1);
  } else {
    auto colon = hostport.rfind(':');
    u.host = hostport.substr(0, colon);
    hostport = colon == std::string::npos ? "" : hostport.substr(colon + 1);
  }
  if (u.host.empty() || u.host.size() > 253) return bad("no host");
  if (!hostport.empty()) {
    if (hostport.size() > 5 || hostport.find_first_not_of("0123456789") != std::string::npos) return bad("bad port");
    u.port = std::stoi(hostport);
    if (u.port < 1 || u.port > 65535) return bad("bad port");
  } else {
    u.port = u.tls ? 443 : 80;
  }
  return u;
}

bool is_loopback(const std::string& host) {
  if (host == "localhost" || host == "::1") return true;
  in_addr a{};
  if (inet_pton(AF_INET, host.c_str(), &a) == 1) return (ntohl(a.s_addr) >> 24) == 127;
  return false;
}

struct WsClient::Impl {
  lws_context* ctx = nullptr;
  lws* wsi = nullptr;
  std::thread service;
  std::atomic<bool> stop{false};
  WsOptions opts;
  Url url;

  std::mutex m;
  std::condition_variable cv;
  enum class State { connecting, open, closed } state = State::connecting;
  Error error;                              // why it closed or failed
  std::deque<std::string> inbox, outbox;
  std::string origin;  // host:port; lws sends "Origin: http://<origin>"
  std::string partial;
  bool want_close = false;
  std::string tls_problem;                  // the certificate check's verdict, in words

  void fail(std::string key, std::string message, std::vector<std::pair<std::string, std::string>> placeholders = {}) {
    std::lock_guard lock(m);
    if (state != State::closed) {
      error = Error{ErrorCode::unreachable, std::move(key), std::move(message), "", "", std::move(placeholders)};
      state = State::closed;
    }
    cv.notify_all();
  }
};

namespace {

int callback(lws* wsi, lws_callback_reasons reason, void* user, void* in, size_t len) {
  auto* self = static_cast<WsClient::Impl*>(lws_context_user(lws_get_context(wsi)));
  if (!self) return 0;
  switch (reason) {
    case LWS_CALLBACK_OPENSSL_PERFORM_SERVER_CERT_VERIFICATION: {
      // Only observe: record why OpenSSL rejected the certificate, so the user is told which
      // certificate failed and why. The verdict itself is OpenSSL's.
      auto* store = static_cast<X509_STORE_CTX*>(user);
      if (len == 0 && store) {
        const int err = X509_STORE_CTX_get_error(store);
        std::string subject;
        if (X509* cert = X509_STORE_CTX_get_current_cert(store)) {
          char buf[256];
          X509_NAME_oneline(X509_get_subject_name(cert), buf, sizeof buf);
          subject = buf;
        }
        std::lock_guard lock(self->m);
        self->tls_problem = std::string(X509_verify_cert_error_string(err)) + (subject.empty() ? "" : " for certificate " + subject);
      }
      return 0;
    }
    case LWS_CALLBACK_CLIENT_CONNECTION_ERROR: {
      std::string why = in ? std::string(static_cast<const char*>(in), strnlen(static_cast<const char*>(in), 512)) : "";
      const bool tls = why.find("tls") != std::string::npos || why.find("ssl") != std::string::npos ||
                       why.find("SSL") != std::string::npos || why.find("cert") != std::string::npos ||
                       why.find("X509") != std::string::npos;
      const std::string where = self->url.host + ":" + std::to_string(self->url.port);
      std::string problem;
      {
        std::lock_guard lock(self->m);
        problem = self->tls_problem;
      }
      if (!problem.empty())
        self->fail("error.net.tls", "TLS with " + where + " failed: " + problem +
                                        " (if this is your hub's own certificate, give its CA with --ca-file)",
                   {{"host", where}, {"detail", problem}});
      else if (tls)
        self->fail("error.net.tls", "TLS with " + where + " failed: " + why +
                                        " (the hub's certificate is not trusted; give its CA with --ca-file)",
                   {{"host", where}, {"detail", why}});
      else
        self->fail("error.net.refused", "Cannot connect to " + where + (why.empty() ? "" : ": " + why),
                   {{"host", where}, {"detail", why.empty() ? "" : ": " + why}});
      self->wsi = nullptr;
      break;
    }
    case LWS_CALLBACK_CLIENT_ESTABLISHED: {
      std::lock_guard lock(self->m);
      self->state = WsClient::Impl::State::open;
      self->cv.notify_all();
      break;
    }
    case LWS_CALLBACK_CLIENT_RECEIVE: {
      std::unique_lock lock(self->m);
      if (self->partial.size() + len > self->opts.max_message) {
        lock.unlock();
        self->fail("error.net.too_large", "The hub sent a message larger than " +
                                              std::to_string(self->opts.max_message >> 20) + " MiB",
                   {{"limit", std::to_string(self->opts.max_message >> 20) + " MiB"}});
        return -1;
      }
      self->partial.append(static_cast<const char*>(in), len);
      if (lws_is_final_fragment(wsi) && lws_remaining_packet_payload(wsi) == 0) {
        if (self->inbox.size() >= self->opts.max_queue) {
          lock.unlock();
          self->fail("error.net.backlog", "Too many unread messages from the hub");
          return -1;
        }
        self->inbox.push_back(std::move(self->partial));
        self->partial.clear();
        self->cv.notify_all();
      }
      break;
    }
    case LWS_CALLBACK_CLIENT_WRITEABLE: {
      std::string msg;
      {
        std::lock_guard lock(self->m);
        if (self->want_close) return -1;
        if (self->outbox.empty()) break;
        msg = std::move(self->outbox.front());
        self->outbox.pop_front();
      }
      std::vector<unsigned char> buf(LWS_PRE + msg.size());
      std::memcpy(buf.data() + LWS_PRE, msg.data(), msg.size());
      if (lws_write(wsi, buf.data() + LWS_PRE, msg.size(), LWS_WRITE_TEXT) < static_cast<int>(msg.size())) {
        self->fail("error.net.write", "Writing to the hub failed");
        return -1;
      }
      std::lock_guard lock(self->m);
      if (!self->outbox.empty()) lws_callback_on_writable(wsi);
      break;
    }
    case LWS_CALLBACK_EVENT_WAIT_CANCELLED: {
      std::lock_guard lock(self->m);
      if (self->wsi && (self->want_close || !self->outbox.empty())) lws_callback_on_writable(self->wsi);
      break;
    }
    case LWS_CALLBACK_CLIENT_CLOSED:
      self->fail("error.net.closed", "The hub closed the connection");
      self->wsi = nullptr;
      break;
    default:
      break;
  }
  return 0;
}

const lws_protocols kProtocols[] = {{"domoguard-client", callback, 0, 64 * 1024, 0, nullptr, 0}, {nullptr, nullptr, 0, 0, 0, nullptr, 0}};

}  // namespace

WsClient::WsClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

WsClient::~WsClient() { close(); }

Result<std::unique_ptr<WsClient>> WsClient::connect(const Url& url, const WsOptions& opts) {
  static std::once_flag log_once;
  std::call_once(log_once, [] { lws_set_log_level(std::getenv("DOMOGUARD_DEBUG_LWS") ? LLL_ERR | LLL_WARN : 0, nullptr); });
  auto impl = std::make_unique<Impl>();
  impl->opts = opts;
  impl->url = url;

  lws_context_creation_info info{};
  info.port = CONTEXT_PORT_NO_LISTEN;
  info.protocols = kProtocols;
  info.options = LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
  info.user = impl.get();
  info.fd_limit_per_thread = 4;
  info.timeout_secs = static_cast<unsigned>(std::max(1, opts.connect_timeout_ms / 1000));
  if (!opts.ca_file.empty()) info.client_ssl_ca_filepath = opts.ca_file.c_str();
  impl->ctx = lws_create_context(&info);
  if (!impl->ctx) return Error{ErrorCode::internal, "error.net.init", "Cannot start the WebSocket client", "", ""};

  lws_client_connect_info cc{};
  cc.context = impl->ctx;
  cc.address = url.host.c_str();
  cc.port = url.port;
  cc.path = url.path.c_str();
  cc.host = url.host.c_str();
  // The origin with its port: a server that checks Origin against the names and port it serves
  // (domoguardd does) sees this client as its own.
  impl->origin = (url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host) + ":" + std::to_string(url.port);
  cc.origin = impl->origin.c_str();
  cc.ssl_connection = url.tls ? LCCSCF_USE_SSL : 0;  // verification of chain and host name stays on
  cc.local_protocol_name = kProtocols[0].name;
  cc.pwsi = &impl->wsi;
  if (!lws_client_connect_via_info(&cc) && !impl->wsi) {
    // The error callback has already said why, where it could.
    std::lock_guard lock(impl->m);
    if (impl->state != Impl::State::closed)
      impl->error = Error{ErrorCode::unreachable, "error.net.refused",
                          "Cannot connect to " + url.host + ":" + std::to_string(url.port), "", "",
                          {{"host", url.host + ":" + std::to_string(url.port)}, {"detail", ""}}};
    impl->state = Impl::State::closed;
  }
  Impl* raw = impl.get();
  impl->service = std::thread([raw] {
    while (!raw->stop.load()) lws_service(raw->ctx, 0);
  });

  std::unique_lock lock(impl->m);
  const bool done = impl->cv.wait_for(lock, std::chrono::milliseconds(opts.connect_timeout_ms),
                                      [&] { return impl->state != Impl::State::connecting; });
  Error err;
  bool ok = done && impl->state == Impl::State::open;
  if (!ok)
    err = done ? impl->error
               : Error{ErrorCode::unreachable, "error.net.timeout",
                       "No answer from " + url.host + ":" + std::to_string(url.port) + " within " +
                           std::to_string(opts.connect_timeout_ms / 1000) + " s",
                       "", "",
                       {{"host", url.host + ":" + std::to_string(url.port)},
                        {"seconds", std::to_string(opts.connect_timeout_ms / 1000)}}};
  lock.unlock();
  std::unique_ptr<WsClient> client(new WsClient(std::move(impl)));
  if (!ok) return err;
  return client;
}

bool WsClient::open() const {
  std::lock_guard lock(impl_->m);
  return impl_->state == Impl::State::open;
}

Result<bool> WsClient::send(std::string text) {
  {
    std::lock_guard lock(impl_->m);
    if (impl_->state != Impl::State::open) return impl_->error;
    impl_->outbox.push_back(std::move(text));
  }
  lws_cancel_service(impl_->ctx);
  return true;
}

Result<std::optional<std::string>> WsClient::receive(int timeout_ms) {
  std::unique_lock lock(impl_->m);
  impl_->cv.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                     [&] { return !impl_->inbox.empty() || impl_->state == Impl::State::closed; });
  if (!impl_->inbox.empty()) {
    std::string msg = std::move(impl_->inbox.front());
    impl_->inbox.pop_front();
    return std::optional<std::string>(std::move(msg));
  }
  if (impl_->state == Impl::State::closed) return impl_->error;
  return std::optional<std::string>();
}

void WsClient::close() {
  if (!impl_ || !impl_->ctx) return;
  {
    std::lock_guard lock(impl_->m);
    impl_->want_close = true;
  }
  lws_cancel_service(impl_->ctx);
  // Give the close frame a moment to go out, then stop the service loop.
  for (int i = 0; i < 20; ++i) {
    {
      std::lock_guard lock(impl_->m);
      if (impl_->state == Impl::State::closed || !impl_->wsi) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  impl_->stop = true;
  lws_cancel_service(impl_->ctx);
  if (impl_->service.joinable()) impl_->service.join();
  lws_context_destroy(impl_->ctx);
  impl_->ctx = nullptr;
  std::lock_guard lock(impl_->m);
  if (impl_->state != Impl::State::closed) {
    impl_->state = Impl::State::closed;
    impl_->error = Error{ErrorCode::unreachable, "error.net.closed", "The connection was closed", "", ""};
  }
}

}  // namespace domoguard::net
