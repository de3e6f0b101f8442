#include "hub/ha/json_stream.hpp"

#include <boost/json/basic_parser_impl.hpp>

#include <cstring>
#include <vector>

#include "hub/ha/adapter.hpp"
#include "hub/ha/json_util.hpp"
#include "util/text.hpp"

namespace domoguard::hub::ha::detail {

namespace {

// What an open object or array is to the reader.
enum class Role : std::uint8_t {
  envelope,   // the top-level object: HA's result message, or a result that is not a list
  error,      // the message's "error" object
  list,       // the list whose elements are the items
  item,       // one item
  visited,    // a value inside an item that the visitor reads
  skipped,    // anything else
};

// Keys of the result message that matter.
enum class EnvKey : std::uint8_t { other, type, success, error, result };

constexpr std::size_t max_path = 8;   // deeper inside an item is never read

struct Frame {
  Role role;
  bool object;
  std::size_t count;   // elements so far (arrays)
};

}  // namespace

struct ListReader::Impl {
  struct Handler {
    static constexpr std::size_t max_object_size = json::object::max_size();
    static constexpr std::size_t max_array_size = json::array::max_size();
    static constexpr std::size_t max_key_size = json::string::max_size();
    static constexpr std::size_t max_string_size = json::string::max_size();

    Impl* self;
    explicit Handler(Impl* s) : self(s) {}

    bool on_document_begin(boost::system::error_code&) { return true; }
    bool on_document_end(boost::system::error_code&) { return true; }
    bool on_array_begin(boost::system::error_code&) { return self->open(false); }
    bool on_array_end(std::size_t n, boost::system::error_code&) { return self->close(n); }
    bool on_object_begin(boost::system::error_code&) { return self->open(true); }
    bool on_object_end(std::size_t n, boost::system::error_code&) { return self->close(n); }
    bool on_string_part(json::string_view s, std::size_t, boost::system::error_code&) { return self->part(s); }
    bool on_string(json::string_view s, std::size_t, boost::system::error_code&) {
      Scalar v;
      v.kind = Scalar::Kind::string;
      v.str = self->whole(s);
      self->scalar(v);
      self->part_.clear();
      return true;
    }
    bool on_key_part(json::string_view s, std::size_t, boost::system::error_code&) { return self->part(s); }
    bool on_key(json::string_view s, std::size_t, boost::system::error_code&) {
      self->on_key(self->whole(s));
      self->part_.clear();
      return true;
    }
    bool on_number_part(json::string_view, boost::system::error_code&) { return true; }
    bool on_int64(std::int64_t i, json::string_view, boost::system::error_code&) {
      Scalar v;
      v.kind = Scalar::Kind::int64;
      v.i = i;
      self->scalar(v);
      return true;
    }
    bool on_uint64(std::uint64_t u, json::string_view, boost::system::error_code&) {
      Scalar v;
      v.kind = Scalar::Kind::uint64;
      v.u = u;
      self->scalar(v);
      return true;
    }
    bool on_double(double d, json::string_view, boost::system::error_code&) {
      Scalar v;
      v.kind = Scalar::Kind::double_;
      v.d = d;
      self->scalar(v);
      return true;
    }
    bool on_bool(bool b, boost::system::error_code&) {
      Scalar v;
      v.kind = Scalar::Kind::boolean;
      v.b = b;
      self->scalar(v);
      return true;
    }
    bool on_null(boost::system::error_code&) {
      self->scalar(Scalar{});
      return true;
    }
    bool on_comment_part(json::string_view, boost::system::error_code&) { return true; }
    bool on_comment(json::string_view, boost::system::error_code&) { return true; }
  };

  static json::parse_options options() {
    json::parse_options opt;
    opt.max_depth = max_json_depth;
    return opt;
  }

  Impl(ItemVisitor& v, std::string f) : visitor(v), file(std::move(f)), parser(options(), this) {}

  ItemVisitor& visitor;
  std::string file;
  json::basic_parser<Handler> parser;
  std::vector<Frame> frames;
  int path[max_path] = {};
  std::size_t depth = 0;          // length of path while inside an item
  std::string part_;              // a string or key that came in parts
  // Where the value that comes next belongs, set by the key before it.
  int pending_id = -1;
  EnvKey pending_env = EnvKey::other;
  bool pending_message = false;
  // The result message's facts, last key winning as when the whole reply is read.
  bool top_object = false, top_array = false;
  bool type_is_result = false, has_success = false, success = false;
  bool has_result = false, result_is_array = false;
  bool error_is_object = false;
  std::string message;
  std::size_t items = 0;          // elements of the current list
  // Position, for errors: bytes and lines before the current chunk.
  std::size_t total = 0, line = 1, column = 1;
  std::optional<Error> failure;
  bool done = false;

