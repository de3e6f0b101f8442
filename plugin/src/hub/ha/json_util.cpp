#include "hub/ha/json_util.hpp"

#include "hub/ha/adapter.hpp"
#include "util/text.hpp"

namespace domoguard::hub::ha::detail {

Error malformed_json(const std::string& file, std::string where, const std::string& what) {
  Error e;
  e.code = ErrorCode::bad_input;
  e.key = "error.json.malformed";
  e.message = "Malformed JSON: " + what;
  e.file = file;
  e.where = std::move(where);
  e.placeholders = {{"file", file}, {"where", e.where}, {"detail", what}};
  return e;
}

Error too_large(const std::string& what, std::uint64_t limit, const std::string& file, std::string where) {
  Error e;
  e.code = ErrorCode::bad_input;
  e.key = "error.file.too_large";
  e.message = what;
  e.file = file;
  e.where = std::move(where);
  e.placeholders = {{"limit", limit >= (1u << 20) ? std::to_string(limit >> 20) + " MiB" : std::to_string(limit >> 10) + " KiB"}};
  return e;
}

Error too_large(std::uint64_t limit, const std::string& file) {
  Error e = too_large("", limit, file);
  e.message = "The file is larger than the " + e.placeholders.front().second + " limit";
  return e;
}

Error json_too_large(const std::string& file) { return too_large(max_file_bytes, file); }

Result<json::value> parse_json(std::string_view text, const std::string& file, json::storage_ptr sp) {
  auto fail = [&](std::size_t at, const std::string& what) { return malformed_json(file, util::line_column(text, at), what); };
  if (text.size() > max_file_bytes) return json_too_large(file);
  json::parse_options opt;
  opt.max_depth = max_json_depth;
  json::stream_parser p({}, opt);
  p.reset(std::move(sp));
  boost::system::error_code ec;
  std::size_t n = p.write_some(text.data(), text.size(), ec);
  if (ec) return fail(n, ec.message());
  if (!p.done()) {
    p.finish(ec);
    if (ec) return fail(text.size(), ec.message());
  }
  for (std::size_t i = n; i < text.size(); ++i) {
    char c = text[i];
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return fail(i, "extra data after the JSON value");
  }
  try {
    return p.release();
  } catch (const std::exception& ex) {
    return fail(text.size(), ex.what());
  }
}

const json::value* find(const json::value* v, std::string_view key) {
  if (!v || !v->is_object()) return nullptr;
  return v->as_object().if_contains(key);
}
const json::object* as_object(const json::value* v) { return v && v->is_object() ? &v->as_object() : nullptr; }
const json::array* as_array(const json::value* v) { return v && v->is_array() ? &v->as_array() : nullptr; }
const json::object* obj(const json::object& o, std::string_view key) { return as_object(o.if_contains(key)); }
const json::array* arr(const json::object& o, std::string_view key) { return as_array(o.if_contains(key)); }

std::string text(const json::value& v) {
  if (!v.is_string()) return {};
  const auto& s = v.get_string();
  return util::clean_text(std::string_view(s.data(), s.size()), max_text_chars);
}

std::string str(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v ? text(*v) : std::string();
}

std::string_view raw(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v || !v->is_string()) return {};
  return std::string_view(v->get_string().data(), v->get_string().size());
}

std::optional<bool> boolean(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v && v->is_bool()) return v->get_bool();
  return std::nullopt;
}

std::optional<std::int64_t> integer(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v) return std::nullopt;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) return static_cast<std::int64_t>(v->get_uint64());
  if (v->is_double()) {
    double d = v->get_double();
    if (d >= -9.0e18 && d <= 9.0e18) return static_cast<std::int64_t>(d);
  }
  return std::nullopt;
}

bool is_set(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && !v->is_null();
}

std::optional<std::string> scalar_text(const json::value& v) {
  switch (v.kind()) {
    case json::kind::string: return text(v);
    case json::kind::bool_: return std::string(v.get_bool() ? "true" : "false");
    case json::kind::int64: return std::to_string(v.get_int64());
    case json::kind::uint64: return std::to_string(v.get_uint64());
    case json::kind::double_: return util::clean_text(json::serialize(v), max_text_chars);
    default: return std::nullopt;
  }
}

}  // namespace domoguard::hub::ha::detail
