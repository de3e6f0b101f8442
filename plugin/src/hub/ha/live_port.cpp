#include "hub/ha/live_port.hpp"

#include <boost/json.hpp>

namespace domoguard::hub::ha {

namespace json = boost::json;

namespace {

using policy::ActionKind;

Error bad_value(const policy::PlanAction& a, const std::string& value) {
  return Error{ErrorCode::bad_input, "error.port.bad_value",
               "\"" + value + "\" is not a value for " + a.kind + " on " + a.target, "", ""};
}

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
    if (!*exists) return not_found("Home Assistant has no entity " + a.target);
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
    return not_found("Home Assistant has no entity " + a.target);
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
  case ActionKind::set_expose_new:
    if (!known_assistant(a.param)) return not_found("unknown assistant \"" + a.param + "\"");
    if (!parse_bool(value, b)) return bad_value(a, value);
    r = call("homeassistant/expose_new_entities/set",
             json::serialize(json::object{{"assistant", a.param}, {"expose_new", b}}));
    break;
  case ActionKind::set_analytics: {
    if (!parse_bool(value, b)) return bad_value(a, value);
    json::object prefs;
    prefs[a.param] = b;
    r = call("analytics/preferences", json::serialize(json::object{{"preferences", std::move(prefs)}}));
    break;
  }
  case ActionKind::set_exposure: {
    if (!known_assistant(a.param)) return not_found("unknown assistant \"" + a.param + "\"");
    if (!parse_bool(value, b)) return bad_value(a, value);
    // HA would quietly create a settings record for an entity that does not exist; refuse instead.
    auto exists = entity_exists(a.target);
    if (!exists) return exists.error();
    if (!*exists) return not_found("Home Assistant has no entity " + a.target);
    r = call("homeassistant/expose_entity",
             json::serialize(json::object{{"assistants", json::array{json::string(a.param)}},
                                          {"entity_ids", json::array{json::string(a.target)}},
                                          {"should_expose", b}}));
    break;
  }
  case ActionKind::disable_entity:
  case ActionKind::hide_entity: {
    if (!parse_bool(value, b)) return bad_value(a, value);
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
      if (value != "on" && value != "off") return bad_value(a, value);
      fields["service"] = value == "on" ? "turn_on" : "turn_off";
    } else if (*kind == ActionKind::lock) {
      if (domain != "lock" || (value != "locked" && value != "unlocked")) return bad_value(a, value);
      fields["service"] = value == "locked" ? "lock" : "unlock";
    } else {
      if (domain != "select" && domain != "input_select") return bad_value(a, value);
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
