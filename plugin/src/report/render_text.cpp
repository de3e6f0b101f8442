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

  // Grouped (audit/triage): the first steps, then what else fits on one screen; --all lists everything.
  audit::TriageOptions topts;
  topts.include_info = v.all;
  if (v.all) topts.budget = static_cast<size_t>(-1);
  const auto t = view_triage(v, topts);
  const size_t member_limit = v.all ? static_cast<size_t>(-1) : 5;
  auto area_name = [&](const std::string& id) -> std::string {
    if (id.empty()) return {};
    auto* a = v.home.area(id);
    return a ? terminal_safe(a->name) : terminal_safe(id);
  };
  auto print_fix = [&](const std::string& fix, bool action, const std::string& indent) {
    if (fix.empty()) return;
    o << indent << std::string(10, ' ') << (action ? msg.text("cli.audit.fix_action") : msg.text("cli.audit.fix_guidance")) << " "
      << terminal_safe(fix, 300) << "\n";
  };
  // lead: the start of the group's first line (a step's number); indent: the start of the lines under it.
  auto print_group = [&](const audit::FindingGroup& g, const std::string& lead, const std::string& indent) {
    const auto& first = r.findings[g.members.front()];
    o << lead << badge(g.severity, msg, color) << " " << terminal_safe(group_title(g, r, msg), 200) << "  [" << g.rule;
    if (!first.clauses.empty()) o << ", " << first.clauses.front();
    o << "]\n";
    print_fix(group_fix(g, r, msg), g.fixable > 0, indent);
    if (g.fixable) o << indent << std::string(10, ' ') << msg.text("cli.audit.one_click", {{"command", "domoguard apply SOURCE --fix '" + terminal_safe(g.id) + "'"}}) << "\n";
    if (g.single()) return;
    // The members, gravest first; critical and high ones are always listed.
    size_t shown = 0;
    for (size_t i : g.members) {
      const auto& f = r.findings[i];
      if (shown >= member_limit && f.severity < audit::Severity::high) continue;
      ++shown;
      o << indent << "    - " << terminal_safe(f.subject.name.empty() ? f.subject.id : f.subject.name);
      if (auto area = area_name(f.area_id); !area.empty()) o << " (" << area << ")";
      if (f.severity != g.severity) o << "  " << msg.text(std::string("severity.") + audit::to_string(f.severity));
      o << "\n";
    }
    if (shown < g.members.size())
      o << indent << "      " << msg.text("cli.audit.more_members", {{"count", std::to_string(g.members.size() - shown)}}) << "\n";
  };
  if (!t.steps.empty()) {
    o << "\n" << bold(msg.text("cli.audit.first_steps"), color) << "\n";
    for (size_t n = 0; n < t.steps.size(); ++n) {
      const auto& s = t.steps[n];
      const std::string number = std::to_string(n + 1) + ". ";
      print_group(t.groups[s.group], "  " + number, std::string(2 + number.size(), ' '));
      // Without enough data there is no score, so no score after either.
      if (audit::enough_to_score(v.home))
        o << std::string(2 + number.size() + 10, ' ')
          << msg.text("cli.audit.step_score", {{"score", std::to_string(s.score_after)}, {"gain", std::to_string(s.score_gain)}})
          << "\n";
    }
  }
  std::vector<size_t> rest = t.listed;
  if (v.all) {
    rest.clear();
    std::vector<char> step(t.groups.size(), 0);
    for (const auto& s : t.steps) step[s.group] = 1;
    for (size_t gi = 0; gi < t.groups.size(); ++gi)
      if (!step[gi]) rest.push_back(gi);
  }
  if (!rest.empty()) {
    o << "\n" << bold(msg.text("cli.audit.findings_heading", {{"count", std::to_string(rest.size())}}), color) << "\n";
    for (size_t gi : rest) print_group(t.groups[gi], "  ", "  ");
  }
  if (!v.all && t.hidden_groups)
    o << "\n" << msg.text("cli.audit.hidden", {{"groups", std::to_string(t.hidden_groups)}, {"findings", std::to_string(t.hidden_findings)}})
      << "\n";
  if (!t.accepted.empty()) {
    o << "\n" << bold(msg.text("cli.audit.accepted", {{"count", std::to_string(t.accepted.size())}}), color) << "\n";
    for (size_t i : t.accepted) {
      const auto& f = r.findings[i];
      o << "  " << badge(f.severity, msg, color) << " " << terminal_safe(finding_title(f, msg), 200) << "  [" << f.rule << "]\n";
      for (const auto& a : v.accepted)
        if (a.key == f.key())
          o << std::string(12, ' ')
            << msg.text("cli.audit.accepted_item", {{"actor", terminal_safe(a.actor, 60)}, {"until", a.until}, {"reason", terminal_safe(a.reason, 300)}})
            << "\n";
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

// A rule's text said of no subject in particular: every placeholder ({name}, {count}, ...) reads "…".
static std::string any_subject(const locale::Messages& msg, const std::string& key) {
  locale::Placeholders ph;
  for (const auto& name : locale::placeholders_in(msg.text_or_empty(key))) ph.emplace_back(name, "…");
  return msg.text_or_empty(key, ph);
}

std::string explain(const audit::RuleDef& rule, const catalog::Catalog& c, const locale::Messages& msg) {
  const std::string id(rule.id);
  std::ostringstream o;
  o << id << ": " << any_subject(msg, "rule." + id + ".title") << "\n\n";
  if (auto why = any_subject(msg, "rule." + id + ".why"); !why.empty()) o << why << "\n\n";
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
  if (auto reason = msg.text_or_empty("rule." + id + ".severity_reason"); !reason.empty()) o << "  " << reason << "\n";
  o << msg.text("cli.explain.needs") << " ";
  for (size_t i = 0; i < rule.needs.size(); ++i) o << (i ? ", " : "") << model::to_string(rule.needs[i]);
  o << "\n";
  if (auto fix = any_subject(msg, "rule." + id + ".fix"); !fix.empty()) o << "\n" << msg.text("cli.explain.fix") << " " << fix << "\n";
  return o.str();
}

}  // namespace domoguard::report
