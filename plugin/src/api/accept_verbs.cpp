#include "api/accept_verbs.hpp"

#include "api/service.hpp"
#include "app/accept.hpp"

namespace domoguard::api {

namespace json = boost::json;

namespace {
std::string text(const json::object& req, const char* name, size_t max) {
  auto* v = req.if_contains(name);
  if (!v || !v->is_string() || v->as_string().size() > max) return {};
  return std::string(v->as_string());
}
Error refuse(const std::string& key, const std::string& message) { return Error{ErrorCode::bad_input, key, message, "", ""}; }
}  // namespace

bool is_accept_verb(const std::string& type) {
  return type == "domoguard/accept" || type == "domoguard/accept/withdraw" || type == "domoguard/accepted";
}

Result<std::vector<store::Acceptance>> holding(const AcceptContext& ctx) {
  if (ctx.db_path.empty() || !ctx.findings) return std::vector<store::Acceptance>{};
  return app::review(ctx.db_path, ctx.home_key, *ctx.findings, ctx.now);
}

Result<json::value> accept_verb(const std::string& type, const json::object& req, const AcceptContext& ctx) {
  if (ctx.db_path.empty()) return Error{ErrorCode::internal, "error.api.no_accept_store", "This host keeps no accepted risks", "", ""};
  const std::string user = text(req, "user", 200);
  if (type == "domoguard/accepted") {
    auto still = holding(ctx);
    if (!still) return still.error();
    auto st = store::Acceptances::open(ctx.db_path);
    if (!st) return st.error();
    auto* all = req.if_contains("all");
    auto rows = all && all->is_bool() && all->as_bool() ? (*st)->all(ctx.home_key) : (*st)->active(ctx.home_key);
    if (!rows) return rows.error();
    json::array out;
    for (const auto& a : *rows)
      out.push_back(json::object{{"key", a.key}, {"state", a.state}, {"reason", a.reason}, {"by", a.actor},
                                 {"accepted_at", a.accepted_at}, {"until", a.until}, {"ended_at", a.ended_at}});
    return json::value(std::move(out));
  }
  const std::string key = text(req, "key", 512);
  if (key.empty()) return refuse("error.api.no_key", "Give the finding key or group id");
  if (user.empty()) return refuse("error.api.no_user", "Say who decides (user)");
  if (type == "domoguard/accept/withdraw") {
    auto n = app::withdraw(ctx.db_path, ctx.home_key, key, user, ctx.now);
    if (!n) return n.error();
    return json::value(json::object{{"withdrawn", *n}});
  }
  // The reason and the date as given (the request is bounded): app::accept refuses a reason too
  // long or a date it cannot read, rather than this taking either for "none given".
  app::AcceptRequest r{ctx.home_key, key, text(req, "reason", max_request_bytes), text(req, "until", max_request_bytes), user, ctx.now};
  auto done = app::accept(ctx.db_path, r, *ctx.findings);
  if (!done) return done.error();
  json::array keys;
  for (const auto& a : *done) keys.emplace_back(a.key);
  return json::value(json::object{{"accepted", std::move(keys)}, {"until", done->front().until}});
}

}  // namespace domoguard::api
