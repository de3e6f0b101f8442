// Fuzzes the domoguard/* command surface every front end goes through (daemon WebSocket, HA's
// WebSocket, the Python binding): api::Service::handle on arbitrary request text, against the demo
// home with an in-memory hub, so plans are compiled, applied and undone as they would be.
//
// One input is a short session: up to kMaxRequests requests separated by the byte 0x1E (which no
// JSON text holds unescaped), answered in order, so sequences such as apply, journal, undo reach the
// states they lead to. Every input starts from the same state (a crash depends on its own input
// only): one service answers inputs that only read, and is replaced by a fresh one after any input
// that may have changed something (a verb outside kReadOnly). A fresh service starts from a copy of
// the demo home loaded once, audited as a host would.
//
// The home is the demo home cut down to one device of each kind (with their entities; the hub, users,
// automations, tokens and the rest kept whole): the surface's paths do not depend on how many devices
// a home has, and each audit an input causes then costs a sixth of the whole demo home's, so a
// campaign reaches its executions in hours rather than days. fuzz_storage and fuzz_replies cover
// homes of every size.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <string_view>

#include <boost/json.hpp>

#include "api/service.hpp"
#include "app/source.hpp"
#include "audit/classify.hpp"
#include "policy/model_port.hpp"

namespace {
namespace dg = domoguard;

// Verbs that only read the service's state (api/verbs.cpp: no "changes", no "names_user", not
// host-only); any other verb may change the home, the journal, the settings or the holds.
const std::set<std::string_view> kReadOnly = {"status",  "audit",    "device", "catalog", "explain", "history", "journal",
                                              "plan",    "notice",   "settings", "verbs", "hold",    "accepted"};

const dg::model::Home& demo_home() {
  static const dg::model::Home home = [] {
    auto h = dg::app::load_demo();
    if (!h) __builtin_trap();
    dg::model::Home small = *h;
    dg::audit::classify(*h);  // only to know each device's kind: the service classifies its own copy
    std::set<dg::model::DeviceType> seen;
    std::set<std::string> keep;
    for (const auto& d : h->devices)
      if (seen.insert(d.type).second) keep.insert(d.id);
    std::erase_if(small.devices, [&](const dg::model::Device& d) { return !keep.count(d.id); });
    std::erase_if(small.entities,
                  [&](const dg::model::Entity& e) { return !e.device_id.empty() && !keep.count(e.device_id); });
    small.index();
    return small;
  }();
  return home;
}

std::unique_ptr<dg::api::Service> make_service() {
  dg::api::ServiceOptions o{"", "en", [](dg::model::Home& h) -> dg::Result<std::unique_ptr<dg::policy::HubPort>> {
                              return std::unique_ptr<dg::policy::HubPort>(new dg::policy::ModelPort(h));
                            }};
  auto created = dg::api::Service::create(o);
  if (!created || !(*created)->set_home(demo_home(), "demo")) __builtin_trap();
  return std::move(*created);
}

// Whether the service may have changed answering this request: its verb is not a read-only one,
// and it was not refused as a bad request (the service checks a request before it changes
// anything: those refusals leave everything as it was, and they are most of what a fuzzer sends).
bool refused_unchanged(const std::string& answer) {
  boost::system::error_code ec;
  auto v = boost::json::parse(answer, ec);
  if (ec || !v.is_object()) return false;
  const auto* ok = v.as_object().if_contains("success");
  if (!ok || !ok->is_bool() || ok->as_bool()) return false;
  const auto* err = v.as_object().if_contains("error");
  const auto* code = err && err->is_object() ? err->as_object().if_contains("code") : nullptr;
  if (!code || !code->is_string()) return false;
  static const std::set<std::string_view> before_any_change = {"invalid_format", "unknown_command", "not_found",
                                                               "not_ready",      "not_supported",   "conflict"};
  return before_any_change.count(std::string_view(code->as_string().data(), code->as_string().size())) > 0;
}

// Whether the request names a verb outside kReadOnly.
bool changing_verb(const std::string& request) {
  boost::system::error_code ec;
  boost::json::parse_options po;
  po.max_depth = 16;  // as Service::handle reads requests: deeper ones are refused unread
  auto v = boost::json::parse(request, ec, {}, po);
  if (ec || !v.is_object()) return false;
  const auto* type = v.as_object().if_contains("type");
  if (!type || !type->is_string()) return false;
  std::string_view t(type->as_string().data(), type->as_string().size());
  if (t.substr(0, 10) != "domoguard/") return false;
  return !kReadOnly.count(t.substr(10));
}

bool may_change(const std::string& request, const std::string& answer) {
  if (!changing_verb(request)) return false;
  return !refused_unchanged(answer);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  constexpr std::size_t kMaxRequests = 8;
  static std::unique_ptr<dg::api::Service> service;
  if (!service) service = make_service();
  std::string_view in(reinterpret_cast<const char*>(data), size);
  bool changed = false;
  for (std::size_t n = 0; n < kMaxRequests; ++n) {
    const auto sep = in.find('\x1e');
    const std::string request(in.substr(0, sep));
    const std::string answer = service->handle(request);
    // Every request gets a JSON object back, one that a front end can read (no number JSON cannot write).
    boost::system::error_code ec;
    const auto reply = boost::json::parse(answer, ec);
    if (ec || !reply.is_object()) __builtin_trap();
    changed = changed || may_change(request, answer);
    if (sep == std::string_view::npos) break;
    in.remove_prefix(sep + 1);
  }
  if (changed) service.reset();  // the next input starts from the demo home again
  return 0;
}
