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
#include "store/acceptances.hpp"
#include "util/result.hpp"

namespace domoguard::report {

// Text safe inside HTML element content and quoted attribute values.
std::string html_escape(std::string_view s);

class Pseudonymiser {
 public:
  explicit Pseudonymiser(std::string key);
  Pseudonymiser(const Pseudonymiser&) = delete;
  Pseudonymiser& operator=(const Pseudonymiser&) = delete;
  ~Pseudonymiser();

  // Reads the key file, or creates it (32 random bytes as hex, mode 0600, parent folder 0700)
  // when it does not exist. Refuses a key shorter than 16 bytes.
  static Result<std::string> load_or_create_key(const std::string& path);
  // The per-install key file beside the database at db_path.
  static std::string default_key_path(const std::string& db_path);

  // "kind-xxxxxxxx": the first 32 bits of HMAC-SHA256(key, kind \0 value), hex.
  std::string pseudonym(const std::string& kind, const std::string& value) const;
  // A short public id of the key, so readers can tell whether two reports share one.
  std::string key_id() const;

  // Learns what identifies people and hardware in this home: user and person names, serial
  // numbers, connection addresses and device identifiers.
  void learn(const model::Home& home);
  void learn_person(const std::string& name);
  // Replaces e-mail addresses, MAC/EUI addresses, IPv4 addresses, known serials and identifiers,
  // and person-name tokens in free text.
  std::string scrub(const std::string& text) const;
  // Scrubs every hub-supplied text of a home and its audit (re-indexes the home).
  void apply(model::Home& home, audit::AuditResult& result) const;

 private:
  std::string key_;
  std::set<std::string> persons_;                  // lower-case name tokens
  std::map<std::string, std::string> known_;       // lower-case identifier -> kind
  struct Mac;
  std::unique_ptr<Mac> mac_;
  mutable std::map<std::string, std::string> cache_;
};

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
  std::vector<store::Acceptance> accepted;
};

struct ReportOptions {
  bool pseudonymise = true;
  std::string key_file;       // "" = the per-install key beside db_path
  std::string db_path;        // history, plan journal and acknowledgements; "" = none
  std::string lang = "en";
  std::string source_label;   // for the home key when the hub has no id
};

// Audits the home and gathers everything a report shows. Stores are only read.
Result<ReportData> gather(model::Home home, const ReportOptions& opts);

std::string report_html(const ReportData& d, const locale::Messages& msg);
std::string report_json(const ReportData& d, const locale::Messages& msg);
std::string report_sarif(const ReportData& d, const locale::Messages& msg);

}  // namespace domoguard::report
