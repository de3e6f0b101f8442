// Gathering what a report shows (report/report.hpp): the audit, the clause coverage, and from the
// stores what was fixed, which plans ran and which notices were acknowledged. Above the report
// layer, which only renders, and above the stores, which it only reads.
#pragma once

#include <string>

#include "model/home.hpp"
#include "report/report.hpp"
#include "util/result.hpp"

namespace domoguard::app {

struct ReportOptions {
  bool pseudonymise = true;
  std::string key_file;       // "" = the per-install key beside db_path
  std::string db_path;        // history, plan journal and acknowledgements; "" = none
  std::string lang = "en";
  std::string source_label;   // for the home key when the hub has no id
};

// Audits the home and gathers everything a report shows. Stores are only read.
Result<report::ReportData> gather_report(model::Home home, const ReportOptions& opts);

// The per-install pseudonym key file beside the database at db_path ("" = the default database).
std::string report_key_path(const std::string& db_path);

}  // namespace domoguard::app
