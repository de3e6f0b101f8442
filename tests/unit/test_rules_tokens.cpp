// DG-TOK and DG-LOG: tokens and sign-ins. The fixtures hold the same tokens twice: in
// .storage/auth (AuthStore's refresh_tokens, secrets included, which must never come out) and in the
// auth/refresh_tokens reply (components/auth/__init__.py `websocket_refresh_tokens`).
#include <catch2/catch.hpp>

#include <set>

#include "home_builder.hpp"
#include "hub/ha/adapter.hpp"

using namespace dgtest;
using audit::Severity;

namespace {

model::Token& token(HomeBuilder& b, std::string user, std::string type, std::string name, std::string created,
                    std::string last_used) {
  model::Token t;
  t.user_id = std::move(user);
  t.type = std::move(type);
  t.client_name = std::move(name);
  t.created_at = std::move(created);
  t.last_used_at = std::move(last_used);
  b.h.tokens.push_back(std::move(t));
  return b.h.tokens.back();
}

const char* llat = "long_lived_access_token";
const std::string fixtures = std::string(DG_SOURCE_DIR) + "/tests/fixtures/ha";

std::set<std::string> found(model::Home& h, const std::string& prefix) {
  auto r = audit::run_audit(h);
  std::set<std::string> out;
  for (const auto& f : r.findings)
    if (f.rule.rfind(prefix, 0) == 0) out.insert(f.rule + " " + f.subject.name);
  return out;
}

}  // namespace

TEST_CASE("DG-TOK-001 flags long-lived tokens unused for 90 days, never session tokens", "[rules][tokens]") {
  HomeBuilder b;
  b.user("u1", "Alice", true, true);
  b.user("u2", "Bob");
  token(b, "u1", llat, "Fresh", "2026-01-01T00:00:00Z", "2026-11-19T00:00:00Z");
  token(b, "u1", llat, "Stale", "2025-01-01T00:00:00Z", "2026-08-01T00:00:00Z");   // 111 days
  token(b, "u2", llat, "Never used", "2026-06-01T00:00:00Z", "");                   // 172 days, never used
  token(b, "u2", llat, "Young, never used", "2026-10-01T00:00:00Z", "");
  token(b, "u2", "normal", "", "2025-01-01T00:00:00Z", "2025-02-01T00:00:00Z");
  auto f = run("DG-TOK-001", b.build());
  REQUIRE(f.size() == 2);
  CHECK(f[0].subject.name == "Stale");
  CHECK(f[0].severity == Severity::high);   // an admin's token
  CHECK(ev(f[0], "idle_days") == "111");
  CHECK(f[1].subject.name == "Never used");
  CHECK(f[1].severity == Severity::medium);
  CHECK(ev(f[1], "last_used") == "never");
  HomeBuilder none;
  none.without(model::Part::tokens);
  bool ran = true;
  run("DG-TOK-001", none.build(), &ran);
  CHECK_FALSE(ran);
}

TEST_CASE("DG-TOK-002/003/004: many, old and remotely used tokens", "[rules][tokens]") {
  HomeBuilder b;
  b.user("u1", "Alice", true);
  b.user("u2", "Bob");
  for (int i = 0; i < 4; ++i) token(b, "u1", llat, "T" + std::to_string(i), "2026-11-01T00:00:00Z", "2026-11-19T00:00:00Z");
  for (int i = 0; i < 3; ++i) token(b, "u2", llat, "B" + std::to_string(i), "2026-11-01T00:00:00Z", "2026-11-19T00:00:00Z");
  token(b, "u2", llat, "Ancient", "2024-11-01T00:00:00Z", "2026-11-19T00:00:00Z").last_used_remote = true;
  token(b, "u2", llat, "Ancient unused", "2024-11-01T00:00:00Z", "2025-11-19T00:00:00Z");   // DG-TOK-001's
  token(b, "u1", llat, "Local", "2026-11-01T00:00:00Z", "2026-11-19T00:00:00Z").last_used_remote = false;
  auto& home = b.build();
  auto many = run("DG-TOK-002", home);
  REQUIRE(many.size() == 2);   // Alice 5, Bob 5
  for (auto& f : many) CHECK(f.severity == (f.subject.id == "u1" ? Severity::medium : Severity::low));
  auto old = run("DG-TOK-003", home);
  REQUIRE(old.size() == 1);
  CHECK(old[0].subject.name == "Ancient");
  CHECK(ev(old[0], "age_days") == "749");
  auto remote = run("DG-TOK-004", home);
  REQUIRE(remote.size() == 1);
  CHECK(remote[0].subject.name == "Ancient");
  CHECK(remote[0].severity == Severity::medium);
  HomeBuilder small;
  small.user("u1", "Alice", true);
  token(small, "u1", llat, "One", "2026-11-01T00:00:00Z", "2026-11-19T00:00:00Z");
  auto& sh = small.build();
  for (auto id : {"DG-TOK-002", "DG-TOK-003", "DG-TOK-004"}) CHECK(run(id, sh).empty());
}

