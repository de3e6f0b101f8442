#include "api/service.hpp"

#include "api/verbs.hpp"

#include "util/clock.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <ctime>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "api/accept_verbs.hpp"
#include "app/events.hpp"
#include "app/source.hpp"
#include "audit/classify.hpp"
#include "audit/enough.hpp"
#include "catalog/catalog.hpp"
#include "locale/messages.hpp"
#include "notice/notice.hpp"
#include "notice/notice_json.hpp"
#include "report/audit_document.hpp"
#include "report/render.hpp"
#include "report/render_plan.hpp"
#include "policy/compile.hpp"

namespace domoguard::api {

namespace json = boost::json;

namespace {
void sort_findings(std::vector<audit::Finding>& v) {
  // As audit::run_audit orders them: sorted on indices, each finding moved once.
  std::vector<std::uint32_t> order(v.size());
  for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::uint32_t ia, std::uint32_t ib) {
    const audit::Finding &a = v[ia], &b = v[ib];
    if (a.severity != b.severity) return a.severity > b.severity;
    if (a.rule != b.rule) return a.rule < b.rule;
    return a.subject.id < b.subject.id;
  });
  std::vector<audit::Finding> sorted;
  sorted.reserve(v.size());
  for (auto i : order) sorted.push_back(std::move(v[i]));
  v = std::move(sorted);
}
}  // namespace

Result<std::unique_ptr<Service>> Service::create(const ServiceOptions& opts) {
  std::unique_ptr<Service> s(new Service());
  s->opts_ = opts;
  if (!opts.db_path.empty()) {
    auto h = store::History::open(opts.db_path);
    if (!h) return h.error();
    s->history_ = std::move(*h);
    auto n = store::Notices::open(opts.db_path);
    if (!n) return n.error();
    s->notices_ = std::move(*n);
  }
  auto st = store::Settings::open(opts.db_path.empty() ? ":memory:" : opts.db_path);
  if (!st) return st.error();
  s->settings_ = std::move(*st);
  auto j = store::Journal::open(opts.db_path.empty() ? ":memory:" : opts.db_path);
  if (!j) return j.error();
  s->journal_ = std::move(*j);
  s->changes_ = std::make_unique<Changes>(*s->journal_, opts.db_path);
  return s;
}

policy::ApplyOptions Service::apply_options(const std::string& person) const {
  policy::ApplyOptions o;
  o.hub = app::home_key(*home_, source_);
  o.actor = person.empty() ? "domoguard" : person;
  return o;
}

// The demo home changed in memory: audit it again so the answer and later reads show it. A live
// hub reports its changes back through the host's events instead.
Result<bool> Service::reaudit_after(const policy::ApplyResult& r) {
  if (opts_.live || r.nothing_to_change) return true;
  auto again = audit::run_audit(*home_);
  auto rec = record(std::move(again), source_);
  if (!rec) return rec.error();
  return true;
}

Result<std::vector<int64_t>> Service::recover() {
  std::lock_guard lock(m_);
  if (!home_ || !opts_.port) return std::vector<int64_t>{};
  auto port = opts_.port(*home_);
  if (!port) return port.error();
  auto rec = changes_->recover(**port, apply_options(""));
  if (!rec) return rec.error();
  if (!rec->empty()) {
    policy::ApplyResult any;
    any.ok = true;
    if (auto again = reaudit_after(any); !again) return again.error();
  }
  return rec;
}

Result<Change> Service::apply_plan(const policy::Plan& plan, const std::string& person) {
  std::lock_guard lock(m_);
  if (!home_) return Error{ErrorCode::bad_input, "error.api.not_ready", "No home has been audited yet", "", ""};
  if (!opts_.port) return Error{ErrorCode::bad_input, "error.api.no_port", "This host can show plans but not change the hub", "", ""};
  auto port = opts_.port(*home_);
  if (!port) return port.error();
  auto c = changes_->apply(plan, **port, apply_options(person));
  if (!c) return c.error();
  if (c->result.ok)
    if (auto again = reaudit_after(c->result); !again) return again.error();
  return c;
}

void Service::close_for_exit() {
  std::lock_guard lock(m_);
  changes_.reset();
  journal_.reset();
  notices_.reset();
  settings_.reset();
  history_.reset();
  // The home is most of what the service holds: kept reachable (a leak checker sees it) until the
  // process ends. One home per process.
  static model::Home* left_to_exit = nullptr;
  delete left_to_exit;
  left_to_exit = home_.release();
}

bool Service::has_home() const {
  std::lock_guard lock(m_);
  return home_ != nullptr;
}

int Service::score() const {
  std::lock_guard lock(m_);
  return result_.score;
}

bool Service::privacy_default_on() const {
  std::lock_guard lock(m_);
  return privacy_default_locked();
}

bool Service::privacy_default_locked() const {
  if (!home_) return opts_.privacy_default;
  auto v = settings_->get(app::home_key(*home_, source_), "privacy_default");
  if (!v || !v->has_value()) return opts_.privacy_default;
  return **v == "on";
}

std::vector<audit::Finding> Service::findings_for(const std::string& device_id) const {
  std::lock_guard lock(m_);
  std::vector<audit::Finding> out;
  for (const auto& f : result_.findings)
    if (f.device_id == device_id) out.push_back(f);
  return out;
}

