// domoguardd's HTTP + WebSocket server (libwebsockets), one port: the panel's static files and the
// domoguard/* JSON API over WebSocket. In add-on mode only the ingress proxy and loopback may connect.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "api/service.hpp"
#include "util/result.hpp"

namespace domoguard::daemon {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8099;                           // 0 = the kernel picks one (tests)
  std::vector<std::string> allowed_peers;    // empty = anyone who can reach the address
  std::string panel_dir;                     // ui-panel build output; "" = a plain status page
};

class Server {
 public:
  static Result<std::unique_ptr<Server>> start(const ServerOptions& opts, api::Service& service);
  ~Server();
  int port() const { return port_; }
  void stop();

  struct Impl;

 private:
  Server() = default;
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
};

// True when the peer address may connect (loopback is always allowed).
bool peer_allowed(const std::string& peer, const std::vector<std::string>& allowed);
// The X-Ingress-Path value when it has the form the ingress proxy sends, else "".
std::string valid_ingress_path(const std::string& value);
// Whether a WebSocket upgrade may proceed: no Origin (a program), an Origin naming the Host the request
// went to (the daemon's own page), or a request through the ingress proxy (a valid X-Ingress-Path).
bool origin_allowed(const std::string& origin, const std::string& host, const std::string& ingress_path);
// Resolves a request path under root, refusing anything that escapes it; "" when refused.
std::string static_file(const std::string& root, const std::string& request_path);

}  // namespace domoguard::daemon
