// The printable report: one self-contained HTML file. No scripts, no external resources (a
// content security policy forbids both, in case escaping ever failed), inline CSS that prints
// on A4. Every hub-supplied text goes through html_escape; locale texts do too.
#include <algorithm>
#include <map>

#include "audit/classify.hpp"
#include "report/render.hpp"
#include "report/report.hpp"

namespace domoguard::report {

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 16);
  for (unsigned char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      case '`': out += "&#96;"; break;
      default:
        // Control characters have no business in a printed report; NUL would end some parsers.
        if (c < 0x20 && c != '\n' && c != '\t') out += "&#xFFFD;";
        else out += static_cast<char>(c);
    }
  }
  return out;
}

namespace {

const char* kStyle = R"css(
:root{--ink:#1d2330;--muted:#5b6473;--line:#d9dde4;--bg:#f6f7f9;--crit:#8b1e1e;--high:#c2410c;--med:#a16207;--low:#1d4ed8;--info:#475569;--ok:#15803d}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);margin:0;background:#fff}
main{max-width:1080px;margin:0 auto;padding:28px 32px 48px}
header{border-bottom:3px solid var(--ink);padding-bottom:14px;margin-bottom:20px}
h1{font-size:26px;margin:0 0 4px}
h2{font-size:19px;margin:30px 0 10px;padding-bottom:4px;border-bottom:1px solid var(--line)}
h3{font-size:15px;margin:18px 0 6px}
.meta{color:var(--muted);margin:2px 0}
.note{background:var(--bg);border-left:4px solid var(--muted);padding:8px 12px;margin:12px 0}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:8px 0 4px}
.card{border:1px solid var(--line);border-radius:8px;padding:10px 14px;min-width:120px}
.card b{display:block;font-size:24px}
.card span{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.score b{font-size:34px}
table{border-collapse:collapse;width:100%;margin:6px 0 12px;font-size:13px}
th,td{border:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top}
th{background:var(--bg);font-weight:600}
tbody tr:nth-child(even){background:#fbfbfc}
td.num{text-align:right;font-variant-numeric:tabular-nums}
code{font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;word-break:break-all}
.sev{display:inline-block;border-radius:4px;padding:0 6px;color:#fff;font-size:11px;font-weight:600;text-transform:uppercase}
.sev-critical{background:var(--crit)}.sev-high{background:var(--high)}.sev-medium{background:var(--med)}.sev-low{background:var(--low)}.sev-info{background:var(--info)}
.cov{font-weight:600}.cov-automated{color:var(--ok)}.cov-guidance{color:var(--med)}.cov-out_of_reach{color:var(--muted)}
.empty{color:var(--muted);font-style:italic}
footer{margin-top:36px;color:var(--muted);font-size:12px;border-top:1px solid var(--line);padding-top:8px}
@media print{main{max-width:none;padding:0}h2{break-after:avoid}tr,.card{break-inside:avoid}body{font-size:11pt}}
)css";

std::string e(std::string_view s) { return html_escape(s); }

std::string severity_badge(const std::string& sev, const locale::Messages& msg) {
  return "<span class=\"sev sev-" + e(sev) + "\">" + e(msg.text("report.severity." + sev)) + "</span>";
}

std::string card(const std::string& value, const std::string& label, const char* cls = "card") {
  return std::string("<div class=\"") + cls + "\"><b>" + e(value) + "</b><span>" + e(label) + "</span></div>";
}

std::string th(std::initializer_list<std::string> heads) {
  std::string s = "<thead><tr>";
  for (const auto& h : heads) s += "<th>" + e(h) + "</th>";
  return s + "</tr></thead>";
}

}  // namespace

std::string report_html(const ReportData& d, const locale::Messages& msg) {
  const auto& h = d.home.hub;
  std::string o;
  o.reserve(64 * 1024);
  o += "<!DOCTYPE html>\n<html lang=\"" + e(msg.lang()) + "\">\n<head>\n<meta charset=\"utf-8\">\n";
  o += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n";
  o += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  o += "<title>" + e(msg.text("report.title", {{"name", h.name}})) + "</title>\n<style>" + kStyle + "</style>\n</head>\n<body>\n<main>\n";

  // Header and summary.
  o += "<header><h1>" + e(msg.text("report.title", {{"name", h.name}})) + "</h1>\n";
  o += "<p class=\"meta\">" + e(msg.text("report.meta.hub", {{"version", h.version}, {"type", h.installation_type.empty() ? msg.text("notice.unknown") : h.installation_type}})) + "</p>\n";
  o += "<p class=\"meta\">" + e(msg.text("report.meta.generated", {{"at", d.generated_at}, {"version", DOMOGUARD_VERSION}})) + "</p>\n";
  if (d.pseudonymised)
    o += "<p class=\"note\" id=\"pseudonyms\">" + e(msg.text("report.pseudonymised", {{"key_id", d.key_id}})) + "</p>\n";
  else
    o += "<p class=\"note\" id=\"pseudonyms\">" + e(msg.text("report.not_pseudonymised")) + "</p>\n";
  o += "</header>\n";

  o += "<section id=\"summary\"><h2>" + e(msg.text("report.section.summary")) + "</h2>\n<div class=\"cards\">";
  o += card(audit::enough_to_score(d.home) ? std::to_string(d.result.score) + "/100" : "–", msg.text("report.card.score"), "card score");
  if (!audit::enough_to_score(d.home)) o += "<p class=\"warn\">" + e(msg.text("cli.audit.unscored", {{"parts", join_parts(d.home)}})) + "</p>\n";
  for (auto s : {audit::Severity::critical, audit::Severity::high, audit::Severity::medium, audit::Severity::low,
                 audit::Severity::info}) {
    auto n = std::count_if(d.result.findings.begin(), d.result.findings.end(), [&](const audit::Finding& f) { return f.severity == s; });
    o += card(std::to_string(n), msg.text(std::string("report.severity.") + audit::to_string(s)));
  }
  o += card(std::to_string(d.result.devices.size()), msg.text("report.card.devices"));
  o += card(std::to_string(d.result.rules_run), msg.text("report.card.rules_run"));
  o += card(std::to_string(d.notices_acknowledged) + "/" + std::to_string(d.notices_total), msg.text("report.card.notices"));
  o += "</div>\n</section>\n";

  // Do these first, then every finding folded by rule (audit/triage); the per-device tables below keep each one.
  {
    const auto t = audit::triage(d.home, d.result);
    o += "<section id=\"first-steps\"><h2>" + e(msg.text("report.section.first_steps")) + "</h2>\n";
    if (t.steps.empty()) o += "<p class=\"empty\">" + e(msg.text("report.none")) + "</p>\n";
    else {
      o += "<ol class=\"steps\">\n";
      for (const auto& s : t.steps) {
        const auto& g = t.groups[s.group];
        o += "<li>" + severity_badge(audit::to_string(g.severity), msg) + " <b>" + e(group_title(g, d.result, msg)) + "</b><br>" +
             e(group_fix(g, d.result, msg)) + "<br><span class=\"meta\">" +
             e(msg.text("report.step_score", {{"score", std::to_string(s.score_after)}, {"gain", std::to_string(s.score_gain)}})) +
             (g.fixable ? " · <code>domoguard apply SOURCE --fix '" + e(g.id) + "'</code>" : std::string()) + "</span></li>\n";
      }
      o += "</ol>\n";
    }
    o += "<h3>" + e(msg.text("report.section.groups")) + "</h3>\n<table id=\"groups\">" +
         th({msg.text("report.col.severity"), msg.text("report.col.rule"), msg.text("report.col.finding"), msg.text("report.col.count")}) +
         "<tbody>\n";
    for (const auto& g : t.groups)
      o += "<tr><td>" + severity_badge(audit::to_string(g.severity), msg) + "</td><td><code>" + e(g.rule) + "</code></td><td>" +
           e(group_title(g, d.result, msg)) + "</td><td class=\"num\">" + std::to_string(g.members.size()) + "</td></tr>\n";
    o += "</tbody></table>\n</section>\n";
  }

  // Accepted risks, apart: assessors see what the household decided to live with, and until when.
  o += "<section id=\"accepted\"><h2>" + e(msg.text("report.section.accepted")) + "</h2>\n<p>" +
       e(msg.text("panel.accept.still_counted")) + "</p>\n";
  if (d.accepted.empty()) o += "<p class=\"empty\">" + e(msg.text("report.none")) + "</p>\n";
  else {
    o += "<table id=\"accepted-table\">" +
         th({msg.text("report.col.finding"), msg.text("report.col.state"), msg.text("report.col.reason"),
             msg.text("report.col.by"), msg.text("report.col.until")}) +
         "<tbody>\n";
    for (const auto& a : d.accepted) {
      std::string title = a.key;
      for (const auto& f : d.result.findings)
        if (f.key() == a.key) title = finding_title(f, msg);
      o += "<tr><td>" + e(title) + "</td><td>" + e(msg.text("accept.state." + a.state)) + "</td><td>" + e(a.reason) +
           "</td><td>" + e(a.actor) + "</td><td>" + e(a.accepted_at.substr(0, 10)) + " → " + e(a.until) + "</td></tr>\n";
    }
    o += "</tbody></table>\n";
  }
  o += "</section>\n";

  // Coverage, clause by clause.
  o += "<section id=\"coverage\"><h2>" + e(msg.text("report.section.coverage")) + "</h2>\n";
  o += "<p>" + e(msg.text("report.coverage.intro")) + "</p>\n";
  o += "<table id=\"coverage-table\">" +
       th({msg.text("report.col.clause"), msg.text("report.col.title"), msg.text("report.col.coverage"),
           msg.text("report.col.rules"), msg.text("report.col.open"), msg.text("report.col.reason")}) +
       "<tbody>\n";
  for (const auto& r : d.coverage) {
    std::string rules;
    for (const auto& x : r.rules) rules += (rules.empty() ? "" : " ") + std::string("<code>") + e(x) + "</code>";
    if (rules.empty()) rules = "<span class=\"empty\">—</span>";
    o += "<tr><td><b>" + e(r.clause) + "</b></td><td>" + e(r.title) + "</td><td class=\"cov cov-" + e(r.coverage) + "\">" +
         e(msg.text("report.coverage." + r.coverage)) + "</td><td>" + rules + "</td><td class=\"num\">" +
         std::to_string(r.open_findings) + "</td><td>" + e(r.reason) + "</td></tr>\n";
  }
  o += "</tbody></table>\n</section>\n";

  // Checks that could not run, one line per reason: an assessor sees what was not looked at, why,
  // and what would let it run.
  if (!d.result.not_run.empty()) {
    std::map<std::string, std::vector<std::string>> by_reason;
    std::vector<std::string> order;
    for (const auto& n : d.result.not_run) {
      auto reason = not_run_reason(n, msg);
      if (!by_reason.count(reason)) order.push_back(reason);
      by_reason[reason].push_back(n.rule);
    }
    o += "<section id=\"not-run\"><h2>" +
         e(msg.text("report.section.not_run", {{"count", std::to_string(d.result.not_run.size())}})) + "</h2>\n";
    o += "<table id=\"not-run-table\">" + th({msg.text("report.col.reason"), msg.text("report.col.rules")}) + "<tbody>\n";
    for (const auto& reason : order) {
      std::string rules;
      for (const auto& r : by_reason[reason]) rules += (rules.empty() ? "" : " ") + std::string("<code>") + e(r) + "</code>";
      o += "<tr><td>" + e(reason) + "</td><td>" + rules + "</td></tr>\n";
    }
    o += "</tbody></table>\n</section>\n";
  }

  // Devices and their findings.
  std::map<std::string, std::vector<const audit::Finding*>> by_device;
  std::vector<const audit::Finding*> home_level;
  for (const auto& f : d.result.findings) (f.device_id.empty() ? home_level : by_device[f.device_id]).push_back(&f);
  auto findings_table = [&](const std::vector<const audit::Finding*>& fs) {
    std::string t = "<table class=\"findings\">" +
                    th({msg.text("report.col.severity"), msg.text("report.col.rule"), msg.text("report.col.finding"),
                        msg.text("report.col.clauses")}) +
                    "<tbody>\n";
    for (const auto* f : fs) {
      std::string clauses;
      for (const auto& c : f->clauses) clauses += (clauses.empty() ? "" : ", ") + e(c);
      t += "<tr><td>" + severity_badge(audit::to_string(f->severity), msg) + "</td><td><code>" + e(f->rule) +
           "</code></td><td>" + e(finding_title(*f, msg)) + "</td><td>" + clauses + "</td></tr>\n";
    }
    return t + "</tbody></table>\n";
  };

  o += "<section id=\"devices\"><h2>" + e(msg.text("report.section.devices")) + "</h2>\n";
  auto devices = d.result.devices;
  std::stable_sort(devices.begin(), devices.end(), [](const audit::DeviceScore& a, const audit::DeviceScore& b) { return a.score < b.score; });
  o += "<table id=\"device-table\">" +
       th({msg.text("report.col.device"), msg.text("report.col.type"), msg.text("report.col.area"),
           msg.text("report.col.score"), msg.text("report.col.findings")}) +
       "<tbody>\n";
  for (const auto& dev : devices) {
    auto it = by_device.find(dev.id);
    o += "<tr><td>" + e(dev.name) + "</td><td>" + e(model::to_string(dev.type)) + "</td><td>" +
         e(audit::area_name_of(d.home, dev.area_id)) + "</td><td class=\"num\">" + std::to_string(dev.score) +
         "</td><td class=\"num\">" + std::to_string(it == by_device.end() ? 0 : it->second.size()) + "</td></tr>\n";
  }
  o += "</tbody></table>\n";
  o += "<h3>" + e(msg.text("report.section.home_findings")) + "</h3>\n";
  o += home_level.empty() ? "<p class=\"empty\">" + e(msg.text("report.none")) + "</p>\n" : findings_table(home_level);
  for (const auto& dev : devices) {
    auto it = by_device.find(dev.id);
    if (it == by_device.end()) continue;
    o += "<h3>" + e(dev.name) + " <span class=\"meta\">(" + e(msg.text("report.device.score", {{"score", std::to_string(dev.score)}})) + ")</span></h3>\n";
    o += findings_table(it->second);
  }
  o += "</section>\n";

  // What was fixed, and plans applied.
  o += "<section id=\"fixed\"><h2>" + e(msg.text("report.section.fixed")) + "</h2>\n";
  if (d.fixed.empty()) {
    o += "<p class=\"empty\">" + e(msg.text("report.fixed.none")) + "</p>\n";
  } else {
    o += "<table>" + th({msg.text("report.col.when"), msg.text("report.col.severity"), msg.text("report.col.rule"), msg.text("report.col.subject")}) + "<tbody>\n";
    for (const auto& f : d.fixed)
      o += "<tr><td>" + e(f.at) + "</td><td>" + severity_badge(f.severity, msg) + "</td><td><code>" + e(f.rule) +
           "</code></td><td>" + e(f.subject_name.empty() ? f.subject_id : f.subject_name) + "</td></tr>\n";
    o += "</tbody></table>\n";
  }
  o += "<h3>" + e(msg.text("report.section.plans")) + "</h3>\n";
  if (d.plans.empty()) {
    o += "<p class=\"empty\">" + e(msg.text("report.plans.none")) + "</p>\n";
  } else {
    o += "<table>" + th({msg.text("report.col.when"), msg.text("report.col.plan"), msg.text("report.col.state"), msg.text("report.col.steps"), msg.text("report.col.by")}) + "<tbody>\n";
    for (const auto& p : d.plans)
      o += "<tr><td>" + e(p.at) + "</td><td>" + e(p.kind) + (p.selector.empty() ? "" : " <code>" + e(p.selector) + "</code>") +
           "</td><td>" + e(p.state) + "</td><td class=\"num\">" + std::to_string(p.steps) + "</td><td>" + e(p.actor) + "</td></tr>\n";
    o += "</tbody></table>\n";
  }
  o += "</section>\n";

  // Privacy notices.
  o += "<section id=\"notices\"><h2>" + e(msg.text("report.section.notices")) + "</h2>\n";
  o += "<p>" + e(msg.text("report.notices.summary", {{"acknowledged", std::to_string(d.notices_acknowledged)}, {"total", std::to_string(d.notices_total)}})) + "</p>\n";
  if (d.acks.empty()) {
    o += "<p class=\"empty\">" + e(msg.text("report.notices.none")) + "</p>\n";
  } else {
    o += "<table>" + th({msg.text("report.col.when"), msg.text("report.col.notice"), msg.text("report.col.by"), msg.text("report.col.version"), msg.text("report.col.current")}) + "<tbody>\n";
    for (const auto& a : d.acks)
      o += "<tr><td>" + e(a.at) + "</td><td>" + e(a.subject_name.empty() ? a.subject : a.subject_name) + "</td><td>" + e(a.user) +
           "</td><td><code>" + e(a.version.substr(0, 12)) + "</code></td><td>" +
           e(msg.text(a.current ? "report.notices.current" : "report.notices.outdated")) + "</td></tr>\n";
    o += "</tbody></table>\n";
  }
  o += "</section>\n";

  o += "<footer>" + e(msg.text("report.footer")) + "</footer>\n</main>\n</body>\n</html>\n";
  return o;
}

}  // namespace domoguard::report