  bool part(json::string_view s) {
    part_.append(s.data(), s.size());
    return true;
  }
  std::string_view whole(json::string_view s) {
    if (part_.empty()) return {s.data(), s.size()};
    part_.append(s.data(), s.size());
    return part_;
  }

  // A value starts: where it belongs follows from the container around it and the key before it.
  // Returns the role of the value (for containers) and, inside an item, sets the path.
  Role place(bool container_object, bool container) {
    if (frames.empty()) {
      if (!container) return Role::skipped;
      return container_object ? Role::envelope : Role::list;
    }
    Frame& up = frames.back();
    switch (up.role) {
      case Role::envelope:
        switch (pending_env) {
          case EnvKey::result:
            has_result = true;
            result_is_array = container && !container_object;
            visitor.restart();
            items = 0;
            return result_is_array ? Role::list : Role::skipped;
          case EnvKey::error:
            error_is_object = container && container_object;
            message.clear();
            return error_is_object ? Role::error : Role::skipped;
          default: return Role::skipped;
        }
      case Role::error:
        if (pending_message) message.clear();   // a message that is not a string says nothing
        return Role::skipped;
      case Role::list:
        if (++items > max_items) return Role::skipped;
        return container && container_object ? Role::item : Role::skipped;
      case Role::item:
      case Role::visited: {
        int id = pending_id;
        if (!up.object) id = up.count > static_cast<std::size_t>(INT32_MAX) ? INT32_MAX : static_cast<int>(up.count);
        ++up.count;
        if (id < 0 || depth >= max_path) return Role::skipped;
        path[depth] = id;
        return Role::visited;
      }
      default: return Role::skipped;
    }
  }

  bool open(bool object) {
    Role r = place(object, true);
    if (r == Role::item) {
      visitor.begin_item();
      depth = 0;
    } else if (r == Role::visited) {
      Scalar v;
      v.kind = object ? Scalar::Kind::object : Scalar::Kind::array;
      ++depth;
      visitor.value(depth, path, v);
    } else if (r == Role::envelope) {
      top_object = true;
    } else if (r == Role::list && frames.empty()) {
      top_array = true;
    }
    frames.push_back({r, object, 0});
    pending_id = -1;
    pending_env = EnvKey::other;
    pending_message = false;
    return true;
  }

  bool close(std::size_t n) {
    const Frame f = frames.back();
    frames.pop_back();
    if (f.role == Role::item) {
      visitor.end_item();
    } else if (f.role == Role::visited) {
      visitor.end(depth, path, n);
      --depth;
    }
    return true;
  }

  void on_key(std::string_view k) {
    const Frame& up = frames.back();
    switch (up.role) {
      case Role::envelope:
        pending_env = k == "type" ? EnvKey::type : k == "success" ? EnvKey::success : k == "error" ? EnvKey::error
                      : k == "result" ? EnvKey::result : EnvKey::other;
        break;
      case Role::error: pending_message = k == "message"; break;
      case Role::item:
      case Role::visited: pending_id = depth + 1 > max_path ? -1 : visitor.key(depth + 1, path, k); break;
      default: break;
    }
  }

  void scalar(const Scalar& v) {
    if (frames.empty()) return;   // a reply that is one scalar: not a list, nothing to read
    const Frame& up = frames.back();
    if (up.role == Role::envelope) {
      switch (pending_env) {
        case EnvKey::type: type_is_result = v.kind == Scalar::Kind::string && v.str == "result"; break;
        case EnvKey::success:
          has_success = true;
          success = v.kind == Scalar::Kind::boolean && v.b;
          break;
        case EnvKey::error:
          error_is_object = false;
          message.clear();
          break;
        case EnvKey::result:
          place(false, false);
          break;
        default: break;
      }
    } else if (up.role == Role::error) {
      if (pending_message) message = v.kind == Scalar::Kind::string ? std::string(v.str) : std::string();
    } else {
      if (place(false, false) == Role::visited) {
        visitor.value(depth + 1, path, v);
      }
    }
  }