// Caller holds m_. Diffs against the previous result, stores, and swaps in the new one.
Result<AuditDelta> Service::record(audit::AuditResult result, const std::string& source) {
  AuditDelta d;
  std::unordered_set<std::string> before, after;
  for (const auto& f : result_.findings) before.insert(f.key());
  for (const auto& f : result.findings) {
    after.insert(f.key());
    if (!before.count(f.key())) d.new_findings.push_back(f);
  }
  for (const auto& k : before)
    if (!after.count(k)) d.resolved_keys.push_back(k);
  d.score = result.score;
  // Since the audit before, in this process (a host without a history)...
  audit::Diff since;
  if (audit_seq_ > 0) {
    since.has_previous = true;
    since.previous.id = audit_seq_;
    since.previous.created_at = audited_at_;
    since.previous.score = result_.score;
    since.previous.findings = static_cast<int>(result_.findings.size());
  }
  for (const auto& f : d.new_findings) since.new_keys.push_back(f.key());
  for (const auto& f : result_.findings)
    if (!after.count(f.key()))
      since.resolved.push_back({f.key(), f.rule, audit::to_string(f.severity), f.subject.kind, f.subject.id, f.subject.name});
  if (history_ && opts_.keep_audits) {
    // The audit and its event-log entries in one transaction.
    auto logged = app::record_audit(*history_, opts_.db_path, app::home_key(*home_, source), source, result);
    if (!logged) return logged.error();
    d.audit_id = logged->id;
    // ...but the stored history knows the audit before this one even across restarts: prefer it.
    since = std::move(logged->diff);
  }
  result_ = std::move(result);
  source_ = source;
  audited_at_ = util::now_utc();
  since_ = std::move(since);
  ++audit_seq_;
  return d;
}

Result<AuditDelta> Service::set_home(model::Home home, const std::string& source) {
  std::lock_guard lock(m_);
  home_ = std::make_unique<model::Home>(std::move(home));
  hold_into_home_locked();
  auto result = audit::run_audit(*home_);
  return record(std::move(result), source);
}

Result<AuditDelta> Service::update_home(model::Home home, const std::vector<std::string>& changed) {
  std::lock_guard lock(m_);
  if (!home_) {
    home_ = std::make_unique<model::Home>(std::move(home));
    hold_into_home_locked();
    return record(audit::run_audit(*home_), source_);
  }
  home_ = std::make_unique<model::Home>(std::move(home));
  hold_into_home_locked();
  audit::classify(*home_);
  return record(reaudit_locked(changed), source_);
}

namespace {
// The changed devices' rules and the home rules run again on `home` (classified); the other
// devices' findings in `previous` are kept. state_domains (a change of states only, the
// classification unchanged): the domains of the entities whose states changed; a home rule reading
// none of them (home_rule_state_domains below) keeps its findings too instead of running again.
// moved: the findings kept are moved out of `previous` rather than copied, and marked here (one
// flag per finding of `previous`); unset, they are copied.
audit::AuditResult reaudit(const model::Home& home, audit::AuditResult& previous,
                           const std::vector<std::string>& changed,
                           const std::set<std::string, std::less<>>* state_domains, std::vector<char>* moved);
}  // namespace

Result<std::optional<AuditDelta>> Service::patch_home(const HomePatch& patch) {
  std::lock_guard lock(m_);
  if (!home_) return std::optional<AuditDelta>();
  auto changed = patch(*home_);
  if (!changed) return changed.error();
  if (!*changed) return std::optional<AuditDelta>();
  // What the patch touched: the entities whose traits it cleared, and the classes their devices
  // had. When the classification stays as it was, only the home rules reading a touched domain's
  // states run again.
  std::set<std::string, std::less<>> domains;
  std::vector<std::pair<std::size_t, uint8_t>> traits_before;
  for (std::size_t i = 0; i < home_->entities.size(); ++i)
    if (const auto& e = home_->entities[i]; !e.traits_known) {
      domains.insert(e.domain);
      traits_before.emplace_back(i, e.traits);
    }
  std::vector<std::pair<model::DeviceType, model::Tier>> classes_before;
  for (const auto& id : **changed) {
    const auto* d = home_->device(id);
    classes_before.emplace_back(d ? d->type : model::DeviceType::other, d ? d->tier : model::Tier::normal);
  }
  audit::reclassify(*home_, **changed);
  bool same_classes = true;
  for (const auto& [i, traits] : traits_before) same_classes = same_classes && home_->entities[i].traits == traits;
  for (std::size_t i = 0; same_classes && i < (*changed)->size(); ++i) {
    const auto* d = home_->device((**changed)[i]);
    same_classes = d && d->type == classes_before[i].first && d->tier == classes_before[i].second;
  }
  // The findings kept move into the new audit (copying thousands of them cost more than the rules
  // that run again); their keys are taken first, to compare the two audits.
  std::vector<std::string> before_keys;
  before_keys.reserve(result_.findings.size());
  for (const auto& f : result_.findings) before_keys.push_back(f.key());
  std::vector<char> moved;
  auto r = reaudit(*home_, result_, **changed, same_classes ? &domains : nullptr, &moved);
  // Unchanged findings and score: the audit in memory is replaced (evidence such as a battery level
  // may differ), the history keeps the stored one, which says the same.
  // Both lists are sorted the same way (severity, rule, subject): equal keys come in the same order.
  bool same = r.score == result_.score && r.findings.size() == before_keys.size();
  for (size_t i = 0; same && i < r.findings.size(); ++i) {
    // key() == before_keys[i], without building the key: rule|kind:id.
    const auto& f = r.findings[i];
    const std::string_view k = before_keys[i];
    same = k.size() == f.rule.size() + f.subject.kind.size() + f.subject.id.size() + 2 && k.starts_with(f.rule) &&
           k[f.rule.size()] == '|' && k.substr(f.rule.size() + 1).starts_with(f.subject.kind) &&
           k[f.rule.size() + 1 + f.subject.kind.size()] == ':' && k.ends_with(f.subject.id);
  }
  if (!same) {
    // A finding opened or resolved: the audit before is made whole again (its kept findings are the
    // same in the new one) for record() to tell what changed.
    std::unordered_map<std::string, std::size_t> at;
    for (std::size_t i = 0; i < r.findings.size(); ++i) at.emplace(r.findings[i].key(), i);
    for (std::size_t i = 0; i < moved.size(); ++i)
      if (moved[i]) result_.findings[i] = r.findings[at.at(before_keys[i])];
    auto d = record(std::move(r), source_);
    if (!d) return d.error();
    return std::optional<AuditDelta>(std::move(*d));
  }
  AuditDelta d;
  d.score = r.score;
  result_ = std::move(r);
  audited_at_ = util::now_utc();
  ++audit_seq_;
  return std::optional<AuditDelta>(std::move(d));
}

