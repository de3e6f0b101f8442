#include <algorithm>
#include <boost/json.hpp>
#include <map>
#include <set>
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

namespace {
namespace json = boost::json;

std::string str(const json::object& o, std::string_view k) {
  auto* v = o.if_contains(k);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}
int64_t num(const json::object& o, std::string_view k) {
  auto* v = o.if_contains(k);
  return v && v->is_int64() ? v->as_int64() : v && v->is_uint64() ? static_cast<int64_t>(v->as_uint64()) : 0;
}
const json::array& arr(const json::object& o, std::string_view k) {
  static const json::array none;
  auto* v = o.if_contains(k);
  return v && v->is_array() ? v->as_array() : none;
}
const json::object& obj(const json::object& o, std::string_view k) {
  static const json::object none;
  auto* v = o.if_contains(k);
  return v && v->is_object() ? v->as_object() : none;
}
Severity severity_of(const json::object& o) {
  Severity s = Severity::info;
  audit::parse_severity(str(o, "severity"), s);
  return s;
}
}  // namespace

std::string finding_key(const std::string& rule, const std::string& subject_kind, const std::string& subject_id) {
  audit::Finding f;
  f.rule = rule;
  f.subject.kind = subject_kind;
  f.subject.id = subject_id;
  return f.key();
}

namespace {
std::string key_of(const json::object& finding) {
  const auto& subject = obj(finding, "subject");
  return report::finding_key(str(finding, "rule"), str(subject, "kind"), str(subject, "id"));
}
}  // namespace

