#include "audit/rule.hpp"

#include "audit/classify.hpp"

namespace domoguard::audit {

const char* to_string(Severity s) {
  switch (s) {
    case Severity::info: return "info";
    case Severity::low: return "low";
    case Severity::medium: return "medium";
    case Severity::high: return "high";
    case Severity::critical: return "critical";
  }
  return "info";
}

bool parse_severity(std::string_view s, Severity& out) {
  static constexpr std::pair<std::string_view, Severity> table[] = {
      {"info", Severity::info}, {"low", Severity::low}, {"medium", Severity::medium},
      {"high", Severity::high}, {"critical", Severity::critical}};
  for (auto& [name, sev] : table)
    if (name == s) {
      out = sev;
      return true;
    }
  return false;
}

const char* to_string(Dimension d) { return d == Dimension::privacy ? "privacy" : "security"; }

const char* to_string(RiskSource r) {
  switch (r) {
    case RiskSource::service: return "service";
    case RiskSource::gateway: return "gateway";
    case RiskSource::device: return "device";
    case RiskSource::network: return "network";
  }
  return "device";
}

Subject subject_of(const model::Device& d) { return {"device", d.id, shown_name(d)}; }
Subject subject_of(const model::Entity& e) {
  return {"entity", e.entity_id, e.name.empty() ? (e.original_name.empty() ? e.entity_id : e.original_name) : e.name};
}
Subject subject_of(const model::User& u) { return {"user", u.id, u.name}; }
Subject subject_of(const model::Integration& i) { return {"integration", i.entry_id, i.title.empty() ? i.domain : i.title}; }
Subject hub_subject(const model::Home& h) { return {"hub", h.hub.id.empty() ? "hub" : h.hub.id, h.hub.name.empty() ? "Home Assistant" : h.hub.name}; }

Finding device_finding(const model::Home& h, const model::Device& d, Severity sev) {
  Finding f;
  f.severity = sev;
  f.subject = subject_of(d);
  f.device_id = d.id;
  f.area_id = d.area_id;
  f.placeholders = {{"name", d.name}, {"area", area_name_of(h, d.area_id)}};
  return f;
}

Remediation guidance(std::string key) { return {Remediation::Kind::guidance, std::move(key), {}}; }
Remediation action(std::string key, std::vector<Action> actions) {
  return {Remediation::Kind::action, std::move(key), std::move(actions)};
}

}  // namespace domoguard::audit
