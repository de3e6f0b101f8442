// Fuzzes the domoguard/* command surface every front end goes through (daemon WebSocket, HA's
// WebSocket, the Python binding): api::Service::handle on arbitrary request text, against the demo
// home with an in-memory hub, so plans are compiled, applied and undone as they would be.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "api/service.hpp"
#include "app/source.hpp"
#include "policy/model_port.hpp"

namespace {
std::unique_ptr<domoguard::api::Service> make_service() {
  domoguard::api::ServiceOptions o{"", "en", [](domoguard::model::Home& h)
                                                   -> domoguard::Result<std::unique_ptr<domoguard::policy::HubPort>> {
                                       return std::unique_ptr<domoguard::policy::HubPort>(new domoguard::policy::ModelPort(h));
                                     }};
  auto created = domoguard::api::Service::create(o);
  if (!created) __builtin_trap();
  auto home = domoguard::app::load_demo();
  if (!home || !(*created)->set_home(std::move(*home), "demo")) __builtin_trap();
  return std::move(*created);
}

// A fresh service now and then: applied plans pile up in the in-memory journal, and a long
// campaign must not grow without end.
domoguard::api::Service& service() {
  static std::unique_ptr<domoguard::api::Service> s;
  static unsigned uses = 0;
  if (!s || ++uses % 5000 == 0) s = make_service();
  return *s;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string request(reinterpret_cast<const char*>(data), size);
  const std::string answer = service().handle(request);
  if (answer.empty() || answer.front() != '{') __builtin_trap();  // every request gets a JSON object back
  return 0;
}
