#include <algorithm>
#include <map>
#include <sstream>

#include "report/render.hpp"

namespace domoguard::report {

using audit::Finding;
using audit::Severity;

std::string terminal_safe(const std::string& s, size_t max_chars) {
  std::string out;
  size_t chars = 0;
  for (size_t i = 0; i < s.size() && chars < max_chars; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7f) continue;
    // C1 controls (U+0080..U+009F) and bidi controls (U+202A..U+202E, U+2066..U+2069) in UTF-8.
    if (c == 0xc2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) < 0xa0) {
      ++i;
      continue;
    }
    if (c == 0xe2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
        static_cast<unsigned char>(s[i + 2]) >= 0xaa && static_cast<unsigned char>(s[i + 2]) <= 0xae) {
      i += 2;
      continue;
    }
    if (c == 0xe2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x81 &&
        static_cast<unsigned char>(s[i + 2]) >= 0xa6 && static_cast<unsigned char>(s[i + 2]) <= 0xa9) {
      i += 2;
      continue;
    }
    if ((c & 0xc0) != 0x80) ++chars;
    out += static_cast<char>(c);
  }
  return out;
}

namespace {

const char* color_of(Severity s) {
  switch (s) {
    case Severity::critical: return "\033[1;97;41m";
    case Severity::high: return "\033[1;31m";
    case Severity::medium: return "\033[33m";
    case Severity::low: return "\033[36m";
    case Severity::info: return "\033[2m";
  }
  return "";
}

std::string badge(Severity s, const locale::Messages& msg, bool color) {
  std::string label = msg.text(std::string("severity.") + audit::to_string(s));
  std::string padded = label;
  if (padded.size() < 9) padded.append(9 - padded.size(), ' ');
  return color ? std::string(color_of(s)) + padded + "\033[0m" : padded;
}

std::string bold(const std::string& s, bool color) { return color ? "\033[1m" + s + "\033[0m" : s; }

}  // namespace

std::string join_parts(const model::Home& home) {
  std::string out;
  for (const auto& p : audit::unscored_parts(home)) out += (out.empty() ? "" : ", ") + p;
  return out;
}

std::string audit_table(const AuditView& v, bool color) {
  const auto& msg = v.msg;
  const auto& r = v.result;
  std::ostringstream o;
  const std::string hub_name = terminal_safe(v.home.hub.name.empty() ? "Home Assistant" : v.home.hub.name);
  o << bold(msg.text("cli.audit.heading", {{"name", hub_name}}), color) << "\n";
  if (!v.home.hub.version.empty()) o << msg.text("cli.audit.hub_version", {{"version", terminal_safe(v.home.hub.version)}}) << "\n";
  if (audit::enough_to_score(v.home)) o << msg.text("cli.audit.score", {{"score", std::to_string(r.score)}}) << "   ";
  else o << bold(msg.text("cli.audit.unscored", {{"parts", join_parts(v.home)}}), color) << "\n";
  std::map<Severity, int> counts;
  for (const auto& f : r.findings) ++counts[f.severity];
  o << msg.text("cli.audit.counts", {{"critical", std::to_string(counts[Severity::critical])},
                                     {"high", std::to_string(counts[Severity::high])},
                                     {"medium", std::to_string(counts[Severity::medium])},
                                     {"low", std::to_string(counts[Severity::low])},
                                     {"info", std::to_string(counts[Severity::info])}})
    << "\n";
  {
    // Disabled devices stay in the inventory (7.2.3): listed, not scored.
    std::string names;
    int disabled = 0;
    for (const auto& d : v.home.devices)
      if (d.disabled && ++disabled <= 10) names += (names.empty() ? "" : ", ") + terminal_safe(d.name.empty() ? d.id : d.name, 60);
    if (disabled > 10) names += ", …";
    if (disabled)
      o << msg.text("cli.audit.disabled_devices", {{"count", std::to_string(disabled)}, {"names", names}}) << "\n";
  }
  if (v.since_last) {
    if (v.since_last->has_previous)
      o << msg.text("cli.audit.since_last", {{"new", std::to_string(v.since_last->new_keys.size())},
                                             {"resolved", std::to_string(v.since_last->resolved.size())},
                                             {"when", v.since_last->previous.created_at},
                                             {"score", std::to_string(v.since_last->previous.score)}})
        << "\n";
    else
      o << msg.text("cli.audit.since_last_none") << "\n";
  }

  // Group: area -> device -> findings; home-level findings first under "The hub and its users".
  auto area_name = [&](const std::string& id) {
    if (id.empty()) return msg.text("cli.audit.no_area");
    auto* a = v.home.area(id);
    return a ? terminal_safe(a->name) : terminal_safe(id);
  };
  // Home-level findings grouped by subject, in order of first (most severe) appearance;
  // devices grouped by area, then listed by name.
  std::vector<std::pair<std::string, std::vector<const Finding*>>> home_level;
  std::map<std::string, std::map<std::string, std::vector<const Finding*>>> by_area;
  for (const auto& f : r.findings) {
    if (f.device_id.empty()) {
      const auto key = f.subject.kind + ":" + f.subject.id;
      auto it = std::find_if(home_level.begin(), home_level.end(), [&](const auto& g) { return g.first == key; });
      if (it == home_level.end()) home_level.push_back({key, {&f}});
      else it->second.push_back(&f);
    } else {
      auto* d = v.home.device(f.device_id);
      by_area[area_name(f.area_id)][(d ? d->name : f.device_id) + '\x1f' + f.device_id].push_back(&f);
    }
  }
  auto print_finding = [&](const Finding& f, const std::string& indent) {
    o << indent << badge(f.severity, msg, color) << " " << terminal_safe(finding_title(f, msg), 200) << "  ["
      << f.rule;
    if (!f.clauses.empty()) o << ", " << f.clauses.front();
    o << "]\n";
    auto fix = msg.text_or_empty(f.remediation.message_key, f.placeholders);
    if (!fix.empty())
      o << indent << std::string(10, ' ')
        << (f.remediation.kind == audit::Remediation::Kind::action ? msg.text("cli.audit.fix_action") : msg.text("cli.audit.fix_guidance"))
        << " " << terminal_safe(fix, 300) << "\n";
  };
  if (!home_level.empty()) {
    o << "\n" << bold(msg.text("cli.audit.home_level"), color) << "\n";
    for (const auto& group : home_level) {
      o << "  " << terminal_safe(group.second.front()->subject.name) << "\n";
      for (auto* f : group.second) print_finding(*f, "    ");
    }
  }
  for (const auto& [area, devices] : by_area) {
    o << "\n" << bold(area, color) << "\n";
    for (const auto& entry : devices) {
      const std::string dev_id = entry.first.substr(entry.first.find('\x1f') + 1);
      const auto& list = entry.second;
      auto* d = v.home.device(dev_id);
      auto ds = std::find_if(r.devices.begin(), r.devices.end(), [&](const auto& x) { return x.id == dev_id; });
      o << "  " << terminal_safe(d ? d->name : dev_id);
      if (d) o << " (" << msg.text(std::string("type.") + model::to_string(d->type)) << ")";
      if (ds != r.devices.end()) o << "  " << msg.text("cli.audit.device_score", {{"score", std::to_string(ds->score)}});
      o << "\n";
      for (auto* f : list) print_finding(*f, "    ");
    }
  }
  if (!r.not_run.empty()) {
    o << "\n" << bold(msg.text("cli.audit.not_run", {{"count", std::to_string(r.not_run.size())}}), color) << "\n";
    std::map<std::string, std::vector<std::string>> by_reason;
    for (const auto& n : r.not_run) by_reason[not_run_reason(n, msg)].push_back(n.rule);
    for (const auto& [reason, rules] : by_reason) {
      o << "  - " << terminal_safe(reason, 300) << " (";
      for (size_t i = 0; i < rules.size(); ++i) o << (i ? ", " : "") << rules[i];
      o << ")\n";
    }
  }
  o << "\n" << msg.text(r.findings.empty() ? "cli.audit.next_clean" : "cli.audit.next") << "\n";
  return o.str();
}

