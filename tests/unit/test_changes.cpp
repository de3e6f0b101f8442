// The one apply path (api/changes) as every host uses it through api::Service: a plan cut off in the
// middle is rolled back at the next start and said so; an empty plan is not journalled.
#include <unistd.h>

#include <atomic>
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <filesystem>
#include <map>

#include "api/service.hpp"
#include "app/source.hpp"
#include "policy/model_port.hpp"
#include "store/eventlog.hpp"

using namespace domoguard;
namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

// The in-memory hub, which goes away (every call unreachable) after `writes_left` accepted writes:
// the plan is cut off as by a crash, with the journal saying what was done.
struct VanishingPort : policy::HubPort {
  VanishingPort(model::Home& home, std::atomic<int>& writes_left) : model(home), left(writes_left) {}
  Result<std::string> read(const policy::PlanAction& a) override {
    if (left.load() < 0) return gone();
    return model.read(a);
  }
  Result<bool> write(const policy::PlanAction& a, const std::string& v) override {
    if (left.fetch_sub(1) <= 0) return gone();
    return model.write(a, v);
  }
  static Error gone() { return Error{ErrorCode::unreachable, "error.test.gone", "the hub went away", "", ""}; }
  policy::ModelPort model;
  std::atomic<int>& left;
};

json::object call(api::Service& s, const std::string& request) { return json::parse(s.handle(request)).as_object(); }

struct TempDb {
  fs::path path = fs::temp_directory_path() / ("dg-changes-" + std::to_string(::getpid()) + ".db");
  TempDb() { fs::remove(path); }
  ~TempDb() {
    for (const char* ext : {"", "-wal", "-shm", ".eventlog.key"}) fs::remove(path.string() + ext);
  }
};

}  // namespace

TEST_CASE("a plan cut off mid-apply is rolled back at start, said so, and undo then undoes the right plan",
          "[changes][api][apply]") {
  TempDb db;
  std::atomic<int> writes_left{1000};
  api::ServiceOptions o{db.path.string(), "en"};
  o.port = [&writes_left](model::Home& home) -> Result<std::unique_ptr<policy::HubPort>> {
    return std::unique_ptr<policy::HubPort>(new VanishingPort(home, writes_left));
  };
  auto created = api::Service::create(o);
  REQUIRE(created);
  auto& service = **created;
  auto home = app::load_demo();
  REQUIRE(home);
  REQUIRE(service.set_home(std::move(*home), "demo"));

  // First an ordinary plan, fully applied.
  auto first = call(service, R"({"type":"domoguard/apply","selector":["--level","strict","--category","hub"]})");
  REQUIRE(first.at("success").as_bool());
  REQUIRE(first.at("result").at("ok").as_bool());
  const int64_t first_id = first.at("result").at("journal_id").as_int64();
  const auto audit_before = call(service, R"({"type":"domoguard/audit"})").at("result").at("findings").as_array().size();

  // Then child-safe mode, cut off after its second change reached the hub.
  writes_left = 2;
  auto cut = call(service, R"({"type":"domoguard/apply","selector":["--child-safe","on"]})");
  REQUIRE(cut.at("success").as_bool());
  CHECK_FALSE(cut.at("result").at("ok").as_bool());
  const int64_t cut_id = cut.at("result").at("journal_id").as_int64();
  auto journal = call(service, R"({"type":"domoguard/journal"})").at("result").as_array();
  REQUIRE(journal.front().at("journal_id").as_int64() == cut_id);
  CHECK(journal.front().at("state").as_string() == "applying");

  // The hub is back; the host starts over and recovers first.
  writes_left = 1000;
  auto rec = call(service, R"({"type":"domoguard/recover","lang":"de"})");
  REQUIRE(rec.at("success").as_bool());
  REQUIRE(rec.at("result").at("recovered").as_array().size() == 1);
  CHECK(rec.at("result").at("recovered").as_array().front().as_int64() == cut_id);
  CHECK(rec.at("result").at("message").as_string().find(std::to_string(cut_id)) != json::string::npos);
  CHECK(rec.at("result").at("message").as_string().find("zurückgenommen") != json::string::npos);
  journal = call(service, R"({"type":"domoguard/journal"})").at("result").as_array();
  CHECK(journal.front().at("state").as_string() == "rolled_back");
  // Once only: a second start finds nothing left to roll back.
  CHECK(call(service, R"({"type":"domoguard/recover"})").at("result").at("recovered").as_array().empty());

  // The home is as the first plan left it, the settings say child-safe is off, and undo undoes the first plan.
  CHECK(call(service, R"({"type":"domoguard/audit"})").at("result").at("findings").as_array().size() == audit_before);
  CHECK_FALSE(call(service, R"({"type":"domoguard/settings"})").at("result").at("child_safe").at("on").as_bool());
  auto undone = call(service, R"({"type":"domoguard/undo"})");
  REQUIRE(undone.at("success").as_bool());
  CHECK(undone.at("result").at("ok").as_bool());
  auto entry = call(service, R"({"type":"domoguard/journal"})").at("result").as_array();
  bool first_undone = false;
  for (const auto& e : entry)
    if (e.at("journal_id").as_int64() == first_id) first_undone = e.at("state").as_string() == "undone";
  CHECK(first_undone);

  // The event log has the rollback.
  auto log = store::EventLog::open(db.path.string());
  REQUIRE(log);
  auto events = (*log)->page(0, 1000);
  REQUIRE(events);
  bool logged = false;
  for (const auto& e : *events) logged |= e.kind == "plan_recovered" && e.subject == "journal:" + std::to_string(cut_id);
  CHECK(logged);
}

