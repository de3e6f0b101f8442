// What from_replies made of the three large lists (device and entity registries, states) the last
// time, for a host that hands over the whole home again and again (the Home Assistant integration's
// full refresh): a list whose reply text is the same as then is copied from here instead of being
// parsed again. Only the lists are kept (the model they become), never the texts (a size and a
// 64-bit hash of each tell them apart). Not thread-safe: one caller at a time.
#pragma once

#include <memory>
#include <string>

#include "hub/ha/adapter.hpp"

namespace domoguard::hub::ha {

class ListCache;
std::shared_ptr<ListCache> make_list_cache();

// from_replies(), reading the large lists through `cache` (and leaving what it read there).
Result<model::Home> from_replies(const Replies& replies, const std::string& origin, model::SourceKind kind,
                                 ListCache& cache);

}  // namespace domoguard::hub::ha
