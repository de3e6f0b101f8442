#include "watcher.hpp"

#include <boost/json.hpp>
#include <chrono>
#include <map>
#include <set>
#include <thread>

#include "app/events.hpp"
#include "app/source.hpp"
#include "guard.hpp"
#include "audit/classify.hpp"
#include "hub/ha/live_mirror.hpp"
#include "locale/messages.hpp"
#include "policy/compile.hpp"
#include "report/render.hpp"
#include "report/render_plan.hpp"

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
    log_(LogLevel::info, "reconnecting in " + std::to_string(backoff) + " s");
    for (int i = 0; i < backoff * 10 && !stop.load(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    backoff = std::min(backoff * 2, opts_.max_backoff_s);
  }
}

namespace {
double now_epoch() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}
}  // namespace

bool Watcher::session(const std::atomic<bool>& stop) {
  auto hub = hub::ha::LiveHub::connect(opts_.live);
  if (!hub) {
    log_(LogLevel::warning, "cannot reach Home Assistant: " + hub.error().message);
    return false;
  }
  log_(LogLevel::info, "connected to Home Assistant " + (*hub)->ha_version());
  hub::ha::LiveMirror mirror(**hub, opts_.live.url, opts_.state_delay_ms);
  auto running = mirror.wait_until_running(stop, [this](const std::string& s) { log_(LogLevel::info, s); });
  if (!running) {
    log_(LogLevel::warning, "connection lost: " + running.error().message);
    return false;
  }
  if (!*running) return true;
  auto home = mirror.start();
  if (!home) {
    log_(LogLevel::error, "reading the home failed: " + home.error().describe());
    return false;
  }
  // Devices not (or no longer) waiting to be found new: those of the first audit, and each device
  // whose creation has been handled. A device is new when HA reports creating it and it is not
  // settled, whichever change first brought it into the home: a registry re-read for another event
  // (a device removed a moment before) can bring it in before its own creation event is handled.
  std::set<std::string> settled;
  for (const auto& d : home->devices) settled.insert(d.id);
  const std::size_t first_devices = settled.size();
  auto full = service_.set_home(std::move(*home), opts_.live.url);
  if (!full) {
    log_(LogLevel::error, "storing the audit failed: " + full.error().message);
    return false;
  }
  log_(LogLevel::info, "full audit: score " + std::to_string(full->score) + ", " + std::to_string(first_devices) + " devices");

  const locale::Messages msg(opts_.lang);
  // A plan cut off by a crash of this daemon (or by the hub going away) is rolled back now, once
  // connected and before anything else changes the hub; the household is told.
  if (auto rec = service_.recover(); !rec) {
    log_(LogLevel::warning, "rolling back an interrupted plan failed: " + rec.error().message);
  } else if (!rec->empty()) {
    const locale::Messages en("en");
    log_(LogLevel::warning, api::recovered_text(*rec, en));
    if (opts_.notify) {
      auto r = mirror.notify("domoguard_recovered", msg.text("notify.recovered.title"), api::recovered_text(*rec, msg));
      if (!r) log_(LogLevel::warning, "notification failed: " + r.error().message);
    }
  }
  // Modes that hold: drift that happened while disconnected is compared now, then after each change.
  Guard guard(service_, opts_.lang, opts_.notify,
              [this](bool warning, const std::string& s) { log_(warning ? LogLevel::warning : LogLevel::info, s); });
  guard.after_change(mirror, {});
  std::map<std::string, clock_type::time_point> to_notify;  // new device -> when to notify
  while (!stop.load()) {
    // New devices: tell the household once their entities have arrived. At the top of each turn,
    // so that a batch which ends early never holds a notification back.
    for (auto it = to_notify.begin(); it != to_notify.end();) {
      if (clock_type::now() < it->second) {
        ++it;
        continue;
      }
      const auto private_changes = make_private(mirror, it->first, msg);
      if (opts_.notify) notify_new_device(mirror, msg, it->first, private_changes);
      it = to_notify.erase(it);
    }
    auto change = mirror.next_change(500);
    if (!change) {
      // The hub's data could not be parsed: keep the last audit and wait for the next change.
      if (change.error().code == ErrorCode::bad_input) {
        log_(LogLevel::warning, "the hub's data could not be read: " + change.error().describe());
        continue;
      }
      log_(LogLevel::warning, "connection lost: " + change.error().message);
      return false;
    }
    if (!change->has_value()) {
      guard.tick(mirror);
      if (auto beat = mirror.keepalive(opts_.heartbeat_s); !beat) {
        log_(LogLevel::warning, "heartbeat failed: " + beat.error().message);
        return false;
      }
      continue;
    }
    auto& [updated, what] = **change;
    std::set<std::string> present;
    std::string new_names;
    for (const auto& d : updated.devices) {
      present.insert(d.id);
      if (what.created.count(d.id) && !settled.count(d.id)) new_names += (new_names.empty() ? "" : ", ") + d.name;
    }
    std::vector<std::string> fresh;   // created now, not settled
    for (const auto& id : what.created)
      if (!settled.count(id)) fresh.push_back(id);
    // Handled from here on; a device gone from the home is settled no more (created again, it is new).
    settled.insert(fresh.begin(), fresh.end());
    std::erase_if(settled, [&](const std::string& id) { return !present.count(id); });
    Result<api::AuditDelta> delta = Error{};
    if (what.everything) delta = service_.set_home(std::move(updated), opts_.live.url);
    else delta = service_.update_home(std::move(updated), {what.devices.begin(), what.devices.end()});
    if (!delta) {
      log_(LogLevel::error, "storing the audit failed: " + delta.error().message);
      continue;
    }
    guard.after_change(mirror, what.changed_by);
    if (!what.registry && delta->new_findings.empty() && delta->resolved_keys.empty()) continue;
    char latency[64] = "";
    if (what.first_fired > 0)
      std::snprintf(latency, sizeof latency, ", event to stored %.1f ms", (now_epoch() - what.first_fired) * 1000);
    log_(LogLevel::info, "re-audit: " + std::to_string(what.devices.size()) + " device(s), " + std::to_string(delta->new_findings.size()) +
         " new and " + std::to_string(delta->resolved_keys.size()) + " resolved findings, score " +
         std::to_string(delta->score) + latency + (new_names.empty() ? "" : "; new: " + report::terminal_safe(new_names)));
    for (const auto& id : fresh)
      if (opts_.notify || service_.privacy_default_on())
        to_notify[id] = clock_type::now() + std::chrono::milliseconds(opts_.notify_delay_ms);
  }
  return true;
}

