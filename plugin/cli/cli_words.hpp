// Command-line words for the notice and report verbs: positional arguments and --options.
#pragma once

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

namespace domoguard::cli {

struct Words {
  std::vector<std::string> positional;
  std::vector<std::pair<std::string, std::string>> options;
  bool flag(const std::string& n) const {
    return std::any_of(options.begin(), options.end(), [&](const auto& o) { return o.first == n; });
  }
  std::optional<std::string> value(const std::string& n) const {
    for (const auto& [k, v] : options)
      if (k == n) return v;
    return std::nullopt;
  }
};

// Skips the program name and the verb; returns an error text for an unknown or incomplete option.
inline std::optional<std::string> parse_words(int argc, char** argv, const std::string& verb,
                                              const std::vector<std::string>& valued,
                                              const std::vector<std::string>& flags, Words& out) {
  int i = 1;
  if (i < argc && argv[i] == verb) ++i;
  for (; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "-h") a = "--help";
    if (a.rfind("--", 0) != 0 || a.size() <= 2) {
      out.positional.push_back(a);
      continue;
    }
    std::string name = a, value;
    const bool takes = std::find(valued.begin(), valued.end(), a.substr(0, a.find('='))) != valued.end();
    if (auto eq = a.find('='); eq != std::string::npos) {
      name = a.substr(0, eq);
      value = a.substr(eq + 1);
    } else if (takes) {
      if (i + 1 >= argc) return "option " + name + " needs a value";
      value = argv[++i];
    }
    if (!takes && std::find(flags.begin(), flags.end(), name) == flags.end()) return "unknown option " + name;
    out.options.emplace_back(name, value);
  }
  return std::nullopt;
}

inline std::string env_lang() {
  for (const char* var : {"DOMOGUARD_LANG", "LC_ALL", "LC_MESSAGES", "LANG"})
    if (const char* v = std::getenv(var); v && *v && std::string(v) != "C" && std::string(v) != "POSIX") return v;
  return "en";
}

// Writes beside the target and renames, so a failure never leaves half a file.
inline bool write_file_whole(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!(f << text) || !f.flush()) return false;
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  return !ec;
}

}  // namespace domoguard::cli
