#include "policy/model_port.hpp"

#include <algorithm>

namespace domoguard::policy {

namespace {

Error unknown(const std::string& what) {
  return Error{ErrorCode::bad_input, "error.port.unknown_target", what, "", ""};
}


const char* text(bool b) { return b ? "true" : "false"; }

bool parse_bool(const std::string& v, bool& out) {
  if (v == "true") out = true;
  else if (v == "false") out = false;
  else return false;
  return true;
}

model::Flag* exposure_flag(model::Entity& e, const std::string& assistant) {
  if (assistant == "conversation") return &e.exposure.conversation;
  if (assistant == "cloud.alexa") return &e.exposure.alexa;
  if (assistant == "cloud.google_assistant") return &e.exposure.google;
  return nullptr;
}

model::Flag* analytics_flag(model::Hub& h, const std::string& pref) {
  if (pref == "base") return &h.analytics_base;
  if (pref == "usage") return &h.analytics_usage;
  if (pref == "statistics") return &h.analytics_statistics;
  if (pref == "diagnostics") return &h.analytics_diagnostics;
  return nullptr;
}

bool known_assistant(const std::string& a) {
  return a == "conversation" || a == "cloud.alexa" || a == "cloud.google_assistant";
}

// The domains whose on/off state the `switch` action drives (turn_on/turn_off services).
bool switchable(const std::string& domain) {
  return domain == "switch" || domain == "input_boolean" || domain == "siren" || domain == "light" ||
         domain == "fan" || domain == "automation";
}

}  // namespace

model::Entity* ModelPort::entity(const std::string& entity_id) {
  for (auto& e : home_.entities)
    if (e.entity_id == entity_id) return &e;
  return nullptr;
}

const model::Token* ModelPort::token(const std::string& key) const {
  for (const auto& t : home_.tokens)
    if (!t.created_at.empty() && model::token_key(t) == key) return &t;
  return nullptr;
}

model::App* ModelPort::app(const std::string& slug) {
  for (auto& a : home_.apps)
    if (a.slug == slug) return &a;
  return nullptr;
}

Result<std::string> ModelPort::read(const PlanAction& a) {
  const auto kind = parse_action_kind(a.kind);
  if (!kind) return unknown("unknown action kind \"" + a.kind + "\"");
  switch (*kind) {
    case ActionKind::set_expose_new: {
      if (!known_assistant(a.param)) return unknown("unknown assistant \"" + a.param + "\"");
      auto it = home_.hub.expose_new.find(a.param);
      return std::string(text(it != home_.hub.expose_new.end() && it->second));
    }
    case ActionKind::set_analytics: {
      auto* f = analytics_flag(home_.hub, a.param);
      if (!f) return unknown("unknown analytics preference \"" + a.param + "\"");
      return std::string(text(f->value_or(false)));
    }
    case ActionKind::revoke_token:
      // A token the home does not hold is as good as revoked (like the hub: it cannot be used).
      return std::string(token(a.target) ? "present" : "revoked");
    case ActionKind::set_app_protection: {
      auto* app = this->app(a.target);
      if (!app) return unknown("no app " + a.target + " in the home");
      if (!app->protection) return unknown("the protection mode of " + a.target + " is not known");
      return std::string(text(*app->protection));
    }
    case ActionKind::set_exposure:
    case ActionKind::disable_entity:
    case ActionKind::hide_entity:
    case ActionKind::switch_state:
    case ActionKind::lock:
    case ActionKind::select_option: break;
  }
  auto* e = entity(a.target);
  if (!e) return port_no_entity(a.target, "in the home");
  switch (*kind) {
    case ActionKind::set_exposure: {
      auto* f = exposure_flag(*e, a.param);
      if (!f) return unknown("unknown assistant \"" + a.param + "\"");
      return std::string(text(f->value_or(false)));
    }
    case ActionKind::disable_entity: return std::string(text(e->disabled));
    case ActionKind::hide_entity: return std::string(text(e->hidden));
    case ActionKind::switch_state:
    case ActionKind::lock:
    case ActionKind::select_option:
      if (!e->state) return unknown("no state known for " + a.target);
      return *e->state;
    case ActionKind::set_expose_new:
    case ActionKind::set_analytics:
    case ActionKind::revoke_token:
    case ActionKind::set_app_protection: break;
  }
  return unknown("unknown action kind \"" + a.kind + "\"");
}

Result<bool> ModelPort::write(const PlanAction& a, const std::string& value) {
  const auto kind = parse_action_kind(a.kind);
  if (!kind) return unknown("unknown action kind \"" + a.kind + "\"");
  bool b = false;
  switch (*kind) {
    case ActionKind::set_expose_new:
      if (!known_assistant(a.param)) return unknown("unknown assistant \"" + a.param + "\"");
      if (!parse_bool(value, b)) return port_bad_value(a, value);
      home_.hub.expose_new[a.param] = b;
      return true;
    case ActionKind::set_analytics: {
      auto* f = analytics_flag(home_.hub, a.param);
      if (!f) return unknown("unknown analytics preference \"" + a.param + "\"");
      if (!parse_bool(value, b)) return port_bad_value(a, value);
      *f = b;
      return true;
    }
    case ActionKind::revoke_token: {
      // Like the hub: a revoked token cannot be made again, and only long-lived ones are revoked
      // (revoking a sign-in would sign a person out of their phone, which no rule asks for).
      if (value != "revoked") return port_bad_value(a, value);
      auto it = std::find_if(home_.tokens.begin(), home_.tokens.end(), [&](const model::Token& t) {
        return !t.created_at.empty() && model::token_key(t) == a.target;
      });
      if (it == home_.tokens.end()) return unknown("no such token in the home");
      if (it->type != "long_lived_access_token") return port_bad_value(a, value);
      home_.tokens.erase(it);
      return true;
    }
    case ActionKind::set_app_protection: {
      auto* app = this->app(a.target);
      if (!app) return unknown("no app " + a.target + " in the home");
      if (!parse_bool(value, b)) return port_bad_value(a, value);
      app->protection = b;
      return true;
    }
    case ActionKind::set_exposure:
    case ActionKind::disable_entity:
    case ActionKind::hide_entity:
    case ActionKind::switch_state:
    case ActionKind::lock:
    case ActionKind::select_option: break;
  }
  auto* e = entity(a.target);
  if (!e) return port_no_entity(a.target, "in the home");
  switch (*kind) {
    case ActionKind::set_exposure: {
      auto* f = exposure_flag(*e, a.param);
      if (!f) return unknown("unknown assistant \"" + a.param + "\"");
      if (!parse_bool(value, b)) return port_bad_value(a, value);
      *f = b;
      return true;
    }
    case ActionKind::disable_entity:
    case ActionKind::hide_entity:
      if (!parse_bool(value, b)) return port_bad_value(a, value);
      (*kind == ActionKind::disable_entity ? e->disabled : e->hidden) = b;
      return true;
    case ActionKind::switch_state:
    case ActionKind::lock:
    case ActionKind::select_option:
      // Like the hub: a device that is not there cannot be commanded.
      if (e->state && (*e->state == "unavailable"))
        return Error{ErrorCode::internal, "error.port.unavailable", a.target + " is unavailable", "", "", {{"target", a.target}}};
      if (*kind == ActionKind::switch_state && (!switchable(e->domain) || (value != "on" && value != "off")))
        return port_bad_value(a, value);
      if (*kind == ActionKind::lock && (e->domain != "lock" || (value != "locked" && value != "unlocked")))
        return port_bad_value(a, value);
      if (*kind == ActionKind::select_option && (e->domain != "select" && e->domain != "input_select"))
        return port_bad_value(a, value);
      e->state = value;
      return true;
    case ActionKind::set_expose_new:
    case ActionKind::set_analytics:
    case ActionKind::revoke_token:
    case ActionKind::set_app_protection: break;
  }
  return unknown("unknown action kind \"" + a.kind + "\"");
}

}  // namespace domoguard::policy
