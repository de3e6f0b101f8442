#include "api/verbs.hpp"

#include <boost/json.hpp>

namespace domoguard::api {

std::string_view to_string(Caller c) { return c == Caller::admin ? "admin" : "anyone"; }

std::string_view to_string(ParamType t) {
  switch (t) {
    case ParamType::string: return "string";
    case ParamType::integer: return "integer";
    case ParamType::boolean: return "boolean";
    case ParamType::string_list: return "string_list";
    case ParamType::object: return "object";
  }
  return "string";
}

const std::vector<VerbSpec>& verb_table() {
  using P = ParamType;
  static const std::vector<VerbSpec> table = {
      {"status", Caller::anyone, {}, "{ready, version, score?, audit_id?, findings?, devices?, hub_version?, audited_at?, source?}"},
      // The audit is a map of the home's weak points: for admins only, as only admins change anything.
      {"audit", Caller::admin, {}, "the audit document (as `domoguard audit --format json`) with audited_at and since_last"},
      {"device", Caller::admin, {{"device_id", P::string, true, "the device's registry id"}}, "{device, findings}"},
      {"catalog", Caller::anyone, {}, "the rule catalogue (as `domoguard catalog --format json`)"},
      {"explain", Caller::anyone, {{"rule", P::string, true, "a rule id, e.g. DG-VOI-001"}}, "{rule, text}"},
      {"history", Caller::admin, {{"limit", P::integer, false, "how many audits, 1-500 (default 20)"}},
       "[{id, created_at, score, findings}]"},
      {"journal", Caller::admin, {}, "[{journal_id, plan_id, kind, selector, state, created_at, undoable}]"},
      {"plan", Caller::admin,
       {{"selector", P::string_list, false, "the CLI's selector words, e.g. [\"--level\", \"strict\"]"},
        {"journal_id", P::integer, false, "without a selector: the preview of undoing this entry"}},
       "a plan {id, kind, selector, title, actions, guidance}"},
      {"apply", Caller::admin,
       {{"selector", P::string_list, true, "the CLI's selector words"}, {"user", P::string, false, "who asks"}},
       "{journal_id, ok, rolled_back, failed_step, error, nothing_to_change, recovered, recovered_text, plan, steps, score}",
       true, true},
      {"undo", Caller::admin,
       {{"selector", P::string_list, false, "--child-safe off / --privacy-default off: undo what switched it on"},
        {"journal_id", P::integer, false, "the entry to undo (default: the latest applied)"},
        {"user", P::string, false, "who asks"}},
       "as apply", true, true},
      {"notice", Caller::anyone, {{"device_id", P::string, false, "a device's notice; without it, the home's"}},
       "the privacy notice with its acknowledgement"},
      // Each person's acknowledgement is their own: anyone signed in may give it.
      {"notice/ack", Caller::anyone,
       {{"device_id", P::string, false, "as for notice"}, {"version", P::string, true, "the version shown"},
        {"user", P::string, true, "who acknowledges"}},
       "as notice", true, false},
      {"settings", Caller::anyone, {}, "{levels, categories, scenarios, scenario, scenario_journal_id, child_safe, privacy_default, can_apply}"},
      {"settings/set", Caller::admin,
       {{"privacy_default", P::boolean, false, "privacy by default for new devices"},
        {"hold", P::object, false, "per mode (child_safe, scenario, level, privacy_default): restore or notify"},
        {"user", P::string, false, "who asks"}},
       "as settings", true, true},
      // Hosts roll back a plan a crash cut off, once at start (before serving changes).
      {"recover", Caller::admin, {}, "{recovered: [journal ids], message}", false, true, true},
      {"verbs", Caller::anyone, {}, "this table"},
      // Modes that hold: which hold, pauses, the last drift put back, fights.
      {"hold", Caller::anyone, {}, "{modes, pauses, last_restore, fights}"},
      {"hold/pause", Caller::admin,
       {{"mode", P::string, true, "child_safe, scenario, level or privacy_default"},
        {"seconds", P::integer, true, "how long, 0-86400 (0 ends a pause)"},
        {"user", P::string, false, "who asks"}},
       "as hold", true, false},
      // Hosts compare the home with the modes in force after each change they see.
      {"hold/check", Caller::admin,
       {{"changed_by", P::object, false, "entity id -> the person HA says changed it"}},
       "{restored, told, notifications}", false, true, true},
      // Accepted risks change what the household decided: administrators only.
      {"accept", Caller::admin,
       {{"key", P::string, true, "a finding key or a group id (RULE|kind:*)"},
        {"reason", P::string, true, "why the household lives with it"},
        {"until", P::string, false, "last day it holds, YYYY-MM-DD (default 90 days, at most a year)"},
        {"user", P::string, false, "who accepts"}},
       "{accepted: [keys], until}", true, true},
      {"accept/withdraw", Caller::admin,
       {{"key", P::string, true, "the finding key or group id accepted"}, {"user", P::string, false, "who withdraws"}},
       "{withdrawn}", true, true},
      {"accepted", Caller::admin, {{"all", P::boolean, false, "ended decisions too"}},
       "[{key, state, reason, by, accepted_at, until, ended_at}]"},
  };
  return table;
}

const VerbSpec* find_verb(std::string_view name) {
  for (const auto& v : verb_table())
    if (v.name == name) return &v;
  return nullptr;
}

std::string verbs_json() {
  namespace json = boost::json;
  json::array out;
  for (const auto& v : verb_table()) {
    json::array params;
    for (const auto& p : v.params)
      params.push_back(json::object{{"name", p.name}, {"type", to_string(p.type)}, {"required", p.required}, {"about", p.about}});
    out.push_back(json::object{{"name", v.name},
                               {"caller", to_string(v.caller)},
                               {"params", std::move(params)},
                               {"returns", v.returns},
                               {"names_user", v.names_user},
                               {"changes", v.changes},
                               {"host_only", v.host_only}});
  }
  return json::serialize(out);
}

}  // namespace domoguard::api
