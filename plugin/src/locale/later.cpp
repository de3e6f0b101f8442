// locale::later: a message key packed with its placeholder values, said later with locale::say.
// Its own file, without the catalogues, so that code which only records reasons (the hub adapter,
// also built alone for fuzzing) does not pull the embedded message files in.
#include "locale/messages.hpp"

namespace domoguard::locale {

std::string later(const std::string& key, const Placeholders& ph) {
  std::string out = key;
  for (const auto& [name, value] : ph) {
    out += kPackField;
    out += name;
    out += kPackValue;
    for (char c : value)
      if (c != kPackField && c != kPackValue) out += c;
  }
  return out;
}

}  // namespace domoguard::locale
