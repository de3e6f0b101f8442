#include "hub/ha/live_port.hpp"

#include <boost/json.hpp>

#include "hub/ha/surface.hpp"

namespace domoguard::hub::ha {

namespace json = boost::json;

namespace {

using policy::ActionKind;

using policy::port_bad_value;
using policy::port_no_entity;

Error not_found(const std::string& what) {
  return Error{ErrorCode::bad_input, "error.port.unknown_target", what, "", ""};
}

Result<json::value> parse(const std::string& text) {
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  if (ec) return Error{ErrorCode::unreachable, "error.ha.protocol", "Home Assistant sent a reply that is not JSON", "", ""};
  return v;
}

bool parse_bool(const std::string& v, bool& out) {
  if (v == "true") out = true;
  else if (v == "false") out = false;
  else return false;
  return true;
}

bool known_assistant(const std::string& a) {
  return a == "conversation" || a == "cloud.alexa" || a == "cloud.google_assistant";
}

std::string domain_of(const std::string& entity_id) { return entity_id.substr(0, entity_id.find('.')); }

const char* text(bool b) { return b ? "true" : "false"; }

// An app's slug goes into a Supervisor URL path: letters, digits, '_' and '-' only, so a hostile
// value cannot reach another endpoint.
bool valid_slug(const std::string& slug) {
  if (slug.empty() || slug.size() > 64) return false;
  for (char c : slug)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
  return true;
}

}  // namespace

// The connected user's tokens named by `key` ("<user id>/<created at>", model::token_key) from
// auth/refresh_tokens (components/auth/__init__.py `websocket_refresh_tokens`: the connected user's own
// tokens only, each with id, type, created_at, is_current), as a JSON array. HA lets a user revoke only
// their own tokens over this API: a key naming another person is refused, not read as revoked.
Result<std::string> LivePort::own_tokens(const std::string& key) {
  const auto slash = key.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == key.size()) return not_found("not a token");
  auto me = call("auth/current_user", "");
  if (!me) return me.error();
  auto mv = parse(*me);
  if (!mv) return mv.error();
  auto* uid = mv->is_object() ? mv->as_object().if_contains("id") : nullptr;
  if (!uid || !uid->is_string() || key.compare(0, slash, uid->as_string().data(), uid->as_string().size()) != 0)
    return Error{ErrorCode::bad_input, "error.port.other_users_token",
                 "the token belongs to another person: Home Assistant lets only its owner revoke it (from their profile, "
                 "or by connecting DomoGuard as them)",
                 "", ""};
  auto r = call("auth/refresh_tokens", "");
  if (!r) return r.error();
  auto v = parse(*r);
  if (!v) return v.error();
  json::array out;
  if (v->is_array())
    for (const auto& t : v->as_array())
      if (t.is_object() && detail::utc_time(t.as_object().if_contains("created_at")) == key.substr(slash + 1))
        out.push_back(t);
  return json::serialize(out);
}

namespace {
Result<json::array> token_list(const Result<std::string>& text) {
  if (!text) return text.error();
  auto v = parse(text.value());
  if (!v) return v.error();
  return v->is_array() ? v->as_array() : json::array();
}
}  // namespace

Result<std::string> LivePort::call(const std::string& type, const std::string& fields) {
  auto r = hub_.call(type, fields);
  if (!r && r.error().key == "error.ha.command") {
    // HA answered and refused: the hub is there, this action is not possible (not "unreachable").
    Error e = r.error();
    e.code = ErrorCode::internal;
    return e;
  }
  return r;
}

Result<bool> LivePort::entity_exists(const std::string& entity_id) {
  auto reg = hub_.call("config/entity_registry/get", json::serialize(json::object{{"entity_id", entity_id}}));
  if (reg) return true;
  if (reg.error().key != "error.ha.command") return reg.error();
  // Entities without a unique id are not in the registry but still have a state.
  auto states = call("get_states", "");
  if (!states) return states.error();
  auto v = parse(*states);
  if (!v) return v.error();
  if (v->is_array())
    for (const auto& s : v->as_array())
      if (s.is_object())
        if (auto* id = s.as_object().if_contains("entity_id"); id && id->is_string() && id->as_string() == entity_id)
          return true;
  return false;
}

