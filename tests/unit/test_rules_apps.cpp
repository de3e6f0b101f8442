// DG-APP: Supervisor apps. The replies are shaped as the Supervisor writes them: the fixture
// tests/fixtures/ha/ws/supervisor__api.json holds /addons/<slug>/info results with the keys of
// supervisor/api/apps.py `APIApps.info_data`, and the backup built below holds addon.json as
// supervisor/apps/app.py `App.backup` writes it ({"user": persist, "system": data, "version", "state"}),
// both from home-assistant/supervisor @ 090ef31ec024952c2469ed5a7c9f3ce8c1a5499e.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

#include "home_builder.hpp"
#include "hub/ha/adapter.hpp"

using namespace dgtest;
using audit::Severity;
namespace fs = std::filesystem;

namespace {

model::App& add_app(HomeBuilder& b, std::string slug) {
  model::App a;
  a.slug = slug;
  a.name = slug;
  a.repository = "core";
  a.protection = true;
  a.auto_update = true;
  a.version = a.version_latest = "1.0.0";
  a.rating = 6;
  b.h.apps.push_back(std::move(a));
  return b.h.apps.back();
}

std::set<std::string> subjects(const std::vector<audit::Finding>& f) {
  std::set<std::string> out;
  for (auto& x : f) out.insert(x.subject.id);
  return out;
}

struct TempDir {
  fs::path path;
  TempDir() {
    char tmpl[] = "/tmp/dg-apps-XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

const std::string fixtures = std::string(DG_SOURCE_DIR) + "/tests/fixtures/ha";

// One app's backup metadata as App.backup writes it: persist (user settings, options included) and
// the store's data (the app's config.yaml, validated).
std::string addon_json(const std::string& slug, const std::string& repo, bool is_protected, bool auto_update,
                       const std::string& user_extra, const std::string& system_extra) {
  return R"({"user": {"version": "1.0.0", "boot": "auto", "auto_update": )" + std::string(auto_update ? "true" : "false") +
         R"(, "protected": )" + (is_protected ? "true" : "false") + R"(, "watchdog": true)" + user_extra +
         R"(}, "system": {"name": ")" + slug + R"(", "slug": ")" + slug + R"(", "version": "1.0.0", "repository": ")" + repo +
         R"(", "arch": ["amd64"], "startup": "application", "boot": "auto", "host_network": false, "host_pid": false,
          "full_access": false, "docker_api": false, "privileged": [], "ingress": true, "apparmor": true)" + system_extra +
         R"(}, "version": "1.0.0", "state": "started"})";
}

}  // namespace

TEST_CASE("DG-APP-001 flags protection mode off, critical when the app asks for host control", "[rules][apps]") {
  HomeBuilder b;
  add_app(b, "safe");
  add_app(b, "off").protection = false;
  auto& docker = add_app(b, "docker");
  docker.protection = false;
  docker.docker_api = true;
  auto& asks = add_app(b, "asks_but_protected");   // protection on: the Supervisor grants nothing
  asks.full_access = true;
  auto f = run("DG-APP-001", b.build());
  REQUIRE(subjects(f) == std::set<std::string>{"off", "docker"});
  for (auto& x : f) {
    CHECK(x.subject.kind == "app");
    CHECK(x.severity == (x.subject.id == "docker" ? Severity::critical : Severity::medium));
  }
  HomeBuilder none;
  none.without(model::Part::apps);
  bool ran = true;
  CHECK(run("DG-APP-001", none.build(), &ran).empty());
  CHECK_FALSE(ran);
}

TEST_CASE("DG-APP-002/003 flag host capabilities and the host network", "[rules][apps]") {
  HomeBuilder b;
  add_app(b, "plain").privileged = {"IPC_LOCK"};
  add_app(b, "admin").privileged = {"SYS_ADMIN"};
  add_app(b, "net").privileged = {"NET_ADMIN"};
  add_app(b, "hostnet").host_network = true;
  auto& both = add_app(b, "both");
  both.host_network = true;
  both.privileged = {"NET_RAW"};
  auto& home = b.build();
  auto caps = run("DG-APP-002", home);
  REQUIRE(subjects(caps) == std::set<std::string>{"admin", "net", "both"});
  for (auto& x : caps) CHECK(x.severity == (x.subject.id == "admin" ? Severity::high : Severity::medium));
  auto net = run("DG-APP-003", home);
  REQUIRE(subjects(net) == std::set<std::string>{"hostnet", "both"});
  for (auto& x : net) CHECK(x.severity == (x.subject.id == "both" ? Severity::medium : Severity::low));
}

