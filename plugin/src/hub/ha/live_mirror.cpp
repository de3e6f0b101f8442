#include "hub/ha/live_mirror.hpp"

#include "hub/ha/json_stream.hpp"
#include "util/clock.hpp"

#include <boost/json.hpp>
#include <cctype>
#include <ctime>
#include <thread>
#include <vector>

namespace domoguard::hub::ha {

namespace json = boost::json;

namespace {

std::string str(const json::object& o, std::string_view k) {
  auto* v = o.if_contains(k);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

// Seconds since the epoch of an HA time_fired stamp ("2026-11-25T15:40:01.123456+00:00"), or 0.
double epoch_of(const std::string& iso) {
  std::tm tm{};
  if (iso.size() < 19 || !strptime(iso.c_str(), "%Y-%m-%dT%H:%M:%S", &tm)) return 0;
  double frac = 0;
  if (iso.size() > 19 && iso[19] == '.') {
    size_t end = 20;
    while (end < iso.size() && end < 29 && std::isdigit(static_cast<unsigned char>(iso[end]))) ++end;
    if (end > 20) frac = std::stod("0." + iso.substr(20, end - 20));
  }
  return static_cast<double>(timegm(&tm)) + frac;  // HA sends UTC stamps
}

// Registry and state events, and the events HA fires when what a rule reads changes elsewhere:
// automations and scripts saved (the editor reloads them), users added, changed or removed, the
// core configuration (URLs, name) changed.
constexpr const char* kEvents[] = {"device_registry_updated", "entity_registry_updated", "area_registry_updated",
                                   "state_changed", "automation_reloaded", "script_reloaded", "user_added",
                                   "user_updated", "user_removed", "core_config_updated"};

// Facts that change without any event: re-read on a timer and compared. Long-lived tokens (made
// or revoked on a profile page), the Supervisor's apps, dashboard resources and Thread datasets
// fire no event a client can subscribe to.
constexpr const char* kPolled[] = {"homeassistant/expose_new_entities/get", "homeassistant/expose_entity/list",
                                   "http/config", "config_entries/get", "cloud/status", "analytics",
                                   "config/auth/list", "auth/current_user", "auth/refresh_tokens",
                                   "lovelace/resources", "supervisor/api", "thread/get_dataset_tlv"};

}  // namespace

LiveMirror::LiveMirror(LiveHub& hub, std::string origin, int state_delay_ms, int poll_ms)
    : hub_(hub), origin_(std::move(origin)), state_delay_ms_(state_delay_ms), poll_ms_(poll_ms) {}

Result<bool> LiveMirror::refresh(const std::string& cmd) {
  auto r = hub_.fetch_reply(cmd, cache_["get_states"]);
  if (!r) return r.error();
  auto it = cache_.find(cmd);
  if (!*r) {
    if (it == cache_.end()) return false;
    cache_.erase(it);
    return true;
  }
  if (it != cache_.end() && it->second == **r) return false;
  cache_[cmd] = std::move(**r);
  return true;
}

Result<bool> LiveMirror::wait_until_running(const std::atomic<bool>& stop, const Note& note) {
  for (bool said = false; !stop.load();) {
    auto config = hub_.call("get_config");
    if (!config) {
      if (config.error().key != "error.ha.command") return config.error();
      return true;  // no get_config: nothing to wait for
    }
    boost::system::error_code ec;
    auto v = json::parse(*config, ec);
    if (ec || !v.is_object() || !v.as_object().contains("state") || str(v.as_object(), "state") == "RUNNING") return true;
    if (!said) note("Home Assistant is starting (" + str(v.as_object(), "state") + "); waiting for it");
    said = true;
    for (int i = 0; i < 5 && !stop.load(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

Result<model::Home> LiveMirror::start() {
  // State changes matter too: a child lock switched off, a battery running down, an update
  // appearing. A new MQTT device's first states arrive only after its registry entries.
  for (const char* ev : kEvents) {
    auto sub = hub_.subscribe(ev);
    if (!sub) return sub.error();
  }
  auto replies = hub_.fetch_replies();
  if (!replies) return replies.error();
  cache_ = std::move(*replies);
  pending_states_.clear();
  pending_by_.clear();
  next_poll_ = clock::now() + std::chrono::milliseconds(poll_ms_);
  return home();
}

Result<model::Home> LiveMirror::home() const {
  auto h = from_replies(cache_, origin_, model::SourceKind::live);
  if (h) h->taken_at = util::now_utc();   // a live hub is described as it is now
  return h;
}

Result<bool> LiveMirror::keepalive(int heartbeat_s) {
  const auto now = clock::now();
  if (now - last_beat_ <= std::chrono::seconds(heartbeat_s)) return true;
  auto pong = hub_.call("ping");
  if (!pong) return pong.error();
  last_beat_ = now;
  return true;
}

Result<bool> LiveMirror::notify(const std::string& id, const std::string& title, const std::string& message) {
  json::object data{{"notification_id", id}, {"title", title}, {"message", message}};
  auto r = hub_.call("call_service", json::serialize(json::object{{"domain", "persistent_notification"},
                                                                   {"service", "create"},
                                                                   {"service_data", std::move(data)}}));
  if (!r) return r.error();
  return true;
}

Result<std::optional<std::pair<model::Home, HomeChange>>> LiveMirror::next_change(int max_wait_ms) {
  using Out = std::optional<std::pair<model::Home, HomeChange>>;
  int wait_ms = max_wait_ms;
  if (poll_ms_ > 0)
    wait_ms = static_cast<int>(std::clamp<long long>(
        std::chrono::duration_cast<std::chrono::milliseconds>(next_poll_ - clock::now()).count(), 0, wait_ms));
  if (!pending_states_.empty())
    wait_ms = static_cast<int>(std::clamp<long long>(
        std::chrono::duration_cast<std::chrono::milliseconds>(states_due_ - clock::now()).count(), 0, max_wait_ms));
  auto ev = hub_.next_event(wait_ms);
  if (!ev) return ev.error();
  const auto now = clock::now();
  bool polled_change = false;
  if (poll_ms_ > 0 && now >= next_poll_) {
    for (const char* cmd : kPolled) {
      auto r = refresh(cmd);
      if (!r) return r.error();
      polled_change = polled_change || *r;
    }
    next_poll_ = clock::now() + std::chrono::milliseconds(poll_ms_);
  }
  if (!ev->has_value() && !polled_change && (pending_states_.empty() || now < states_due_)) return Out{};

  // Gather this event and whatever follows within a few milliseconds into one change.
  std::vector<std::string> events;
  if (ev->has_value()) events.push_back(**ev);
  while (ev->has_value() && events.size() < 200) {
    auto more = hub_.next_event(5);
    if (!more || !more->has_value()) break;
    events.push_back(**more);
  }
  HomeChange change;
  bool devices_changed = false, entities_changed = false, automations_changed = false, users_changed = false,
       config_changed = false;
  if (polled_change) change.registry = change.everything = true;
  std::set<std::string> changed_entities;
  for (const auto& text : events) {
    boost::system::error_code ec;
    auto v = json::parse(text, ec);
    if (ec || !v.is_object()) continue;
    const auto& o = v.as_object();
    const auto type = str(o, "event_type");
    const double fired = epoch_of(str(o, "time_fired"));
    const auto* data = o.if_contains("data");
    if (!data || !data->is_object()) continue;
    const auto& d = data->as_object();
    // Who asked for it: HA puts the user of a service call or UI action in the event's context, and
    // keeps an entity's service-call context for the state it writes in the next seconds (a device
    // confirming the command).
    std::string user;
    if (const auto* ctx = o.if_contains("context"); ctx && ctx->is_object()) user = str(ctx->as_object(), "user_id");
    if (user.size() > 64) user.clear();
    if (type == "state_changed") {
      const auto eid = str(d, "entity_id");
      if (eid.empty()) continue;
      const auto* ns = d.if_contains("new_state");
      pending_states_[eid] = ns ? json::serialize(*ns) : "null";
      if (user.empty()) pending_by_.erase(eid);
      else pending_by_[eid] = user;
      if (fired > 0 && (states_fired_ == 0 || fired < states_fired_)) states_fired_ = fired;
      if (pending_states_.size() == 1)
        states_due_ = std::max(now, states_applied_ + std::chrono::milliseconds(state_delay_ms_));
      continue;
    }
    change.registry = true;
    if (fired > 0 && (change.first_fired == 0 || fired < change.first_fired)) change.first_fired = fired;
    if (type == "device_registry_updated") {
      devices_changed = true;
      change.devices.insert(str(d, "device_id"));
      if (str(d, "action") == "create") change.created.insert(str(d, "device_id"));
    } else if (type == "entity_registry_updated") {
      entities_changed = true;
      changed_entities.insert(str(d, "entity_id"));
      if (!user.empty()) change.changed_by[str(d, "entity_id")] = user;
      if (auto old = str(d, "old_entity_id"); !old.empty()) changed_entities.insert(old);
    } else if (type == "area_registry_updated") {
      change.everything = true;
    } else if (type == "automation_reloaded" || type == "script_reloaded") {
      automations_changed = change.everything = true;
    } else if (type == "user_added" || type == "user_updated" || type == "user_removed") {
      users_changed = change.everything = true;
    } else if (type == "core_config_updated") {
      config_changed = change.everything = true;
    }
  }
  const bool apply_states = !pending_states_.empty() && (change.registry || clock::now() >= states_due_);
  if (!change.registry && !apply_states) return Out{};
  if (apply_states) {
    if (states_fired_ > 0 && (change.first_fired == 0 || states_fired_ < change.first_fired))
      change.first_fired = states_fired_;
    // Patch the cached get_states reply; a refetch below (entity changes) supersedes it.
    // The reply is spliced as text: a tree of every state would be many times its size.
    std::vector<detail::ArrayElement> elements;
    if (!entities_changed && detail::split_array(cache_["get_states"], "entity_id", elements)) {
      const std::string& old = cache_["get_states"];
      std::size_t size = old.size() + 2;
      for (const auto& [eid, text] : pending_states_) size += text.size() + 1;
      std::string patched;
      patched.reserve(size);
      patched += '[';
      auto add = [&](std::string_view element) {
        if (patched.size() > 1) patched += ',';
        patched.append(element);
      };
      auto is_object = [](const std::string& text) { return detail::read_envelope(text).has_value(); };
      std::set<std::string> present;
      for (const auto& e : elements) {
        present.insert(e.key_value);
        auto it = pending_states_.find(e.key_value);
        if (it == pending_states_.end()) add(std::string_view(old).substr(e.begin, e.size));
        else if (is_object(it->second)) add(it->second);
      }
      for (const auto& [eid, text] : pending_states_)
        if (!present.count(eid) && is_object(text)) add(text);
      patched += ']';
      cache_["get_states"] = std::move(patched);
    }
    for (const auto& [eid, st] : pending_states_) changed_entities.insert(eid);
    for (auto& [eid, user] : pending_by_) change.changed_by[eid] = std::move(user);
    pending_states_.clear();
    pending_by_.clear();
    states_applied_ = clock::now();
    states_fired_ = 0;
  }
  auto refetch = [&](const char* cmd) {
    auto r = hub_.call(cmd);
    if (r) cache_[cmd] = std::move(*r);
    return r ? Result<bool>(true) : r.error().key == "error.ha.command" ? Result<bool>(false) : Result<bool>(r.error());
  };
  std::vector<const char*> again;
  if (devices_changed || change.everything) again.push_back("config/device_registry/list");
  if (change.everything) again.push_back("config/area_registry/list");
  if (entities_changed)
    for (const char* c : {"config/entity_registry/list", "get_states", "homeassistant/expose_entity/list"}) again.push_back(c);
  if (users_changed) again.push_back("config/auth/list");
  if (config_changed) again.push_back("get_config");
  for (const char* cmd : again)
    if (auto r = refetch(cmd); !r) return r.error();
  // A new or removed automation or script entity, or a reload, changes what they are.
  for (const auto& eid : changed_entities)
    automations_changed = automations_changed || (entities_changed && (eid.rfind("automation.", 0) == 0 ||
                                                                       eid.rfind("script.", 0) == 0));
  if (automations_changed)
    for (const char* per_entity : {"automation/config", "script/config"})
      if (auto r = refresh(per_entity); !r) return r.error();
  if (users_changed)
    if (auto r = refresh("auth/current_user"); !r) return r.error();
  auto updated = from_replies(cache_, origin_, model::SourceKind::live);
  if (!updated) return updated.error();
  // Entities name their device.
  for (const auto& e : updated->entities)
    if (changed_entities.count(e.entity_id) && !e.device_id.empty()) change.devices.insert(e.device_id);
  change.devices.erase("");
  change.created.erase("");
  return Out{std::make_pair(std::move(*updated), std::move(change))};
}

}  // namespace domoguard::hub::ha