TEST_CASE("DG-LOG-001 flags people with no sign-in; DG-LOG-002 the owner on an everyday phone", "[rules][login]") {
  HomeBuilder b;
  b.user("u1", "Alice", true, true);
  b.user("u2", "Bob", true);
  b.user("u3", "Carol");
  b.user("u4", "Supervisor", true).system_generated = true;
  b.user("u5", "Dave").active = false;
  token(b, "u1", "normal", "", "2026-01-01T00:00:00Z", "2026-11-19T00:00:00Z").client_id = "https://home-assistant.io/iOS";
  token(b, "u3", "normal", "", "2026-01-01T00:00:00Z", "2026-11-19T00:00:00Z").client_id = "http://hub.local:8123/";
  token(b, "u2", llat, "Script", "2026-01-01T00:00:00Z", "2026-11-19T00:00:00Z");   // a token is not a sign-in
  auto& home = b.build();
  auto never = run("DG-LOG-001", home);
  REQUIRE(never.size() == 1);
  CHECK(never[0].subject.id == "u2");
  CHECK(never[0].severity == Severity::medium);
  auto owner = run("DG-LOG-002", home);
  REQUIRE(owner.size() == 1);
  CHECK(owner[0].subject.id == "u1");
  CHECK(ev(owner[0], "companion_app_sessions") == "1");

  HomeBuilder browser_only;
  browser_only.user("u1", "Alice", true, true);
  token(browser_only, "u1", "normal", "", "2026-01-01T00:00:00Z", "2026-11-19T00:00:00Z").client_id = "http://hub.local:8123/";
  token(browser_only, "u1", "normal", "", "2026-01-01T00:00:00Z", "2026-09-01T00:00:00Z").client_id =
      "https://home-assistant.io/android";   // the phone, but not used for 80 days
  CHECK(run("DG-LOG-002", browser_only.build()).empty());

  HomeBuilder live;   // over the WebSocket API only the connected user's sessions are visible
  live.user("u1", "Alice", true, true);
  live.without(model::Part::sign_ins);
  bool ran = true;
  run("DG-LOG-001", live.build(), &ran);
  CHECK_FALSE(ran);
}

TEST_CASE("tokens give the same findings from .storage/auth and from auth/refresh_tokens", "[rules][tokens][adapter]") {
  auto cfg = hub::ha::load(fixtures + "/config-v3");
  auto ws = hub::ha::load(fixtures + "/ws");
  REQUIRE((cfg && ws));
  REQUIRE(cfg->has(model::Part::tokens));
  REQUIRE(ws->has(model::Part::tokens));
  CHECK(cfg->taken_at == "2026-11-20T09:00:00Z");
  CHECK(ws->taken_at == "2026-11-20T09:00:00Z");
  const std::set<std::string> expected = {"DG-TOK-001 Old backup script", "DG-TOK-003 Node-RED on the VPS",
                                          "DG-TOK-004 Node-RED on the VPS"};
  CHECK(found(*cfg, "DG-TOK-") == expected);
  CHECK(found(*ws, "DG-TOK-") == expected);
  // The owner signs in with the companion app: from the config folder, which sees every account.
  CHECK(found(*cfg, "DG-LOG-002").size() == 1);
  CHECK_FALSE(ws->has(model::Part::sign_ins));
  // Neither the token, its key, its id nor the address it was used from comes out.
  for (auto* h : {&*cfg, &*ws}) {
    auto r = audit::run_audit(*h);
    for (const auto& f : r.findings)
      for (const auto& [k, v] : f.evidence)
        for (const char* secret : {"REFRESH-TOKEN-SECRET", "JWT-KEY-SECRET", "rt_nodered", "rt_old", "203.0.113.7"}) {
          INFO(f.rule << " " << k);
          CHECK(v.find(secret) == std::string::npos);
          CHECK(f.subject.id.find(secret) == std::string::npos);
        }
  }
}