TEST_CASE("DG-APP-004 flags a login app open with a password or on port 22", "[rules][apps]") {
  HomeBuilder b;
  auto& pw = add_app(b, "core_ssh");
  pw.host_ports = {{"22/tcp", 2222}};
  pw.password_login = true;
  auto& keys22 = add_app(b, "a0d7b954_ssh");
  keys22.host_ports = {{"22/tcp", 22}};
  keys22.password_login = false;
  auto& keys_other = add_app(b, "web_terminal");
  keys_other.host_ports = {{"22/tcp", 2022}};
  keys_other.password_login = false;
  auto& closed = add_app(b, "core_ssh2");
  closed.password_login = true;   // password, but no port on the host: reachable only through the browser
  auto& broker = add_app(b, "core_mosquitto");
  broker.host_ports = {{"1883/tcp", 1883}};
  auto f = run("DG-APP-004", b.build());
  REQUIRE(subjects(f) == std::set<std::string>{"core_ssh", "a0d7b954_ssh"});
  for (auto& x : f) CHECK(x.severity == (x.subject.id == "core_ssh" ? Severity::high : Severity::medium));
}

TEST_CASE("DG-APP-005..008: updates, third parties and the Supervisor's rating", "[rules][apps]") {
  HomeBuilder b;
  auto& quiet = add_app(b, "quiet");   // no auto-update, but no elevated rights either
  quiet.auto_update = false;
  auto& risky = add_app(b, "risky");
  risky.auto_update = false;
  risky.host_network = true;
  risky.update_available = true;
  risky.version_latest = "1.1.0";
  risky.repository = "a0d7b954";
  risky.rating = 1;
  auto& old = add_app(b, "old");
  old.update_available = true;
  old.version_latest = "2.0.0";
  old.repository = "local";
  old.rating = 3;
  auto& unrated = add_app(b, "unrated");   // from a backup: no rating known
  unrated.rating.reset();
  auto& home = b.build();
  CHECK(subjects(run("DG-APP-005", home)) == std::set<std::string>{"risky"});
  auto upd = run("DG-APP-006", home);
  REQUIRE(subjects(upd) == std::set<std::string>{"risky", "old"});
  for (auto& x : upd) CHECK(x.severity == (x.subject.id == "risky" ? Severity::high : Severity::medium));
  auto third = run("DG-APP-007", home);
  REQUIRE(subjects(third) == std::set<std::string>{"risky"});
  CHECK(third[0].severity == Severity::medium);
  auto rating = run("DG-APP-008", home);
  REQUIRE(subjects(rating) == std::set<std::string>{"risky", "old"});
  for (auto& x : rating) CHECK(x.severity == (x.subject.id == "risky" ? Severity::high : Severity::medium));
}

TEST_CASE("apps read from the Supervisor's replies", "[rules][apps][adapter]") {
  auto h = hub::ha::load(fixtures + "/ws");
  REQUIRE(h);
  REQUIRE(h->has(model::Part::apps));
  REQUIRE(h->apps.size() == 4);
  auto r = audit::run_audit(*h);
  std::set<std::string> got;
  for (const auto& f : r.findings)
    if (f.rule.rfind("DG-APP-", 0) == 0) got.insert(f.rule + " " + f.subject.id);
  CHECK(got == std::set<std::string>{
                   "DG-APP-001 a0d7b954_portainer", "DG-APP-002 5c53de3b_zigbee2mqtt", "DG-APP-003 5c53de3b_zigbee2mqtt",
                   "DG-APP-004 core_ssh", "DG-APP-005 5c53de3b_zigbee2mqtt", "DG-APP-005 a0d7b954_portainer",
                   "DG-APP-006 core_ssh", "DG-APP-007 5c53de3b_zigbee2mqtt", "DG-APP-007 a0d7b954_portainer",
                   "DG-APP-008 a0d7b954_portainer"});
  // The SSH app's password is inspected, never copied.
  for (const auto& f : r.findings)
    for (const auto& [k, v] : f.evidence) CHECK(v.find("S3cr3t") == std::string::npos);
}

