// The one apply path (api/changes) as every host uses it through api::Service: a plan cut off in the
// middle is rolled back at the next start and said so; an empty plan is not journalled.
#include <unistd.h>

#include <atomic>
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <filesystem>

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
