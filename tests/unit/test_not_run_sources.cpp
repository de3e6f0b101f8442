// Rules that could not run say so in the terms of the source the home came from (a live hub, a
// config folder, a backup, saved WebSocket replies, the demo home) and point to what would let
// them run: --url for a folder or a backup, an administrator's token for a live hub.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "app/source.hpp"
#include "audit/engine.hpp"
#include "hub/ha/adapter.hpp"
#include "locale/messages.hpp"
#include "report/render.hpp"

namespace fs = std::filesystem;
using namespace domoguard;

namespace {

const std::string fixtures = std::string(DG_SOURCE_DIR) + "/tests/fixtures/ha";

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Every file of a config folder, keyed as load() keys them (".storage/core.device_registry", ...).
hub::ha::ConfigFiles config_files(const fs::path& dir) {
  hub::ha::ConfigFiles files;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) files[fs::relative(e.path(), dir).generic_string()] = slurp(e.path());
  return files;
}

// A folder of saved replies, keyed by command.
hub::ha::Replies replies(const fs::path& dir) {
  hub::ha::Replies out;
  for (const auto& e : fs::directory_iterator(dir)) {
    std::string name = e.path().stem().string();
    for (size_t p; (p = name.find("__")) != std::string::npos;) name.replace(p, 2, "/");
    out[name] = slurp(e.path());
  }
  return out;
}