// Caller holds m_; home_ is set and classified.
audit::AuditResult Service::reaudit_locked(const std::vector<std::string>& changed) {
  return reaudit(*home_, result_, changed, nullptr, nullptr);
}

namespace {

// The home rules whose findings stay as they were after a change of states only (the home's
// classification unchanged): each reads the states of these entity domains alone (none: no state at
// all), besides what a state never changes (registry facts, devices' names and classes), so a state
// change of an entity of another domain cannot change what it finds. Rules not listed read any
// state and run again. From the checks: DG-UPD-001/002/004/005 (audit/rules/updates.cpp) read
// update entities only; DG-INV-003 (rules/inventory.cpp) devices' names and tiers.
const std::map<std::string_view, std::vector<std::string_view>>& home_rule_state_domains() {
  static const std::map<std::string_view, std::vector<std::string_view>> table = {
      {"DG-INV-003", {}},
      {"DG-UPD-001", {"update"}},
      {"DG-UPD-002", {"update"}},
      {"DG-UPD-004", {"update"}},
      {"DG-UPD-005", {"update"}},
  };
  return table;
}

}  // namespace

namespace {

audit::AuditResult reaudit(const model::Home& home, audit::AuditResult& previous,
                           const std::vector<std::string>& changed,
                           const std::set<std::string, std::less<>>* state_domains, std::vector<char>* moved) {
  const std::set<std::string> changed_set(changed.begin(), changed.end());
  audit::AuditResult r;
  // Keep what the device rules found on other devices; their inputs did not change. Findings of
  // home-level rules are not kept: those rules run again below and find what holds now.
  static const std::unordered_set<std::string> device_rules = [] {
    std::unordered_set<std::string> ids;
    for (const auto& rule : audit::all_rules())
      if (rule.device_check) ids.emplace(rule.id);
    return ids;
  }();
  // Home rules whose state inputs the change did not touch: their findings are kept too.
  std::unordered_set<std::string_view> unread;
  if (state_domains)
    for (const auto& [id, domains] : home_rule_state_domains())
      if (std::none_of(domains.begin(), domains.end(), [&](std::string_view d) { return state_domains->count(d) > 0; }))
        unread.insert(id);
  r.findings.reserve(previous.findings.size() + 64);
  if (moved) moved->assign(previous.findings.size(), 0);
  for (std::size_t i = 0; i < previous.findings.size(); ++i) {
    auto& f = previous.findings[i];
    if ((!f.device_id.empty() && !changed_set.count(f.device_id) && device_rules.count(f.rule) && home.device(f.device_id)) ||
        unread.count(f.rule)) {
      if (moved) {
        (*moved)[i] = 1;
        r.findings.push_back(std::move(f));
      } else {
        r.findings.push_back(f);
      }
    }
  }
  for (const auto& id : changed)
    if (const auto* d = home.device(id)) audit::audit_device(home, *d, r.findings);
  // Home-level rules read across devices (exposure, accounts, integrations): they run again, all
  // but those whose findings were kept above.
  for (const auto& rule : audit::all_rules()) {
    std::string why;
    std::vector<audit::Finding> out;
    if (rule.device_check || unread.count(rule.id)) {
      if (audit::can_run(rule, home, &why)) ++r.rules_run;
      else r.not_run.push_back({std::string(rule.id), why, "", home.source_kind});
      continue;
    }
    if (audit::run_rule(rule, home, out, &why)) {
      ++r.rules_run;
      for (auto& f : out) r.findings.push_back(std::move(f));
    } else {
      r.not_run.push_back({std::string(rule.id), why, "", home.source_kind});
    }
  }
  for (auto& f : r.findings)
    if (f.area_id.empty() && !f.device_id.empty())
      if (auto* d = home.device(f.device_id)) f.area_id = d->area_id;
  sort_findings(r.findings);
  audit::score(home, r);
  return r;
}

}  // namespace

namespace {
json::value parse_json(const std::string& text) { return json::parse(text); }
}  // namespace

// One request as the verbs see it: its fields, its language and its verb.
struct Service::Call {
  const json::object& req;
  const locale::Messages& msg;
  std::string type;   // "domoguard/<verb>"
};

// A verb's answer: its result, or the error the reply carries.
struct Service::Answer {
  bool ok = true;
  json::value result;
  std::string code;   // the API's error code ("invalid_format", ...), when refused
  Error error;        // what it was refused with, said in the request's language
};

namespace {
Service::Answer done(json::value result) { return {true, std::move(result), "", {}}; }
Service::Answer fail(const std::string& code, const Error& e) { return {false, nullptr, code, e}; }
Service::Answer fail(const std::string& code, const std::string& key, const std::string& message) {
  return fail(code, Error{ErrorCode::bad_input, key, message, "", ""});
}
}  // namespace

