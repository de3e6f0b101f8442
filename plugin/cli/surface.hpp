// The CLI as a front end of the one domoguard/* surface (api::Service), like the panel and the
// integration: a command that has a verb builds the verb's request, the service answers it, and
// the command renders the reply in the CLI's own formats (table, JSON, SARIF).
#pragma once

#include <boost/json.hpp>
#include <memory>
#include <string>

#include "api/service.hpp"
#include "locale/messages.hpp"
#include "model/home.hpp"
#include "util/result.hpp"

namespace domoguard::cli {

// A service holding one home, audited once; the audit is added to the history at db_path when
// keep_audit (the audit command), not by commands that only read or decide. db_path "" keeps nothing.
Result<std::unique_ptr<api::Service>> open_service(const std::string& db_path, const locale::Messages& msg, model::Home home,
                                                   const std::string& label, bool keep_audit);

// Sends one request ("lang" added) and returns its result; a refusal comes back as an Error whose
// code the CLI turns into its exit code (invalid_format, not_found: bad input; unreachable; the rest: storage).
Result<boost::json::value> call(api::Service& service, boost::json::object request, const locale::Messages& msg);

// open_service, then call.
Result<boost::json::value> call_verb(const std::string& db_path, const locale::Messages& msg, model::Home home,
                                     const std::string& label, boost::json::object request, bool keep_audit = true);

}  // namespace domoguard::cli
