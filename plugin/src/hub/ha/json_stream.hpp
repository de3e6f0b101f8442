// Reading a large list reply (the entity and device registries, the states) as a stream of parser
// events, straight into the model: no JSON tree of the whole reply is built, so a 3.6 MB registry
// costs its items, not a 25 MB tree beside them. Internal to hub/ha: the visitors know HA's shapes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"

namespace domoguard::hub::ha::detail {

// One JSON value as an item visitor sees it. The string is valid only during the call.
struct Scalar {
  enum class Kind : std::uint8_t { null_, string, boolean, int64, uint64, double_, object, array };
  Kind kind = Kind::null_;
  std::string_view str;
  bool b = false;
  std::int64_t i = 0;
  std::uint64_t u = 0;
  double d = 0;
};

// Receives the items of a list reply, one object at a time. `path` names the value being read,
// from the item down: path[0] is what key() returned for the item's own key, path[1] for a key
// inside that value (or the element's index in an array), and so on; `depth` is the path's length.
class ItemVisitor {
 public:
  virtual ~ItemVisitor() = default;
  // The reply repeated its "result": what was read so far is not the result.
  virtual void restart() = 0;
  virtual void begin_item() = 0;   // an element of the list that is an object (others are skipped)
  virtual void end_item() = 0;
  // The id of `key` in the object at path[0..depth-1), or -1 to skip its value whole.
  virtual int key(std::size_t depth, const int* path, std::string_view key) = 0;
  // A value at path[0..depth): a scalar, or the start of an object or array whose content follows.
  virtual void value(std::size_t depth, const int* path, const Scalar& v) = 0;
  // The end of the object or array at path[0..depth), with its number of elements.
  virtual void end(std::size_t /*depth*/, const int* /*path*/, std::size_t /*n*/) {}
};

// What a reply said around its list, with the same meaning as reading the whole reply: the reply
// is the list itself, or HA's whole {"id","type":"result","success":...,"result":...} message.
struct ListOutcome {
  bool refused = false;          // success false: `detail` is HA's error message (cleaned), maybe ""
  bool no_result = false;        // a successful message without "result"
  bool is_array = false;         // the result is a list (its items went to the visitor)
  std::string detail;
};

// Feeds a reply to `visitor`, in one piece or in chunks as they arrive. Bounded like parse_json:
// depth, size and items per list (items past max_items are skipped); a malformed reply is an
// Error naming `file` with line and column.
class ListReader {
 public:
  ListReader(ItemVisitor& visitor, std::string file);
  ~ListReader();
  ListReader(const ListReader&) = delete;
  ListReader& operator=(const ListReader&) = delete;

  // One chunk; false once the reply is malformed or too large (error() says why).
  bool write(std::string_view chunk);
  // The end of the reply.
  Result<ListOutcome> finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A whole reply at once.
Result<ListOutcome> read_list(std::string_view text, const std::string& file, ItemVisitor& visitor);

// One message of HA's WebSocket API read without a tree (Boost.JSON's default limits, as
// json::parse): the facts a client needs to route it, and where its "result" value lies in the
// text, so that a reply is the message's own bytes rather than a tree built and written again.
// A repeated key counts once, its last value winning, as in a parsed tree.
struct Envelope {
  std::string type;                     // "" when absent or not a string
  std::optional<std::int64_t> id;       // when a signed 64-bit integer
  bool success = false;                 // "success" is true
  std::string error_code, error_message;   // strings of an "error" object
  bool has_result = false;
  std::size_t result_begin = 0, result_size = 0;
};
// nullopt unless the text is one JSON object.
std::optional<Envelope> read_envelope(std::string_view text);

// The elements of a JSON array text (Boost.JSON's default limits), each as its own bytes and, for
// an object, the string value of `key` in it ("" when absent or not a string; the last one wins).
struct ArrayElement {
  std::size_t begin = 0, size = 0;
  std::string key_value;
};
// false unless the text is one JSON array.
bool split_array(std::string_view text, std::string_view key, std::vector<ArrayElement>& out);

}  // namespace domoguard::hub::ha::detail
