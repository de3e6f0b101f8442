// SARIF 2.1.0, so assessors can load findings into the tools they already use.
#include <boost/json.hpp>
#include <map>
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

std::string audit_sarif(const std::string& audit_doc, const locale::Messages& msg) {
  boost::system::error_code ec;
  const json::value parsed = json::parse(audit_doc, ec);
  if (ec || !parsed.is_object()) return {};
  const auto& doc = parsed.as_object();
  auto str = [](const json::object& o, std::string_view k) {
    auto* v = o.if_contains(k);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
  };
  auto arr = [](const json::object& o, std::string_view k) -> const json::array& {
    static const json::array none;
    auto* v = o.if_contains(k);
    return v && v->is_array() ? v->as_array() : none;
  };
  auto severity = [&](const json::object& o) {
    audit::Severity s = audit::Severity::info;
    audit::parse_severity(str(o, "severity"), s);
    return s;
  };
  json::array rules, results;
  std::set<std::string> used;
  for (const auto& f : arr(doc, "findings")) used.insert(str(f.as_object(), "rule"));
  for (const auto& r : audit::all_rules()) {
    const std::string id(r.id);
    if (!used.count(id)) continue;
    json::array clauses;
    for (auto c : r.clauses) clauses.emplace_back(c);
    json::array etsi;
    for (auto e : r.etsi) etsi.emplace_back(e);
    rules.push_back(json::object{
        {"id", id},
        {"shortDescription", json::object{{"text", msg.text("rule." + id + ".title", {{"name", "…"}})}}},
        {"fullDescription", json::object{{"text", msg.text_or_empty("rule." + id + ".why", {{"name", "…"}})}}},
        {"defaultConfiguration", json::object{{"level", level_of(r.severity)}}},
        {"properties", json::object{{"iso27403", std::move(clauses)}, {"etsi_en_303_645", std::move(etsi)},
                                    {"dimension", audit::to_string(r.dimension)}}}});
  }
  // Each result stays one finding; its group (audit/triage) and the first steps are added as properties.
  std::map<std::string, std::string> group_of;
  json::array groups, steps;
  for (const auto& x : arr(doc, "groups")) {
    const auto& g = x.as_object();
    for (const auto& k : arr(g, "keys")) group_of[std::string(k.as_string())] = str(g, "id");
    groups.push_back(json::object{{"id", str(g, "id")}, {"rule", str(g, "rule")}, {"severity", str(g, "severity")},
                                  {"count", arr(g, "keys").size()}, {"title", str(g, "title")}});
  }
  for (const auto& s : arr(doc, "first_steps"))
    steps.push_back(json::object{{"group", str(s.as_object(), "group")}, {"score_after", s.as_object().at("score_after")}});
  for (const auto& x : arr(doc, "findings")) {
    const auto& f = x.as_object();
    const auto& subject = f.at("subject").as_object();
    const std::string key = finding_key(str(f, "rule"), str(subject, "kind"), str(subject, "id"));
    const std::string fqn = str(subject, "kind") + "/" + str(subject, "id");
    // An accepted risk is a SARIF suppression with the household's justification; the result stays.
    json::array suppressions;
    for (const auto& y : arr(doc, "accepted")) {
      const auto& a = y.as_object();
      if (str(a, "key") == key && a.contains("reason"))
        suppressions.push_back(json::object{{"kind", "external"}, {"status", "accepted"}, {"justification", str(a, "reason")},
                                            {"properties", json::object{{"until", str(a, "until")}, {"by", str(a, "by")}}}});
    }
    results.push_back(json::object{
        {"ruleId", str(f, "rule")},
        {"level", level_of(severity(f))},
        {"message", json::object{{"text", str(f, "title")}}},
        {"locations", json::array{json::object{{"logicalLocations", json::array{json::object{
                                                                        {"name", str(subject, "name")},
                                                                        {"kind", str(subject, "kind")},
                                                                        {"fullyQualifiedName", fqn}}}}}}},
        {"partialFingerprints", json::object{{"domoguardFinding/v1", key}}},
        {"properties", json::object{{"severity", str(f, "severity")}, {"group", group_of[key]}}}});
    if (!suppressions.empty()) results.back().as_object()["suppressions"] = std::move(suppressions);
  }
  const auto* scored = doc.if_contains("scored");
  json::object root{
      {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
      {"version", "2.1.0"},
      {"runs", json::array{json::object{
                   {"tool", json::object{{"driver", json::object{{"name", "DomoGuard"},
                                                                 {"version", DOMOGUARD_VERSION},
                                                                 {"rules", std::move(rules)}}}}},
                   {"results", std::move(results)},
                   {"properties", json::object{{"score", doc.if_contains("score") ? doc.at("score") : json::value(nullptr)},
                                               {"scored", scored && scored->is_bool() && scored->as_bool()},
                                               {"hub_version", str(doc.at("hub").as_object(), "version")},
                                               {"groups", std::move(groups)},
                                               {"first_steps", std::move(steps)}}}}}}};
  return json::serialize(root) + "\n";
}

}  // namespace domoguard::report
