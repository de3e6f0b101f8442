// Command-line words for every verb: positional arguments and --options (one parser for the CLI).
#pragma once

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "locale/messages.hpp"

namespace domoguard::cli {

struct Words {
  std::vector<std::string> positional;
  std::vector<std::pair<std::string, std::string>> options;  // name -> value ("" for flags)
  std::string error;   // usage problem found by parse(), "" when fine
  bool flag(const std::string& n) const {
    return std::any_of(options.begin(), options.end(), [&](const auto& o) { return o.first == n; });
  }
  std::optional<std::string> value(const std::string& n) const {
    for (const auto& [k, v] : options)
      if (k == n) return v;
    return std::nullopt;
  }
  static Words parse(int argc, char** argv, int from, const std::vector<std::string>& valued,
                     const std::vector<std::string>& flags);
};

// Reads argv[from..]: options in `valued` take a value (next word or --name=value), those in
// `flags` take none; anything else starting with -- is an error text.
inline std::optional<std::string> parse_from(int argc, char** argv, int from, const std::vector<std::string>& valued,
                                             const std::vector<std::string>& flags, Words& out) {
  for (int i = from; i < argc; ++i) {
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

// Skips the program name and the verb; returns an error text for an unknown or incomplete option.
inline std::optional<std::string> parse_words(int argc, char** argv, const std::string& verb,
                                              const std::vector<std::string>& valued,
                                              const std::vector<std::string>& flags, Words& out) {
  const int from = argc > 1 && argv[1] == verb ? 2 : 1;
  return parse_from(argc, argv, from, valued, flags, out);
}

inline Words Words::parse(int argc, char** argv, int from, const std::vector<std::string>& valued,
                          const std::vector<std::string>& flags) {
  Words w;
  if (auto err = parse_from(argc, argv, from, valued, flags, w)) w.error = *err;
  return w;
}

// A yes to a confirmation prompt: "y"/"yes", or the language's own words (cli.confirm.yes: "j,ja,...").
inline bool confirmed(std::string answer, const locale::Messages& msg) {
  while (!answer.empty() && (answer.back() == ' ' || answer.back() == '\r')) answer.pop_back();
  while (!answer.empty() && answer.front() == ' ') answer.erase(answer.begin());
  std::transform(answer.begin(), answer.end(), answer.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (answer == "y" || answer == "yes") return true;
  const std::string words = msg.text("cli.confirm.yes");
  size_t pos = 0;
  while (pos <= words.size()) {
    const size_t end = std::min(words.find(',', pos), words.size());
    if (!answer.empty() && words.substr(pos, end - pos) == answer) return true;
    pos = end + 1;
  }
  return false;
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
