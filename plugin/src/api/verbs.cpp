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

std::string_view to_string(FieldType t) {
  switch (t) {
    case FieldType::string: return "string";
    case FieldType::integer: return "integer";
    case FieldType::boolean: return "boolean";
    case FieldType::string_list: return "string_list";
    case FieldType::integer_list: return "integer_list";
    case FieldType::object: return "object";
    case FieldType::object_list: return "object_list";
    case FieldType::any: return "any";
  }
  return "any";
}

namespace {
using F = FieldType;
// Fields some replies share. {name, type, nullable, optional}
const std::vector<Field>& settings_fields() {
  static const std::vector<Field> f = {{"levels", F::object_list}, {"categories", F::object_list}, {"scenarios", F::object_list},
                                       {"scenario", F::string, true}, {"scenario_journal_id", F::integer, true},
                                       {"child_safe", F::object}, {"privacy_default", F::object}, {"hold", F::object},
                                       {"can_apply", F::boolean}};
  return f;
}
const std::vector<Field>& change_fields() {
  static const std::vector<Field> f = {{"journal_id", F::integer}, {"ok", F::boolean}, {"rolled_back", F::boolean},
                                       {"failed_step", F::integer}, {"error", F::string},
                                       {"error_key", F::string},   // the error's catalogue key ("" when ok)
                                       {"error_code", F::string},  // "" when ok, "unreachable" (the hub went away) or "failed"
                                       {"nothing_to_change", F::boolean},
                                       {"recovered", F::integer_list}, {"recovered_text", F::string}, {"plan", F::object},
                                       {"steps", F::object_list},  // each: kind, target, param, before, after, outcome, error, message
                                       {"score", F::integer},
                                       // an undo: the changes carried out, last first (the preview's undo_plan)
                                       {"undo_plan", F::object, false, true}};
  return f;
}
// A home's notice or a device's (notice/notice.cpp); the acknowledgement is the host's.
const std::vector<Field>& notice_fields() {
  static const std::vector<Field> f = {
      {"title", F::string}, {"version", F::string}, {"lines", F::object_list}, {"destinations", F::object_list},
      {"acknowledgement", F::object},
      {"devices", F::object_list, false, true},  // the home's notice: its devices' notices, each acknowledged or not
      // A device's notice:
      {"device_id", F::string, false, true}, {"name", F::string, false, true}, {"area", F::string, false, true},
      {"type", F::string, false, true}, {"senses", F::string_list, false, true}, {"data_path", F::string, false, true},
      {"integrations", F::string_list, false, true}, {"privacy_switches", F::string_list, false, true},
      {"exposed_to", F::string_list, false, true}, {"keep_days", F::integer, true, true}};
  return f;
}
const std::vector<Field>& hold_fields() {
  static const std::vector<Field> f = {{"modes", F::object_list}, {"drift", F::object_list}, {"last_restore", F::object, true},
                                       {"fights", F::object_list}, {"findings", F::object_list}, {"limit", F::object}};
  return f;
}
}  // namespace

