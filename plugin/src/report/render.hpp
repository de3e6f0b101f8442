// Renders audits and the catalogue for people (table) and machines (JSON, SARIF).
// Every hub-supplied text is untrusted: JSON escapes it, the table strips control characters.
#pragma once

#include <string>

#include "audit/diff.hpp"
#include "audit/engine.hpp"
#include "audit/enough.hpp"
#include "catalog/catalog.hpp"
#include "locale/messages.hpp"
#include "model/home.hpp"

namespace domoguard::report {

struct AuditView {
  const model::Home& home;
  const audit::AuditResult& result;
  const locale::Messages& msg;
  const audit::Diff* since_last = nullptr;   // set with --since-last
};

std::string audit_json(const AuditView& v);
std::string audit_sarif(const AuditView& v);
std::string audit_table(const AuditView& v, bool color);

std::string catalog_json(const catalog::Catalog& c, const locale::Messages& msg);
std::string catalog_table(const catalog::Catalog& c, const locale::Messages& msg);
std::string explain(const audit::RuleDef& rule, const catalog::Catalog& c, const locale::Messages& msg);

// Text safe for a terminal: control characters (C0, C1, bidi overrides) removed, length bounded.
std::string terminal_safe(const std::string& s, size_t max_chars = 120);
// Localised title of a finding, or of a not-run reason.
std::string finding_title(const audit::Finding& f, const locale::Messages& msg);
std::string not_run_reason(const audit::NotRun& n, const locale::Messages& msg);
// The core parts an unscored audit lacked, comma-separated ("devices, entities").
std::string join_parts(const model::Home& home);

}  // namespace domoguard::report
