#include <boost/json.hpp>

#include "report/audit_document.hpp"
#include "report/render.hpp"

namespace domoguard::report {

namespace json = boost::json;
using audit::Finding;

std::string finding_title(const Finding& f, const locale::Messages& msg) {
  auto ph = f.placeholders;
  if (std::none_of(ph.begin(), ph.end(), [](const auto& p) { return p.first == "name"; }))
    ph.emplace_back("name", f.subject.name);
  return msg.text(f.message_key, ph);
}

std::string not_run_reason(const audit::NotRun& n, const locale::Messages& msg) {
  // A part the source said nothing about is said in the terms of that source (a live hub, a config
  // folder, a backup, saved replies, the demo home), with what would let the rule run.
  constexpr std::string_view generic = "notrun.missing.";
  if (n.source != model::SourceKind::unknown && n.reason.starts_with(generic)) {
    const std::string part = n.reason.substr(generic.size());
    const std::string what = msg.text_or_empty("notrun.part." + part);
    if (!what.empty())
      return msg.text(std::string("notrun.absent.") + model::to_string(n.source), {{"what", what}});
  }
  // Message keys, alone or with their placeholder values (locale::later).
  return locale::say(n.reason, msg);
}

std::string group_title(const audit::FindingGroup& g, const audit::AuditResult& r, const locale::Messages& msg) {
  const auto& first = r.findings[g.members.front()];
  if (g.single()) return finding_title(first, msg);
  const std::string count = std::to_string(g.members.size());
  if (auto own = msg.text_or_empty("rule." + g.rule + ".group", {{"count", count}}); !own.empty()) return own;
  return msg.text("group.title.generic",
                  {{"title", finding_title(first, msg)}, {"more", std::to_string(g.members.size() - 1)}});
}

audit::Triage view_triage(const AuditView& v, audit::TriageOptions opts) {
  if (v.triage) return *v.triage;
  for (const auto& a : v.accepted) opts.accepted.insert(a.key);
  return audit::triage(v.home, v.result, opts);
}

std::string group_fix(const audit::FindingGroup& g, const audit::AuditResult& r, const locale::Messages& msg) {
  const auto& first = r.findings[g.members.front()];
  if (g.single()) return msg.text_or_empty(first.remediation.message_key, first.placeholders);
  // One text for all: where the advice names its device, it speaks of each of them.
  auto ph = first.placeholders;
  for (auto& [k, v] : ph)
    if (k == "name") v = msg.text("group.each");
  return msg.text_or_empty(first.remediation.message_key, ph);
}

namespace {

json::object rule_json(const audit::RuleDef& r, const locale::Messages& msg) {
  json::array clauses, etsi, needs, types;
  for (auto c : r.clauses) clauses.emplace_back(c);
  for (auto e : r.etsi) etsi.emplace_back(e);
  for (auto p : r.needs) needs.emplace_back(model::to_string(p));
  for (auto t : r.device_types) types.emplace_back(model::to_string(t));
  const std::string id(r.id);
  return {{"id", id},
          {"title", msg.text("rule." + id + ".title", {{"name", "…"}})},
          {"why", msg.text_or_empty("rule." + id + ".why", {{"name", "…"}})},
          {"clauses", std::move(clauses)},
          {"etsi", std::move(etsi)},
          {"dimension", audit::to_string(r.dimension)},
          {"risk_source", audit::to_string(r.risk_source)},
          {"severity", audit::to_string(r.severity)},
          {"scope", r.scope() == audit::Scope::device ? "device" : "home"},
          {"needs", std::move(needs)},
          {"device_types", std::move(types)}};
}

json::object finding_json(const Finding& f, const AuditView& v) {
  json::array clauses;
  for (const auto& c : f.clauses) clauses.emplace_back(c);
  json::object evidence;
  for (const auto& [k, val] : f.evidence) evidence[k] = val;
  json::object rem{{"kind", f.remediation.kind == audit::Remediation::Kind::action ? "action" : "guidance"},
                   {"message", v.msg.text(f.remediation.message_key, f.placeholders)}};
  if (!f.remediation.actions.empty()) {
    json::array acts;
    for (const auto& a : f.remediation.actions)
      acts.push_back(json::object{{"kind", model::to_string(a.kind)}, {"target", a.target}, {"after", a.after}});
    rem["actions"] = std::move(acts);
  }
  json::object o{{"rule", f.rule},
                 {"clauses", std::move(clauses)},
                 {"severity", audit::to_string(f.severity)},
                 {"title", finding_title(f, v.msg)},
                 {"why", v.msg.text_or_empty("rule." + f.rule + ".why", f.placeholders)},
                 {"subject", json::object{{"kind", f.subject.kind}, {"id", f.subject.id}, {"name", f.subject.name}}},
                 {"evidence", std::move(evidence)},
                 {"remediation", std::move(rem)}};
  if (!f.device_id.empty()) o["device_id"] = f.device_id;
  if (!f.area_id.empty()) o["area_id"] = f.area_id;
  return o;
}

// The grouping and the first steps, added beside the findings (which stay whole, one per subject).
void add_triage(json::object& root, const AuditView& v) {
  const auto t = view_triage(v);
  const auto& fs = v.result.findings;
  json::array groups, steps, listed, accepted;
  for (size_t gi = 0; gi < t.groups.size(); ++gi) {
    const auto& g = t.groups[gi];
    json::array keys;
    for (size_t i : g.members) keys.emplace_back(fs[i].key());
    json::object o{{"id", g.id},
                   {"rule", g.rule},
                   {"subject_kind", g.subject_kind},
                   {"severity", audit::to_string(g.severity)},
                   {"count", g.members.size()},
                   {"title", group_title(g, v.result, v.msg)},
                   {"fix", json::object{{"kind", g.fixable ? "action" : "guidance"},
                                        {"message", group_fix(g, v.result, v.msg)},
                                        {"fixable", g.fixable}}},
                   {"score_after", g.score_after},
                   {"keys", std::move(keys)}};
    // One click for the whole group where any member has an automatable fix.
    if (g.fixable) o["plan"] = json::array{"--fix", g.id};
    groups.push_back(std::move(o));
  }
  for (const auto& s : t.steps)
    steps.push_back(json::object{{"group", t.groups[s.group].id}, {"score_gain", s.score_gain}, {"score_after", s.score_after}});
  for (size_t gi : t.listed) listed.emplace_back(t.groups[gi].id);
  for (size_t i : t.accepted) {
    const auto& f = fs[i];
    json::object o{{"key", f.key()}, {"severity", audit::to_string(f.severity)}, {"title", finding_title(f, v.msg)}};
    for (const auto& a : v.accepted)
      if (a.key == f.key()) {
        o["reason"] = a.reason;
        o["by"] = a.actor;
        o["accepted_at"] = a.accepted_at;
        o["until"] = a.until;
      }
    accepted.push_back(std::move(o));
  }
  root["groups"] = std::move(groups);
  root["first_steps"] = std::move(steps);
  root["first_screen"] = json::object{{"listed", std::move(listed)},
                                      {"items", t.first_screen_items()},
                                      {"hidden_groups", t.hidden_groups},
                                      {"hidden_findings", t.hidden_findings}};
  if (!accepted.empty()) root["accepted"] = std::move(accepted);
}

}  // namespace

std::string audit_json(const AuditView& v) { return json::serialize(audit_document(v)) + "\n"; }

json::value audit_document(const AuditView& v) {
  const auto& h = v.home.hub;
  json::object hub{{"id", h.id}, {"name", h.name}, {"version", h.version}};
  if (!h.installation_type.empty()) hub["installation_type"] = h.installation_type;
  json::array devices;
  for (const auto& d : v.result.devices) {
    json::object o{{"id", d.id}, {"name", d.name}, {"type", model::to_string(d.type)}, {"tier", model::to_string(d.tier)},
                   {"score", d.score}};
    if (!d.area_id.empty()) o["area_id"] = d.area_id;
    devices.push_back(std::move(o));
  }
  // Disabled devices stay in the inventory (7.2.3): listed as disabled, without a score.
  for (const auto& d : v.home.devices) {
    if (!d.disabled) continue;
    json::object o{{"id", d.id}, {"name", d.name}, {"type", model::to_string(d.type)}, {"tier", model::to_string(d.tier)},
                   {"score", nullptr}, {"disabled", true}};
    if (!d.area_id.empty()) o["area_id"] = d.area_id;
    devices.push_back(std::move(o));
  }
  json::array findings, not_run, areas;
  for (const auto& f : v.result.findings) findings.push_back(finding_json(f, v));
  for (const auto& n : v.result.not_run)
    not_run.push_back(json::object{{"rule", n.rule}, {"reason", not_run_reason(n, v.msg)}});
  for (const auto& a : v.home.areas)
    areas.push_back(json::object{{"id", a.id}, {"name", a.name}, {"kind", model::to_string(a.kind)}});
  json::object summary;
  for (auto s : {audit::Severity::critical, audit::Severity::high, audit::Severity::medium, audit::Severity::low,
                 audit::Severity::info})
    summary[audit::to_string(s)] = std::count_if(v.result.findings.begin(), v.result.findings.end(),
                                                 [&](const Finding& f) { return f.severity == s; });
  json::object root{{"hub", std::move(hub)},
                    {"score", audit::enough_to_score(v.home) ? json::value(v.result.score) : json::value(nullptr)},
                    {"scored", audit::enough_to_score(v.home)},
                    {"summary", std::move(summary)},
                    {"rules_run", v.result.rules_run},
                    {"areas", std::move(areas)},
                    {"devices", std::move(devices)},
                    {"findings", std::move(findings)},
                    {"not_run", std::move(not_run)}};
  if (!audit::enough_to_score(v.home)) {
    json::array parts;
    for (const auto& p : audit::unscored_parts(v.home)) parts.emplace_back(p);
    root["unscored"] = json::object{{"parts", std::move(parts)},
                                    {"reason", v.msg.text("cli.audit.unscored", {{"parts", join_parts(v.home)}})}};
  }
  add_triage(root, v);
  if (v.since_last) {
    json::object s{{"has_previous", v.since_last->has_previous}};
    if (v.since_last->has_previous) {
      s["previous_audit"] = v.since_last->previous.id;
      s["previous_at"] = v.since_last->previous.created_at;
      s["previous_score"] = v.since_last->previous.score;
      json::array nw, gone;
      for (const auto& k : v.since_last->new_keys) nw.emplace_back(k);
      for (const auto& r : v.since_last->resolved)
        gone.push_back(json::object{{"rule", r.rule},
                                    {"severity", r.severity},
                                    {"subject", json::object{{"kind", r.subject_kind}, {"id", r.subject_id}, {"name", r.subject_name}}}});
      s["new"] = std::move(nw);
      s["resolved"] = std::move(gone);
    }
    root["since_last"] = std::move(s);
  }
  return root;
}

std::string catalog_json(const catalog::Catalog& c, const locale::Messages& msg) {
  json::array rules, clauses, etsi;
  for (const auto& r : audit::all_rules()) {
    auto o = rule_json(r, msg);
    o["severity_reason"] = msg.text_or_empty("rule." + std::string(r.id) + ".severity_reason");
    rules.push_back(std::move(o));
  }
  for (const auto& cl : c.clauses) {
    json::array served, planned;
    for (const auto& r : cl.rules) served.emplace_back(r);
    for (const auto& p : cl.planned) planned.emplace_back(p);
    json::object o{{"id", cl.id},
                   {"group", cl.group},
                   {"title", msg.text("clause." + cl.id + ".title")},
                   {"summary", msg.text_or_empty("clause." + cl.id + ".summary")},
                   // Rules serving a clause make it checked automatically, whatever else serves it too.
                   {"coverage", !cl.rules.empty() ? std::string("automated") : cl.coverage == "automated" ? std::string("guidance") : cl.coverage},
                   {"rules", std::move(served)}};
    if (!cl.planned.empty()) o["planned"] = std::move(planned);
    if (auto reason = msg.text_or_empty("clause." + cl.id + ".reason"); !reason.empty()) o["reason"] = reason;
    clauses.push_back(std::move(o));
  }
  for (const auto& e : c.etsi)
    etsi.push_back(json::object{{"id", e.id}, {"title", msg.text_or_empty("etsi." + e.id + ".title").empty() ? e.title : msg.text("etsi." + e.id + ".title")}});
  json::object root{{"standard", c.standard}, {"rules", std::move(rules)}, {"clauses", std::move(clauses)}, {"etsi", std::move(etsi)}};
  return json::serialize(root) + "\n";
}

}  // namespace domoguard::report