  Error fail_at(std::string_view chunk, std::size_t at, const std::string& what) {
    std::size_t l = line, c = column;
    for (std::size_t i = 0; i < at && i < chunk.size(); ++i) {
      if (chunk[i] == '\n') ++l, c = 1;
      else ++c;
    }
    return malformed_json(file, "line " + std::to_string(l) + ", column " + std::to_string(c), what);
  }

  void advance(std::string_view chunk) {
    total += chunk.size();
    const char* p = chunk.data();
    const char* end = p + chunk.size();
    while (const void* nl = std::memchr(p, '\n', static_cast<std::size_t>(end - p))) {
      ++line;
      column = 1;
      p = static_cast<const char*>(nl) + 1;
    }
    column += static_cast<std::size_t>(end - p);
  }

  bool write(std::string_view chunk) {
    if (failure) return false;
    if (total + chunk.size() > max_file_bytes) {
      failure = json_too_large(file);
      return false;
    }
    std::size_t n = 0;
    if (!done) {
      boost::system::error_code ec;
      n = parser.write_some(true, chunk.data(), chunk.size(), ec);
      if (ec) {
        failure = fail_at(chunk, n, ec.message());
        return false;
      }
      done = parser.done();
    }
    for (std::size_t i = n; i < chunk.size(); ++i) {
      const char c = chunk[i];
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        failure = fail_at(chunk, i, "extra data after the JSON value");
        return false;
      }
    }
    advance(chunk);
    return true;
  }

  Result<ListOutcome> finish() {
    if (failure) return *failure;
    if (!done) {
      boost::system::error_code ec;
      parser.write_some(false, nullptr, 0, ec);
      if (ec) return fail_at({}, 0, ec.message());
    }
    ListOutcome out;
    if (top_array) {
      out.is_array = true;
    } else if (top_object && type_is_result && has_success) {
      if (!success) {
        out.refused = true;
        out.detail = util::clean_text(message, max_text_chars);
      } else if (!has_result) {
        out.no_result = true;
      } else {
        out.is_array = result_is_array;
      }
    }
    return out;
  }
};

ListReader::ListReader(ItemVisitor& visitor, std::string file) : impl_(std::make_unique<Impl>(visitor, std::move(file))) {}
ListReader::~ListReader() = default;
bool ListReader::write(std::string_view chunk) { return impl_->write(chunk); }
Result<ListOutcome> ListReader::finish() { return impl_->finish(); }

Result<ListOutcome> read_list(std::string_view text, const std::string& file, ItemVisitor& visitor) {
  if (text.size() > max_file_bytes) return json_too_large(file);
  ListReader r(visitor, file);
  r.write(text);
  return r.finish();
}

namespace {

// Records what read_envelope() reports; nothing below the message's own keys is kept.
struct EnvelopeHandler {
  static constexpr std::size_t max_object_size = json::object::max_size();
  static constexpr std::size_t max_array_size = json::array::max_size();
  static constexpr std::size_t max_key_size = json::string::max_size();
  static constexpr std::size_t max_string_size = json::string::max_size();

  enum class Key : std::uint8_t { other, type, id, success, error, result, code, message };
  Envelope env;
  std::size_t depth = 0;        // containers open
  bool top_object = false;
  bool in_error = false;        // depth 2 is the "error" object
  std::size_t keys = 0;         // keys of the message so far
  std::size_t result_key = 0;   // which of them is the last "result"
  Key pending = Key::other;
  std::string part;

