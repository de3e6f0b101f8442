// An accepted risk as the report and the API show it: a person's decision to live with a finding
// (or a group) for a while, with their reason and an end date. Kept by store::Acceptances; a plain
// audit-level type so that the renderers can show it without knowing the store.
#pragma once

#include <cstdint>
#include <string>

namespace domoguard::audit {

struct Acceptance {
  int64_t id = 0;
  std::string home_key;
  std::string key;            // finding key, rule|kind:id
  std::string evidence;       // fingerprint of the finding's severity and evidence when accepted
  std::string reason;
  std::string actor;          // who accepted
  std::string accepted_at;    // UTC, ISO 8601
  std::string until;          // last day it holds, YYYY-MM-DD
  std::string state = "active";   // active | expired | withdrawn | evidence_changed | resolved | replaced
  std::string ended_at, ended_by;
};

}  // namespace domoguard::audit