Result<std::string> LivePort::read(const policy::PlanAction& a) {
  const auto kind = policy::parse_action_kind(a.kind);
  if (!kind) return not_found("unknown action kind \"" + a.kind + "\"");
  switch (*kind) {
  case ActionKind::revoke_token: {
    auto t = token_list(own_tokens(a.target));
    if (!t) return t.error();
    return std::string(t->empty() ? "revoked" : "present");
  }
  case ActionKind::set_app_protection: {
    if (!valid_slug(a.target)) return not_found("not an app slug");
    auto r = call("supervisor/api", json::serialize(json::object{{"endpoint", "/addons/" + a.target + "/info"},
                                                                 {"method", "get"}}));
    if (!r) return r.error();
    auto v = parse(*r);
    if (!v) return v.error();
    auto* p = v->is_object() ? v->as_object().if_contains("protected") : nullptr;
    if (!p || !p->is_bool()) return not_found("the Supervisor did not say whether " + a.target + " is protected");
    return std::string(text(p->as_bool()));
  }
  case ActionKind::set_expose_new: {
    if (!known_assistant(a.param)) return not_found("unknown assistant \"" + a.param + "\"");
    auto r = call("homeassistant/expose_new_entities/get", json::serialize(json::object{{"assistant", a.param}}));
    if (!r) return r.error();
    auto v = parse(*r);
    if (!v) return v.error();
    auto* e = v->is_object() ? v->as_object().if_contains("expose_new") : nullptr;
    return std::string(text(e && e->is_bool() && e->as_bool()));
  }
  case ActionKind::set_analytics: {
    auto r = call("analytics", "");
    if (!r) return r.error();
    auto v = parse(*r);
    if (!v) return v.error();
    const json::value* p = v->is_object() ? v->as_object().if_contains("preferences") : nullptr;
    const json::value* f = p && p->is_object() ? p->as_object().if_contains(a.param) : nullptr;
    return std::string(text(f && f->is_bool() && f->as_bool()));
  }
  case ActionKind::set_exposure: {
    if (!known_assistant(a.param)) return not_found("unknown assistant \"" + a.param + "\"");
    auto exists = entity_exists(a.target);
    if (!exists) return exists.error();
    if (!*exists) return port_no_entity(a.target, "in Home Assistant");
    auto r = call("homeassistant/expose_entity/list", "");
    if (!r) return r.error();
    auto v = parse(*r);
    if (!v) return v.error();
    const json::value* all = v->is_object() ? v->as_object().if_contains("exposed_entities") : nullptr;
    const json::value* mine = all && all->is_object() ? all->as_object().if_contains(a.target) : nullptr;
    const json::value* f = mine && mine->is_object() ? mine->as_object().if_contains(a.param) : nullptr;
    return std::string(text(f && f->is_bool() && f->as_bool()));
  }
  case ActionKind::disable_entity:
  case ActionKind::hide_entity: {
    auto r = call("config/entity_registry/get", json::serialize(json::object{{"entity_id", a.target}}));
    if (!r) return r.error();
    auto v = parse(*r);
    if (!v) return v.error();
    const char* field = *kind == ActionKind::disable_entity ? "disabled_by" : "hidden_by";
    const json::value* f = v->is_object() ? v->as_object().if_contains(field) : nullptr;
    return std::string(text(f && !f->is_null()));
  }
  case ActionKind::switch_state:
  case ActionKind::select_option:
  case ActionKind::lock: {
    auto r = call("get_states", "");
    if (!r) return r.error();
    auto v = parse(*r);
    if (!v) return v.error();
    if (v->is_array())
      for (const auto& s : v->as_array()) {
        if (!s.is_object()) continue;
        auto* id = s.as_object().if_contains("entity_id");
        if (!id || !id->is_string() || id->as_string() != a.target) continue;
        auto* st = s.as_object().if_contains("state");
        return st && st->is_string() ? std::string(st->as_string()) : std::string();
      }
    return port_no_entity(a.target, "in Home Assistant");
  }
  }
  return not_found("unknown action kind \"" + a.kind + "\"");
}

