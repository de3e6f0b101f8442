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

TEST_CASE("DG-TOK-001/003 revoke the token in one click, named by owner and creation time", "[rules][tokens][one_click]") {
  HomeBuilder b;
  b.user("u1", "Alice", true, true);
  token(b, "u1", llat, "Stale", "2025-01-01T00:00:00Z", "2026-08-01T00:00:00Z");
  token(b, "u1", llat, "Ancient", "2024-11-01T00:00:00Z", "2026-11-19T00:00:00Z");
  // Two tokens made in the same second cannot be told apart without their ids: guidance for those.
  token(b, "u1", llat, "Twin A", "2025-02-01T00:00:00Z", "");
  token(b, "u1", llat, "Twin B", "2025-02-01T00:00:00Z", "");
  auto& home = b.build();
  for (auto [rule, key] : {std::pair{"DG-TOK-001", "u1/2025-01-01T00:00:00Z"}, std::pair{"DG-TOK-003", "u1/2024-11-01T00:00:00Z"}}) {
    INFO(rule);
    auto f = run(rule, home);
    const audit::Finding* mine = nullptr;
    for (const auto& x : f)
      if (x.subject.id == key) mine = &x;
    REQUIRE(mine);
    REQUIRE(mine->remediation.kind == audit::Remediation::Kind::action);
    REQUIRE(mine->remediation.actions.size() == 1);
    CHECK(mine->remediation.actions[0].kind == model::ActionKind::revoke_token);
    CHECK(mine->remediation.actions[0].target == key);
    CHECK(mine->remediation.actions[0].after == "revoked");
  }
  int twins = 0;
  for (const auto& x : run("DG-TOK-001", home))
    if (x.subject.name.rfind("Twin", 0) == 0) {
      CHECK(x.remediation.kind == audit::Remediation::Kind::guidance);
      ++twins;
    }
  CHECK(twins >= 1);   // one subject for both (same owner, same second): never a revoke
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

namespace {
model::AuthProvider trusted(std::vector<std::string> nets, model::Flag bypass) {
  model::AuthProvider p;
  p.type = "trusted_networks";
  p.trusted_networks = std::move(nets);
  p.allow_bypass_login = bypass;
  return p;
}
}  // namespace

TEST_CASE("DG-LOG-003/004/005: trusted networks, login bypass and the legacy API password", "[rules][login]") {
  HomeBuilder b;
  b.h.hub.auth_providers->push_back(trusted({"192.168.1.0/24"}, true));
  auto& h1 = b.build();
  auto bypass = run("DG-LOG-003", h1);
  REQUIRE(bypass.size() == 1);
  CHECK(bypass[0].severity == Severity::high);
  CHECK(run("DG-LOG-004", h1).empty());

  HomeBuilder wide;
  wide.h.hub.auth_providers->push_back(trusted({"192.168.1.0/24", "0.0.0.0/0"}, true));
  auto w = run("DG-LOG-003", wide.build());
  REQUIRE(w.size() == 1);
  CHECK(w[0].severity == Severity::critical);
  CHECK(ev(w[0], "beyond_home") == "0.0.0.0/0");

  HomeBuilder pick;   // no bypass: a device chooses an account, from networks far beyond the home
  auto p = trusted({"10.0.0.0/8", "203.0.113.0/24", "fd00::/8"}, false);
  pick.h.hub.auth_providers->push_back(p);
  pick.h.hub.auth_providers->push_back(model::AuthProvider{"legacy_api_password", "", std::nullopt, {}, false});
  auto& h3 = pick.build();
  CHECK(run("DG-LOG-003", h3).empty());
  auto broad = run("DG-LOG-004", h3);
  REQUIRE(broad.size() == 1);
  CHECK(broad[0].placeholders.at(1).second == "10.0.0.0/8, 203.0.113.0/24, fd00::/8");   // /8 is wider than a home
  CHECK(broad[0].severity == Severity::high);
  CHECK(run("DG-LOG-005", h3).size() == 1);

  HomeBuilder own;   // the default: the hub's own accounts only
  auto& h4 = own.build();
  for (auto id : {"DG-LOG-003", "DG-LOG-004", "DG-LOG-005"}) CHECK(run(id, h4).empty());
  HomeBuilder unread;
  unread.without(model::Part::auth_providers);
  bool ran = true;
  run("DG-LOG-003", unread.build(), &ran);
  CHECK_FALSE(ran);
}

TEST_CASE("DG-LOG-006/007/008: forwarded addresses, CORS origins and a ban that never bans", "[rules][login]") {
  HomeBuilder b;
  b.h.hub.http.use_x_forwarded_for = true;
  b.h.hub.http.trusted_proxies = std::vector<std::string>{"172.30.33.0/24", "0.0.0.0/0"};
  b.h.hub.http.cors_allowed_origins = std::vector<std::string>{"https://cast.home-assistant.io", "*"};
  b.h.hub.http.ip_ban_enabled = true;
  b.h.hub.http.login_attempts_threshold = -1;
  b.h.hub.external_url = "https://home.example.net";
  auto& h = b.build();
  auto fwd = run("DG-LOG-006", h);
  REQUIRE(fwd.size() == 1);
  CHECK(ev(fwd[0], "broad_trusted_proxies") == "0.0.0.0/0");
  auto cors = run("DG-LOG-007", h);
  REQUIRE(cors.size() == 1);
  CHECK(cors[0].severity == Severity::high);
  auto ban = run("DG-LOG-008", h);
  REQUIRE(ban.size() == 1);
  CHECK(ban[0].severity == Severity::high);

  HomeBuilder ok;   // a proxy app on the Supervisor's network, HA's own CORS default, a real threshold
  ok.h.hub.http.use_x_forwarded_for = true;
  ok.h.hub.http.trusted_proxies = std::vector<std::string>{"172.30.33.0/24"};
  ok.h.hub.http.cors_allowed_origins = std::vector<std::string>{"https://cast.home-assistant.io"};
  ok.h.hub.http.ip_ban_enabled = true;
  ok.h.hub.http.login_attempts_threshold = 5;
  auto& oh = ok.build();
  for (auto id : {"DG-LOG-006", "DG-LOG-007", "DG-LOG-008"}) CHECK(run(id, oh).empty());

  HomeBuilder local_default;   // HA's default threshold (-1) on a hub not reachable from outside
  local_default.h.hub.http.ip_ban_enabled = true;
  local_default.h.hub.http.login_attempts_threshold = -1;
  auto l = run("DG-LOG-008", local_default.build());
  REQUIRE(l.size() == 1);
  CHECK(l[0].severity == Severity::low);
  CHECK(ev(l[0], "reachable_from_outside") == "false");

  // Behind a CDN's public proxies (Cloudflare's ranges, as real homes list them) the hub is reached
  // from outside even with no external URL and no cloud remote UI.
  HomeBuilder cdn;
  cdn.h.hub.http.use_x_forwarded_for = true;
  cdn.h.hub.http.trusted_proxies = std::vector<std::string>{"173.245.48.0/20", "172.30.33.0/24"};
  cdn.h.hub.http.ip_ban_enabled = true;
  cdn.h.hub.http.login_attempts_threshold = -1;
  auto c = run("DG-LOG-008", cdn.build());
  REQUIRE(c.size() == 1);
  CHECK(c[0].severity == Severity::high);
  CHECK(ev(c[0], "reachable_from_outside") == "true");

  // A folder without .storage/core.config and .storage/cloud cannot tell: "unknown", never "false".
  HomeBuilder partial;
  partial.without(model::Part::hub_config).without(model::Part::cloud);
  partial.h.hub.http.ip_ban_enabled = true;
  partial.h.hub.http.login_attempts_threshold = -1;
  auto u = run("DG-LOG-008", partial.build());
  REQUIRE(u.size() == 1);
  CHECK(u[0].severity == Severity::low);
  CHECK(ev(u[0], "reachable_from_outside") == "unknown");
  HomeBuilder unread;
  unread.without(model::Part::http);
  bool ran = true;
  run("DG-LOG-006", unread.build(), &ran);
  CHECK_FALSE(ran);
}