std::string Service::handle(const std::string& request) {
  json::object reply{{"type", "result"}};
  std::optional<locale::Messages> texts;  // the request's language, once known
  // A refusal, said in the request's language once it is known (a text the catalogue lacks, or one
  // whose values the error does not carry, stays English: locale::error_text).
  auto error = [&](const Answer& a) {
    reply["success"] = false;
    const std::string said = texts ? locale::error_text(a.error, *texts) : a.error.message;
    reply["error"] = json::object{{"code", a.code}, {"key", a.error.key}, {"message", said}};
    return json::serialize(reply);
  };
  if (request.size() > opts_.max_request_bytes) return error(fail("invalid_format", "error.api.too_large", "Request too large"));
  boost::system::error_code ec;
  json::parse_options po;
  po.max_depth = 16;
  json::value v = json::parse(request, ec, {}, po);
  if (ec || !v.is_object()) return error(fail("invalid_format", "error.api.not_json", "The request is not a JSON object"));
  const auto& req = v.as_object();
  if (auto* id = req.if_contains("id"); id && id->is_int64()) reply["id"] = id->as_int64();
  auto* typev = req.if_contains("type");
  if (!typev || !typev->is_string()) return error(fail("invalid_format", "error.api.no_type", "The request has no type"));
  const std::string type(typev->as_string());
  std::string lang = opts_.lang;
  if (auto* l = req.if_contains("lang"); l && l->is_string() && l->as_string().size() < 16) lang = std::string(l->as_string());
  texts.emplace(lang);

  // Every verb is in the table (api/verbs.cpp) and has a function of its own.
  using Handler = Answer (Service::*)(const Call&);
  static const std::map<std::string_view, Handler> handlers = {
      {"status", &Service::verb_status},     {"audit", &Service::verb_audit},
      {"device", &Service::verb_device},     {"catalog", &Service::verb_catalog},
      {"explain", &Service::verb_explain},   {"history", &Service::verb_history},
      {"journal", &Service::verb_journal},   {"plan", &Service::verb_change},
      {"apply", &Service::verb_change},      {"undo", &Service::verb_change},
      {"notice", &Service::verb_notice},     {"notice/ack", &Service::verb_notice},
      {"settings", &Service::verb_settings}, {"settings/set", &Service::verb_settings},
      {"recover", &Service::verb_recover},   {"verbs", &Service::verb_verbs},
      {"accept", &Service::verb_accept},     {"accept/withdraw", &Service::verb_accept},
      {"accepted", &Service::verb_accept},
      {"hold", &Service::verb_hold},         {"hold/check", &Service::verb_hold},
      {"hold/pause", &Service::verb_hold},
  };
  const std::string_view prefix = "domoguard/";
  const VerbSpec* spec = type.rfind(prefix, 0) == 0 ? find_verb(std::string_view(type).substr(prefix.size())) : nullptr;
  auto handler = spec ? handlers.find(spec->name) : handlers.end();
  if (handler == handlers.end()) return error(fail("unknown_command", "error.api.unknown_command", "Unknown command"));
  const Call call{req, *texts, type};
  Answer a;
  // The catalogue and the table need no home and no lock; the rest read the home under the lock.
  // A verb that throws (a library refusing a value it was handed) answers an internal error rather
  // than ending the host's process: the daemon and the hub serve every front end through here.
  try {
    if (spec->name == "catalog" || spec->name == "explain" || spec->name == "verbs") {
      a = (this->*handler->second)(call);
    } else {
      std::lock_guard lock(m_);
      if (!home_ && spec->name != "status") a = fail("not_ready", "error.api.not_ready", "No home has been audited yet");
      else a = (this->*handler->second)(call);
    }
  } catch (const std::exception&) {
    a = fail("internal", "error.api.internal", "The request could not be carried out");
  }
  if (!a.ok) return error(a);
  reply["success"] = true;
  reply["result"] = std::move(a.result);
  return json::serialize(reply);
}

// accept, accept/withdraw, accepted: the household's decisions to live with a risk (api/accept_verbs).
Service::Answer Service::verb_accept(const Call& call) {
  auto r = accept_verb(call.type, call.req, {opts_.db_path, app::home_key(*home_, source_), &result_.findings, util::now_utc()});
  if (!r) {
    // Refusals (no reason, a date too far, ...) are said in the request's language.
    const auto& e = r.error();
    return fail(e.code == ErrorCode::bad_input ? "invalid_format" : "internal", e);
  }
  if (call.type != "domoguard/accepted") ++audit_seq_;   // front ends polling the status read the audit again
  return done(std::move(*r));
}

// hold, hold/check, hold/pause: modes that hold (api/hold.cpp).
Service::Answer Service::verb_hold(const Call& call) {
  std::string lang = opts_.lang;
  if (auto* l = call.req.if_contains("lang"); l && l->is_string() && l->as_string().size() < 16) lang = std::string(l->as_string());
  auto r = handle_hold(call.type, call.req, lang);
  if (!r) {
    const auto code = r.error().code;
    return fail(code == ErrorCode::bad_input ? "invalid_format" : code == ErrorCode::unreachable ? "unreachable" : "internal",
                r.error());
  }
  return done(parse_json(*r));
}

Service::Answer Service::verb_catalog(const Call& call) {
  const auto& msg = call.msg;
  auto c = catalog::load();
  if (!c) return fail("internal", c.error());
  return done(parse_json(report::catalog_json(*c, msg)));
}

Service::Answer Service::verb_explain(const Call& call) {
  const auto& req = call.req;
  const auto& msg = call.msg;
  auto* r = req.if_contains("rule");
  if (!r || !r->is_string()) return fail("invalid_format", "error.api.no_rule", "Give the rule id");
  const auto* rule = audit::find_rule(std::string(r->as_string()));
  if (!rule) return fail("not_found", "error.api.unknown_rule", "No such rule");
  auto c = catalog::load();
  if (!c) return fail("internal", c.error());
  return done(json::object{{"rule", std::string(rule->id)}, {"text", report::explain(*rule, *c, msg)}});
}

Service::Answer Service::verb_status(const Call&) {
  json::object s{{"ready", home_ != nullptr}, {"version", DOMOGUARD_VERSION}};
  if (home_) {
    s["score"] = audit::enough_to_score(*home_) ? json::value(result_.score) : json::value(nullptr);
    s["scored"] = audit::enough_to_score(*home_);
    s["audit_id"] = audit_seq_;
    s["findings"] = result_.findings.size();
    s["devices"] = home_->devices.size();
    s["hub_version"] = home_->hub.version;
    s["audited_at"] = audited_at_;
    s["source"] = source_;
  }
  return done(std::move(s));
}

