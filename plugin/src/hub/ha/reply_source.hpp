// Where from_replies finds each WebSocket reply's text: a map held whole (the live connector, the
// demo home), or a folder whose files are read one at a time, so that only the reply being read is
// in memory beside the model.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "hub/ha/adapter.hpp"
#include "hub/ha/list_cache.hpp"

namespace domoguard::hub::ha::detail {

class ReplySource {
 public:
  virtual ~ReplySource() = default;
  virtual bool has(const std::string& command) const = 0;
  // The reply's text, nullopt when there is none; valid until text() is asked for another command.
  // An Error when it exists but could not be read.
  virtual Result<std::optional<std::string_view>> text(const std::string& command) = 0;
};

Result<model::Home> from_source(ReplySource& source, const std::string& origin,
                                model::SourceKind kind = model::SourceKind::replies_folder, ListCache* cache = nullptr);

}  // namespace domoguard::hub::ha::detail
