// SARIF 2.1.0, so assessors can load findings into the tools they already use.
#include <boost/json.hpp>
#include <set>

#include "report/render.hpp"

namespace domoguard::report {

namespace json = boost::json;

namespace {
const char* level_of(audit::Severity s) {
  switch (s) {
    case audit::Severity::critical:
    case audit::Severity::high: return "error";
    case audit::Severity::medium: return "warning";
    default: return "note";
  }
}
}  // namespace

std::string audit_sarif(const AuditView& v) {
  json::array rules, results;
  std::set<std::string> used;
  for (const auto& f : v.result.findings) used.insert(f.rule);
  for (const auto& r : audit::all_rules()) {
    const std::string id(r.id);
    if (!used.count(id)) continue;
    json::array clauses;
    for (auto c : r.clauses) clauses.emplace_back(c);
    json::array etsi;
    for (auto e : r.etsi) etsi.emplace_back(e);
    rules.push_back(json::object{
        {"id", id},
        {"shortDescription", json::object{{"text", v.msg.text("rule." + id + ".title", {{"name", "…"}})}}},
        {"fullDescription", json::object{{"text", v.msg.text_or_empty("rule." + id + ".why", {{"name", "…"}})}}},
        {"defaultConfiguration", json::object{{"level", level_of(r.severity)}}},
        {"properties", json::object{{"iso27403", std::move(clauses)}, {"etsi_en_303_645", std::move(etsi)},
                                    {"dimension", audit::to_string(r.dimension)}}}});
  }
  // Each result stays one finding; its group (audit/triage) and the first steps are added as properties.
  const auto t = view_triage(v);
  std::vector<std::string> group_of(v.result.findings.size());
  json::array groups, steps;
  for (const auto& g : t.groups) {
    for (size_t i : g.members) group_of[i] = g.id;
    groups.push_back(json::object{{"id", g.id}, {"rule", g.rule}, {"severity", audit::to_string(g.severity)},
                                  {"count", g.members.size()}, {"title", group_title(g, v.result, v.msg)}});
  }
  for (const auto& s : t.steps) steps.push_back(json::object{{"group", t.groups[s.group].id}, {"score_after", s.score_after}});
  for (size_t fi = 0; fi < v.result.findings.size(); ++fi) {
    const auto& f = v.result.findings[fi];
    const std::string fqn = f.subject.kind + "/" + f.subject.id;
    // An accepted risk is a SARIF suppression with the household's justification; the result stays.
    json::array suppressions;
    for (const auto& a : v.accepted)
      if (a.key == f.key())
        suppressions.push_back(json::object{{"kind", "external"}, {"status", "accepted"}, {"justification", a.reason},
                                            {"properties", json::object{{"until", a.until}, {"by", a.actor}}}});
    results.push_back(json::object{
        {"ruleId", f.rule},
        {"level", level_of(f.severity)},
        {"message", json::object{{"text", finding_title(f, v.msg)}}},
        {"locations", json::array{json::object{{"logicalLocations", json::array{json::object{
                                                                        {"name", f.subject.name},
                                                                        {"kind", f.subject.kind},
                                                                        {"fullyQualifiedName", fqn}}}}}}},
        {"partialFingerprints", json::object{{"domoguardFinding/v1", f.key()}}},
        {"properties", json::object{{"severity", audit::to_string(f.severity)}, {"group", group_of[fi]}}}});
    if (!suppressions.empty()) results.back().as_object()["suppressions"] = std::move(suppressions);
  }
  json::object root{
      {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
      {"version", "2.1.0"},
      {"runs", json::array{json::object{
                   {"tool", json::object{{"driver", json::object{{"name", "DomoGuard"},
                                                                 {"version", DOMOGUARD_VERSION},
                                                                 {"rules", std::move(rules)}}}}},
                   {"results", std::move(results)},
                   {"properties", json::object{{"score", audit::enough_to_score(v.home) ? json::value(v.result.score) : json::value(nullptr)},
                                               {"scored", audit::enough_to_score(v.home)},
                                               {"hub_version", v.home.hub.version},
                                               {"groups", std::move(groups)},
                                               {"first_steps", std::move(steps)}}}}}}};
  return json::serialize(root) + "\n";
}

}  // namespace domoguard::report
