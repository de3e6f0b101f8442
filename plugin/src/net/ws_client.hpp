// A WebSocket client (libwebsockets + OpenSSL) with a blocking, thread-safe interface:
// send text, receive whole messages with a timeout. TLS certificates are verified by default.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "util/result.hpp"

namespace domoguard::net {

struct Url {
  bool tls = false;
  std::string host;
  int port = 0;
  std::string path = "/";
};

// Parses ws://, wss://, http:// and https:// URLs (http(s) map to ws(s)). Bad URLs are errors.
Result<Url> parse_url(const std::string& text);
// True for 127.0.0.0/8, ::1 and "localhost".
bool is_loopback(const std::string& host);

struct WsOptions {
  std::string ca_file;                       // extra CA bundle; system CAs are used as well
  size_t max_message = 64u << 20;            // a larger incoming message closes the connection
  size_t max_queue = 4096;                   // incoming messages waiting to be read
  int connect_timeout_ms = 10000;
};

class WsClient {
 public:
  // Connects and completes the WebSocket upgrade (and TLS handshake). Errors carry
  // ErrorCode::unreachable with keys error.net.refused / error.net.tls / error.net.timeout.
  static Result<std::unique_ptr<WsClient>> connect(const Url& url, const WsOptions& opts = {});
  ~WsClient();
  WsClient(const WsClient&) = delete;
  WsClient& operator=(const WsClient&) = delete;

  // Queues one text message; fails once the connection is closed.
  Result<bool> send(std::string text);
  // The next whole message, or nullopt after timeout_ms. An Error once the connection closed.
  Result<std::optional<std::string>> receive(int timeout_ms);
  bool open() const;
  void close();

  struct Impl;

 private:
  explicit WsClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace domoguard::net
