// Errors are values. An Error carries a code, a locales message key with placeholders, a plain
// English message, and where it happened (file and position) when input was at fault.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace domoguard {

enum class ErrorCode {
  bad_input = 2,       // malformed or unsupported input (CLI exit 2)
  unreachable = 3,     // hub unreachable, TLS failure, auth refused (CLI exit 3)
  io = 4,              // local file system or database trouble
  internal = 5,
};

struct Error {
  ErrorCode code = ErrorCode::bad_input;
  std::string key;                                            // e.g. "error.json.malformed"
  std::string message;                                        // English, for logs (readers: locale::error_text)
  std::string file;                                           // the file at fault, if any
  std::string where;                                          // position inside it: "line 3, column 17" / "byte 120"
  std::vector<std::pair<std::string, std::string>> placeholders;
  // What made it fail (its text fills the {reason} placeholder), and a sentence said after it; each
  // is said in the reader's language on its own (locale::error_text).
  std::shared_ptr<const Error> cause, then;
  // The message is already in the reader's language (an API answer, said by the service that made it).
  bool said = false;

  std::string describe() const {
    std::string s = message;
    if (!file.empty()) s += " (" + file + (where.empty() ? "" : ", " + where) + ")";
    return s;
  }
};

template <class T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(Error e) : v_(std::move(e)) {}
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T& operator*() { return value(); }
  T* operator->() { return &value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

}  // namespace domoguard