Service::Answer Service::verb_audit(const Call& call) {
  const auto& msg = call.msg;
  report::AuditView view{*home_, result_, msg, nullptr};
  auto accepted = holding({opts_.db_path, app::home_key(*home_, source_), &result_.findings, util::now_utc()});
  if (!accepted) return fail("internal", accepted.error());
  view.accepted = std::move(*accepted);
  // all: every group, information included, none held back for the first screen (`audit --all`).
  std::optional<audit::Triage> every;
  if (auto* all = call.req.if_contains("all"); all && all->is_bool() && all->as_bool()) {
    audit::TriageOptions topts;
    topts.include_info = true;
    topts.budget = static_cast<size_t>(-1);
    every = report::view_triage(view, topts);
    view.triage = &*every;
  }
  auto doc = report::audit_document(view);
  doc.as_object()["audited_at"] = audited_at_;
  // What changed since the audit before: the keys (for the panel), and for front ends that list
  // them (the CLI's --since-last) when that audit was and the resolved findings themselves.
  json::array added, gone, gone_findings;
  for (const auto& k : since_.new_keys) added.emplace_back(k);
  for (const auto& r : since_.resolved) {
    gone.emplace_back(r.key);
    gone_findings.push_back(json::object{{"rule", r.rule},
                                         {"severity", r.severity},
                                         {"subject", json::object{{"kind", r.subject_kind}, {"id", r.subject_id}, {"name", r.subject_name}}}});
  }
  json::object since{{"has_previous", since_.has_previous}};
  if (since_.has_previous) {
    since["previous_audit"] = since_.previous.id;
    since["previous_at"] = since_.previous.created_at;
  }
  since["previous_score"] = since_.has_previous ? json::value(since_.previous.score) : json::value(nullptr);
  since["new"] = std::move(added);
  since["resolved"] = std::move(gone);
  since["resolved_findings"] = std::move(gone_findings);
  doc.as_object()["since_last"] = std::move(since);
  return done(std::move(doc));
}

Service::Answer Service::verb_settings(const Call& call) {
  const auto& req = call.req;
  const auto& msg = call.msg;
  const std::string& type = call.type;
  const std::string hub = app::home_key(*home_, source_);
  if (type == "domoguard/settings/set") {
    auto* pd = req.if_contains("privacy_default");
    const bool hold = req.contains("hold");
    if ((!pd && !hold) || (pd && !pd->is_bool()))
      return fail("invalid_format", "error.api.settings", "Give privacy_default as true or false");
    std::string person;
    if (auto* u = req.if_contains("user"); u && u->is_string() && u->as_string().size() <= 200) person = std::string(u->as_string());
    if (hold)
      if (auto r = set_hold_policies(req, person); !r) return fail("invalid_format", r.error());
    const std::string value = pd && pd->as_bool() ? "on" : "off";
    if (pd && privacy_default_locked() != pd->as_bool()) {
      if (auto st = settings_->set(hub, "privacy_default", value); !st) return fail("internal", st.error());
      if (!opts_.db_path.empty())
        if (auto logged = app::log_setting(opts_.db_path, "privacy_default", value, person); !logged)
          return fail("internal", logged.error());
    }
  }
  auto data = policy::policy_data();
  if (!data) return fail("internal", data.error());
  // What is in force is what the journal says was applied and not undone since: the newest
  // applied plan of each kind (a level for all categories counts for each of them).
  auto levels_applied = journal_->applied(hub, "level");
  if (!levels_applied) return fail("internal", levels_applied.error());
  auto scenarios_applied = journal_->applied(hub, "scenario", 1);
  if (!scenarios_applied) return fail("internal", scenarios_applied.error());
  auto child = journal_->applied(hub, "child_safe", 1);
  if (!child) return fail("internal", child.error());
  auto selector_of = [](const std::string& text) {
    // Plan::selector is "level=NAME;category=CAT" (Selector::text).
    std::map<std::string, std::string> kv;
    size_t pos = 0;
    while (pos <= text.size()) {
      const size_t end = std::min(text.find(';', pos), text.size());
      const std::string part = text.substr(pos, end - pos);
      if (auto eq = part.find('='); eq != std::string::npos) kv[part.substr(0, eq)] = part.substr(eq + 1);
      pos = end + 1;
    }
    return kv;
  };
  json::array levels, categories, scenarios;
  for (const auto& l : (*data)->levels)
    levels.push_back(json::object{{"name", l.name}, {"title", msg.text("level." + l.name + ".title")},
                                  {"summary", msg.text("level." + l.name + ".description")}});
  for (const auto& c : (*data)->categories) {
    json::value level = nullptr, journal_id = nullptr;
    for (const auto& jp : *levels_applied) {
      auto kv = selector_of(jp.selector);
      if (kv["category"].empty() || kv["category"] == c.name) {
        level = json::value(kv["level"]);
        journal_id = jp.id;
        break;
      }
    }
    categories.push_back(json::object{{"name", c.name}, {"title", msg.text("category." + c.name + ".title")},
                                      {"level", level}, {"journal_id", journal_id}});
  }
  for (const auto& name : (*data)->scenario_names())
    scenarios.push_back(json::object{{"name", name}, {"title", msg.text("scenario." + name + ".title")},
                                     {"summary", msg.text("scenario." + name + ".description")}});
  json::value scenario = nullptr, scenario_journal = nullptr;
  if (!scenarios_applied->empty()) {
    scenario = json::value(selector_of(scenarios_applied->front().selector)["scenario"]);
    scenario_journal = scenarios_applied->front().id;
  }
  json::value child_journal = nullptr;
  if (!child->empty()) child_journal = child->front().id;
  return done(json::object{{"levels", std::move(levels)},
                         {"categories", std::move(categories)},
                         {"scenarios", std::move(scenarios)},
                         {"scenario", scenario},
                         {"scenario_journal_id", scenario_journal},
                         {"child_safe", json::object{{"on", !child->empty()}, {"journal_id", child_journal}}},
                         {"privacy_default", json::object{{"on", privacy_default_locked()}}},
                         {"hold", parse_json(hold_policies_json())},
                         {"can_apply", static_cast<bool>(opts_.port)}});
}

