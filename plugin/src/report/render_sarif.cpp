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
  for (const auto& f : v.result.findings) {
    const std::string fqn = f.subject.kind + "/" + f.subject.id;
    results.push_back(json::object{
        {"ruleId", f.rule},
        {"level", level_of(f.severity)},
        {"message", json::object{{"text", finding_title(f, v.msg)}}},
        {"locations", json::array{json::object{{"logicalLocations", json::array{json::object{
                                                                        {"name", f.subject.name},
                                                                        {"kind", f.subject.kind},
                                                                        {"fullyQualifiedName", fqn}}}}}}},
        {"partialFingerprints", json::object{{"domoguardFinding/v1", f.key()}}},
        {"properties", json::object{{"severity", audit::to_string(f.severity)}}}});
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
                                               {"scored", audit::enough_to_score(v.home)}, {"hub_version", v.home.hub.version}}}}}}};
  return json::serialize(root) + "\n";
}

}  // namespace domoguard::report
