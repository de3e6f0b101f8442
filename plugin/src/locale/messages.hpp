// Message catalogues (locales/<lang>.json, English canonical) with ICU-style {name} placeholders.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "util/result.hpp"

namespace domoguard::locale {

using Placeholders = std::vector<std::pair<std::string, std::string>>;

class Messages {
 public:
  // Loads the embedded catalogue for `lang` ("de", "de-CH" -> "de"), falling back to English
  // key by key. An unknown language falls back to English entirely.
  explicit Messages(const std::string& lang = "en");

  const std::string& lang() const { return lang_; }
  bool has(const std::string& key) const;
  // The text for key with placeholders filled; the English text when the language lacks it;
  // the key itself only when even English lacks it (a bug the catalogue tests catch).
  std::string text(const std::string& key, const Placeholders& ph = {}) const;
  // Like text(), but "" when the key is missing everywhere.
  std::string text_or_empty(const std::string& key, const Placeholders& ph = {}) const;

  static std::vector<std::string> languages();   // languages with an embedded catalogue
  static std::map<std::string, std::string> load(const std::string& lang);  // raw catalogue

 private:
  using Catalogue = std::map<std::string, std::string>;
  // Each embedded catalogue is parsed once per process and shared (read only): a Messages is made
  // for every API request, in the language it asks for.
  static std::shared_ptr<const Catalogue> shared(const std::string& lang);
  std::string lang_;
  std::shared_ptr<const Catalogue> own_, en_;
};

// A text to be said later, in the reader's language: a message key with its placeholder values packed
// into one string (for data that carries a reason, like a part of the home that could not be read).
std::string later(const std::string& key, const Placeholders& ph = {});
// The separators later() uses (unit and record separators: never in keys, stripped from hub texts).
inline constexpr char kPackField = '\x1f', kPackValue = '\x1e';
// The text of a later() string in msg's language; any other string comes back as it is.
std::string say(const std::string& packed, const Messages& msg);

// An error as its reader is told it: its key's text with its placeholders in msg's language (its
// cause's text as {reason}, and the sentence it has after it), or its English message when no
// catalogue has a text for the key (errors only a developer meets) or the message is already said
// in the reader's language (Error::said).
std::string error_text(const Error& e, const Messages& msg);
// An error's place in its file ("line 3, column 17", "member data/x.json", "byte 120") in msg's
// language; any other form comes back as it is.
std::string where_text(const std::string& where, const Messages& msg);

// Replaces {name} with its value; unknown placeholders stay as written.
std::string format(const std::string& pattern, const Placeholders& ph);
// Placeholder names used in a pattern, sorted; for the catalogue consistency tests.
std::vector<std::string> placeholders_in(const std::string& pattern);

}  // namespace domoguard::locale