const std::vector<VerbSpec>& verb_table() {
  using P = ParamType;
  static const std::vector<VerbSpec> table = {
      {"status", Caller::anyone, {},
       {"the host's state and the latest audit's figures (those after ready only once a home is audited)",
        {{"ready", F::boolean}, {"version", F::string}, {"score", F::integer, true, true}, {"scored", F::boolean, false, true},
         {"audit_id", F::integer, false, true}, {"findings", F::integer, false, true}, {"devices", F::integer, false, true},
         {"hub_version", F::string, false, true}, {"audited_at", F::string, false, true}, {"source", F::string, false, true}}}},
      // The audit is a map of the home's weak points: for admins only, as only admins change anything.
      {"audit", Caller::admin, {{"all", P::boolean, false, "every group, information included, none held back for the first screen"}},
       {"the audit document (as `domoguard audit --format json`) with audited_at and since_last",
        {{"hub", F::object}, {"score", F::integer, true}, {"scored", F::boolean}, {"summary", F::object}, {"rules_run", F::integer},
         {"areas", F::object_list}, {"devices", F::object_list}, {"findings", F::object_list}, {"not_run", F::object_list},
         {"unscored", F::object, false, true}, {"groups", F::object_list}, {"first_steps", F::object_list},
         {"first_screen", F::object}, {"accepted", F::object_list, false, true}, {"audited_at", F::string},
         {"since_last", F::object}}}},
      {"device", Caller::admin, {{"device_id", P::string, true, "the device's registry id"}},
       {"the device and its findings", {{"device", F::object}, {"findings", F::object_list}}}},
      {"catalog", Caller::anyone, {},
       {"the rule catalogue (as `domoguard catalog --format json`)",
        {{"standard", F::string}, {"rules", F::object_list}, {"clauses", F::object_list}, {"etsi", F::object_list}}}},
      {"explain", Caller::anyone, {{"rule", P::string, true, "a rule id, e.g. DG-VOI-001"}},
       {"the rule and its explanation (as `domoguard explain`)", {{"rule", F::string}, {"text", F::string}}}},
      {"history", Caller::admin, {{"limit", P::integer, false, "how many audits, 1-500 (default 20)"}},
       {"the home's recent audits, newest first",
        {{"id", F::integer}, {"created_at", F::string}, {"score", F::integer}, {"findings", F::integer}}, true}},
      {"journal", Caller::admin, {},
       {"the recent plans of the journal, newest first",
        {{"journal_id", F::integer}, {"plan_id", F::string}, {"kind", F::string}, {"selector", F::string}, {"state", F::string},
         {"created_at", F::string}, {"undoable", F::boolean}},
        true}},
      {"plan", Caller::admin,
       {{"selector", P::string_list, false, "the CLI's selector words, e.g. [\"--level\", \"strict\"]"},
        {"journal_id", P::integer, false, "without a selector: the preview of undoing this entry"},
        {"plan", P::object, false, "instead of a selector: a plan reviewed earlier, shown as apply would carry it out (refused if altered)"}},
       {"a plan (as `domoguard plan --format json`); previewing an undo, also the undo's own changes",
        {{"id", F::string}, {"kind", F::string}, {"selector", F::string}, {"title", F::string}, {"actions", F::object_list},
         {"guidance", F::object_list}, {"undo_by", F::string, false, true},
         {"irreversible", F::object, false, true},  // present when a step cannot be undone (a revoked token)
         {"undo_plan", F::object, false, true}}}},  // previewing an undo: the changes undoing would make, last first
      {"apply", Caller::admin,
       {{"selector", P::string_list, false, "the CLI's selector words (or give plan)"},
        {"plan", P::object, false,
         "instead of a selector: the plan a person reviewed (plan's reply, `domoguard plan --format json`), applied as it "
         "is, nothing compiled again; refused when its changes do not match its id"},
        {"plan_id", P::string, false, "the id of the plan reviewed: refused when the plan to apply now has another"},
        {"verify_timeout_ms", P::integer, false, "how long each change may take to show when read back, 0-300000 (default 3000)"},
        {"user", P::string, false, "who asks"}},
       {"what was done, step by step, and the score after", change_fields()}, true, true},
      {"undo", Caller::admin,
       {{"selector", P::string_list, false, "--child-safe off / --privacy-default off: undo what switched it on"},
        {"journal_id", P::integer, false, "the entry to undo (default: the latest applied)"},
        {"plan_id", P::string, false, "instead of journal_id: the latest applied entry of the plan with this id (or a prefix of 6+)"},
        {"verify_timeout_ms", P::integer, false, "as for apply"},
        {"user", P::string, false, "who asks"}},
       {"as apply", change_fields()}, true, true},
      {"notice", Caller::anyone, {{"device_id", P::string, false, "a device's notice; without it, the home's"}},
       {"the privacy notice with its acknowledgement", notice_fields()}},
      // Each person's acknowledgement is their own: anyone signed in may give it.
      {"notice/ack", Caller::anyone,
       {{"device_id", P::string, false, "as for notice"}, {"version", P::string, true, "the version shown"},
        {"user", P::string, true, "who acknowledges"}},
       {"as notice", notice_fields()}, true, false},
      {"settings", Caller::anyone, {}, {"the levels, scenarios and modes, and which are in force", settings_fields()}},
      {"settings/set", Caller::admin,
       {{"privacy_default", P::boolean, false, "privacy by default for new devices"},
        {"hold", P::object, false, "per mode (child_safe, scenario, level, privacy_default): restore or notify"},
        {"user", P::string, false, "who asks"}},
       {"as settings", settings_fields()}, true, true},
      // Hosts roll back a plan a crash cut off, once at start (before serving changes).
      {"recover", Caller::admin, {},
       {"the journal entries rolled back, and a sentence saying so", {{"recovered", F::integer_list}, {"message", F::string}}},
       false, true, true},
      {"verbs", Caller::anyone, {},
       {"this table",
        {{"name", F::string}, {"caller", F::string}, {"params", F::object_list}, {"returns", F::string}, {"reply", F::object},
         {"names_user", F::boolean}, {"changes", F::boolean}, {"host_only", F::boolean}},
        true}},
      // Modes that hold: which hold, pauses, the last drift put back, fights.
      {"hold", Caller::anyone, {}, {"which modes hold, drift now, the last put back, fights", hold_fields()}},
      {"hold/pause", Caller::admin,
       {{"mode", P::string, true, "child_safe, scenario, level or privacy_default"},
        {"seconds", P::integer, true, "how long, 0-86400 (0 ends a pause)"},
        {"user", P::string, false, "who asks"}},
       {"the mode and the end of its pause", {{"mode", F::string}, {"paused_until", F::string, true}}}, true, false},
      // Hosts compare the home with the modes in force after each change they see.
      {"hold/check", Caller::admin,
       {{"changed_by", P::object, false, "entity id -> the person HA says changed it"}},
       {"the drift found, what was put back or told, and the notifications to show",
        {{"drift", F::object_list}, {"restored", F::object_list}, {"reported", F::object_list}, {"fights", F::object_list},
         {"paused", F::object_list}, {"notifications", F::object_list}}},
       false, true, true},
      // Accepted risks change what the household decided: administrators only.
      {"accept", Caller::admin,
       {{"key", P::string, true, "a finding key or a group id (RULE|kind:*)"},
        {"reason", P::string, true, "why the household lives with it"},
        {"until", P::string, false, "last day it holds, YYYY-MM-DD (default 90 days, at most a year)"},
        {"user", P::string, false, "who accepts"}},
       {"the finding keys accepted and the last day", {{"accepted", F::string_list}, {"until", F::string}}}, true, true},
      {"accept/withdraw", Caller::admin,
       {{"key", P::string, true, "the finding key or group id accepted"}, {"user", P::string, false, "who withdraws"}},
       {"how many decisions were withdrawn", {{"withdrawn", F::integer}}}, true, true},
      {"accepted", Caller::admin, {{"all", P::boolean, false, "ended decisions too"}},
       {"the household's decisions (still holding, or all)",
        {{"key", F::string}, {"state", F::string}, {"reason", F::string}, {"by", F::string}, {"accepted_at", F::string},
         {"until", F::string}, {"ended_at", F::string}},
        true}},
  };
  return table;
}

const VerbSpec* find_verb(std::string_view name) {
  for (const auto& v : verb_table())
    if (v.name == name) return &v;
  return nullptr;
}

namespace {
boost::json::object reply_json(const Reply& r) {
  namespace json = boost::json;
  json::array fields;
  for (const auto& f : r.fields)
    fields.push_back(json::object{{"name", f.name}, {"type", to_string(f.type)}, {"nullable", f.nullable}, {"optional", f.optional}});
  return json::object{{"list", r.list}, {"fields", std::move(fields)}};
}
}  // namespace

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
                               {"returns", v.returns.about},
                               {"reply", reply_json(v.returns)},
                               {"names_user", v.names_user},
                               {"changes", v.changes},
                               {"host_only", v.host_only}});
  }
  return json::serialize(out);
}

}  // namespace domoguard::api
