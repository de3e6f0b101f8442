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

// Words after the verb: positional words and --options (valued ones listed in `valued`).
struct Words {
  std::vector<std::string> positional;
  std::vector<std::pair<std::string, std::string>> options;
  std::string error;   // usage problem, "" when fine

  bool flag(const std::string& name) const {
    return std::any_of(options.begin(), options.end(), [&](const auto& kv) { return kv.first == name; });
  }
  std::optional<std::string> value(const std::string& name) const {
    for (const auto& [k, v] : options)
      if (k == name) return v;
    return std::nullopt;
  }

  static Words parse(int argc, char** argv, int from, const std::vector<std::string>& valued,
                     const std::vector<std::string>& flags) {
    Words w;
    for (int i = from; i < argc; ++i) {
      std::string a = argv[i];
      if (a == "-h") a = "--help";
      if (a.rfind("--", 0) != 0 || a.size() <= 2) {
        w.positional.push_back(a);
        continue;
      }
      std::string name = a, value;
      const bool is_valued = std::find(valued.begin(), valued.end(), a.substr(0, a.find('='))) != valued.end();
      if (auto eq = a.find('='); eq != std::string::npos) {
        name = a.substr(0, eq);
        value = a.substr(eq + 1);
      } else if (is_valued) {
        if (i + 1 >= argc) {
          w.error = "option " + name + " needs a value";
          return w;
        }
        value = argv[++i];
      }
      if (!is_valued && std::find(flags.begin(), flags.end(), name) == flags.end()) {
        w.error = "unknown option " + name;
        return w;
      }
      w.options.emplace_back(name, value);
    }
    return w;
  }
};

inline std::string env_lang() {
  for (const char* var : {"DOMOGUARD_LANG", "LC_ALL", "LC_MESSAGES", "LANG"})
    if (const char* v = std::getenv(var); v && *v && std::string(v) != "C" && std::string(v) != "POSIX") return v;
  return "en";
}

// Prints an error in the user's language (its key's text) with the file and place it concerns.
inline void print_error(const Error& e, const locale::Messages& msg) {
  std::string text = msg.has(e.key) ? msg.text(e.key, e.placeholders) : e.message;
  if (!e.file.empty()) text += " (" + e.file + (e.where.empty() ? "" : ", " + e.where) + ")";
  std::cerr << "domoguard: " << text << "\n";
}

inline int exit_code(const Error& e) {
  return e.code == ErrorCode::unreachable ? 3 : e.code == ErrorCode::bad_input ? 2 : 4;
}

}  // namespace domoguard::cli