Service::Answer Service::verb_device(const Call& call) {
  const auto& req = call.req;
  const auto& msg = call.msg;
  auto* d = req.if_contains("device_id");
  if (!d || !d->is_string()) return fail("invalid_format", "error.api.no_device", "Give the device_id");
  const auto* dev = home_->device(std::string(d->as_string()));
  if (!dev) return fail("not_found", "error.api.unknown_device", "No such device");
  audit::AuditResult mine;
  for (const auto& f : result_.findings)
    if (f.device_id == dev->id) mine.findings.push_back(f);
  mine.devices = result_.devices;
  report::AuditView view{*home_, mine, msg, nullptr};
  auto doc = report::audit_document(view);
  json::object out{{"device", json::object{{"id", dev->id}, {"name", audit::shown_name(*dev)}, {"manufacturer", dev->manufacturer},
                                          {"model", dev->model}, {"type", model::to_string(dev->type)},
                                          {"tier", model::to_string(dev->tier)}, {"area_id", dev->area_id}}},
                   {"findings", doc.as_object()["findings"]}};
  return done(std::move(out));
}

namespace {
// A plan as the plan verb returned it and a person reviewed it (the CLI's `plan --format json`, a
// file): its changes are taken as they are, nothing compiled again. The id it carries must be the
// id of those changes, so a plan altered after review is refused; a plan written by hand, without
// an id, is taken as written.
Result<policy::Plan> reviewed_plan(const json::object& o) {
  auto bad = [](const std::string& what) {
    return Error{ErrorCode::bad_input, "error.plan.file", what, "", ""};
  };
  auto* acts = o.if_contains("actions");
  if (!acts || !acts->is_array()) return bad("The plan is not a plan printed by `domoguard plan --format json`");
  auto str = [](const json::object& x, const char* k) {
    auto* v = x.if_contains(k);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
  };
  policy::Plan p;
  p.kind = str(o, "kind").empty() ? "file" : str(o, "kind");
  p.selector = str(o, "selector").empty() ? "plan_file" : str(o, "selector");
  p.title_key = "plan.title.file";
  size_t n = 0;
  for (const auto& x : acts->as_array()) {
    ++n;
    if (!x.is_object()) return bad("An action is not an object (action " + std::to_string(n) + ")");
    const auto& a = x.as_object();
    policy::PlanAction act;
    act.kind = str(a, "kind");
    act.target = str(a, "target");
    act.param = str(a, "param");
    act.before = str(a, "before");
    act.after = str(a, "after");
    act.rule = str(a, "rule");
    act.message_key = "plan.action.raw";
    // A token is named by its id only in the plan's data, never in a text shown to people.
    act.placeholders = {{"kind", act.kind},
                        {"target", act.kind == "revoke_token" ? std::string("(a long-lived access token)") : act.target},
                        {"param", act.param}, {"value", act.after}};
    if (!model::parse_action_kind(act.kind) || act.target.empty())
      return bad("Unknown action kind \"" + act.kind + "\" or no target (action " + std::to_string(n) + ")");
    p.actions.push_back(std::move(act));
  }
  p.id = policy::plan_id(p);
  if (auto* id = o.if_contains("id"); id && !(id->is_string() && id->as_string() == p.id))
    return Error{ErrorCode::bad_input, "error.api.plan_changed",
                 "The plan is not the plan reviewed: its changes do not match its id", "", ""};
  return p;
}

const char* code_of(const Error& e) {
  return e.code == ErrorCode::unreachable ? "unreachable" : e.code == ErrorCode::bad_input ? "invalid_format" : "internal";
}
}  // namespace