TEST_CASE("an empty plan is not journalled and offers nothing to undo", "[changes][apply]") {
  auto created = api::Service::create({"", "en"});
  REQUIRE(created);
  auto home = app::load_demo();
  REQUIRE(home);
  model::Home copy = *home;
  REQUIRE((*created)->set_home(std::move(*home), "demo"));
  auto journal = store::Journal::open(":memory:");
  REQUIRE(journal);
  api::Changes changes(**journal, "");
  policy::ModelPort port(copy);
  policy::Plan empty;
  empty.kind = "level";
  empty.selector = "level=strict;category=cameras_video";
  auto c = changes.apply(empty, port, {});
  REQUIRE(c);
  CHECK(c->result.ok);
  CHECK(c->result.nothing_to_change);
  CHECK(c->result.journal_id == 0);
  auto latest = (*journal)->latest_undoable("");
  REQUIRE(latest);
  CHECK_FALSE(latest->has_value());
  auto recent = (*journal)->recent(10);
  REQUIRE(recent);
  CHECK(recent->empty());
}

TEST_CASE("apply takes the plan a person reviewed, refuses it altered, and undo takes a plan id", "[changes][apply][api]") {
  api::ServiceOptions o{"", "en"};
  o.port = [](model::Home& home) -> Result<std::unique_ptr<policy::HubPort>> {
    return std::unique_ptr<policy::HubPort>(new policy::ModelPort(home));
  };
  auto created = api::Service::create(o);
  REQUIRE(created);
  auto& service = **created;
  auto home = app::load_demo();
  REQUIRE(home);
  REQUIRE(service.set_home(std::move(*home), "demo"));
  auto result_of = [&](const json::object& req) {
    auto reply = call(service, json::serialize(req));
    INFO(json::serialize(reply).substr(0, 400));
    REQUIRE(reply.at("success").as_bool());
    return reply.at("result").as_object();
  };
  auto error_of = [&](const json::object& req) {
    auto reply = call(service, json::serialize(req));
    INFO(json::serialize(reply).substr(0, 400));
    REQUIRE_FALSE(reply.at("success").as_bool());
    return reply.at("error").as_object();
  };
  // What a person reviewed: the plan's reply, as `domoguard plan --format json` prints it.
  const auto reviewed = result_of({{"type", "domoguard/plan"}, {"selector", json::array{"--level", "strict"}}});
  REQUIRE(reviewed.at("actions").as_array().size() >= 2);
  const std::string id(reviewed.at("id").as_string());

  // Shown again as apply would carry it out: the same changes, the same id.
  const auto shown = result_of({{"type", "domoguard/plan"}, {"plan", reviewed}});
  CHECK(shown.at("id") == reviewed.at("id"));
  CHECK(shown.at("actions").as_array().size() == reviewed.at("actions").as_array().size());

  // Altered after review (one value, one action more or fewer, another id): refused, nothing done.
  json::object changed_value = reviewed;
  changed_value["actions"].as_array()[0].as_object()["after"] = "something else";
  json::object one_less = reviewed;
  one_less["actions"].as_array().pop_back();
  json::object other_id = reviewed;
  other_id["id"] = std::string(64, 'a');
  for (const auto& bad : {changed_value, one_less, other_id}) {
    for (const char* verb : {"domoguard/plan", "domoguard/apply"}) {
      auto e = error_of({{"type", verb}, {"plan", bad}});
      CHECK(e.at("code").as_string() == "conflict");
      CHECK(e.at("key").as_string() == "error.api.plan_changed");
    }
  }
  CHECK(call(service, R"({"type":"domoguard/journal"})").at("result").as_array().empty());
  // A plan and a selector at once, an unknown action kind, a timeout out of range: refused too.
  CHECK(error_of({{"type", "domoguard/apply"}, {"plan", reviewed}, {"selector", json::array{"--level", "strict"}}})
            .at("code")
            .as_string() == "invalid_format");
  json::object unknown_kind = reviewed;
  unknown_kind.erase("id");
  unknown_kind["actions"].as_array()[0].as_object()["kind"] = "format_disk";
  CHECK(error_of({{"type", "domoguard/apply"}, {"plan", unknown_kind}}).at("key").as_string() == "error.plan.file");
  CHECK(error_of({{"type", "domoguard/apply"}, {"plan", reviewed}, {"verify_timeout_ms", -1}}).at("key").as_string() ==
        "error.api.verify_timeout");
  // A selector with the id of another plan: the home changed since the preview, so nothing is applied.
  CHECK(error_of({{"type", "domoguard/apply"}, {"selector", json::array{"--level", "basic"}}, {"plan_id", id}})
            .at("key")
            .as_string() == "error.api.plan_changed");
  CHECK(call(service, R"({"type":"domoguard/journal"})").at("result").as_array().empty());

  // The reviewed plan itself is applied, as it is.
  const auto applied = result_of({{"type", "domoguard/apply"}, {"plan", reviewed}, {"verify_timeout_ms", 0}, {"user", "Alex"}});
  CHECK(applied.at("ok").as_bool());
  CHECK(applied.at("plan").at("id") == reviewed.at("id"));
  CHECK(applied.at("steps").as_array().size() == reviewed.at("actions").as_array().size());
  CHECK(applied.at("error_key").as_string().empty());
  for (const auto& s : applied.at("steps").as_array()) CHECK_FALSE(s.at("message").as_string().empty());
  const auto journal_id = applied.at("journal_id").as_int64();
  REQUIRE(journal_id > 0);

  // A second plan on top, then undo by the first plan's id (a prefix will do): that entry is undone.
  REQUIRE(result_of({{"type", "domoguard/apply"}, {"selector", json::array{"--child-safe", "on"}}}).at("ok").as_bool());
  CHECK(error_of({{"type", "domoguard/undo"}, {"plan_id", "feedfacefeedface"}}).at("key").as_string() ==
        "error.api.no_plan_to_undo");
  const auto undone = result_of({{"type", "domoguard/undo"}, {"plan_id", id.substr(0, 12)}, {"user", "Alex"}});
  CHECK(undone.at("ok").as_bool());
  REQUIRE(undone.contains("undo_plan"));
  CHECK(undone.at("undo_plan").at("kind").as_string() == "undo");
  CHECK(undone.at("undo_plan").at("actions").as_array().size() == undone.at("steps").as_array().size());
  std::map<int64_t, std::string> states;
  const auto listed = call(service, R"({"type":"domoguard/journal"})");
  for (const auto& e : listed.at("result").as_array())
    states[e.at("journal_id").as_int64()] = std::string(e.at("state").as_string());
  CHECK(states[journal_id] == "undone");
  CHECK(states[journal_id + 1] == "applied");   // child-safe mode is still on
  // Nothing of that plan is left to undo now.
  CHECK(error_of({{"type", "domoguard/undo"}, {"plan_id", id}}).at("key").as_string() == "error.api.no_plan_to_undo");
}
