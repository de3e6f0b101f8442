// Reports for installers and supervisors (ISO/IEC 27403 7.2.18 and 7.2.24 records of the home's
// state and changes; 7.3.12 and 7.3.13 minimising and de-identifying personal data in what leaves
// the home): the home's score, a clause-by-clause coverage table, findings per device, what was
// fixed and when, and which privacy notices were acknowledged, as printable HTML, JSON or SARIF.
//
// Identifiers (MACs, serials, IPs, e-mail addresses, names of people) are replaced by keyed
// pseudonyms (HMAC-SHA256) unless the caller asks otherwise: the same key gives the same pseudonym,
// so two reports link only when their key is shared.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "audit/engine.hpp"
#include "catalog/catalog.hpp"
#include "locale/messages.hpp"
#include "model/home.hpp"
#include "report/pseudonymiser.hpp"
#include "audit/acceptance.hpp"
#include "util/result.hpp"

namespace domoguard::report {

// Text safe inside HTML element content and quoted attribute values.
std::string html_escape(std::string_view s);

struct CoverageRow {
  std::string clause, title, coverage, reason;
  std::vector<std::string> rules;
  int open_findings = 0;
};

struct FixedItem {
  std::string at, rule, severity, subject_kind, subject_id, subject_name;
};

struct PlanItem {
  std::string at, kind, selector, state, actor;
  int steps = 0;
};

struct AckItem {
  std::string at, subject, subject_name, version, user;
  bool current = false;   // the acknowledged version is the notice's version today
};

struct ReportData {
  std::string generated_at;
  std::string lang;
  bool pseudonymised = true;
  std::string key_id;
  model::Home home;                    // scrubbed when pseudonymised
  audit::AuditResult result;           // scrubbed when pseudonymised
  std::vector<CoverageRow> coverage;
  std::vector<FixedItem> fixed;
  std::vector<PlanItem> plans;
  std::vector<AckItem> acks;
  int notices_total = 0, notices_acknowledged = 0;
  // Accepted risks, holding and ended (who, why, until when, how it ended): assessors see them apart.
  std::vector<audit::Acceptance> accepted;
};

std::string report_html(const ReportData& d, const locale::Messages& msg);
std::string report_json(const ReportData& d, const locale::Messages& msg);
std::string report_sarif(const ReportData& d, const locale::Messages& msg);

}  // namespace domoguard::report
