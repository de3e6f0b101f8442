// Privacy notices: what they say for the demo home's devices, when their version changes, and
// how acknowledgements follow it.
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <filesystem>

#include "api/service.hpp"
#include "app/source.hpp"
#include "audit/classify.hpp"
#include "notice/notice.hpp"
#include "store/notices.hpp"

using namespace domoguard;
namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

model::Home demo() {
  auto h = app::load_demo();
  REQUIRE(h);
  audit::classify(*h);
  return std::move(*h);
}

const std::vector<notice::Vendor>& vendors() {
  static const auto v = [] {
    auto r = notice::load_vendors();
    REQUIRE(r);
    return *r;
  }();
  return v;
}

model::Device& device_named(model::Home& h, const std::string& name) {
  auto it = std::find_if(h.devices.begin(), h.devices.end(), [&](const model::Device& d) { return d.name == name; });
  REQUIRE(it != h.devices.end());
  return *it;
}

bool has(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

std::string temp_db(const std::string& name) {
  auto d = fs::temp_directory_path() / ("dg-notice-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(d);
  return (d / "state.db").string();
}

}  // namespace

TEST_CASE("notices of the demo home's camera, doorbell, phone and plug", "[notice]") {
  auto h = demo();
  struct Case {
    const char* device;
    std::vector<std::string> senses, not_senses;
    const char* data_path;
    const char* cloud_domain;   // "" when no vendor cloud
  };
  const std::vector<Case> cases = {
      {"Lena's Room Camera", {"video", "children"}, {"energy", "location"}, "cloud", "nest"},
      {"Front Door", {"video", "audio"}, {"energy", "children"}, "cloud", "ring"},
      {"Alex iPhone", {"location", "presence"}, {"video", "audio"}, "local", ""},
      {"Kettle Plug", {"energy"}, {"video", "audio", "location"}, "local", ""},
      {"Driveway Camera", {"video"}, {"children"}, "local", ""},
  };
  for (const auto& c : cases) {
    INFO(c.device);
    const auto n = notice::device_notice(h, device_named(h, c.device), vendors());
    for (const auto& s : c.senses) CHECK(has(n.senses, s));
    for (const auto& s : c.not_senses) CHECK_FALSE(has(n.senses, s));
    CHECK(n.data_path == c.data_path);
    const bool to_cloud = std::any_of(n.destinations.begin(), n.destinations.end(), [&](const notice::Destination& d) {
      return d.kind == "vendor_cloud" && d.domain == c.cloud_domain;
    });
    CHECK(to_cloud == (std::string(c.cloud_domain) != ""));
    CHECK(n.version.size() == 64);
    // Every line is a message key the English catalogue has, so no free text comes from code.
    const locale::Messages msg("en");
    for (const auto& l : notice::lines(n)) CHECK(msg.has(l.key));
    CHECK(notice::text(n, msg).find(c.device) != std::string::npos);
  }
  // The doorbell's cloud names its vendor, policy and source from vendors.json.
  const auto ring = notice::device_notice(h, device_named(h, "Front Door"), vendors());
  REQUIRE_FALSE(ring.destinations.empty());
  CHECK(ring.destinations.front().privacy_policy.rfind("https://", 0) == 0);
  CHECK(ring.destinations.front().source.find("home-assistant.io/integrations/ring") != std::string::npos);
}

TEST_CASE("the home notice summarises every device", "[notice]") {
  auto h = demo();
  const auto hn = notice::home_notice(h, vendors());
  const auto with_notice = std::count_if(h.devices.begin(), h.devices.end(), notice::has_notice);
  CHECK(hn.devices.size() == static_cast<size_t>(with_notice));
  CHECK(hn.devices.size() > 40);
  auto count_of = [&](const std::string& s) {
    for (const auto& [k, v] : hn.sense_counts)
      if (k == s) return v;
    return 0;
  };
  CHECK(count_of("video") >= 4);
  CHECK(count_of("children") >= 1);
  std::vector<std::string> domains;
  for (const auto& d : hn.destinations) domains.push_back(d.domain);
  CHECK(has(domains, "ring"));
  CHECK(has(domains, "nest"));
  CHECK(has(domains, "tuya"));
  const locale::Messages msg("en");
  for (const auto& l : notice::lines(hn)) CHECK(msg.has(l.key));
}

TEST_CASE("a notice's version changes when and only when its content does", "[notice]") {
  auto a = demo();
  auto b = demo();
  const auto& cam_a = device_named(a, "Driveway Camera");
  const auto v0 = notice::device_notice(a, cam_a, vendors()).version;
  const auto home0 = notice::home_notice(a, vendors()).version;

  SECTION("the same home twice gives the same versions") {
    CHECK(notice::device_notice(b, device_named(b, "Driveway Camera"), vendors()).version == v0);
    CHECK(notice::home_notice(b, vendors()).version == home0);
  }
  SECTION("renaming another device, or the device itself, changes nothing") {
    device_named(b, "Kettle Plug").name = "Kitchen Kettle";
    device_named(b, "Driveway Camera").name = "Front Drive Cam";
    b.index();
    CHECK(notice::device_notice(b, device_named(b, "Front Drive Cam"), vendors()).version == v0);
    CHECK(notice::home_notice(b, vendors()).version == home0);
  }
  SECTION("moving the device to a cloud integration changes its notice and the home's") {
    auto& cam = device_named(b, "Driveway Camera");
    const auto* ring = b.integration_by_domain("ring");
    REQUIRE(ring);
    cam.config_entry_ids = {ring->entry_id};
    b.index();
    const auto n = notice::device_notice(b, cam, vendors());
    CHECK(n.version != v0);
    CHECK(n.data_path == "cloud");
    CHECK(notice::home_notice(b, vendors()).version != home0);
    // Another device's notice is untouched.
    CHECK(notice::device_notice(b, device_named(b, "Garden Camera"), vendors()).version ==
          notice::device_notice(a, device_named(a, "Garden Camera"), vendors()).version);
  }
  SECTION("the hub's retention setting changes the notice") {
    b.hub.recorder_keep_days = 30;
    CHECK(notice::device_notice(b, device_named(b, "Driveway Camera"), vendors()).version != v0);
  }
  SECTION("exposing an entity to a cloud assistant changes the notice") {
    auto& cam = device_named(b, "Driveway Camera");
    REQUIRE_FALSE(cam.entities.empty());
    bool changed = false;
    for (auto ix : cam.entities)
      if (!b.entities[ix].disabled && !b.entities[ix].exposure.alexa.value_or(false)) {
        b.entities[ix].exposure.alexa = true;
        changed = true;
        break;
      }
    REQUIRE(changed);
    CHECK(notice::device_notice(b, cam, vendors()).version != v0);
  }
}

TEST_CASE("acknowledgements are stored and a changed notice needs acknowledging again", "[notice]") {
  const auto db = temp_db("store");
  auto store = store::Notices::open(db);
  REQUIRE(store);
  auto& s = **store;
  REQUIRE(s.acknowledge("hub1", "dev1", "v1", "Alex"));
  auto latest = s.latest("hub1", "dev1");
  REQUIRE(latest);
  REQUIRE(latest->has_value());
  CHECK((*latest)->version == "v1");
  CHECK((*latest)->user == "Alex");
  CHECK((*latest)->acked_at.size() == 20);
  CHECK(s.latest_for("hub1", "dev1", "v2")->has_value() == false);
  CHECK(s.latest("hub2", "dev1")->has_value() == false);
  REQUIRE(s.acknowledge("hub1", "dev1", "v2", "Sam"));
  CHECK((*s.latest("hub1", "dev1"))->user == "Sam");
  CHECK(s.latest_for("hub1", "dev1", "v1")->has_value());
  CHECK(s.all("hub1")->size() == 2);
  CHECK((fs::status(db).permissions() & fs::perms::group_all) == fs::perms::none);
  fs::remove_all(fs::path(db).parent_path());
}

TEST_CASE("API: domoguard/notice and domoguard/notice/ack", "[notice]") {
  const auto db = temp_db("api");
  auto svc = api::Service::create({db, "en"});
  REQUIRE(svc);
  auto& service = **svc;
  auto home = demo();
  const std::string cam_id = device_named(home, "Driveway Camera").id;
  REQUIRE(service.set_home(home, "demo"));
  auto call = [&](const json::object& req) {
    auto v = json::parse(service.handle(json::serialize(req)));
    return v.as_object();
  };

  auto r = call({{"type", "domoguard/notice"}, {"device_id", cam_id}});
  REQUIRE(r["success"].as_bool());
  const std::string version(r["result"].as_object()["version"].as_string());
  CHECK(r["result"].as_object()["acknowledgement"].as_object()["needs_ack"].as_bool());
  CHECK(r["result"].as_object()["lines"].as_array().size() > 3);

  auto home_r = call({{"type", "domoguard/notice"}, {"lang", "en"}});
  REQUIRE(home_r["success"].as_bool());
  CHECK(home_r["result"].as_object()["devices"].as_array().size() > 40);

  auto stale = call({{"type", "domoguard/notice/ack"}, {"device_id", cam_id}, {"version", "0000"}, {"user", "Alex"}});
  CHECK_FALSE(stale["success"].as_bool());
  auto no_user = call({{"type", "domoguard/notice/ack"}, {"device_id", cam_id}, {"version", version}});
  CHECK_FALSE(no_user["success"].as_bool());
  auto ack = call({{"type", "domoguard/notice/ack"}, {"device_id", cam_id}, {"version", version}, {"user", "Alex"}});
  REQUIRE(ack["success"].as_bool());
  CHECK_FALSE(ack["result"].as_object()["acknowledgement"].as_object()["needs_ack"].as_bool());
  CHECK(ack["result"].as_object()["acknowledgement"].as_object()["user"].as_string() == "Alex");

  // The camera moves to a cloud integration: its notice changes and needs acknowledging again.
  auto moved = demo();
  auto& cam = device_named(moved, "Driveway Camera");
  cam.config_entry_ids = {moved.integration_by_domain("ring")->entry_id};
  moved.index();
  REQUIRE(service.set_home(moved, "demo"));
  auto after = call({{"type", "domoguard/notice"}, {"device_id", cam_id}});
  REQUIRE(after["success"].as_bool());
  CHECK(after["result"].as_object()["version"].as_string() != version);
  CHECK(after["result"].as_object()["acknowledgement"].as_object()["needs_ack"].as_bool());

  auto unknown = call({{"type", "domoguard/notice"}, {"device_id", "nope"}});
  CHECK_FALSE(unknown["success"].as_bool());
  fs::remove_all(fs::path(db).parent_path());
}

TEST_CASE("vendor data: every entry has a source; malformed data is refused", "[notice]") {
  for (const auto& v : vendors()) {
    INFO(v.domain);
    CHECK_FALSE(v.source.empty());
    CHECK((v.privacy_policy == "unknown" || v.privacy_policy.rfind("https://", 0) == 0));
  }
  CHECK_FALSE(notice::parse_vendors("{", "x"));
  CHECK_FALSE(notice::parse_vendors(R"({"vendors":[{"vendor":"no domain"}]})", "x"));
  CHECK(notice::parse_vendors(R"({"vendors":[]})", "x"));
}
