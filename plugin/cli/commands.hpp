// Sub-commands that live in their own files. Each takes the whole argument list from the verb on
// (argv[0] is the verb) and returns the process exit code.
#pragma once

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cli_words.hpp"
#include "locale/messages.hpp"
#include "util/result.hpp"

// `domoguard profile keygen|sign|verify|show|trust|apply|presets`: signed installer profiles.
int cmd_profile(int argc, char** argv);
// `domoguard log show|verify`: the tamper-evident event log.
int cmd_log(int argc, char** argv);

namespace domoguard::cli {

// Exit code of a refused profile and of a log that fails verification: the input was well-formed
// but cannot be trusted.
inline constexpr int kExitUntrusted = 6;
// Exit code of an audit or report with too little to score (the hub's device and entity registries
// missing or empty): never 0, whatever --fail-on asks, so an empty snapshot cannot pass a gate.
inline constexpr int kExitUnscored = 7;

// An error in the reader's language (its key's text) with the file and place it concerns.
inline std::string error_line(const Error& e, const locale::Messages& msg) {
  std::string text = locale::error_text(e, msg);
  if (!e.file.empty()) text += " (" + e.file + (e.where.empty() ? "" : ", " + locale::where_text(e.where, msg)) + ")";
  return text;
}

inline void print_error(const Error& e, const locale::Messages& msg) { std::cerr << "domoguard: " << error_line(e, msg) << "\n"; }

inline int exit_code(const Error& e) {
  return e.code == ErrorCode::unreachable ? 3 : e.code == ErrorCode::bad_input ? 2 : 4;
}

}  // namespace domoguard::cli
