#include "util/text.hpp"

#include <algorithm>
#include <cstdint>

namespace domoguard::util {

namespace {

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Decodes one code point at `i`; returns false (and advances one byte) on invalid UTF-8.
bool decode(std::string_view s, std::size_t& i, uint32_t& cp) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    cp = b0;
    ++i;
    return true;
  }
  int len = 0;
  uint32_t min = 0;
  if ((b0 & 0xE0) == 0xC0) len = 2, cp = b0 & 0x1F, min = 0x80;
  else if ((b0 & 0xF0) == 0xE0) len = 3, cp = b0 & 0x0F, min = 0x800;
  else if ((b0 & 0xF8) == 0xF0) len = 4, cp = b0 & 0x07, min = 0x10000;
  else {
    ++i;
    return false;
  }
  if (i + len > s.size()) {
    ++i;
    return false;
  }
  for (int k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) {
      ++i;
      return false;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    ++i;
    return false;
  }
  i += len;
  return true;
}

bool is_bidi_control(uint32_t cp) {
  return cp == 0x061C || cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) ||
         (cp >= 0x2066 && cp <= 0x2069);
}

}  // namespace

std::string clean_text(std::string_view in, std::size_t max_chars) {
  // Most names are short printable ASCII, which the loop below would copy byte for byte: copy them
  // at once (the adapter cleans every name and id of a home, so this is most of its text work).
  if (in.size() <= max_chars &&
      std::all_of(in.begin(), in.end(), [](char c) { return c >= 0x20 && c <= 0x7E; }))
    return std::string(in);
  std::string out;
  out.reserve(std::min(in.size(), max_chars * 4));
  std::size_t chars = 0;
  std::size_t i = 0;
  while (i < in.size() && chars < max_chars) {
    // Drop whole terminal escape sequences, not only their ESC byte, so no "[31m" debris is left.
    if (in[i] == '\x1b' && i + 1 < in.size()) {
      const char kind = in[i + 1];
      i += 2;
      if (kind == '[') {   // CSI: parameters, then one final byte 0x40-0x7E
        while (i < in.size() && !(in[i] >= 0x40 && in[i] <= 0x7E)) ++i;
        if (i < in.size()) ++i;
      } else if (kind == ']' || kind == 'P' || kind == '_' || kind == '^') {   // OSC/DCS/...: until BEL or ESC backslash
        while (i < in.size() && in[i] != '\x07' && !(in[i] == '\x1b' && i + 1 < in.size() && in[i + 1] == '\\')) ++i;
        if (i < in.size()) i += in[i] == '\x07' ? 1 : 2;
      }
      continue;
    }
    uint32_t cp = 0;
    if (!decode(in, i, cp)) cp = 0xFFFD;
    if (cp == '\t' || cp == '\n' || cp == '\r') cp = ' ';
    if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || is_bidi_control(cp)) continue;
    append_utf8(out, cp);
    ++chars;
  }
  return out;
}

std::string line_column(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  std::size_t line = 1, col = 1;
  for (std::size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(col);
}

}  // namespace domoguard::util
