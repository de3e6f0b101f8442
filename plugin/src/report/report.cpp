#include "report/report.hpp"

#include <boost/json.hpp>
#include <set>

#include "audit/classify.hpp"
#include "report/render.hpp"

namespace domoguard::report {

namespace json = boost::json;

namespace {

json::object finding_brief(const audit::Finding& f, const locale::Messages& msg) {
  json::array clauses;
  for (const auto& c : f.clauses) clauses.emplace_back(c);
  return {{"rule", f.rule},
          {"clauses", std::move(clauses)},
          {"severity", audit::to_string(f.severity)},
          {"title", finding_title(f, msg)},
          {"subject", json::object{{"kind", f.subject.kind}, {"id", f.subject.id}, {"name", f.subject.name}}}};
}

json::array coverage_json(const ReportData& d) {
  json::array a;
  for (const auto& r : d.coverage) {
    json::array rules;
    for (const auto& x : r.rules) rules.emplace_back(x);
    json::object o{{"clause", r.clause}, {"title", r.title}, {"coverage", r.coverage}, {"rules", std::move(rules)},
                   {"open_findings", r.open_findings}};
    if (!r.reason.empty()) o["reason"] = r.reason;
    a.push_back(std::move(o));
  }
  return a;
}

json::array fixed_json(const ReportData& d) {
  json::array a;
  for (const auto& f : d.fixed)
    a.push_back(json::object{{"at", f.at}, {"rule", f.rule}, {"severity", f.severity},
                             {"subject", json::object{{"kind", f.subject_kind}, {"id", f.subject_id}, {"name", f.subject_name}}}});
  return a;
}

json::array plans_json(const ReportData& d) {
  json::array a;
  for (const auto& p : d.plans)
    a.push_back(json::object{{"at", p.at}, {"kind", p.kind}, {"selector", p.selector}, {"state", p.state},
                             {"actor", p.actor}, {"steps", p.steps}});
  return a;
}

json::object notices_json(const ReportData& d) {
  json::array acks;
  for (const auto& a : d.acks)
    acks.push_back(json::object{{"at", a.at}, {"subject", a.subject}, {"name", a.subject_name}, {"version", a.version},
                                {"user", a.user}, {"current", a.current}});
  return {{"total", d.notices_total}, {"acknowledged_current", d.notices_acknowledged}, {"acknowledgements", std::move(acks)}};
}

json::object report_meta(const ReportData& d) {
  json::object o{{"format_version", 1}, {"generated_at", d.generated_at}, {"language", d.lang},
                 {"pseudonymised", d.pseudonymised}, {"tool", "DomoGuard"}, {"version", DOMOGUARD_VERSION}};
  if (!d.key_id.empty()) o["key_id"] = d.key_id;
  return o;
}

}  // namespace

std::string report_json(const ReportData& d, const locale::Messages& msg) {
  const auto& h = d.home.hub;
  std::map<std::string, json::array> by_device;
  json::array home_findings;
  for (const auto& f : d.result.findings) {
    if (f.device_id.empty()) home_findings.push_back(finding_brief(f, msg));
    else by_device[f.device_id].push_back(finding_brief(f, msg));
  }
  json::array devices;
  for (const auto& dev : d.result.devices) {
    json::object o{{"id", dev.id},       {"name", dev.name},  {"type", model::to_string(dev.type)},
                   {"tier", model::to_string(dev.tier)}, {"area", audit::area_name_of(d.home, dev.area_id)},
                   {"score", dev.score}};
    auto it = by_device.find(dev.id);
    o["findings"] = it == by_device.end() ? json::array{} : std::move(it->second);
    devices.push_back(std::move(o));
  }
  json::object summary;
  for (auto s : {audit::Severity::critical, audit::Severity::high, audit::Severity::medium, audit::Severity::low,
                 audit::Severity::info})
    summary[audit::to_string(s)] = std::count_if(d.result.findings.begin(), d.result.findings.end(),
                                                 [&](const audit::Finding& f) { return f.severity == s; });
  json::array not_run;
  for (const auto& n : d.result.not_run) not_run.push_back(json::object{{"rule", n.rule}, {"reason", not_run_reason(n, msg)}});
  json::object root{{"report", report_meta(d)},
                    {"hub", json::object{{"id", h.id}, {"name", h.name}, {"version", h.version},
                                         {"installation_type", h.installation_type}}},
                    {"score", audit::enough_to_score(d.home) ? json::value(d.result.score) : json::value(nullptr)},
                    {"scored", audit::enough_to_score(d.home)},
                    {"summary", std::move(summary)},
                    {"rules_run", d.result.rules_run},
                    {"coverage", coverage_json(d)},
                    {"devices", std::move(devices)},
                    {"home_findings", std::move(home_findings)},
                    {"not_run", std::move(not_run)},
                    {"fixed", fixed_json(d)},
                    {"plans", plans_json(d)},
                    {"notices", notices_json(d)}};
  json::array accepted;
  for (const auto& a : d.accepted)
    accepted.push_back(json::object{{"key", a.key}, {"state", a.state}, {"reason", a.reason}, {"by", a.actor},
                                    {"accepted_at", a.accepted_at}, {"until", a.until}, {"ended_at", a.ended_at}});
  root["accepted_risks"] = std::move(accepted);
  return json::serialize(root) + "\n";
}

std::string report_sarif(const ReportData& d, const locale::Messages& msg) {
  AuditView view{d.home, d.result, msg, nullptr};
  for (const auto& a : d.accepted)
    if (a.state == "active") view.accepted.push_back(a);
  boost::system::error_code ec;
  const std::string sarif = audit_sarif(audit_json(view), msg);
  json::value doc = json::parse(sarif, ec);
  if (ec || !doc.is_object()) return sarif;
  auto& run = doc.as_object()["runs"].as_array().at(0).as_object();
  auto& props = run["properties"].as_object();
  props["report"] = report_meta(d);
  props["coverage"] = coverage_json(d);
  props["fixed"] = fixed_json(d);
  props["plans"] = plans_json(d);
  props["notices"] = notices_json(d);
  return json::serialize(doc) + "\n";
}

}  // namespace domoguard::report
