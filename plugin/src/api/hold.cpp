// The domoguard/hold verbs (see api/hold.hpp): modes that hold (7.1.5-7.1.7, 7.1.2/7.1.3, 7.3.2),
// put back through the same journalled, verified, undoable apply as every plan (7.2.12).
#include "api/hold.hpp"

#include <boost/json.hpp>
#include <chrono>
#include <ctime>

#include "api/changes.hpp"
#include "api/service.hpp"
#include "app/events.hpp"
#include "app/source.hpp"
#include "audit/engine.hpp"
#include "locale/messages.hpp"
#include "policy/desired.hpp"
#include "policy/model_port.hpp"
#include "report/render.hpp"
#include "report/render_plan.hpp"
#include "store/eventlog.hpp"

namespace domoguard::api {

namespace json = boost::json;
using policy::HoldMode;
using policy::HoldPolicy;

namespace {

Error bad_request(const std::string& key, const std::string& message) { return Error{ErrorCode::bad_input, key, message, "", ""}; }

std::string time_text(int64_t epoch) {
  std::time_t t = static_cast<std::time_t>(epoch);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string short_time(int64_t epoch) {
  std::time_t t = static_cast<std::time_t>(epoch);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%H:%M:%S UTC", &tm);
  return buf;
}

// Markdown-inert text for notifications: a hub-supplied name cannot add links or formatting.
std::string inert(const std::string& s) {
  std::string out;
  for (char c : report::terminal_safe(s, 100)) {
    if (std::string_view("\\`*_{}[]()<>#+-.!|~").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

std::string key_text(const HoldState::Key& k) { return std::get<0>(k) + "|" + std::get<1>(k) + "|" + std::get<2>(k); }

// The entity's name as people know it, from the action's {name} placeholder.
std::string display_name(const policy::PlanAction& a) {
  for (const auto& [n, v] : a.placeholders)
    if (n == "name") return v;
  return a.target;
}

// Appends one event to the tamper-evident log (7.2.12, 7.2.13).
Result<bool> log_event(const std::string& db_path, const std::string& kind, const std::string& person,
                       const std::string& subject, json::object details) {
  if (db_path.empty()) return true;
  auto log = store::EventLog::open(db_path);
  if (!log) return log.error();
  auto r = (*log)->append({kind, person, subject, json::serialize(details)});
  if (!r) return r.error();
  return true;
}

// What the event log keeps of a drift item: ids and values, no names (the log pseudonymises people
// in its own field, and hub-supplied names stay out of it).
json::object log_details(const json::object& item) {
  json::object o;
  for (const char* k : {"mode", "kind", "param", "should", "is", "journal_id", "attempts"})
    if (auto* v = item.if_contains(k)) o[k] = *v;
  return o;
}

}  // namespace

void Service::hold_into_home_locked() {
  if (!home_) return;
  home_->hold_fights.clear();
  if (hold_)
    for (const auto& [k, f] : hold_->fights)
      home_->hold_fights.push_back(
          model::HoldFight{std::get<1>(k), f.name, f.mode, f.attempts, static_cast<int>(kHoldWindowS), time_text(f.since)});
  home_->mark_present(model::Part::hold);
}

Result<bool> Service::hold_reaudit_locked() {
  if (!home_) return true;
  const auto before = home_->hold_fights.size();
  std::set<std::string> had;
  for (const auto& f : home_->hold_fights) had.insert(f.entity_id + "|" + f.mode);
  hold_into_home_locked();
  std::set<std::string> has;
  for (const auto& f : home_->hold_fights) has.insert(f.entity_id + "|" + f.mode);
  if (before == home_->hold_fights.size() && had == has) return true;
  // The fight appears in (or leaves) the audit every front end shows, at once.
  if (auto rec = record(audit::run_audit(*home_), source_); !rec) return rec.error();
  return true;
}

int64_t Service::hold_now() const {
  if (opts_.clock) return opts_.clock();
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

HoldPolicy Service::hold_policy_locked(HoldMode mode) const {
  auto v = settings_->get(app::home_key(*home_, source_), std::string("hold.policy.") + policy::to_string(mode));
  if (v && v->has_value())
    if (auto p = policy::hold_policy(**v)) return *p;
  return policy::default_policy(mode);
}

int64_t Service::hold_paused_until_locked(HoldMode mode) const {
  auto v = settings_->get(app::home_key(*home_, source_), std::string("hold.pause.") + policy::to_string(mode));
  if (!v || !v->has_value()) return 0;
  try {
    return std::stoll(**v);
  } catch (...) {
    return 0;
  }
}

Result<bool> Service::set_hold_policies(const json::object& req, const std::string& person) {
  const auto* hold = req.if_contains("hold");
  if (!hold || !hold->is_object() || hold->as_object().size() > 8)
    return bad_request("error.api.hold_policy", "Give each mode's policy as restore or notify");
  std::vector<std::pair<HoldMode, HoldPolicy>> wanted;
  for (const auto& [k, p] : hold->as_object()) {
    auto mode = policy::hold_mode(std::string(k));
    std::optional<HoldPolicy> pol;
    if (p.is_string()) pol = policy::hold_policy(std::string(p.as_string()));
    if (!mode || !pol) return bad_request("error.api.hold_policy", "Give each mode's policy as restore or notify");
    wanted.emplace_back(*mode, *pol);
  }
  const std::string hub = app::home_key(*home_, source_);
  for (const auto& [mode, pol] : wanted) {
    if (hold_policy_locked(mode) == pol) continue;
    const std::string name = std::string("hold.policy.") + policy::to_string(mode);
    if (auto st = settings_->set(hub, name, policy::to_string(pol)); !st) return st.error();
    if (!opts_.db_path.empty())
      if (auto logged = app::log_setting(opts_.db_path, name, policy::to_string(pol), person); !logged) return logged.error();
  }
  return true;
}

Result<bool> Service::undo_holds_locked(const std::string& mode, const std::string& person) {
  const std::string hub = app::home_key(*home_, source_);
  auto holds = journal_->applied(hub, "hold");
  if (!holds) return holds.error();
  if (holds->empty()) return true;
  auto port = opts_.port(*home_);
  if (!port) return port.error();
  policy::ApplyOptions aopts;
  aopts.hub = hub;
  aopts.actor = person.empty() ? "domoguard" : person;
  for (const auto& jp : *holds) {  // newest first
    if (jp.selector != "hold=" + mode) continue;
    const locale::Messages msg(opts_.lang);
    auto r = changes_->undo(jp, **port, aopts, msg);
    if (!r) return r.error();
  }
  if (hold_) hold_->last_restore.clear();
  return true;
}

std::string Service::hold_policies_json() const {
  json::object o;
  for (auto m : policy::kHoldModes) o[policy::to_string(m)] = policy::to_string(hold_policy_locked(m));
  return json::serialize(o);
}

Result<std::string> Service::handle_hold(const std::string& type, const json::object& req, const std::string& lang) {
  const locale::Messages msg(lang);
  const std::string hub = app::home_key(*home_, source_);
  const int64_t now = hold_now();
  std::string person;
  if (auto* u = req.if_contains("user"); u && u->is_string() && u->as_string().size() <= 200) person = std::string(u->as_string());
  if (!hold_) hold_ = std::make_shared<HoldState>();
  HoldState& st = *hold_;

  if (type == "domoguard/hold/pause") {
    auto* m = req.if_contains("mode");
    auto* s = req.if_contains("seconds");
    std::optional<HoldMode> mode;
    if (m && m->is_string()) mode = policy::hold_mode(std::string(m->as_string()));
    if (!mode || !s || !s->is_int64() || s->as_int64() < 0 || s->as_int64() > kHoldMaxPauseS)
      return bad_request("error.api.hold_pause",
                         "Give the mode (child_safe, scenario, level or privacy_default) and the seconds to pause it (0 to 86400)");
    const int64_t until = s->as_int64() == 0 ? 0 : now + s->as_int64();
    const std::string name = std::string("hold.pause.") + policy::to_string(*mode);
    if (auto r = settings_->set(hub, name, std::to_string(until)); !r) return r.error();
    // A pause or a resume is the household taking over: whatever was fought over gets a fresh start.
    for (auto it = st.fights.begin(); it != st.fights.end();)
      it = it->second.mode == policy::to_string(*mode) ? st.fights.erase(it) : std::next(it);
    st.attempts.clear();
    if (auto re = hold_reaudit_locked(); !re) return re.error();
    if (auto logged = log_event(opts_.db_path, until ? "hold_paused" : "hold_resumed", person, policy::to_string(*mode),
                                json::object{{"until", until ? json::value(time_text(until)) : json::value(nullptr)},
                                             {"seconds", s->as_int64()}});
        !logged)
      return logged.error();
    return json::serialize(json::object{{"mode", policy::to_string(*mode)},
                                        {"paused_until", until ? json::value(time_text(until)) : json::value(nullptr)}});
  }

  // What is in force: the applied plans of each mode, with the steps whose change still stands.
  auto data = policy::policy_data();
  if (!data) return data.error();
  std::vector<policy::InForce> in_force;
  std::map<HoldMode, bool> mode_on;
  for (auto mode : policy::kHoldModes) {
    auto applied = journal_->applied(hub, policy::to_string(mode));
    if (!applied) return applied.error();
    for (const auto& jp : *applied) {
      auto plan = store::Journal::plan_from_json(jp.plan_json);
      if (!plan) continue;
      policy::InForce f{mode, jp.id, jp.selector, {}};
      for (const auto& step : jp.steps) {
        if (step.state != store::StepState::done && step.state != store::StepState::verified &&
            step.state != store::StepState::unchanged)
          continue;
        if (step.index < 0 || static_cast<size_t>(step.index) >= plan->actions.size()) continue;
        f.actions.push_back(plan->actions[step.index]);
      }
      in_force.push_back(std::move(f));
      mode_on[mode] = true;
    }
  }
  const auto desired = policy::desired_state(**data, *home_, in_force);
  const auto drift = policy::compare(*home_, desired);

  // A target the hub already has at the wanted value (see HoldState::settled) is not reported.
  auto settled = [&](const policy::Drift& d) {
    auto it = st.settled.find({d.want.action.kind, d.want.action.target, d.want.action.param});
    return it != st.settled.end() && it->second == d.is;
  };
  auto item_json = [&](const policy::Drift& d, const std::string& by) {
    return json::object{{"mode", policy::to_string(d.want.mode)},
                        {"name", d.want.name},
                        {"kind", d.want.action.kind},
                        {"target", d.want.action.target},
                        {"param", d.want.action.param},
                        {"should", d.want.action.after},
                        {"is", d.is},
                        {"entity_name", display_name(d.want.action)},
                        {"journal_id", d.want.journal_id},
                        {"changed_by", by.empty() ? json::value(nullptr) : json::value(by)},
                        {"at", time_text(now)},
                        {"message", report::plan_text(d.want.action.message_key, d.want.action.placeholders, msg)}};
  };

  if (type == "domoguard/hold") {
    json::array modes, fights, findings, now_drift;
    for (auto mode : policy::kHoldModes) {
      const int64_t until = hold_paused_until_locked(mode);
      const bool paused = until > now;
      modes.push_back(json::object{{"mode", policy::to_string(mode)},
                                   {"title", msg.text(std::string("hold.mode.") + policy::to_string(mode))},
                                   {"in_force", mode_on[mode]},
                                   {"policy", policy::to_string(hold_policy_locked(mode))},
                                   {"paused_until", paused ? json::value(time_text(until)) : json::value(nullptr)},
                                   {"holding", mode_on[mode] && !paused}});
    }
    for (const auto& [k, f] : st.fights) {
      fights.push_back(json::object{{"mode", f.mode}, {"kind", std::get<0>(k)}, {"target", std::get<1>(k)},
                                    {"param", std::get<2>(k)}, {"entity_name", f.name}, {"attempts", f.attempts},
                                    {"since", time_text(f.since)}});
      // The fight is a finding of its own: a setting the household chose does not hold. It serves
      // the clause of the mode that does not hold, and 7.2.12 (what changed the home is recorded).
      json::array clauses = f.mode == "child_safe"        ? json::array{"7.1.5", "7.1.6"}
                            : f.mode == "scenario"        ? json::array{"7.1.7"}
                            : f.mode == "privacy_default" ? json::array{"7.3.2"}
                                                          : json::array{"7.1.2", "7.1.3"};
      clauses.emplace_back("7.2.12");
      findings.push_back(json::object{
          {"rule", "DG-HOLD-001"},
          {"clauses", std::move(clauses)},
          {"severity", "medium"},
          {"subject", json::object{{"kind", "entity"}, {"id", std::get<1>(k)}, {"name", f.name}}},
          {"evidence", json::object{{"mode", f.mode}, {"attempts", f.attempts}, {"window_s", kHoldWindowS}}},
          {"message", msg.text("hold.finding.fight", {{"name", f.name},
                                                      {"mode", msg.text("hold.mode." + f.mode)},
                                                      {"count", std::to_string(f.attempts)}})}});
    }
    for (const auto& d : drift)
      if (!settled(d)) now_drift.push_back(item_json(d, ""));
    return json::serialize(json::object{{"modes", std::move(modes)},
                                        {"drift", std::move(now_drift)},
                                        {"last_restore", st.last_restore.empty() ? json::value(nullptr) : json::parse(st.last_restore)},
                                        {"fights", std::move(fights)},
                                        {"findings", std::move(findings)},
                                        {"limit", json::object{{"attempts", kHoldAttempts}, {"window_s", kHoldWindowS}}}});
  }
  if (type != "domoguard/hold/check") return bad_request("error.api.unknown_command", "Unknown command");

  // Who changed what, where the hub said (entity id -> user id), turned into the user's name.
  std::map<std::string, std::string> changed_by;
  if (auto* cb = req.if_contains("changed_by"); cb && cb->is_object() && cb->as_object().size() <= 1000)
    for (const auto& [entity, user] : cb->as_object()) {
      if (!user.is_string()) continue;
      for (const auto& u : home_->users)
        if (u.id == user.as_string()) changed_by[std::string(entity)] = u.name;
    }

  // Forget what stopped drifting: a target quiet for a whole window may be fought over afresh.
  std::set<HoldState::Key> drifting;
  std::set<std::string> told_now;
  for (const auto& d : drift) {
    HoldState::Key k{d.want.action.kind, d.want.action.target, d.want.action.param};
    drifting.insert(k);
    st.last_drift[k] = now;
  }
  for (auto it = st.last_drift.begin(); it != st.last_drift.end();) {
    if (drifting.count(it->first) || now - it->second < kHoldWindowS) {
      ++it;
      continue;
    }
    st.fights.erase(it->first);
    st.attempts.erase(it->first);
    it = st.last_drift.erase(it);
  }
  for (auto it = st.settled.begin(); it != st.settled.end();) {
    bool same = false;
    for (const auto& d : drift)
      if (HoldState::Key{d.want.action.kind, d.want.action.target, d.want.action.param} == it->first) same = d.is == it->second;
    it = same ? std::next(it) : st.settled.erase(it);
  }

  json::array restored, reported, new_fights, paused_items, notes;
  const std::string link = "/domoguard";
  auto who_line = [&](const policy::Drift& d, const std::string& by) {
    policy::Placeholders ph;
    for (const auto& [n, v] : d.want.action.placeholders) ph.emplace_back(n, n.ends_with("_key") ? v : inert(v));
    const std::string change = report::plan_text(d.want.action.message_key, ph, msg);
    const std::string is = inert(report::plan_value(d.want.action, d.is, msg));
    return "- " + (by.empty() ? msg.text("notify.hold.item.unknown", {{"change", change}, {"is", is}, {"time", short_time(now)}})
                              : msg.text("notify.hold.item.user",
                                         {{"change", change}, {"is", is}, {"user", inert(by)}, {"time", short_time(now)}}));
  };
  for (auto mode : policy::kHoldModes) {
    std::vector<policy::Drift> mine;
    for (const auto& d : drift)
      if (d.want.mode == mode) mine.push_back(d);
    if (mine.empty()) continue;
    const std::string mode_text = msg.text(std::string("hold.mode.") + policy::to_string(mode));
    const int64_t until = hold_paused_until_locked(mode);
    if (until > now) {
      for (const auto& d : mine) paused_items.push_back(item_json(d, changed_by[d.want.action.target]));
      continue;
    }
    const bool restore = hold_policy_locked(mode) == HoldPolicy::restore && opts_.port;
    if (!restore) {
      std::string lines;
      json::array items;
      for (const auto& d : mine) {
        const std::string told_key = key_text({d.want.action.kind, d.want.action.target, d.want.action.param}) + "=" + d.is;
        told_now.insert(told_key);
        if (st.told.count(told_key)) continue;
        st.told.insert(told_key);
        const std::string by = changed_by[d.want.action.target];
        items.push_back(item_json(d, by));
        lines += who_line(d, by) + "\n";
      }
      if (items.empty()) continue;
      for (const auto& i : items)
        if (auto logged = log_event(opts_.db_path, "hold_drift", i.at("changed_by").is_string() ? std::string(i.at("changed_by").as_string()) : "",
                                    std::string(i.at("target").as_string()), log_details(i.as_object()));
            !logged)
          return logged.error();
      for (const auto& i : items) reported.push_back(i);
      notes.push_back(json::object{
          {"id", std::string("domoguard_hold_drift_") + policy::to_string(mode)},
          {"title", msg.text("notify.hold.drift.title", {{"mode", mode_text}})},
          {"message", msg.text("notify.hold.drift.message", {{"mode", mode_text}, {"items", lines}, {"link", link}})}});
      continue;
    }
    // Put back, except where something keeps undoing it: then stop and say so, once.
    std::vector<policy::Drift> to_restore;
    for (const auto& d : mine) {
      HoldState::Key k{d.want.action.kind, d.want.action.target, d.want.action.param};
      if (st.fights.count(k)) continue;
      if (auto s = st.settled.find(k); s != st.settled.end() && s->second == d.is) continue;
      auto& times = st.attempts[k];
      while (!times.empty() && now - times.front() >= kHoldWindowS) times.pop_front();
      if (static_cast<int>(times.size()) >= kHoldAttempts) {
        const std::string name = display_name(d.want.action);
        st.fights[k] = HoldState::Fight{policy::to_string(mode), name, now, static_cast<int>(times.size())};
        auto item = item_json(d, changed_by[d.want.action.target]);
        item["attempts"] = static_cast<int64_t>(times.size());
        if (auto logged = log_event(opts_.db_path, "hold_fight", "", d.want.action.target, log_details(item)); !logged)
          return logged.error();
        new_fights.push_back(item);
        notes.push_back(json::object{
            {"id", "domoguard_hold_fight_" + d.want.action.target},
            {"title", msg.text("notify.hold.fight.title", {{"name", inert(name)}})},
            {"message", msg.text("notify.hold.fight.message", {{"name", inert(name)},
                                                               {"count", std::to_string(times.size())},
                                                               {"minutes", std::to_string(kHoldWindowS / 60)},
                                                               {"mode", mode_text},
                                                               {"link", link}})}});
        continue;
      }
      to_restore.push_back(d);
    }
    if (to_restore.empty()) continue;
    auto port = opts_.port(*home_);
    if (!port) return port.error();
    // The home held here can lag the hub (its events not yet seen): what the hub already has at
    // the wanted value needs no plan, and the home is told so.
    {
      std::vector<policy::Drift> needed;
      policy::ModelPort held(*home_);
      for (const auto& d : to_restore) {
        auto now_value = (*port)->read(d.want.action);
        if (now_value && *now_value == d.want.action.after) {
          st.settled[{d.want.action.kind, d.want.action.target, d.want.action.param}] = d.is;
          if (opts_.live) (void)held.write(d.want.action, d.want.action.after);
          continue;
        }
        needed.push_back(d);
      }
      to_restore = std::move(needed);
    }
    if (to_restore.empty()) continue;
    const auto plan = policy::restore_plan(mode, to_restore);
    policy::ApplyOptions aopts;
    aopts.hub = hub;
    aopts.actor = "domoguard";
    // The one apply path every change takes: recovery first, journal, verify, the event log.
    auto applied = changes_->apply(plan, **port, aopts);
    if (!applied) return applied.error();
    const policy::ApplyResult* r = &applied->result;
    // Only what was written counts as an attempt and is told: a value already back (the hub's own
    // event not yet seen) was not fought over.
    std::vector<policy::Drift> changed;
    for (const auto& step : r->steps)
      for (const auto& d : to_restore) {
        if (step.action.kind != d.want.action.kind || step.action.target != d.want.action.target ||
            step.action.param != d.want.action.param)
          continue;
        HoldState::Key k{d.want.action.kind, d.want.action.target, d.want.action.param};
        if (step.outcome == policy::StepOutcome::unchanged) {
          st.settled[k] = d.is;
          continue;
        }
        changed.push_back(d);
        st.attempts[k].push_back(now);
      }
    if (r->ok) {
      if (!opts_.live) {
        if (auto rec = record(audit::run_audit(*home_), source_); !rec) return rec.error();
      } else {
        // The hub confirmed the values (apply reads them back); until its events arrive, the home
        // held here shows them too, so a check in between does not see the same drift again.
        policy::ModelPort mirror(*home_);
        for (const auto& d : changed) (void)mirror.write(d.want.action, d.want.action.after);
      }
    }
    if (changed.empty() && r->ok) continue;
    json::array items;
    std::string lines;
    for (const auto& d : r->ok ? changed : to_restore) {
      const std::string by = changed_by[d.want.action.target];
      items.push_back(item_json(d, by));
      lines += who_line(d, by) + "\n";
    }
    json::object done{{"mode", policy::to_string(mode)}, {"journal_id", r->journal_id}, {"ok", r->ok},
                      {"error", r->ok ? "" : r->error.message}, {"at", time_text(now)}, {"items", items}};
    st.last_restore = json::serialize(done);
    restored.push_back(std::move(done));
    notes.push_back(json::object{
        {"id", std::string("domoguard_hold_") + policy::to_string(mode)},
        {"title", msg.text(r->ok ? "notify.hold.restored.title" : "notify.hold.failed.title", {{"mode", mode_text}})},
        {"message", msg.text(r->ok ? "notify.hold.restored.message" : "notify.hold.failed.message",
                             {{"mode", mode_text}, {"items", lines}, {"link", link}})}});
  }
  // Drift told about and since gone may be told again when it comes back.
  for (auto it = st.told.begin(); it != st.told.end();) it = told_now.count(*it) ? std::next(it) : st.told.erase(it);
  // A fight that began or ended here shows in the audit now, not at the next change of the home.
  if (auto re = hold_reaudit_locked(); !re) return re.error();

  json::array all;
  for (const auto& d : drift)
    if (!settled(d)) all.push_back(item_json(d, changed_by[d.want.action.target]));
  return json::serialize(json::object{{"drift", std::move(all)},
                                      {"restored", std::move(restored)},
                                      {"reported", std::move(reported)},
                                      {"fights", std::move(new_fights)},
                                      {"paused", std::move(paused_items)},
                                      {"notifications", std::move(notes)}});
}

}  // namespace domoguard::api