std::string catalog_table(const catalog::Catalog& c, const locale::Messages& msg) {
  std::ostringstream o;
  o << msg.text("cli.catalog.heading", {{"rules", std::to_string(audit::all_rules().size())},
                                        {"clauses", std::to_string(c.clauses.size())}})
    << "\n\n";
  for (const auto& cl : c.clauses) {
    o << cl.id << "  " << msg.text("clause." + cl.id + ".title") << "\n      ";
    if (!cl.rules.empty()) {
      for (size_t i = 0; i < cl.rules.size(); ++i) o << (i ? ", " : "") << cl.rules[i];
    } else {
      o << msg.text("coverage." + (cl.coverage.empty() ? std::string("guidance") : cl.coverage));
      if (auto reason = msg.text_or_empty("clause." + cl.id + ".reason"); !reason.empty()) o << ": " << reason;
    }
    o << "\n";
  }
  return o.str();
}

std::string explain(const audit::RuleDef& rule, const catalog::Catalog& c, const locale::Messages& msg) {
  const std::string id(rule.id);
  std::ostringstream o;
  o << id << ": " << msg.text("rule." + id + ".title", {{"name", "…"}}) << "\n\n";
  if (auto why = msg.text_or_empty("rule." + id + ".why", {{"name", "…"}}); !why.empty()) o << why << "\n\n";
  o << msg.text("cli.explain.clauses") << "\n";
  for (auto cl : rule.clauses) {
    const std::string cid(cl);
    o << "  " << cid << "  " << msg.text("clause." + cid + ".title");
    if (c.find(cid) == nullptr) o << " (?)";
    o << "\n";
  }
  if (!rule.etsi.empty()) {
    o << msg.text("cli.explain.etsi") << " ";
    for (size_t i = 0; i < rule.etsi.size(); ++i) o << (i ? ", " : "") << rule.etsi[i];
    o << "\n";
  }
  o << msg.text("cli.explain.meta",
                 {{"dimension", msg.text(std::string("dimension.") + audit::to_string(rule.dimension))},
                  {"source", msg.text(std::string("risk_source.") + audit::to_string(rule.risk_source))},
                  {"severity", msg.text(std::string("report.severity.") + audit::to_string(rule.severity))}})
    << "\n";
  o << msg.text("cli.explain.needs") << " ";
  for (size_t i = 0; i < rule.needs.size(); ++i) o << (i ? ", " : "") << model::to_string(rule.needs[i]);
  o << "\n";
  if (auto fix = msg.text_or_empty("rule." + id + ".fix"); !fix.empty()) o << "\n" << msg.text("cli.explain.fix") << " " << fix << "\n";
  return o.str();
}

}  // namespace domoguard::report
