#include "app/report_data.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "app/source.hpp"
#include "audit/engine.hpp"
#include "catalog/catalog.hpp"
#include "locale/messages.hpp"
#include "notice/notice.hpp"
#include "store/acceptances.hpp"
#include "store/history.hpp"
#include "store/journal.hpp"
#include "store/notices.hpp"
#include "util/clock.hpp"

namespace domoguard::app {

namespace fs = std::filesystem;

std::string report_key_path(const std::string& db_path) {
  fs::path p(db_path.empty() ? store::History::default_path() : db_path);
  return (p.has_parent_path() ? p.parent_path() / "pseudonym.key" : fs::path("pseudonym.key")).string();
}

namespace {

std::string coverage_of(const catalog::Clause& c) {
  // As in the catalogue: rules serving a clause make it checked automatically.
  if (!c.rules.empty()) return "automated";
  return c.coverage == "automated" ? "guidance" : c.coverage;
}

}  // namespace

Result<report::ReportData> gather_report(model::Home home, const ReportOptions& opts) {
  using namespace report;
  ReportData d;
  d.generated_at = util::now_utc();
  d.lang = opts.lang;
  d.pseudonymised = opts.pseudonymise;
  const std::string home_key = app::home_key(home, opts.source_label);
  d.result = audit::run_audit(home);

  auto cat = catalog::load();
  if (!cat) return cat.error();
  const locale::Messages msg(opts.lang);
  for (const auto& c : cat->clauses) {
    CoverageRow r{c.id, msg.text("clause." + c.id + ".title"), coverage_of(c), msg.text_or_empty("clause." + c.id + ".reason"),
                  c.rules, 0};
    for (const auto& f : d.result.findings)
      if (std::find(f.clauses.begin(), f.clauses.end(), c.id) != f.clauses.end()) ++r.open_findings;
    d.coverage.push_back(std::move(r));
  }

  auto vendors = notice::load_vendors();
  if (!vendors) return vendors.error();
  const auto home_notice = notice::home_notice(home, *vendors);
  std::map<std::string, std::string> current_versions{{"home", home_notice.version}};
  for (const auto& n : home_notice.devices) current_versions[n.device_id] = n.version;
  d.notices_total = static_cast<int>(current_versions.size());

  std::error_code ec;
  if (!opts.db_path.empty() && fs::exists(opts.db_path, ec)) {
    auto history = store::History::open(opts.db_path);
    if (!history) return history.error();
    auto audits = (*history)->audits(home_key, 200);
    if (!audits) return audits.error();
    for (const auto& a : *audits) {
      auto diff = (*history)->diff(a.id);
      if (!diff) return diff.error();
      for (const auto& r : diff->resolved)
        d.fixed.push_back({a.created_at, r.rule, r.severity, r.subject_kind, r.subject_id, r.subject_name});
    }
    auto journal = store::Journal::open(opts.db_path);
    if (!journal) return journal.error();
    auto plans = (*journal)->recent(200);
    if (!plans) return plans.error();
    for (const auto& p : *plans) {
      if (p.hub != home_key || p.state == store::PlanState::pending) continue;
      d.plans.push_back({p.finished_at.empty() ? p.created_at : p.finished_at, p.kind, p.selector,
                         store::to_string(p.state), p.actor, static_cast<int>(p.steps.size())});
    }
    auto notices = store::Notices::open(opts.db_path);
    if (!notices) return notices.error();
    auto acks = (*notices)->all(home_key);
    if (!acks) return acks.error();
    std::set<std::string> current_acked;
    for (const auto& a : *acks) {
      AckItem item{a.acked_at, a.subject, a.subject == "home" ? home.hub.name : "", a.version, a.user, false};
      if (const auto* dev = home.device(a.subject)) item.subject_name = dev->name;
      auto it = current_versions.find(a.subject);
      item.current = it != current_versions.end() && it->second == a.version;
      if (item.current) current_acked.insert(a.subject);
      d.acks.push_back(std::move(item));
    }
    d.notices_acknowledged = static_cast<int>(current_acked.size());
    // Accepted risks: read only (a report ends nothing; the next audit does, and logs it).
    auto accepted = store::Acceptances::open(opts.db_path);
    if (!accepted) return accepted.error();
    auto rows = (*accepted)->all(home_key, 500);
    if (!rows) return rows.error();
    d.accepted = std::move(*rows);
  }

  if (opts.pseudonymise) {
    auto key = Pseudonymiser::load_or_create_key(opts.key_file.empty() ? report_key_path(opts.db_path)
                                                                       : opts.key_file);
    if (!key) return key.error();
    Pseudonymiser p(std::move(*key));
    p.learn(home);
    for (const auto& a : d.acks) p.learn_person(a.user);
    for (const auto& pl : d.plans) p.learn_person(pl.actor);
    for (const auto& a : d.accepted) p.learn_person(a.actor);
    p.apply(home, d.result);
    for (auto& f : d.fixed) {
      f.subject_id = p.scrub(f.subject_id);
      f.subject_name = p.scrub(f.subject_name);
    }
    for (auto& pl : d.plans) {
      pl.selector = p.scrub(pl.selector);
      pl.actor = p.scrub(pl.actor);
    }
    for (auto& a : d.acks) {
      a.user = p.scrub(a.user);
      a.subject_name = p.scrub(a.subject_name);
    }
    for (auto& a : d.accepted) {
      a.actor = p.scrub(a.actor);
      a.reason = p.scrub(a.reason);
    }
    d.key_id = p.key_id();
  }
  d.home = std::move(home);
  return d;
}

}  // namespace domoguard::app
