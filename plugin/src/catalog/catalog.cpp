#include "catalog/catalog.hpp"

#include <algorithm>
#include <boost/json.hpp>

#include "util/resources.hpp"

namespace domoguard::catalog {

namespace json = boost::json;

const Clause* Catalog::find(const std::string& id) const {
  auto it = std::find_if(clauses.begin(), clauses.end(), [&](const Clause& c) { return c.id == id; });
  return it == clauses.end() ? nullptr : &*it;
}

namespace {
std::string str(const json::object& o, std::string_view k) {
  auto* v = o.if_contains(k);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}
}  // namespace

Result<Catalog> parse(std::string_view text, const std::string& origin) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object())
    return Error{ErrorCode::internal, "error.catalog.malformed", "The clause catalogue is not valid JSON", origin, ""};
  const auto& root = v.as_object();
  Catalog c;
  c.standard = str(root, "standard");
  auto* clauses = root.if_contains("clauses");
  if (!clauses || !clauses->is_array())
    return Error{ErrorCode::internal, "error.catalog.malformed", "The clause catalogue has no clause list", origin, ""};
  for (const auto& item : clauses->as_array()) {
    if (!item.is_object()) continue;
    const auto& o = item.as_object();
    Clause cl{str(o, "id"), str(o, "group"), str(o, "coverage"), {}, {}};
    if (auto* p = o.if_contains("planned"); p && p->is_array())
      for (const auto& x : p->as_array())
        if (x.is_string()) cl.planned.emplace_back(x.as_string());
    if (cl.id.empty()) continue;
    c.clauses.push_back(std::move(cl));
  }
  if (auto* e = root.if_contains("etsi"); e && e->is_array())
    for (const auto& item : e->as_array())
      if (item.is_object()) c.etsi.push_back({str(item.as_object(), "id"), str(item.as_object(), "title")});
  return c;
}

Result<Catalog> load() {
  const std::string origin = "manifests/catalog/clauses.json";
  auto text = resources::get(origin);
  if (!text) return Error{ErrorCode::internal, "error.catalog.missing", "The clause catalogue is not built in", origin, ""};
  auto c = parse(*text, origin);
  if (!c) return c;
  for (const auto& rule : audit::all_rules())
    for (auto id : rule.clauses)
      for (auto& cl : c->clauses)
        if (cl.id == id) cl.rules.emplace_back(rule.id);
  // Each rule's reviewed usual severity (the reason for it is in the locales).
  const std::string sev_origin = "manifests/catalog/severity.json";
  auto sev = resources::get(sev_origin);
  if (!sev) return Error{ErrorCode::internal, "error.catalog.missing", "The reviewed severities are not built in", sev_origin, ""};
  boost::system::error_code ec;
  json::value v = json::parse(*sev, ec);
  if (ec || !v.is_object() || !v.as_object().if_contains("rules") || !v.as_object().at("rules").is_object())
    return Error{ErrorCode::internal, "error.catalog.malformed", "The reviewed severities are not valid JSON", sev_origin, ""};
  for (const auto& [id, entry] : v.as_object().at("rules").as_object())
    if (entry.is_object()) c->severity[std::string(id)] = str(entry.as_object(), "severity");
  return c;
}

}  // namespace domoguard::catalog
