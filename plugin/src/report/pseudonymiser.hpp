// Keyed pseudonyms for what leaves the home in a report (ISO/IEC 27403 7.3.12, 7.3.13): MACs,
// serials, IPs, e-mail addresses and names of people are replaced by HMAC-SHA256 pseudonyms, so two
// reports link only when their key is shared.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>

#include "audit/engine.hpp"
#include "model/home.hpp"
#include "util/result.hpp"

namespace domoguard::report {

class Pseudonymiser {
 public:
  explicit Pseudonymiser(std::string key);
  Pseudonymiser(const Pseudonymiser&) = delete;
  Pseudonymiser& operator=(const Pseudonymiser&) = delete;
  ~Pseudonymiser();

  // Reads the key file, or creates it (32 random bytes as hex, mode 0600, parent folder 0700)
  // when it does not exist. Refuses a key shorter than 16 bytes.
  static Result<std::string> load_or_create_key(const std::string& path);

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

}  // namespace domoguard::report
