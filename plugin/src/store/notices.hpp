// Acknowledgements of privacy notices (ISO/IEC 27403 7.3.3): who acknowledged which version of
// which notice, and when. Lives in the same SQLite file as the audit history, in its own table;
// it never touches the history's or the journal's tables or the file's user_version.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "util/result.hpp"

namespace domoguard::store {

struct NoticeAck {
  int64_t id = 0;
  std::string home_key;
  std::string subject;     // a device id, or "home" for the home-level notice
  std::string version;     // the notice's content hash
  std::string user;
  std::string acked_at;    // UTC, ISO 8601
};

class Notices {
 public:
  // Opens (creating if needed, with 0700 parent folder and 0600 file) the database at path.
  static Result<std::unique_ptr<Notices>> open(const std::string& path);
  ~Notices();

  Result<int64_t> acknowledge(const std::string& home_key, const std::string& subject, const std::string& version,
                              const std::string& user);
  // The newest acknowledgement of a subject's notice, whatever its version.
  Result<std::optional<NoticeAck>> latest(const std::string& home_key, const std::string& subject);
  // The newest acknowledgement of a subject's notice in exactly this version.
  Result<std::optional<NoticeAck>> latest_for(const std::string& home_key, const std::string& subject,
                                              const std::string& version);
  // Every acknowledgement of the home, newest first.
  Result<std::vector<NoticeAck>> all(const std::string& home_key, int limit = 500);

 private:
  struct Impl;
  explicit Notices(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace domoguard::store