Result<bool> LivePort::write(const policy::PlanAction& a, const std::string& value) {
  const auto kind = policy::parse_action_kind(a.kind);
  if (!kind) return not_found("unknown action kind \"" + a.kind + "\"");
  bool b = false;
  Result<std::string> r = std::string();
  switch (*kind) {
  case ActionKind::revoke_token: {
    if (value != "revoked") return port_bad_value(a, value);
    auto list = token_list(own_tokens(a.target));
    if (!list) return list.error();
    if (list->empty()) return not_found("the connected user holds no such token");
    if (list->size() > 1) return not_found("two tokens were made in the same second: revoke the right one from the profile page");
    const auto& t = list->front().as_object();
    // Only long-lived tokens, and never the one DomoGuard itself is connected with.
    auto* type = t.if_contains("type");
    if (!type || !type->is_string() || type->as_string() != "long_lived_access_token") return port_bad_value(a, value);
    if (auto* cur = t.if_contains("is_current"); cur && cur->is_bool() && cur->as_bool())
      return Error{ErrorCode::bad_input, "error.port.own_token",
                   "this is the token DomoGuard is connected with; revoke it from the profile page", "", ""};
    auto* id = t.if_contains("id");
    if (!id || !id->is_string()) return not_found("Home Assistant listed the token without its id");
    r = call("auth/delete_refresh_token", json::serialize(json::object{{"refresh_token_id", id->as_string()}}));
    break;
  }
  case ActionKind::set_app_protection:
    if (!valid_slug(a.target)) return not_found("not an app slug");
    if (!parse_bool(value, b)) return port_bad_value(a, value);
    // supervisor/api/apps.py `security`: POST /addons/<slug>/security {"protected": bool}.
    r = call("supervisor/api", json::serialize(json::object{{"endpoint", "/addons/" + a.target + "/security"},
                                                            {"method", "post"},
                                                            {"data", json::object{{"protected", b}}}}));
    break;
  case ActionKind::set_expose_new:
    if (!known_assistant(a.param)) return not_found("unknown assistant \"" + a.param + "\"");
    if (!parse_bool(value, b)) return port_bad_value(a, value);
    r = call("homeassistant/expose_new_entities/set",
             json::serialize(json::object{{"assistant", a.param}, {"expose_new", b}}));
    break;
  case ActionKind::set_analytics: {
    if (!parse_bool(value, b)) return port_bad_value(a, value);
    json::object prefs;
    prefs[a.param] = b;
    r = call("analytics/preferences", json::serialize(json::object{{"preferences", std::move(prefs)}}));
    break;
  }
  case ActionKind::set_exposure: {
    if (!known_assistant(a.param)) return not_found("unknown assistant \"" + a.param + "\"");
    if (!parse_bool(value, b)) return port_bad_value(a, value);
    // HA would quietly create a settings record for an entity that does not exist; refuse instead.
    auto exists = entity_exists(a.target);
    if (!exists) return exists.error();
    if (!*exists) return port_no_entity(a.target, "in Home Assistant");
    r = call("homeassistant/expose_entity",
             json::serialize(json::object{{"assistants", json::array{json::string(a.param)}},
                                          {"entity_ids", json::array{json::string(a.target)}},
                                          {"should_expose", b}}));
    break;
  }
  case ActionKind::disable_entity:
  case ActionKind::hide_entity: {
    if (!parse_bool(value, b)) return port_bad_value(a, value);
    json::object fields{{"entity_id", a.target}};
    fields[*kind == ActionKind::disable_entity ? "disabled_by" : "hidden_by"] = b ? json::value("user") : json::value(nullptr);
    r = call("config/entity_registry/update", json::serialize(fields));
    break;
  }
  case ActionKind::switch_state:
  case ActionKind::lock:
  case ActionKind::select_option: {
    const std::string domain = domain_of(a.target);
    json::object fields{{"domain", domain}, {"target", json::object{{"entity_id", a.target}}}};
    if (*kind == ActionKind::switch_state) {
      if (value != "on" && value != "off") return port_bad_value(a, value);
      fields["service"] = value == "on" ? "turn_on" : "turn_off";
    } else if (*kind == ActionKind::lock) {
      if (domain != "lock" || (value != "locked" && value != "unlocked")) return port_bad_value(a, value);
      fields["service"] = value == "locked" ? "lock" : "unlock";
    } else {
      if (domain != "select" && domain != "input_select") return port_bad_value(a, value);
      fields["service"] = "select_option";
      fields["service_data"] = json::object{{"option", value}};
    }
    r = call("call_service", json::serialize(fields));
    break;
  }
  }
  if (!r) return r.error();
  return true;
}

namespace {
class OwningLivePort final : public policy::HubPort {
 public:
  explicit OwningLivePort(std::unique_ptr<LiveHub> hub) : hub_(std::move(hub)), port_(*hub_) {}
  Result<std::string> read(const policy::PlanAction& a) override { return port_.read(a); }
  Result<bool> write(const policy::PlanAction& a, const std::string& v) override { return port_.write(a, v); }

 private:
  std::unique_ptr<LiveHub> hub_;
  LivePort port_;
};
}  // namespace

Result<std::unique_ptr<policy::HubPort>> connect_port(const LiveOptions& opts) {
  auto hub = LiveHub::connect(opts);
  if (!hub) return hub.error();
  return std::unique_ptr<policy::HubPort>(new OwningLivePort(std::move(*hub)));
}

}  // namespace domoguard::hub::ha