// Privacy by default (7.3.2): before anyone uses the new device, apply its type's defaults,
// journalled so that opting in is one undo. Returns what was really changed, one text per changed
// value in msg's language (none when nothing was applied or every value already was private).
std::vector<std::string> Watcher::make_private(hub::ha::LiveMirror& mirror, const std::string& device_id,
                                               const locale::Messages& msg) {
  if (!service_.privacy_default_on()) return {};
  auto now_home = mirror.home();
  if (!now_home) return {};
  audit::classify(*now_home);
  auto plan = policy::plan_privacy_defaults(*now_home, device_id);
  if (!plan || plan->actions.empty()) return {};
  auto applied = service_.apply_plan(*plan, "");
  if (!applied || !applied->result.ok) {
    log_(LogLevel::warning, "privacy by default for " + device_id + " failed: " +
                                (applied ? applied->result.error.message : applied.error().message));
    return {};
  }
  std::vector<std::string> changes;
  for (const auto& st : applied->result.steps)
    if (st.outcome == policy::StepOutcome::changed)
      changes.push_back(report::plan_text(st.action.message_key, st.action.placeholders, msg));
  log_(LogLevel::info, "privacy by default: " + std::to_string(changes.size()) + " change(s) for new device " + device_id +
                           " (journal " + std::to_string(applied->result.journal_id) + ")");
  return changes;
}

void Watcher::notify_new_device(hub::ha::LiveMirror& mirror, const locale::Messages& msg, const std::string& device_id,
                                const std::vector<std::string>& private_changes) {
  const auto findings = service_.findings_for(device_id);
  auto status = json::parse(service_.handle("{\"type\":\"domoguard/device\",\"device_id\":" +
                                            json::serialize(json::value(device_id)) + "}"));
  if (!status.as_object().at("success").as_bool()) return;
  std::string name = device_id;
  if (auto* r = status.as_object().if_contains("result"); r && r->is_object())
    if (auto* n = r->as_object().at("device").as_object().if_contains("name"); n && n->is_string()) name = std::string(n->as_string());
  // "1 finding", not "1 findings".
  std::string message = msg.text(findings.size() == 1 ? "notify.new_device.message_one" : "notify.new_device.message",
                                 {{"name", markdown_escape(name)},
                                                               {"count", std::to_string(findings.size())},
                                                               {"link", opts_.panel_link}});
  if (!private_changes.empty()) {
    // Exactly what was changed, one line each; "1 setting", not "1 settings".
    std::string list;
    for (const auto& c : private_changes) list += "\n- " + markdown_escape(c);
    message += "\n\n" + msg.text(private_changes.size() == 1 ? "notify.new_device.private_one" : "notify.new_device.private",
                                   {{"changes", std::to_string(private_changes.size())}, {"list", list}, {"link", opts_.panel_link}});
  }
  auto r = mirror.notify("domoguard_new_device_" + device_id, msg.text("notify.new_device.title"), message);
  if (r) log_(LogLevel::info, "notified: new device " + report::terminal_safe(name) + ", " + std::to_string(findings.size()) + " findings");
  else log_(LogLevel::warning, "notification failed: " + r.error().message);
}

}  // namespace domoguard::daemon