// rule -> reason, in the language given.
std::map<std::string, std::string> reasons(model::Home home, const std::string& lang = "en") {
  const locale::Messages msg(lang);
  auto r = audit::run_audit(home);
  std::map<std::string, std::string> out;
  for (const auto& n : r.not_run) out[n.rule] = report::not_run_reason(n, msg);
  return out;
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("not-run reasons name the source and what would let the rule run", "[audit][not_run]") {
  SECTION("a config folder points to --url") {
    auto h = hub::ha::load(fixtures + "/storage-v1");
    REQUIRE(h);
    CHECK(h->source_kind == model::SourceKind::config_folder);
    auto r = reasons(*h);
    REQUIRE(r.count("DG-ACC-001"));
    CHECK(r["DG-ACC-001"] ==
          "The file .storage/auth is not in this config folder. Copy the whole folder, .storage included, or audit the "
          "running hub (--url URL --token-file FILE) to run this check.");
    CHECK(has(r["DG-AUT-001"], "in this config folder"));
    CHECK(has(r["DG-HUB-005"], "This config folder has neither"));
  }
  SECTION("a backup says backup, not config folder") {
    auto files = config_files(fixtures + "/storage-v1");
    files["backup.date"] = "2026-11-20T03:00:00Z";
    auto h = hub::ha::from_config_files(files, "backup.tar");
    REQUIRE(h);
    CHECK(h->source_kind == model::SourceKind::backup);
    auto r = reasons(*h);
    CHECK(r["DG-ACC-001"] == "The file .storage/auth is not in this backup. Audit the running hub (--url URL --token-file FILE) to run this check.");
    CHECK(has(r["DG-AUT-001"], "is in this backup"));
    CHECK(has(r["DG-HUB-005"], "This backup has neither"));
    CHECK(has(r["DG-APP-001"], "This backup holds no apps"));
  }
  SECTION("a folder of saved replies asks for the missing reply or --url") {
    auto h = hub::ha::load(fixtures + "/ws");
    REQUIRE(h);
    CHECK(h->source_kind == model::SourceKind::replies_folder);
    auto r = reasons(*h);
    // Nothing in a replies folder tells how people sign in: said in the folder's terms.
    CHECK(r["DG-LOG-003"] ==
          "Not among the replies saved in this folder: how people can sign in to the hub (its sign-in providers). Save "
          "the missing reply there too, or audit the running hub (--url URL --token-file FILE) to run this check.");
    auto without = replies(fixtures + "/ws");
    without.erase("http/config");
    auto h2 = hub::ha::from_replies(without, "folder");
    REQUIRE(h2);
    CHECK(has(reasons(*h2)["DG-HUB-003"], "The reply to http/config is not among the replies saved in this folder"));
  }
  SECTION("a live hub points to an administrator's token") {
    auto live = replies(fixtures + "/ws");
    live.erase("http/config");
    live.erase("supervisor/api");
    auto h = hub::ha::from_replies(live, "ws://hub:8123", model::SourceKind::live);
    REQUIRE(h);
    auto r = reasons(*h);
    CHECK(has(r["DG-HUB-003"], "The running hub did not answer http/config"));
    CHECK(has(r["DG-HUB-003"], "administrator's token"));
    CHECK(has(r["DG-LOG-003"], "Not available from the running hub: how people can sign in"));
    // This home has no Supervisor: nothing to read, and so it says.
    CHECK(has(r["DG-APP-001"], "This home has no Supervisor"));
    // A supervised home whose apps were not listed: the Supervisor and an admin's token are needed.
    auto supervised = live;
    auto& entries = supervised["config_entries/get"];
    entries.insert(entries.find('{'), R"({"entry_id":"e_hassio","domain":"hassio","title":"Supervisor","source":"system",)"
                                      R"("state":"loaded","disabled_by":null,"reason":null},)");
    auto hs = hub::ha::from_replies(supervised, "ws://hub:8123", model::SourceKind::live);
    REQUIRE(hs);
    const auto app = reasons(*hs)["DG-APP-001"];
    CHECK(has(app, "needs the Supervisor"));
    CHECK(has(app, "administrator's token"));
  }
  SECTION("the demo home sends the reader to their own home") {
    auto h = app::load_demo();
    REQUIRE(h);
    CHECK(h->source_kind == model::SourceKind::demo);
    auto r = reasons(*h);
    CHECK(has(r["DG-HUB-003"], "The demo home does not include http/config"));
    CHECK(has(r["DG-LOG-003"], "Not part of the demo home: how people can sign in"));
    CHECK(has(r["DG-INV-002"], "The demo home is made of WebSocket replies"));
    CHECK(has(r["DG-LOG-001"], "The demo home is made of WebSocket replies"));
    // Only a host that holds modes can tell a fight; the CLI's audit says so.
    CHECK(has(r["DG-HOLD-001"], "Only the DomoGuard app (domoguardd) or the DomoGuard integration"));
  }
}

TEST_CASE("no source is called a snapshot any more, in any language", "[audit][not_run][locale]") {
  // The word each catalogue used for "snapshot" before reasons named their source.
  const std::map<std::string, std::vector<std::string>> snapshot{
      {"en", {"snapshot"}}, {"de", {"Momentaufnahme", "Abbild"}}, {"fr", {"instantané"}},
      {"es", {"instantánea"}}, {"nl", {"momentopname"}}};
  std::vector<model::Home> homes;
  {
    auto cfg = hub::ha::load(fixtures + "/storage-v1");
    REQUIRE(cfg);
    homes.push_back(std::move(*cfg));
    auto files = config_files(fixtures + "/storage-v1");
    files["backup.date"] = "2026-11-20T03:00:00Z";
    auto bak = hub::ha::from_config_files(files, "backup.tar");
    REQUIRE(bak);
    homes.push_back(std::move(*bak));
    auto ws = hub::ha::load(fixtures + "/ws");
    REQUIRE(ws);
    homes.push_back(std::move(*ws));
    auto live_replies = replies(fixtures + "/ws");
    live_replies.erase("http/config");
    auto live = hub::ha::from_replies(live_replies, "ws://hub:8123", model::SourceKind::live);
    REQUIRE(live);
    homes.push_back(std::move(*live));
    auto demo = app::load_demo();
    REQUIRE(demo);
    homes.push_back(std::move(*demo));
  }
  for (const auto& [lang, words] : snapshot)
    for (const auto& h : homes)
      for (const auto& [rule, reason] : reasons(h, lang)) {
        INFO(lang << " " << model::to_string(h.source_kind) << " " << rule << ": " << reason);
        CHECK_FALSE(reason.empty());
        CHECK(reason.find("notrun.") == std::string::npos);  // a key said, never shown
        for (const auto& w : words) CHECK_FALSE(has(reason, w));
      }
}