Service::Answer Service::verb_change(const Call& call) {
  const auto& req = call.req;
  const auto& msg = call.msg;
  const std::string& type = call.type;
  // The selector is the CLI's words ("--level", "recommended", ...): one vocabulary for every front end.
  std::vector<std::string> words;
  if (auto* sel = req.if_contains("selector"); sel && sel->is_array() && sel->as_array().size() <= 8)
    for (const auto& w : sel->as_array())
      if (w.is_string() && w.as_string().size() <= 256) words.emplace_back(w.as_string());
  std::string person;
  if (auto* u = req.if_contains("user"); u && u->is_string() && u->as_string().size() <= 200) person = std::string(u->as_string());
  policy::ApplyOptions aopts = apply_options(person);
  if (auto* t = req.if_contains("verify_timeout_ms")) {
    if (!t->is_int64() || t->as_int64() < 0 || t->as_int64() > 300000)
      return fail("invalid_format", "error.api.verify_timeout", "verify_timeout_ms must be 0 to 300000");
    aopts.verify_timeout_ms = static_cast<int>(t->as_int64());
  }
  // A plan reviewed earlier (plan and apply): applied exactly as it is, checked against its id.
  std::optional<policy::Plan> reviewed;
  if (auto* pv = req.if_contains("plan"); pv && type != "domoguard/undo") {
    if (!pv->is_object()) return fail("invalid_format", "error.plan.file", "plan must be a plan object");
    if (!words.empty()) return fail("invalid_format", "error.api.plan_and_selector", "Give either a plan or a selector, not both");
    auto p = reviewed_plan(pv->as_object());
    if (!p) return fail(p.error().key == "error.api.plan_changed" ? "conflict" : "invalid_format", p.error());
    reviewed = std::move(*p);
  }
  // The id of the plan a person saw: what is applied must be that plan (the home may have changed since).
  std::optional<std::string> seen_id;
  if (auto* id = req.if_contains("plan_id")) {
    if (!id->is_string() || id->as_string().empty() || id->as_string().size() > 64)
      return fail("invalid_format", "error.api.plan_id", "plan_id must be a plan's id");
    seen_id = std::string(id->as_string());
  }
  std::optional<policy::Selector> sel;
  // A plan asked for by journal id, without a selector, is the preview of undoing that entry.
  const bool undo_preview = type == "domoguard/plan" && words.empty() && req.if_contains("journal_id");
  if (!reviewed && (((type != "domoguard/undo" && !undo_preview) || !words.empty()))) {
    auto parsed = policy::parse_selector(words);
    if (!parsed) return fail("invalid_format", parsed.error());
    sel = *parsed;
  }
  const bool by_journal = sel && !sel->on &&
                          (sel->kind == policy::Selector::Kind::child_safe || sel->kind == policy::Selector::Kind::privacy_default);
  const bool previewing = type == "domoguard/plan";
  auto check_seen = [&](const policy::Plan& p) -> std::optional<Answer> {
    if (seen_id && type == "domoguard/apply" && p.id != *seen_id)
      return fail("conflict", "error.api.plan_changed", "The plan is not the plan reviewed: its changes do not match its id");
    return std::nullopt;
  };
  if (previewing && !by_journal && !undo_preview) {
    Result<policy::Plan> plan = reviewed ? Result<policy::Plan>(*reviewed) : policy::compile(*home_, result_.findings, *sel);
    if (!plan) return fail("invalid_format", plan.error());
    return done(parse_json(report::plan_json(*plan, msg)));
  }
  if (!previewing && !opts_.port)
    return fail("not_supported", "error.api.no_port", "This host can show plans but not change the hub");
  // What to undo: the id given, the latest entry of the plan id given, or the latest plan (of the mode being switched off).
  std::optional<store::JournalPlan> target;
  if (type == "domoguard/undo" || by_journal || undo_preview) {
    if (auto* id = req.if_contains("journal_id"); id && id->is_int64()) {
      auto jp = journal_->get(id->as_int64());
      if (!jp) return fail("not_found", jp.error());
      target = std::move(*jp);
    } else if (seen_id && type == "domoguard/undo") {
      auto jp = journal_->latest_with_plan_id(*seen_id);
      if (!jp) return fail("internal", jp.error());
      if (!jp->has_value()) return fail("not_found", "error.api.no_plan_to_undo", "No applied plan with this id has changes left to undo");
      target = std::move(**jp);
    } else {
      const bool cs = by_journal && sel->kind == policy::Selector::Kind::child_safe;
      std::string kind = by_journal ? (cs ? "child_safe" : "privacy_default") : "";
      // Privacy by default is switched on per device: undo the plan of that device.
      std::string selector;
      if (by_journal && !cs) {
        policy::Selector on = *sel;
        on.on = true;
        selector = on.text();
      }
      auto latest = journal_->latest_undoable(aopts.hub, kind, selector);
      if (!latest) return fail("internal", latest.error());
      if (!latest->has_value()) return fail("not_found", "error.api.nothing_to_undo", "There is nothing to undo");
      target = std::move(**latest);
    }
    if (previewing) {
      auto orig = store::Journal::plan_from_json(target->plan_json);
      if (!orig) return fail("internal", orig.error());
      auto doc = parse_json(report::plan_json(*orig, msg));
      doc.as_object()["undo_plan"] = parse_json(report::plan_json(api::undo_preview(*target, msg), msg));
      return done(std::move(doc));
    }
  }
  auto port = opts_.port(*home_);
  if (!port) return fail("unreachable", port.error());
  Result<Change> r = Error{};
  policy::Plan plan;
  if (target) {
    auto orig = store::Journal::plan_from_json(target->plan_json);
    if (!orig) return fail("internal", orig.error());
    plan = std::move(*orig);
    r = changes_->undo(*target, **port, aopts, msg);
  } else {
    if (reviewed) {
      plan = std::move(*reviewed);
    } else {
      auto compiled = policy::compile(*home_, result_.findings, *sel);
      if (!compiled) return fail("invalid_format", compiled.error());
      plan = std::move(*compiled);
    }
    if (auto refused = check_seen(plan)) return *refused;
    r = changes_->apply(plan, **port, aopts);
  }
  if (!r) return fail(code_of(r.error()), r.error());
  const auto& res = r->result;
  // A mode switched off: what was put back on its behalf is undone too (where nobody changed it since).
  if (by_journal && res.ok)
    if (auto held = undo_holds_locked(plan.kind, person); !held) return fail("internal", held.error());
  if (!r->recovered.empty() || res.ok)
    if (auto again = reaudit_after(res); !again) return fail("internal", again.error());
  json::array steps;
  for (const auto& st : res.steps) {
    const char* outcome = st.outcome == policy::StepOutcome::changed    ? "changed"
                          : st.outcome == policy::StepOutcome::unchanged ? "unchanged"
                          : st.outcome == policy::StepOutcome::failed    ? "failed"
                          : st.outcome == policy::StepOutcome::reverted  ? "reverted"
                                                                         : "skipped";
    steps.push_back(json::object{{"kind", st.action.kind}, {"target", st.action.target}, {"param", st.action.param},
                                 {"before", st.action.before}, {"after", st.action.after}, {"outcome", outcome},
                                 {"error", st.why ? locale::error_text(*st.why, msg) : st.error},
                                 {"message", report::step_text(st.action, msg)}});
  }
  json::array recovered;
  for (auto id : r->recovered) recovered.push_back(id);
  json::object out{{"journal_id", res.journal_id}, {"ok", res.ok}, {"rolled_back", res.rolled_back},
                   {"failed_step", res.failed_step}, {"error", res.ok ? "" : locale::error_text(res.error, msg)},
                   {"error_key", res.ok ? "" : res.error.key},
                   {"error_code", res.ok ? "" : res.error.code == ErrorCode::unreachable ? "unreachable" : "failed"},
                   {"nothing_to_change", res.nothing_to_change},
                   {"recovered", std::move(recovered)}, {"recovered_text", recovered_text(r->recovered, msg)},
                   {"plan", parse_json(report::plan_json(plan, msg))}, {"steps", std::move(steps)},
                   {"score", result_.score}};
  // An undo: the changes carried out, last first, as the preview showed them.
  if (target) out["undo_plan"] = parse_json(report::plan_json(r->plan, msg));
  return done(std::move(out));
}

