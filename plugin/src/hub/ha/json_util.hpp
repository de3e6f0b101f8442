// Boost.JSON helpers for the HA adapter (internal to hub/ha, whose input is HA's JSON: Boost.JSON stays here): bounded
// parsing with line/column errors, and field getters that tolerate unexpected types ("" for a number, never a crash).
#pragma once

#include <boost/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "util/result.hpp"

namespace domoguard::hub::ha::detail {

namespace json = boost::json;

// Parses `text`; on failure returns Error(bad_input) naming `file` and "line L, column C".
// `sp` is where the value's memory comes from (a monotonic resource makes big replies cheap to
// build and free); the default heap when empty.
Result<json::value> parse_json(std::string_view text, const std::string& file, json::storage_ptr sp = {});
// parse_json's errors: malformed JSON at `where` ("line L, column C"), and a file over max_file_bytes.
Error malformed_json(const std::string& file, std::string where, const std::string& what);
Error json_too_large(const std::string& file);
// error.file.too_large for a file, an archive member or files together over `limit`, the limit as the
// reader is told it ("16 MiB", "256 KiB"); without `what`, "The file is larger than the … limit".
Error too_large(const std::string& what, std::uint64_t limit, const std::string& file, std::string where = {});
Error too_large(std::uint64_t limit, const std::string& file);

const json::value* find(const json::value* v, std::string_view key);
const json::object* as_object(const json::value* v);
const json::array* as_array(const json::value* v);
const json::object* obj(const json::object& o, std::string_view key);
const json::array* arr(const json::object& o, std::string_view key);
// A cleaned, length-capped string ("" when absent or not a string).
std::string str(const json::object& o, std::string_view key);
std::string text(const json::value& v);     // cleaned string value, "" if not a string
// Exact raw string (for comparisons only, never stored), empty when absent.
std::string_view raw(const json::object& o, std::string_view key);
std::optional<bool> boolean(const json::object& o, std::string_view key);
std::optional<std::int64_t> integer(const json::object& o, std::string_view key);
bool is_set(const json::object& o, std::string_view key);   // present and not null
// Scalars as text: numbers as written, booleans as true/false; nullopt for null, objects, arrays.
std::optional<std::string> scalar_text(const json::value& v);

}  // namespace domoguard::hub::ha::detail
