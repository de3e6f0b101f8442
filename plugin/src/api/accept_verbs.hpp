// The API's accepted-risk verbs (app/accept), apart from the verb table so they stay small:
//   domoguard/accept           {key, reason, until?, user}  -> {accepted:[...], until}
//   domoguard/accept/withdraw  {key, user}                  -> {withdrawn: n}
//   domoguard/accepted         {all?}                       -> [{key, state, reason, by, accepted_at, until, ended_at}]
// They change what the household decided, so hosts offer them to administrators only.
#pragma once

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "audit/rule.hpp"
#include "store/acceptances.hpp"
#include "util/result.hpp"

namespace domoguard::api {

struct AcceptContext {
  std::string db_path;        // "" = the host keeps no database: the verbs are refused
  std::string home_key;
  const std::vector<audit::Finding>* findings = nullptr;   // of the latest audit
  std::string now;
};

bool is_accept_verb(const std::string& type);
Result<boost::json::value> accept_verb(const std::string& type, const boost::json::object& req, const AcceptContext& ctx);

// The decisions still holding for the latest audit (ending, and logging, those that no longer do).
Result<std::vector<store::Acceptance>> holding(const AcceptContext& ctx);

}  // namespace domoguard::api