TEST_CASE("apps read from a backup give the same findings as the Supervisor, where a backup carries the facts",
          "[rules][apps][adapter]") {
  TempDir t;
  fs::path stage = t.path / "stage";
  fs::create_directories(stage / "inner");
  fs::copy(fixtures + "/config-v3", stage / "inner" / "data", fs::copy_options::recursive);
  auto app_tar = [&](const std::string& slug, const std::string& json) {
    fs::create_directories(stage / ("app_" + slug));
    std::ofstream(stage / ("app_" + slug) / "addon.json") << json;
    std::string cmd = "cd '" + stage.string() + "' && tar czf " + slug + ".tar.gz -C app_" + slug + " ./addon.json";
    REQUIRE(std::system(cmd.c_str()) == 0);
  };
  app_tar("core_ssh", addon_json("core_ssh", "core", true, false,
                                 R"(, "network": {"22/tcp": 22}, "options": {"authorized_keys": [], "password": "S3cr3t-Mqtt-Pa55"})",
                                 R"(, "ports": {"22/tcp": null})"));
  app_tar("a0d7b954_portainer", addon_json("a0d7b954_portainer", "a0d7b954", false, false, "",
                                           R"(, "docker_api": true, "ports": {"9000/tcp": null})"));
  { std::ofstream(stage / "backup.json") << R"({"slug":"abc","date":"2026-11-20T18:00:00.000000+00:00","protected":false,"compressed":true,"addons":[{"slug":"core_ssh"},{"slug":"a0d7b954_portainer"}]})"; }
  std::string cmd = "cd '" + stage.string() +
                    "' && tar czf homeassistant.tar.gz -C inner data && tar cf ../backup.tar ./backup.json "
                    "./core_ssh.tar.gz ./homeassistant.tar.gz ./a0d7b954_portainer.tar.gz";
  REQUIRE(std::system(cmd.c_str()) == 0);
  auto h = hub::ha::load((t.path / "backup.tar").string());
  REQUIRE(h);
  REQUIRE(h->has(model::Part::apps));
  REQUIRE(h->apps.size() == 2);
  CHECK(h->taken_at == "2026-11-20T18:00:00Z");
  auto r = audit::run_audit(*h);
  std::set<std::string> got;
  for (const auto& f : r.findings)
    if (f.rule.rfind("DG-APP-", 0) == 0) got.insert(f.rule + " " + f.subject.id);
  // As from the Supervisor, less DG-APP-006 (a backup does not say what the store offers) and
  // DG-APP-008 (the rating is the Supervisor's own figure).
  CHECK(got == std::set<std::string>{"DG-APP-001 a0d7b954_portainer", "DG-APP-004 core_ssh",
                                     "DG-APP-005 a0d7b954_portainer", "DG-APP-007 a0d7b954_portainer"});
  for (const auto& a : h->apps) CHECK(a.name.find("S3cr3t") == std::string::npos);
}

TEST_CASE("without a Supervisor, the app rules say why they did not run", "[rules][apps][adapter]") {
  hub::ha::Replies r;
  r["config_entries/get"] = R"([{"entry_id":"e1","domain":"met","title":"Home","state":"loaded"}])";
  auto h = hub::ha::from_replies(r, "test");
  REQUIRE(h);
  CHECK_FALSE(h->has(model::Part::apps));
  CHECK(h->missing.at(model::Part::apps) == "notrun.apps.no_supervisor");
  auto cfg = hub::ha::load(fixtures + "/config-v3");
  REQUIRE(cfg);
  CHECK(cfg->missing.at(model::Part::apps) == "notrun.config.apps");
}