// The audit document (audit_json, the domoguard/audit reply) for a person: everything it shows is
// in the document, so every front end that has the reply can print the same table.
std::string audit_table(const std::string& audit_doc, const locale::Messages& msg, bool color, bool all) {
  boost::system::error_code ec;
  const json::value parsed = json::parse(audit_doc, ec);
  if (ec || !parsed.is_object()) return {};
  const auto& doc = parsed.as_object();
  const auto& hub = obj(doc, "hub");
  const bool scored = doc.if_contains("scored") && doc.at("scored").is_bool() && doc.at("scored").as_bool();
  std::ostringstream o;
  const std::string hub_name = terminal_safe(str(hub, "name").empty() ? "Home Assistant" : str(hub, "name"));
  o << bold(msg.text("cli.audit.heading", {{"name", hub_name}}), color) << "\n";
  if (!str(hub, "version").empty()) o << msg.text("cli.audit.hub_version", {{"version", terminal_safe(str(hub, "version"))}}) << "\n";
  if (scored) o << msg.text("cli.audit.score", {{"score", std::to_string(num(doc, "score"))}}) << "   ";
  else o << bold(str(obj(doc, "unscored"), "reason"), color) << "\n";
  const auto& summary = obj(doc, "summary");
  o << msg.text("cli.audit.counts", {{"critical", std::to_string(num(summary, "critical"))},
                                     {"high", std::to_string(num(summary, "high"))},
                                     {"medium", std::to_string(num(summary, "medium"))},
                                     {"low", std::to_string(num(summary, "low"))},
                                     {"info", std::to_string(num(summary, "info"))}})
    << "\n";
  {
    // Disabled devices stay in the inventory (7.2.3): listed, not scored.
    std::string names;
    int disabled = 0;
    for (const auto& d : arr(doc, "devices")) {
      const auto& dev = d.as_object();
      const auto* off = dev.if_contains("disabled");
      if (off && off->is_bool() && off->as_bool() && ++disabled <= 10)
        names += (names.empty() ? "" : ", ") + terminal_safe(str(dev, "name").empty() ? str(dev, "id") : str(dev, "name"), 60);
    }
    if (disabled > 10) names += ", …";
    if (disabled)
      o << msg.text("cli.audit.disabled_devices", {{"count", std::to_string(disabled)}, {"names", names}}) << "\n";
  }
  if (const auto* since = doc.if_contains("since_last"); since && since->is_object()) {
    const auto& s = since->as_object();
    const auto* has = s.if_contains("has_previous");
    if (has && has->is_bool() && has->as_bool())
      o << msg.text("cli.audit.since_last", {{"new", std::to_string(arr(s, "new").size())},
                                             {"resolved", std::to_string(arr(s, "resolved").size())},
                                             {"when", str(s, "previous_at")},
                                             {"score", std::to_string(num(s, "previous_score"))}})
        << "\n";
    else
      o << msg.text("cli.audit.since_last_none") << "\n";
  }

  // Grouped (audit/triage, in the document): the first steps, then what else fits on one screen;
  // --all lists everything (the document was made with every group, info findings included).
  std::map<std::string, const json::object*> findings, areas, groups;
  for (const auto& f : arr(doc, "findings")) findings[key_of(f.as_object())] = &f.as_object();
  for (const auto& a : arr(doc, "areas")) areas[str(a.as_object(), "id")] = &a.as_object();
  for (const auto& g : arr(doc, "groups")) groups[str(g.as_object(), "id")] = &g.as_object();
  const size_t member_limit = all ? static_cast<size_t>(-1) : 5;
  auto area_name = [&](const std::string& id) -> std::string {
    if (id.empty()) return {};
    auto it = areas.find(id);
    return it != areas.end() ? terminal_safe(str(*it->second, "name")) : terminal_safe(id);
  };
  auto print_fix = [&](const std::string& fix, bool action, const std::string& indent) {
    if (fix.empty()) return;
    o << indent << std::string(10, ' ') << (action ? msg.text("cli.audit.fix_action") : msg.text("cli.audit.fix_guidance")) << " "
      << terminal_safe(fix, 300) << "\n";
  };
  // lead: the start of the group's first line (a step's number); indent: the start of the lines under it.
  auto print_group = [&](const json::object& g, const std::string& lead, const std::string& indent) {
    const auto& keys = arr(g, "keys");
    const json::object* first = keys.empty() ? nullptr : findings[std::string(keys.front().as_string())];
    const auto& fix = obj(g, "fix");
    const bool fixable = num(fix, "fixable") > 0;
    o << lead << badge(severity_of(g), msg, color) << " " << terminal_safe(str(g, "title"), 200) << "  [" << str(g, "rule");
    if (first && !arr(*first, "clauses").empty()) o << ", " << arr(*first, "clauses").front().as_string().c_str();
    o << "]\n";
    print_fix(str(fix, "message"), fixable, indent);
    if (fixable) o << indent << std::string(10, ' ') << msg.text("cli.audit.one_click", {{"command", "domoguard apply SOURCE --fix '" + terminal_safe(str(g, "id")) + "'"}}) << "\n";
    if (keys.size() <= 1) return;
    // The members, gravest first; critical and high ones are always listed.
    size_t shown = 0;
    for (const auto& k : keys) {
      const json::object* f = findings[std::string(k.as_string())];
      if (!f) continue;
      const Severity sev = severity_of(*f);
      if (shown >= member_limit && sev < audit::Severity::high) continue;
      ++shown;
      const auto& subject = obj(*f, "subject");
      o << indent << "    - " << terminal_safe(str(subject, "name").empty() ? str(subject, "id") : str(subject, "name"));
      if (auto area = area_name(str(*f, "area_id")); !area.empty()) o << " (" << area << ")";
      if (sev != severity_of(g)) o << "  " << msg.text(std::string("severity.") + audit::to_string(sev));
      o << "\n";
    }
    if (shown < keys.size())
      o << indent << "      " << msg.text("cli.audit.more_members", {{"count", std::to_string(keys.size() - shown)}}) << "\n";
  };
  const auto& steps = arr(doc, "first_steps");
  std::set<std::string> step_groups;
  if (!steps.empty()) {
    o << "\n" << bold(msg.text("cli.audit.first_steps"), color) << "\n";
    for (size_t n = 0; n < steps.size(); ++n) {
      const auto& s = steps[n].as_object();
      step_groups.insert(str(s, "group"));
      const std::string number = std::to_string(n + 1) + ". ";
      if (auto g = groups.find(str(s, "group")); g != groups.end())
        print_group(*g->second, "  " + number, std::string(2 + number.size(), ' '));
      // Without enough data there is no score, so no score after either.
      if (scored)
        o << std::string(2 + number.size() + 10, ' ')
          << msg.text("cli.audit.step_score", {{"score", std::to_string(num(s, "score_after"))}, {"gain", std::to_string(num(s, "score_gain"))}})
          << "\n";
    }
  }
  std::vector<const json::object*> rest;
  if (all) {
    for (const auto& g : arr(doc, "groups"))
      if (!step_groups.count(str(g.as_object(), "id"))) rest.push_back(&g.as_object());
  } else {
    for (const auto& id : arr(obj(doc, "first_screen"), "listed"))
      if (auto g = groups.find(std::string(id.as_string())); g != groups.end()) rest.push_back(g->second);
  }
  if (!rest.empty()) {
    o << "\n" << bold(msg.text("cli.audit.findings_heading", {{"count", std::to_string(rest.size())}}), color) << "\n";
    for (const auto* g : rest) print_group(*g, "  ", "  ");
  }
  const auto& screen = obj(doc, "first_screen");
  if (!all && num(screen, "hidden_groups"))
    o << "\n" << msg.text("cli.audit.hidden", {{"groups", std::to_string(num(screen, "hidden_groups"))}, {"findings", std::to_string(num(screen, "hidden_findings"))}})
      << "\n";
  if (const auto& accepted = arr(doc, "accepted"); !accepted.empty()) {
    o << "\n" << bold(msg.text("cli.audit.accepted", {{"count", std::to_string(accepted.size())}}), color) << "\n";
    for (const auto& x : accepted) {
      const auto& a = x.as_object();
      const std::string key = str(a, "key");
      o << "  " << badge(severity_of(a), msg, color) << " " << terminal_safe(str(a, "title"), 200) << "  [" << key.substr(0, key.find('|')) << "]\n";
      if (a.contains("reason"))
        o << std::string(12, ' ')
          << msg.text("cli.audit.accepted_item", {{"actor", terminal_safe(str(a, "by"), 60)}, {"until", str(a, "until")}, {"reason", terminal_safe(str(a, "reason"), 300)}})
          << "\n";
    }
  }
  if (const auto& not_run = arr(doc, "not_run"); !not_run.empty()) {
    o << "\n" << bold(msg.text("cli.audit.not_run", {{"count", std::to_string(not_run.size())}}), color) << "\n";
    std::map<std::string, std::vector<std::string>> by_reason;
    for (const auto& n : not_run) by_reason[str(n.as_object(), "reason")].push_back(str(n.as_object(), "rule"));
    for (const auto& [reason, rules] : by_reason) {
      o << "  - " << terminal_safe(reason, 300) << " (";
      for (size_t i = 0; i < rules.size(); ++i) o << (i ? ", " : "") << rules[i];
      o << ")\n";
    }
  }
  o << "\n" << msg.text(arr(doc, "findings").empty() ? "cli.audit.next_clean" : "cli.audit.next") << "\n";
  return o.str();
}

// The catalogue document (catalog_json, the domoguard/catalog reply) for a person.
std::string catalog_table(const std::string& catalog_doc, const locale::Messages& msg) {
  boost::system::error_code ec;
  const json::value parsed = json::parse(catalog_doc, ec);
  if (ec || !parsed.is_object()) return {};
  const auto& doc = parsed.as_object();
  std::ostringstream o;
  o << msg.text("cli.catalog.heading", {{"rules", std::to_string(arr(doc, "rules").size())},
                                        {"clauses", std::to_string(arr(doc, "clauses").size())}})
    << "\n\n";
  for (const auto& x : arr(doc, "clauses")) {
    const auto& cl = x.as_object();
    o << str(cl, "id") << "  " << str(cl, "title") << "\n      ";
    const auto& rules = arr(cl, "rules");
    if (!rules.empty()) {
      for (size_t i = 0; i < rules.size(); ++i) o << (i ? ", " : "") << rules[i].as_string().c_str();
    } else {
      o << msg.text("coverage." + (str(cl, "coverage").empty() ? std::string("guidance") : str(cl, "coverage")));
      if (auto reason = str(cl, "reason"); !reason.empty()) o << ": " << reason;
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
