#include "notify/go_text.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <vector>

namespace vw::notify::go {

namespace {

constexpr char hex_digits[] = "0123456789abcdef";

/// utf8.DecodeRuneInString: the rune at s[i] and its width; width 1 with rune -1 for an invalid
/// encoding (overlong forms, surrogates and values above U+10FFFF are invalid, as in Go).
struct Rune {
  std::int32_t value;
  std::size_t width;
};

Rune decode(std::string_view s, std::size_t i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const std::size_t left = s.size() - i;
  const unsigned char b0 = b(0);
  if (b0 < 0x80) return {b0, 1};
  const auto cont = [](unsigned char c) { return c >= 0x80 && c <= 0xBF; };
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    if (left >= 2 && cont(b(1))) return {((b0 & 0x1F) << 6) | (b(1) & 0x3F), 2};
    return {-1, 1};
  }
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    if (left < 3) return {-1, 1};
    const unsigned char lo = b0 == 0xE0 ? 0xA0 : 0x80;
    const unsigned char hi = b0 == 0xED ? 0x9F : 0xBF;  // 0xED A0..BF would be a surrogate
    if (b(1) < lo || b(1) > hi || !cont(b(2))) return {-1, 1};
    return {((b0 & 0x0F) << 12) | ((b(1) & 0x3F) << 6) | (b(2) & 0x3F), 3};
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    if (left < 4) return {-1, 1};
    const unsigned char lo = b0 == 0xF0 ? 0x90 : 0x80;
    const unsigned char hi = b0 == 0xF4 ? 0x8F : 0xBF;
    if (b(1) < lo || b(1) > hi || !cont(b(2)) || !cont(b(3))) return {-1, 1};
    return {((b0 & 0x07) << 18) | ((b(1) & 0x3F) << 12) | ((b(2) & 0x3F) << 6) | (b(3) & 0x3F), 4};
  }
  return {-1, 1};
}

/// unicode.IsPrint for non-ASCII runes, approximated without Go's full tables: everything is
/// printable except the classes Go excludes that label values can plausibly contain — C1
/// controls, non-ASCII spaces (Zs), line/paragraph separators (Zl, Zp), the format characters
/// (Cf) of the BMP and the tag block, private use (Co) and the noncharacters. Unassigned code
/// points (Cn) are treated as printable; Go would escape them.
bool is_print_non_ascii(std::int32_t r) {
  struct Range {
    std::int32_t lo, hi;
  };
  static constexpr Range not_printable[] = {
      {0x80, 0xA0},       {0xAD, 0xAD},       {0x600, 0x605},     {0x61C, 0x61C},
      {0x6DD, 0x6DD},     {0x70F, 0x70F},     {0x890, 0x891},     {0x8E2, 0x8E2},
      {0x1680, 0x1680},   {0x180E, 0x180E},   {0x2000, 0x200F},   {0x2028, 0x202F},
      {0x205F, 0x2064},   {0x2066, 0x206F},   {0x3000, 0x3000},   {0xD800, 0xF8FF},
      {0xFDD0, 0xFDEF},   {0xFEFF, 0xFEFF},   {0xFFF9, 0xFFFB},   {0xFFFE, 0xFFFF},
      {0x110BD, 0x110BD}, {0x110CD, 0x110CD}, {0x13430, 0x1343F}, {0x1BCA0, 0x1BCA3},
      {0x1D173, 0x1D17A}, {0xE0001, 0xE0001}, {0xE0020, 0xE007F}, {0xF0000, 0x10FFFF},
  };
  if ((r & 0xFFFE) == 0xFFFE) return false;  // U+nFFFE / U+nFFFF noncharacters
  for (const auto& range : not_printable)
    if (r >= range.lo && r <= range.hi) return false;
  return true;
}

void append_utf8(std::string& out, std::string_view s, std::size_t i, std::size_t width) {
  out.append(s.substr(i, width));
}

