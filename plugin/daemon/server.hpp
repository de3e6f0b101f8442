// domoguardd's HTTP + WebSocket server (libwebsockets), one port: the panel's static files and the
// domoguard/* JSON API over WebSocket. In add-on mode only the ingress proxy and loopback may connect.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
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
  std::vector<std::string> allowed_hosts;    // Host names served besides loopback and the --listen address
  std::string ingress_peer;                  // add-on mode: the ingress proxy's address ("" = no ingress)
};

// The Host names the daemon serves. A browser sends the name it resolved in Host and Origin; a page
// that rebinds its own name to 127.0.0.1 can reach the daemon, but only under that name, so refusing
// every name the daemon does not serve closes that door (DNS rebinding).
struct HostPolicy {
  int port = 0;                    // the port served: an Origin on a loopback name must name it
  std::vector<std::string> names;  // besides loopback names and addresses: --listen, --allow-host, interfaces
};
// The policy for a server on listen_host:port; a wildcard listen address adds this machine's addresses.
HostPolicy host_policy(const std::string& listen_host, int port, const std::vector<std::string>& extra);

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
// The lower-case name of a Host header value or URL authority ("[::1]:8099" gives "::1"); "" when malformed.
std::string host_name_of(const std::string& authority);
// Whether a request with this Host header may be answered (loopback names and addresses, or a policy name).
bool host_allowed(const std::string& host, const HostPolicy& policy);
// Whether a WebSocket upgrade may proceed: no Origin (a program, not a browser), or an Origin whose
// host is one the daemon serves (on a loopback name, with the port served). Requests through the
// ingress proxy are checked by the caller, not here.
bool origin_allowed(const std::string& origin, const HostPolicy& policy);
// One WebSocket API client's incoming data as libwebsockets hands it over (libwebsockets parses and
// unmasks the frames; this is everything the daemon does with them): pieces of a message gathered up
// to api::max_request_bytes, then each whole message sorted for the worker.
class Inbound {
 public:
  enum class Step { more, too_large, message };
  // One piece; last = the final fragment of a message with no payload left in its frame. A message
  // over the limit is refused before it is copied (the connection is then closed).
  Step add(std::string_view piece, bool last);
  // The message completed by the last add() that returned Step::message.
  std::string take();

 private:
  std::string partial_;
  std::string done_;
};

// A whole request, sorted: a status request (answered from the worker's last status while the worker
// is busy, under the request's id) or a job for the worker, with "user" set to the person Home
// Assistant's ingress proxy named (user != nullptr) whatever the page wrote.
struct Request {
  bool status = false;
  std::string status_id;  // the request's "id" as JSON ("" = none), for with_id
  std::string text;       // what the worker is handed
};
Request sort_request(std::string text, const std::string* user);
// A status answer made earlier, given this request's id (JSON text; "" = no id).
std::string with_id(const std::string& answer, const std::string& id_json);
// The request with "user" set to who, as clean text of at most kMaxUserChars characters (requests
// that are not JSON objects pass unchanged: the service answers them with its own error).
inline constexpr std::size_t kMaxUserChars = 200;
std::string with_user(const std::string& request, const std::string& who);

// Resolves a request path under root, refusing anything that escapes it; "" when refused.
std::string static_file(const std::string& root, const std::string& request_path);

}  // namespace domoguard::daemon
