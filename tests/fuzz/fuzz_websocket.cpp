// Fuzzes what domoguardd does with WebSocket traffic from a browser or a program (daemon/server.cpp).
// libwebsockets (a system library, not instrumented here) parses the HTTP upgrade and the frames and
// unmasks them; the daemon's own code on top of it is fuzzed here, fed the way lws feeds it:
//   - the upgrade's headers: Host, Origin and X-Ingress-Path, and the peer's address, through the
//     same checks that refuse a rebound name, a foreign page or a forged ingress path;
//   - the frames' payloads, piece by piece with lws's "final fragment, nothing left" flag, through
//     the message assembly (bounded by api::max_request_bytes) and the sorting of each request
//     (status from the cache with the request's id, the ingress user forced into every job).
// Input: five header lines (Host, Origin, X-Ingress-Path, peer, ingress user; "-" = none), a blank
// line, then pieces: a flag byte (bit 0: last piece of a message, bit 1: the piece repeated 1,024
// times, to reach the size limit), a 2-byte little-endian length, the bytes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <boost/json.hpp>

#include "../../plugin/daemon/server.hpp"
#include "util/text.hpp"

namespace {
namespace d = domoguard::daemon;

void check(bool ok) {
  if (!ok) __builtin_trap();
}

std::string_view line(std::string_view& in) {
  const auto nl = in.find('\n');
  std::string_view l = in.substr(0, nl);
  in.remove_prefix(nl == std::string_view::npos ? in.size() : nl + 1);
  return l;
}

const boost::json::object* as_object(const std::string& text, boost::json::value& keep) {
  boost::system::error_code ec;
  boost::json::parse_options po;
  po.max_depth = 16;  // as the daemon and the service read requests
  keep = boost::json::parse(text, ec, {}, po);
  return !ec && keep.is_object() ? &keep.as_object() : nullptr;
}

void headers(std::string_view& in, std::string& user, bool& has_user) {
  static const d::HostPolicy policy = d::host_policy("127.0.0.1", 8099, {"domoguard.lan", "192.168.1.5:8099"});
  const std::string host(line(in)), origin(line(in)), ingress(line(in)), peer(line(in));
  user = std::string(line(in));
  has_user = user != "-";
  if (!in.empty() && in.front() == '\n') in.remove_prefix(1);

  const std::string name = d::host_name_of(host);
  if (d::host_allowed(host, policy)) {
    check(!name.empty());
    check(name.find_first_of("/@ \t\r\n") == std::string::npos);
  }
  if (!origin.empty() && d::origin_allowed(origin, policy)) {
    // Only an http(s) origin naming a served host, with nothing after the authority.
    const auto slashes = origin.find("//");
    check(slashes != std::string::npos);
    const std::string rest = origin.substr(slashes + 2);
    check(rest.find_first_of("/@") == std::string::npos);
    check(d::host_allowed(rest, policy));
  }
  const std::string path = d::valid_ingress_path(ingress);
  check(path.empty() || path == ingress);
  (void)d::peer_allowed(peer, {"172.30.32.2"});
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::string user;
  bool has_user = false;
  headers(in, user, has_user);

  static const std::string status_answer = R"({"type":"result","success":true,"id":0,"result":{"state":"idle"}})";
  d::Inbound inbound;
  std::string model;  // the message being gathered, as the daemon should see it
  bool closed = false;
  while (in.size() >= 3 && !closed) {
    const auto flags = static_cast<unsigned char>(in[0]);
    std::size_t len = static_cast<unsigned char>(in[1]) | (static_cast<std::size_t>(static_cast<unsigned char>(in[2])) << 8);
    in.remove_prefix(3);
    len = std::min(len, in.size());
    std::string piece(in.substr(0, len));
    in.remove_prefix(len);
    if (flags & 2) {
      std::string big;
      for (int i = 0; i < 1024; ++i) big += piece;
      piece = std::move(big);
    }
    const bool last = flags & 1;
    const auto step = inbound.add(piece, last);
    if (model.size() + piece.size() > domoguard::api::max_request_bytes) {
      check(step == d::Inbound::Step::too_large);
      closed = true;  // the daemon closes the connection with 1009
      break;
    }
    model += piece;
    if (!last) {
      check(step == d::Inbound::Step::more);
      continue;
    }
    check(step == d::Inbound::Step::message);
    std::string message = inbound.take();
    check(message == model);
    model.clear();

    const d::Request req = d::sort_request(message, has_user ? &user : nullptr);
    boost::json::value keep;
    const auto* obj = as_object(req.text, keep);
    if (has_user && obj) {
      // Behind ingress, the person is the one the proxy named, whatever the request said.
      const auto* u = obj->if_contains("user");
      check(u && u->is_string() && u->as_string() == domoguard::util::clean_text(user, d::kMaxUserChars));
    }
    // A request that was a JSON object stays one, whoever the proxy named.
    boost::json::value was;
    if (as_object(message, was)) check(obj != nullptr);
    if (!has_user) check(req.text == message);
    if (req.status) {
      check(obj && obj->if_contains("type") && obj->at("type") == "domoguard/status");
      const std::string answer = d::with_id(status_answer, req.status_id);
      boost::json::value kept;
      const auto* a = as_object(answer, kept);
      check(a != nullptr);
      if (req.status_id.empty()) check(!a->if_contains("id"));
      else check(a->if_contains("id") && boost::json::serialize(a->at("id")) == req.status_id);
    }
  }
  return 0;
}