void append_hex(std::string& out, std::uint32_t v, int digits) {
  for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) out.push_back(hex_digits[(v >> shift) & 0xF]);
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  out.push_back('"');
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '<':
        case '>':
        case '&':
          out += "\\u00";
          append_hex(out, c, 2);
          break;
        default:
          // Go < 1.22 (Alertmanager 0.25 was built with it) writes \b and \f as \u0008 and
          // \u000c like every other control byte.
          if (c < 0x20) {
            out += "\\u00";
            append_hex(out, c, 2);
          } else {
            out.push_back(static_cast<char>(c));
          }
      }
      ++i;
      continue;
    }
    const Rune r = decode(s, i);
    if (r.value < 0) {
      out += "\\ufffd";
    } else if (r.value == 0x2028 || r.value == 0x2029) {
      out += "\\u202";
      out.push_back(hex_digits[r.value & 0xF]);
    } else {
      append_utf8(out, s, i, r.width);
    }
    i += r.width;
  }
  out.push_back('"');
}

void append_json_object(std::string& out, const Labels& kv) {
  // std::map<std::string> orders keys by char_traits<char>::compare, which compares as
  // unsigned char: the same byte order as Go's sort.Strings.
  out.push_back('{');
  bool first = true;
  for (const auto& [k, v] : kv) {
    if (!first) out.push_back(',');
    first = false;
    append_json_string(out, k);
    out.push_back(':');
    append_json_string(out, v);
  }
  out.push_back('}');
}

std::string quote(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out.push_back('"');
  std::size_t i = 0;
  while (i < s.size()) {
    const Rune r = decode(s, i);
    if (r.value < 0) {
      out += "\\x";
      append_hex(out, static_cast<unsigned char>(s[i]), 2);
    } else if (r.value == '"' || r.value == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(r.value));
    } else if (r.value < 0x80 ? (r.value >= 0x20 && r.value < 0x7F) : is_print_non_ascii(r.value)) {
      append_utf8(out, s, i, r.width);
    } else {
      switch (r.value) {
        case '\a': out += "\\a"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\v': out += "\\v"; break;
        default:
          if (r.value < 0x20 || r.value == 0x7F) {
            out += "\\x";
            append_hex(out, static_cast<std::uint32_t>(r.value), 2);
          } else if (r.value < 0x10000) {
            out += "\\u";
            append_hex(out, static_cast<std::uint32_t>(r.value), 4);
          } else {
            out += "\\U";
            append_hex(out, static_cast<std::uint32_t>(r.value), 8);
          }
      }
    }
    i += r.width;
  }
  out.push_back('"');
  return out;
}

std::string label_set_string(const Labels& labels) {
  std::vector<std::string> pairs;
  pairs.reserve(labels.size());
  for (const auto& [k, v] : labels) pairs.push_back(k + "=" + quote(v));
  std::sort(pairs.begin(), pairs.end());
  std::string out = "{";
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    if (i) out += ", ";
    out += pairs[i];
  }
  out += "}";
  return out;
}

std::string format_time(SysTime t) {
  using namespace std::chrono;
  const auto ns = floor<nanoseconds>(t);
  const auto day = floor<days>(ns);
  const year_month_day ymd{day};
  const hh_mm_ss hms{ns - day};
  char buf[64];
  int n = std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02ld:%02ld:%02ld", int(ymd.year()),
                        unsigned(ymd.month()), unsigned(ymd.day()), long(hms.hours().count()),
                        long(hms.minutes().count()), long(hms.seconds().count()));
  std::string out(buf, static_cast<std::size_t>(n));
  long long frac = hms.subseconds().count();
  if (frac != 0) {
    char f[16];
    std::snprintf(f, sizeof f, ".%09lld", frac);
    std::string fs(f);
    while (fs.back() == '0') fs.pop_back();
    out += fs;
  }
  out += "Z";
  return out;
}

std::string quote_meta(std::string_view s) {
  static constexpr std::string_view special = "\\.+*?()|[]{}^$";
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (special.find(c) != std::string_view::npos) out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

}  // namespace vw::notify::go