  std::string_view whole(json::string_view s) {
    if (part.empty()) return {s.data(), s.size()};
    part.append(s.data(), s.size());
    return part;
  }
  // A value starts at the current depth (before a container is counted as open).
  void value_starts(bool error_object) {
    if (depth == 1) {
      if (pending == Key::error) {
        env.error_code.clear();
        env.error_message.clear();
      }
      if (pending == Key::type) env.type.clear();
      if (pending == Key::id) env.id.reset();
      if (pending == Key::success) env.success = false;
      in_error = pending == Key::error && error_object;
    } else if (depth == 2 && in_error) {
      if (pending == Key::code) env.error_code.clear();
      if (pending == Key::message) env.error_message.clear();
    }
  }
  bool open(bool object) {
    if (depth == 0) top_object = object;
    else value_starts(object);
    ++depth;
    pending = Key::other;
    return true;
  }
  bool close() {
    if (--depth == 1) in_error = false;
    return true;
  }
  bool on_document_begin(boost::system::error_code&) { return true; }
  bool on_document_end(boost::system::error_code&) { return true; }
  bool on_array_begin(boost::system::error_code&) { return open(false); }
  bool on_array_end(std::size_t, boost::system::error_code&) { return close(); }
  bool on_object_begin(boost::system::error_code&) { return open(true); }
  bool on_object_end(std::size_t, boost::system::error_code&) { return close(); }
  bool on_string_part(json::string_view s, std::size_t, boost::system::error_code&) {
    if (depth <= 2) part.append(s.data(), s.size());
    return true;
  }
  bool on_string(json::string_view s, std::size_t, boost::system::error_code&) {
    value_starts(false);
    if (depth == 1 || (depth == 2 && in_error)) {
      const std::string_view v = whole(s);
      if (depth == 1 && pending == Key::type) env.type.assign(v);
      else if (depth == 2 && pending == Key::code) env.error_code.assign(v);
      else if (depth == 2 && pending == Key::message) env.error_message.assign(v);
    }
    part.clear();
    return true;
  }
  bool on_key_part(json::string_view s, std::size_t, boost::system::error_code&) {
    if (depth <= 2) part.append(s.data(), s.size());
    return true;
  }
  bool on_key(json::string_view s, std::size_t, boost::system::error_code&) {
    pending = Key::other;
    if (depth == 1) {
      const std::string_view k = whole(s);
      pending = k == "type" ? Key::type : k == "id" ? Key::id : k == "success" ? Key::success
                : k == "error" ? Key::error : k == "result" ? Key::result : Key::other;
      if (pending == Key::result) {
        env.has_result = true;
        result_key = keys;
      }
      ++keys;
    } else if (depth == 2 && in_error) {
      const std::string_view k = whole(s);
      pending = k == "code" ? Key::code : k == "message" ? Key::message : Key::other;
    }
    part.clear();
    return true;
  }
  bool on_number_part(json::string_view, boost::system::error_code&) { return true; }
  bool on_int64(std::int64_t i, json::string_view, boost::system::error_code&) {
    value_starts(false);
    if (depth == 1 && pending == Key::id) env.id = i;
    return true;
  }
  bool on_uint64(std::uint64_t, json::string_view, boost::system::error_code&) {
    value_starts(false);
    return true;
  }
  bool on_double(double, json::string_view, boost::system::error_code&) {
    value_starts(false);
    return true;
  }
  bool on_bool(bool b, boost::system::error_code&) {
    value_starts(false);
    if (depth == 1 && pending == Key::success) env.success = b;
    return true;
  }
  bool on_null(boost::system::error_code&) {
    value_starts(false);
    return true;
  }
  bool on_comment_part(json::string_view, boost::system::error_code&) { return true; }
  bool on_comment(json::string_view, boost::system::error_code&) { return true; }
};

std::size_t skip_space(std::string_view t, std::size_t i) {
  while (i < t.size() && (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r')) ++i;
  return i;
}
// Past the string that starts at t[i] (a quote).
std::size_t skip_string(std::string_view t, std::size_t i) {
  for (++i; i < t.size(); ++i) {
    if (t[i] == '\\') ++i;
    else if (t[i] == '"') return i + 1;
  }
  return t.size();
}
// Past the value that starts at t[i].
std::size_t skip_value(std::string_view t, std::size_t i) {
  if (i >= t.size()) return i;
  if (t[i] == '"') return skip_string(t, i);
  if (t[i] == '{' || t[i] == '[') {
    std::size_t depth = 0;
    while (i < t.size()) {
      const char c = t[i];
      if (c == '"') {
        i = skip_string(t, i);
        continue;
      }
      if (c == '{' || c == '[') ++depth;
      else if ((c == '}' || c == ']') && --depth == 0) return i + 1;
      ++i;
    }
    return i;
  }
  while (i < t.size() && t[i] != ',' && t[i] != '}' && t[i] != ']' && t[i] != ' ' && t[i] != '\t' && t[i] != '\n' &&
         t[i] != '\r')
    ++i;
  return i;
}

// Finds, for split_array(), each element's `key` string; the bytes are found afterwards.
struct ElementHandler {
  static constexpr std::size_t max_object_size = json::object::max_size();
  static constexpr std::size_t max_array_size = json::array::max_size();
  static constexpr std::size_t max_key_size = json::string::max_size();
  static constexpr std::size_t max_string_size = json::string::max_size();

  std::string_view wanted;
  std::vector<ArrayElement>* out = nullptr;
  std::size_t depth = 0;
  bool top_array = false;
  bool pending = false;   // the value that follows is `wanted` of an element
  std::string part;

  void value_starts() {
    if (depth == 1) out->emplace_back();
    else if (depth == 2 && pending) out->back().key_value.clear();
  }
  bool open(bool object) {
    if (depth == 0) top_array = !object;
    else value_starts();
    ++depth;
    pending = false;
    return true;
  }
  bool on_document_begin(boost::system::error_code&) { return true; }
  bool on_document_end(boost::system::error_code&) { return true; }
  bool on_array_begin(boost::system::error_code&) { return open(false); }
  bool on_array_end(std::size_t, boost::system::error_code&) {
    --depth;
    return true;
  }
  bool on_object_begin(boost::system::error_code&) { return open(true); }
  bool on_object_end(std::size_t, boost::system::error_code&) {
    --depth;
    return true;
  }
  bool on_string_part(json::string_view s, std::size_t, boost::system::error_code&) {
    if (depth == 2) part.append(s.data(), s.size());
    return true;
  }
  bool on_string(json::string_view s, std::size_t, boost::system::error_code&) {
    value_starts();
    if (depth == 2 && pending) {
      auto& v = out->back().key_value;
      v = part;
      v.append(s.data(), s.size());
    }
    part.clear();
    return true;
  }
  bool on_key_part(json::string_view s, std::size_t, boost::system::error_code&) {
    if (depth == 2) part.append(s.data(), s.size());
    return true;
  }
  bool on_key(json::string_view s, std::size_t, boost::system::error_code&) {
    if (depth == 2) {
      part.append(s.data(), s.size());
      pending = part == wanted;
    }
    part.clear();
    return true;
  }
  bool on_number_part(json::string_view, boost::system::error_code&) { return true; }
  bool on_int64(std::int64_t, json::string_view, boost::system::error_code&) { return scalar(); }
  bool on_uint64(std::uint64_t, json::string_view, boost::system::error_code&) { return scalar(); }
  bool on_double(double, json::string_view, boost::system::error_code&) { return scalar(); }
  bool on_bool(bool, boost::system::error_code&) { return scalar(); }
  bool on_null(boost::system::error_code&) { return scalar(); }
  bool scalar() {
    value_starts();
    return true;
  }
  bool on_comment_part(json::string_view, boost::system::error_code&) { return true; }
  bool on_comment(json::string_view, boost::system::error_code&) { return true; }
};

}  // namespace

bool split_array(std::string_view text, std::string_view key, std::vector<ArrayElement>& out) {
  out.clear();
  json::basic_parser<ElementHandler> p(json::parse_options{});
  p.handler().wanted = key;
  p.handler().out = &out;
  boost::system::error_code ec;
  const std::size_t n = p.write_some(false, text.data(), text.size(), ec);
  if (ec || n != text.size() || !p.handler().top_array) {
    out.clear();
    return false;
  }
  // The text is one valid JSON array: each element's bytes, in the order the parser saw them.
  std::size_t i = skip_space(text, 0) + 1;
  for (auto& e : out) {
    i = skip_space(text, i);
    const std::size_t end = skip_value(text, i);
    e.begin = i;
    e.size = end - i;
    i = skip_space(text, end) + 1;   // the comma
  }
  return true;
}

std::optional<Envelope> read_envelope(std::string_view text) {
  json::basic_parser<EnvelopeHandler> p(json::parse_options{});
  boost::system::error_code ec;
  const std::size_t n = p.write_some(false, text.data(), text.size(), ec);
  if (ec || n != text.size() || !p.handler().top_object) return std::nullopt;
  Envelope env = std::move(p.handler().env);
  if (!env.has_result) return env;
  // The text is one valid JSON object: walk its members to the one the parser saw last as "result".
  std::size_t i = skip_space(text, 0) + 1, k = 0;
  while (true) {
    i = skip_space(text, i);
    i = skip_string(text, i);            // the key
    i = skip_space(text, i) + 1;         // the colon
    i = skip_space(text, i);
    const std::size_t end = skip_value(text, i);
    if (k == p.handler().result_key) {
      env.result_begin = i;
      env.result_size = end - i;
      break;
    }
    ++k;
    i = skip_space(text, end) + 1;       // the comma
  }
  return env;
}

}  // namespace domoguard::hub::ha::detail
