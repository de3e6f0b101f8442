#include "locale/messages.hpp"

#include <algorithm>
#include <mutex>
#include <string_view>
#include <boost/json.hpp>

#include "util/resources.hpp"

namespace domoguard::locale {

namespace json = boost::json;

std::map<std::string, std::string> Messages::load(const std::string& lang) {
  std::map<std::string, std::string> out;
  auto data = resources::get("locales/" + lang + ".json");
  if (!data) return out;
  boost::system::error_code ec;
  auto v = json::parse(*data, ec);
  if (ec || !v.is_object()) return out;
  for (const auto& [k, val] : v.as_object())
    if (val.is_string()) out.emplace(std::string(k), std::string(val.as_string()));
  return out;
}

std::vector<std::string> Messages::languages() {
  std::vector<std::string> langs;
  for (const auto& e : resources::under("locales/")) {
    std::string name(e.path.substr(8));
    if (name.size() > 5 && name.ends_with(".json") && name.find('/') == std::string::npos)
      langs.push_back(name.substr(0, name.size() - 5));
  }
  return langs;
}

std::shared_ptr<const Messages::Catalogue> Messages::shared(const std::string& lang) {
  static const auto none = std::make_shared<const Catalogue>();
  // Only languages with an embedded catalogue are kept: a request may name any language, and
  // unknown ones must not fill the cache.
  if (!resources::get("locales/" + lang + ".json")) return none;
  static std::mutex m;
  static std::map<std::string, std::shared_ptr<const Catalogue>> cache;
  std::lock_guard lock(m);
  auto& c = cache[lang];
  if (!c) c = std::make_shared<const Catalogue>(load(lang));
  return c;
}

Messages::Messages(const std::string& lang) {
  std::string l = lang.substr(0, lang.find_first_of("-_"));
  std::transform(l.begin(), l.end(), l.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  en_ = shared("en");
  if (l.empty() || l == "en") {
    lang_ = "en";
    own_ = shared("");
    return;
  }
  own_ = shared(l);
  lang_ = own_->empty() ? "en" : l;
}

bool Messages::has(const std::string& key) const { return (own_ && own_->count(key)) || (en_ && en_->count(key)); }

std::string Messages::text_or_empty(const std::string& key, const Placeholders& ph) const {
  if (own_)
    if (auto it = own_->find(key); it != own_->end()) return format(it->second, ph);
  if (en_)
    if (auto it = en_->find(key); it != en_->end()) return format(it->second, ph);
  return {};
}

std::string Messages::text(const std::string& key, const Placeholders& ph) const {
  auto s = text_or_empty(key, ph);
  return s.empty() ? key : s;
}

std::string error_text(const Error& e, const Messages& msg) {
  std::string text = e.message;
  if (!e.said && msg.has(e.key)) {
    Placeholders ph = e.placeholders;
    if (e.cause) {
      const std::string reason = error_text(*e.cause, msg);
      auto it = std::find_if(ph.begin(), ph.end(), [](const auto& p) { return p.first == "reason"; });
      if (it != ph.end()) it->second = reason;
      else ph.emplace_back("reason", reason);
    }
    // A text whose values the error does not carry would show "{name}": the English message says more.
    for (const auto& name : placeholders_in(msg.text(e.key)))
      if (std::none_of(ph.begin(), ph.end(), [&](const auto& p) { return p.first == name; })) return e.message;
    text = msg.text(e.key, ph);
    if (e.then) text += " " + error_text(*e.then, msg);
  }
  return text;
}

std::string where_text(const std::string& where, const Messages& msg) {
  auto digits = [](std::string_view s) {
    return !s.empty() && s.size() <= 12 && s.find_first_not_of("0123456789") == std::string_view::npos;
  };
  const std::string_view w(where);
  if (w.rfind("line ", 0) == 0) {
    const auto comma = w.find(", column ");
    if (comma != std::string_view::npos && digits(w.substr(5, comma - 5)) && digits(w.substr(comma + 9)))
      return msg.text("error.where.line_column",
                      {{"line", std::string(w.substr(5, comma - 5))}, {"column", std::string(w.substr(comma + 9))}});
  } else if (w.rfind("member ", 0) == 0 && w.size() > 7) {
    return msg.text("error.where.member", {{"name", std::string(w.substr(7))}});
  } else if (w.rfind("byte ", 0) == 0 && digits(w.substr(5))) {
    return msg.text("error.where.byte", {{"byte", std::string(w.substr(5))}});
  }
  return where;
}

std::string format(const std::string& pattern, const Placeholders& ph) {
  std::string out;
  out.reserve(pattern.size());
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '{') {
      auto end = pattern.find('}', i);
      if (end != std::string::npos) {
        std::string_view name(pattern.data() + i + 1, end - i - 1);
        auto it = std::find_if(ph.begin(), ph.end(), [&](const auto& p) { return p.first == name; });
        if (it != ph.end()) {
          out += it->second;
          i = end;
          continue;
        }
      }
    }
    out += pattern[i];
  }
  return out;
}

std::vector<std::string> placeholders_in(const std::string& pattern) {
  std::vector<std::string> names;
  for (size_t i = pattern.find('{'); i != std::string::npos; i = pattern.find('{', i + 1)) {
    auto end = pattern.find('}', i);
    if (end == std::string::npos) break;
    names.emplace_back(pattern.substr(i + 1, end - i - 1));
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

std::string say(const std::string& packed, const Messages& msg) {
  const size_t first = packed.find(kPackField);
  const std::string key = packed.substr(0, first);
  if (!msg.has(key)) return packed;
  Placeholders ph;
  for (size_t pos = first; pos != std::string::npos;) {
    const size_t next = packed.find(kPackField, pos + 1);
    const std::string field = packed.substr(pos + 1, next == std::string::npos ? std::string::npos : next - pos - 1);
    const size_t sep = field.find(kPackValue);
    if (sep != std::string::npos) ph.emplace_back(field.substr(0, sep), field.substr(sep + 1));
    pos = next;
  }
  return msg.text(key, ph);
}

}  // namespace domoguard::locale