Service::Answer Service::verb_recover(const Call& call) {
  const auto& msg = call.msg;
  // Hosts call this once at start (after loading the home, before serving changes).
  if (!opts_.port) return done(json::object{{"recovered", json::array{}}, {"message", ""}});
  auto port = opts_.port(*home_);
  if (!port) return fail("unreachable", port.error());
  auto rec = changes_->recover(**port, apply_options(""));
  if (!rec) return fail(rec.error().code == ErrorCode::unreachable ? "unreachable" : "internal", rec.error().key,
                         rec.error().message);
  if (!rec->empty()) {
    policy::ApplyResult any;
    if (auto again = reaudit_after(any); !again) return fail("internal", again.error());
  }
  json::array ids;
  for (auto id : *rec) ids.push_back(id);
  return done(json::object{{"recovered", std::move(ids)}, {"message", recovered_text(*rec, msg)}});
}

Service::Answer Service::verb_journal(const Call&) {
  auto recent = journal_->recent(50);
  if (!recent) return fail("internal", recent.error());
  json::array arr;
  for (const auto& jp : *recent) {
    // Whether an undo has anything to put back: a revoked token (model::undoable) never is.
    const bool undoable = std::any_of(jp.steps.begin(), jp.steps.end(), [](const store::JournalStep& st) {
      return (st.state == store::StepState::verified || st.state == store::StepState::done) && model::undoable(st.kind);
    });
    arr.push_back(json::object{{"journal_id", jp.id}, {"plan_id", jp.plan_id}, {"kind", jp.kind}, {"selector", jp.selector},
                               {"state", store::to_string(jp.state)}, {"created_at", jp.created_at}, {"undoable", undoable}});
  }
  return done(std::move(arr));
}

Service::Answer Service::verb_history(const Call& call) {
  const auto& req = call.req;
  if (!history_) return done(json::array{});
  int limit = 20;
  if (auto* l = req.if_contains("limit"); l && l->is_int64()) limit = static_cast<int>(std::clamp<int64_t>(l->as_int64(), 1, 500));
  auto audits = history_->audits(app::home_key(*home_, source_), limit);
  if (!audits) return fail("internal", audits.error());
  json::array arr;
  for (const auto& a : *audits)
    arr.push_back(json::object{{"id", a.id}, {"created_at", a.created_at}, {"score", a.score}, {"findings", a.findings}});
  return done(std::move(arr));
}

Service::Answer Service::verb_notice(const Call& call) {
  const auto& req = call.req;
  const auto& msg = call.msg;
  const std::string& type = call.type;
  // Privacy notices (7.3.3): a device's, or the home's when no device_id is given.
  std::string device_id;
  if (auto* d = req.if_contains("device_id")) {
    if (!d->is_string()) return fail("invalid_format", "error.api.no_device", "device_id must be a string");
    device_id = std::string(d->as_string());
  }
  auto vendors = notice::load_vendors();
  if (!vendors) return fail("internal", vendors.error());
  std::optional<notice::DeviceNotice> dn;
  std::optional<notice::HomeNotice> hn;
  if (!device_id.empty()) {
    const auto* dev = home_->device(device_id);
    if (!dev) return fail("not_found", "error.api.unknown_device", "No such device");
    dn = notice::device_notice(*home_, *dev, *vendors);
  } else {
    hn = notice::home_notice(*home_, *vendors);
  }
  const std::string subject = dn ? dn->device_id : "home";
  const std::string version = dn ? dn->version : hn->version;
  const std::string key = app::home_key(*home_, source_);
  if (type == "domoguard/notice/ack") {
    if (!notices_) return fail("not_supported", "error.api.no_store", "This host keeps no acknowledgements");
    auto* v = req.if_contains("version");
    auto* u = req.if_contains("user");
    if (!v || !v->is_string() || !u || !u->is_string() || u->as_string().empty() || u->as_string().size() > 200)
      return fail("invalid_format", "error.api.notice_ack", "Give the notice version and the user");
    // Acknowledging a version the household was not shown would record consent to something else.
    if (v->as_string() != version)
      return fail("conflict", "error.api.notice_changed", "The notice has changed; show it again before acknowledging");
    auto id = notices_->acknowledge(key, subject, version, std::string(u->as_string()));
    if (!id) return fail("internal", id.error());
    if (auto logged = app::log_notice_ack(opts_.db_path, subject, version, std::string(u->as_string())); !logged)
      return fail("internal", logged.error());
  }
  json::object out = dn ? notice::to_json(*dn, msg) : notice::to_json(*hn, msg);
  // Whether the version shown is acknowledged, and by whom last (a host without a store: never).
  auto ack_of = [&](const std::string& subj, std::string_view shown) -> Result<json::object> {
    if (notices_) {
      auto latest = notices_->latest(key, subj);
      if (!latest) return latest.error();
      if (*latest) {
        const auto& a = **latest;
        return json::object{{"acknowledged", a.version == shown}, {"needs_ack", a.version != shown},
                            {"user", a.user}, {"at", a.acked_at}, {"version", a.version}};
      }
    }
    return json::object{{"acknowledged", false}, {"needs_ack", true}};
  };
  auto ack = ack_of(subject, version);
  if (!ack) return fail("internal", ack.error());
  out["acknowledgement"] = std::move(*ack);
  // The home notice lists the devices' notices: say for each whether its current version is acknowledged.
  if (hn)
    if (auto* devs = out.if_contains("devices"); devs && devs->is_array())
      for (auto& d : devs->as_array()) {
        auto& o = d.as_object();
        const auto* id = o.if_contains("device_id");
        const auto* ver = o.if_contains("version");
        if (!id || !id->is_string() || !ver || !ver->is_string()) continue;
        auto a = ack_of(std::string(id->as_string()), ver->as_string());
        if (!a) return fail("internal", a.error());
        o["acknowledgement"] = std::move(*a);
      }
  return done(std::move(out));
}

Service::Answer Service::verb_verbs(const Call&) { return done(parse_json(verbs_json())); }

}  // namespace domoguard::api
