#include "watcher.hpp"

#include <boost/json.hpp>
#include <chrono>
#include <map>
#include <set>
#include <thread>

#include "app/events.hpp"
#include "app/source.hpp"
#include "audit/classify.hpp"
#include "hub/ha/live_port.hpp"
#include "locale/messages.hpp"
#include "policy/compile.hpp"
#include "store/journal.hpp"
#include "report/render.hpp"

namespace domoguard::daemon {

namespace json = boost::json;
using clock_type = std::chrono::steady_clock;

std::string markdown_escape(const std::string& s) {
  std::string out;
  for (char c : report::terminal_safe(s, 100)) {
    if (std::string_view("\\`*_{}[]()<>#+-.!|~").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

Watcher::Watcher(WatcherOptions opts, api::Service& service, Log log)
    : opts_(std::move(opts)), service_(service), log_(std::move(log)) {}

void Watcher::run(const std::atomic<bool>& stop) {
  int backoff = 1;
  while (!stop.load()) {
    const auto started = clock_type::now();
    session(stop);
    if (stop.load()) break;
    // A session that lasted a while resets the delay; quick failures back off.
    if (clock_type::now() - started > std::chrono::seconds(30)) backoff = 1;
    log_("reconnecting in " + std::to_string(backoff) + " s");
    for (int i = 0; i < backoff * 10 && !stop.load(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    backoff = std::min(backoff * 2, opts_.max_backoff_s);
  }
}

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
    while (end < iso.size() && std::isdigit(static_cast<unsigned char>(iso[end]))) ++end;
    frac = std::stod("0." + iso.substr(20, end - 20));
  }
  return static_cast<double>(timegm(&tm)) + frac;  // HA sends UTC stamps
}

double now_epoch() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

bool Watcher::session(const std::atomic<bool>& stop) {
  auto hub = hub::ha::LiveHub::connect(opts_.live);
  if (!hub) {
    log_("cannot reach Home Assistant: " + hub.error().message);
    return false;
  }
  log_("connected to Home Assistant " + (*hub)->ha_version());
  // HA answers on its WebSocket while it is still starting, before integrations have loaded their
  // entities and states: an audit then would store a home with half its findings missing.
  for (bool said = false; !stop.load();) {
    auto config = (*hub)->call("get_config");
    if (!config) {
      if (config.error().key != "error.ha.command") {
        log_("connection lost: " + config.error().message);
        return false;
      }
      break;  // no get_config: nothing to wait for
    }
    boost::system::error_code ec;
    auto v = json::parse(*config, ec);
    if (ec || !v.is_object() || !v.as_object().contains("state") || str(v.as_object(), "state") == "RUNNING") break;
    if (!said) log_("Home Assistant is starting (" + str(v.as_object(), "state") + "); waiting for it");
    said = true;
    for (int i = 0; i < 5 && !stop.load(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (stop.load()) return true;
  // Subscribe first, then read everything: a change made in between arrives as an event.
  // State changes matter too: a child lock switched off, a battery running down, an update
  // appearing. A new MQTT device's first states arrive only after its registry entries.
  for (const char* ev : {"device_registry_updated", "entity_registry_updated", "area_registry_updated", "state_changed"}) {
    auto sub = (*hub)->subscribe(ev);
    if (!sub) {
      log_(std::string("cannot subscribe to ") + ev + ": " + sub.error().message);
      return false;
    }
  }
  auto replies = (*hub)->fetch_replies();
  if (!replies) {
    log_("reading the home failed: " + replies.error().message);
    return false;
  }
  auto cache = std::move(*replies);
  auto home = hub::ha::from_replies(cache, opts_.live.url);
  if (!home) {
    log_("the hub's data could not be read: " + home.error().describe());
    return false;
  }
  std::set<std::string> known;
  for (const auto& d : home->devices) known.insert(d.id);
  auto full = service_.set_home(std::move(*home), opts_.live.url);
  if (!full) {
    log_("storing the audit failed: " + full.error().message);
    return false;
  }
  log_("full audit: score " + std::to_string(full->score) + ", " + std::to_string(known.size()) + " devices");

  const locale::Messages msg(opts_.lang);
  std::map<std::string, clock_type::time_point> to_notify;  // new device -> when to notify
  auto last_beat = clock_type::now();
  // State changes can come many times a second (meters): the first after a quiet spell is applied
  // at once, later ones are gathered and applied at most every state_delay_ms (a registry event
  // applies them sooner).
  std::map<std::string, json::value> pending_states;  // entity_id -> new state (null: removed)
  clock_type::time_point states_due{}, states_applied{};
  double states_fired = 0;

  while (!stop.load()) {
    // New devices: tell the household once their entities have arrived. At the top of each turn,
    // so that a batch which ends early (continue) never holds a notification back.
    for (auto it = to_notify.begin(); it != to_notify.end();) {
      if (clock_type::now() < it->second) {
        ++it;
        continue;
      }
      // Privacy by default (7.3.2): before anyone uses the new device, apply its type's defaults,
      // journalled so that opting in is one undo.
      std::string private_changes;
      if (service_.privacy_default_on()) {
        auto now_home = hub::ha::from_replies(cache, opts_.live.url);
        if (now_home) {
          audit::classify(*now_home);
          auto plan = policy::plan_privacy_defaults(*now_home, it->first);
          if (plan && !plan->actions.empty()) {
            auto journal = store::Journal::open(opts_.db_path.empty() ? ":memory:" : opts_.db_path);
            if (journal) {
              hub::ha::LivePort port(**hub);
              policy::ApplyOptions ao;
              ao.hub = app::home_key(*now_home, opts_.live.url);
              ao.actor = "domoguard";
              auto applied = policy::apply(*plan, port, **journal, ao);
              if (applied && applied->ok) {
                int changed = 0;
                for (const auto& st : applied->steps) changed += st.outcome == policy::StepOutcome::changed;
                private_changes = std::to_string(changed);
                log_("privacy by default: " + std::to_string(changed) + " change(s) for new device " + it->first +
                     " (journal " + std::to_string(applied->journal_id) + ")");
                if (!opts_.db_path.empty()) app::log_plan(opts_.db_path, *plan, *applied, false, "");
              } else {
                log_("privacy by default for " + it->first + " failed: " +
                     (applied ? applied->error.message : applied.error().message));
              }
            }
          }
        }
      }
      if (!opts_.notify) {
        it = to_notify.erase(it);
        continue;
      }
      const auto findings = service_.findings_for(it->first);
      std::string name = it->first;
      auto status = json::parse(service_.handle("{\"type\":\"domoguard/device\",\"device_id\":" +
                                                json::serialize(json::value(it->first)) + "}"));
      if (auto* r = status.as_object().if_contains("result"); r && r->is_object())
        name = str(r->as_object().at("device").as_object(), "name");
      if (status.as_object().at("success").as_bool()) {
        json::object data{
            {"notification_id", "domoguard_new_device_" + it->first},
            {"title", msg.text("notify.new_device.title")},
            {"message", msg.text("notify.new_device.message", {{"name", markdown_escape(name)},
                                                              {"count", std::to_string(findings.size())},
                                                              {"link", opts_.panel_link}}) +
                            (private_changes.empty() || private_changes == "0"
                                 ? std::string()
                                 : "\n\n" + msg.text("notify.new_device.private", {{"changes", private_changes},
                                                                                    {"link", opts_.panel_link}}))}};
        auto r = (*hub)->call("call_service",
                              json::serialize(json::object{{"domain", "persistent_notification"},
                                                           {"service", "create"},
                                                           {"service_data", std::move(data)}}));
        if (r) log_("notified: new device " + report::terminal_safe(name) + ", " + std::to_string(findings.size()) + " findings");
        else log_("notification failed: " + r.error().message);
      }
      it = to_notify.erase(it);
    }
    int wait_ms = 500;
    if (!pending_states.empty())
      wait_ms = static_cast<int>(std::clamp<long long>(
          std::chrono::duration_cast<std::chrono::milliseconds>(states_due - clock_type::now()).count(), 0, 500));
    auto ev = (*hub)->next_event(wait_ms);
    if (!ev) {
      log_("connection lost: " + ev.error().message);
      return false;
    }
    const auto now = clock_type::now();
    if (!ev->has_value() && (pending_states.empty() || now < states_due)) {
      if (now - last_beat > std::chrono::seconds(opts_.heartbeat_s)) {
        auto pong = (*hub)->call("ping");
        if (!pong) {
          log_("heartbeat failed: " + pong.error().message);
          return false;
        }
        last_beat = now;
      }
    } else {
      // Gather this event and whatever follows within a few milliseconds into one re-audit.
      std::vector<std::string> events;
      if (ev->has_value()) events.push_back(**ev);
      while (ev->has_value() && events.size() < 200) {
        auto more = (*hub)->next_event(5);
        if (!more || !more->has_value()) break;
        events.push_back(**more);
      }
      bool devices_changed = false, entities_changed = false, areas_changed = false;
      std::set<std::string> changed_devices, changed_entities, created;
      double first_fired = 0;
      bool registry_event = false;
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
        if (type == "state_changed") {
          const auto eid = str(d, "entity_id");
          if (eid.empty()) continue;
          const auto* ns = d.if_contains("new_state");
          pending_states[eid] = ns ? *ns : json::value(nullptr);
          if (fired > 0 && (states_fired == 0 || fired < states_fired)) states_fired = fired;
          if (pending_states.size() == 1)
            states_due = std::max(now, states_applied + std::chrono::milliseconds(opts_.state_delay_ms));
          continue;
        }
        registry_event = true;
        if (fired > 0 && (first_fired == 0 || fired < first_fired)) first_fired = fired;
        if (type == "device_registry_updated") {
          devices_changed = true;
          changed_devices.insert(str(d, "device_id"));
          if (str(d, "action") == "create") created.insert(str(d, "device_id"));
        } else if (type == "entity_registry_updated") {
          entities_changed = true;
          changed_entities.insert(str(d, "entity_id"));
          if (auto old = str(d, "old_entity_id"); !old.empty()) changed_entities.insert(old);
        } else if (type == "area_registry_updated") {
          areas_changed = true;
        }
      }
      const bool apply_states = !pending_states.empty() && (registry_event || clock_type::now() >= states_due);
      if (!registry_event && !apply_states) continue;
      if (apply_states) {
        if (states_fired > 0 && (first_fired == 0 || states_fired < first_fired)) first_fired = states_fired;
        // Patch the cached get_states reply; a refetch below (entity changes) supersedes it.
        if (!entities_changed) {
          boost::system::error_code ec;
          auto states = json::parse(cache["get_states"], ec);
          if (!ec && states.is_array()) {
            auto& arr = states.as_array();
            std::map<std::string, size_t> at;
            for (size_t i = 0; i < arr.size(); ++i)
              if (arr[i].is_object()) at[str(arr[i].as_object(), "entity_id")] = i;
            json::array patched;
            patched.reserve(arr.size() + pending_states.size());
            for (auto& st : arr) {
              const auto eid = st.is_object() ? str(st.as_object(), "entity_id") : std::string();
              auto it = pending_states.find(eid);
              if (it == pending_states.end()) patched.push_back(std::move(st));
              else if (it->second.is_object()) patched.push_back(std::move(it->second));
            }
            for (auto& [eid, st] : pending_states)
              if (!at.count(eid) && st.is_object()) patched.push_back(std::move(st));
            cache["get_states"] = json::serialize(patched);
          }
        }
        for (const auto& [eid, st] : pending_states) changed_entities.insert(eid);
        pending_states.clear();
        states_applied = clock_type::now();
        states_fired = 0;
      }
      auto refetch = [&](const char* cmd) {
        auto r = (*hub)->call(cmd);
        if (r) cache[cmd] = std::move(*r);
        return static_cast<bool>(r) || r.error().key == "error.ha.command";
      };
      bool ok = true;
      if (devices_changed || areas_changed) ok &= refetch("config/device_registry/list");
      if (areas_changed) ok &= refetch("config/area_registry/list");
      if (entities_changed) {
        ok &= refetch("config/entity_registry/list");
        ok &= refetch("get_states");
        ok &= refetch("homeassistant/expose_entity/list");
      }
      if (!ok) {
        log_("connection lost while re-reading the home");
        return false;
      }
      auto updated = hub::ha::from_replies(cache, opts_.live.url);
      if (!updated) {
        log_("the hub's data could not be read: " + updated.error().describe());
        continue;
      }
      // Entities name their device; removed ones are found in the previous view through known ids.
      for (const auto& e : updated->entities)
        if (changed_entities.count(e.entity_id) && !e.device_id.empty()) changed_devices.insert(e.device_id);
      changed_devices.erase("");
      std::set<std::string> now_known;
      std::string new_names;
      for (const auto& d : updated->devices) {
        now_known.insert(d.id);
        if (created.count(d.id) && !known.count(d.id)) new_names += (new_names.empty() ? "" : ", ") + d.name;
      }
      Result<api::AuditDelta> delta = Error{};
      if (areas_changed) delta = service_.set_home(std::move(*updated), opts_.live.url);
      else delta = service_.update_home(std::move(*updated), {changed_devices.begin(), changed_devices.end()});
      if (!delta) {
        log_("storing the audit failed: " + delta.error().message);
        continue;
      }
      if (!registry_event && delta->new_findings.empty() && delta->resolved_keys.empty()) {
        known = std::move(now_known);
        continue;
      }
      char latency[64] = "";
      if (first_fired > 0) std::snprintf(latency, sizeof latency, ", event to stored %.1f ms", (now_epoch() - first_fired) * 1000);
      log_("re-audit: " + std::to_string(changed_devices.size()) + " device(s), " +
           std::to_string(delta->new_findings.size()) + " new and " + std::to_string(delta->resolved_keys.size()) +
           " resolved findings, score " + std::to_string(delta->score) + latency +
           (new_names.empty() ? "" : "; new: " + new_names));
      for (const auto& id : created)
        if (!known.count(id) && (opts_.notify || service_.privacy_default_on())) to_notify[id] = clock_type::now() + std::chrono::milliseconds(opts_.notify_delay_ms);
      known = std::move(now_known);
    }
  }
  return true;
}

}  // namespace domoguard::daemon
