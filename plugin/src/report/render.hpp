// Renders audits and the catalogue for people (table) and machines (JSON, SARIF).
// Every hub-supplied text is untrusted: JSON escapes it, the table strips control characters.
#pragma once

#include <string>

#include "audit/diff.hpp"
#include "audit/engine.hpp"
#include "audit/enough.hpp"
#include "audit/triage.hpp"
#include "audit/acceptance.hpp"
#include "catalog/catalog.hpp"
#include "locale/messages.hpp"
#include "model/home.hpp"

namespace domoguard::report {

struct AuditView {
  const model::Home& home;
  const audit::AuditResult& result;
  const locale::Messages& msg;
  const audit::Diff* since_last = nullptr;   // set with --since-last
  bool all = false;                          // the table shows every group, member and info finding (--all)
  const audit::Triage* triage = nullptr;     // groups and first steps; computed from the result when unset
  std::vector<audit::Acceptance> accepted;   // risks accepted and still holding: shown apart, still scored
};

// The triage a view shows: its own, or one computed with the view's accepted risks kept apart.
audit::Triage view_triage(const AuditView& v, audit::TriageOptions opts = {});

std::string audit_json(const AuditView& v);
// SARIF and the table render the audit document audit_json makes (the domoguard/audit reply):
// what a front end received is all they show. `all`: the document was made with every group
// (TriageOptions include_info, no budget) and the table lists every member too (--all).
std::string audit_sarif(const std::string& audit_doc, const locale::Messages& msg);
std::string audit_table(const std::string& audit_doc, const locale::Messages& msg, bool color, bool all = false);

std::string catalog_json(const catalog::Catalog& c, const locale::Messages& msg);
std::string catalog_table(const std::string& catalog_doc, const locale::Messages& msg);   // renders catalog_json's document
std::string explain(const audit::RuleDef& rule, const catalog::Catalog& c, const locale::Messages& msg);

// Text safe for a terminal: control characters (C0, C1, bidi overrides) removed, length bounded.
std::string terminal_safe(const std::string& s, size_t max_chars = 120);
// Localised title of a finding, or of a not-run reason.
std::string finding_title(const audit::Finding& f, const locale::Messages& msg);
std::string not_run_reason(const audit::NotRun& n, const locale::Messages& msg);
// The core parts an unscored audit lacked, comma-separated ("devices, entities").
std::string join_parts(const model::Home& home);
// Localised title of a group ("58 devices do not report ..."); a group of one has its finding's title.
std::string group_title(const audit::FindingGroup& g, const audit::AuditResult& r, const locale::Messages& msg);
// What to do about every member of a group, in words.
std::string group_fix(const audit::FindingGroup& g, const audit::AuditResult& r, const locale::Messages& msg);
// A finding's key (audit::Finding::key) from the fields the audit document gives it.
std::string finding_key(const std::string& rule, const std::string& subject_kind, const std::string& subject_id);

}  // namespace domoguard::report
