// Text hygiene for names and other strings that come from a hub and end up on terminals, logs and pages.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace domoguard::util {

// Returns `in` as valid UTF-8 with at most `max_chars` code points, without C0/C1 control characters
// and without bidirectional override/isolate marks (a hostile device name could otherwise inject
// terminal escapes or visually reorder a report). Tabs and line breaks become spaces. Invalid UTF-8
// bytes become U+FFFD. Every other character is kept as-is: escaping for HTML is the renderer's job.
std::string clean_text(std::string_view in, std::size_t max_chars = 256);

// 1-based line and column of byte `offset` in `text` (column counts bytes), as "line L, column C".
std::string line_column(std::string_view text, std::size_t offset);

}  // namespace domoguard::util
