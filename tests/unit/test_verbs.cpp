// The verb table (api/verbs.cpp) is the API: every verb in it is answered by a function of its own,
// nothing outside it is, and the panel's typed calls (ui-panel/src/api.ts) use only its verbs and
// parameters. The integration's WebSocket schemas are checked against the same table by
// bindings/homeassistant/tests/test_manifest.py (through domoguard/verbs).
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "api/service.hpp"
#include "api/verbs.hpp"
#include "app/source.hpp"
#include "policy/model_port.hpp"

using namespace domoguard;
namespace json = boost::json;

namespace {
std::unique_ptr<api::Service> demo() {
  api::ServiceOptions o{"", "en"};
  o.port = [](model::Home& home) -> Result<std::unique_ptr<policy::HubPort>> {
    return std::unique_ptr<policy::HubPort>(new policy::ModelPort(home));
  };
  auto s = api::Service::create(o);
  REQUIRE(s);
  auto home = app::load_demo();
  REQUIRE(home);
  REQUIRE((*s)->set_home(std::move(*home), "demo"));
  return std::move(*s);
}
}  // namespace

TEST_CASE("every verb of the table is answered, and nothing else is", "[api][verbs]") {
  auto service = demo();
  std::set<std::string> names;
  for (const auto& v : api::verb_table()) {
    INFO(v.name);
    CHECK(names.insert(std::string(v.name)).second);  // no verb twice
    auto reply = json::parse(service->handle(json::serialize(json::object{{"type", "domoguard/" + std::string(v.name)}})));
    // Missing parameters may be refused, but never as an unknown command.
    if (!reply.at("success").as_bool()) CHECK(reply.at("error").at("code").as_string() != "unknown_command");
  }
  auto unknown = json::parse(service->handle(R"({"type":"domoguard/nonsense"})"));
  CHECK(unknown.at("error").at("code").as_string() == "unknown_command");
  auto bare = json::parse(service->handle(R"({"type":"status"})"));
  CHECK(bare.at("error").at("code").as_string() == "unknown_command");

  auto table = json::parse(service->handle(R"({"type":"domoguard/verbs"})")).at("result").as_array();
  CHECK(table.size() == api::verb_table().size());
  CHECK(json::parse(api::verbs_json()) == json::value(table));
  for (const auto& v : table) {
    const auto& o = v.as_object();
    CHECK((o.at("caller").as_string() == "admin" || o.at("caller").as_string() == "anyone"));
    for (const auto& p : o.at("params").as_array()) {
      const auto t = p.at("type").as_string();
      CHECK((t == "string" || t == "integer" || t == "boolean" || t == "string_list" || t == "object"));
    }
  }
}

TEST_CASE("the panel's typed calls use only the table's verbs and parameters", "[api][verbs][panel]") {
  std::ifstream f(std::string(DG_SOURCE_DIR) + "/ui-panel/src/api.ts");
  REQUIRE(f);
  std::stringstream ss;
  ss << f.rdbuf();
  const std::string ts = ss.str();
  // this.call<T>("verb") or this.call<T>("verb", { field, field: value, ...this.who() })
  const std::regex call(R"re(this\.call<[^>]*>\("([a-z/_]+)"(?:,\s*\{([^}]*)\})?)re");
  int calls = 0;
  for (auto it = std::sregex_iterator(ts.begin(), ts.end(), call); it != std::sregex_iterator(); ++it) {
    ++calls;
    const std::string verb = (*it)[1];
    INFO("api.ts calls " << verb);
    const auto* spec = api::find_verb(verb);
    REQUIRE(spec != nullptr);
    CHECK_FALSE(spec->host_only);
    std::string fields = (*it)[2];
    if (fields.find("this.who()") != std::string::npos || fields.find("...who") != std::string::npos) CHECK(spec->names_user);
    // Field names: "name" alone (shorthand) or "name: value"; spreads (...x) are checked above.
    std::stringstream parts(fields);
    std::string part;
    while (std::getline(parts, part, ',')) {
      const auto start = part.find_first_not_of(" \t\n");
      if (start == std::string::npos || part.compare(start, 3, "...") == 0) continue;
      const std::string name = part.substr(start, part.find_first_of(": \t\n}", start) - start);
      if (name.empty()) continue;
      INFO("field " << name);
      bool known = false;
      for (const auto& p : spec->params) known |= p.name == name;
      CHECK(known);
    }
  }
  CHECK(calls >= 10);
}
