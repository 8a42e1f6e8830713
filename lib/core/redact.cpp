#include "core/redact.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace vw {

bool is_sensitive_header(std::string_view name) {
  static constexpr std::array<std::string_view, 6> sensitive = {
      "x-vault-token", "authorization", "proxy-authorization", "cookie", "set-cookie",
      "x-vaultwatch-signature"};
  return std::any_of(sensitive.begin(), sensitive.end(), [&](std::string_view s) {
    return s.size() == name.size() &&
           std::equal(s.begin(), s.end(), name.begin(), [](char a, char b) {
             return a == std::tolower(static_cast<unsigned char>(b));
           });
  });
}

std::string redact_header_value(std::string_view name, std::string_view value) {
  return is_sensitive_header(name) ? std::string("<redacted>") : std::string(value);
}

namespace {

bool token_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
}

// Length of a Vault-token-shaped word starting at `i` (0 when there is none). Only at a word
// start, so "class.b.cdef..." or a path segment is not mistaken for one.
std::size_t token_at(std::string_view t, std::size_t i) {
  if (i > 0 && (token_char(t[i - 1]) || t[i - 1] == '.')) return 0;
  std::size_t prefix = 0, min_body = 0;
  const std::string_view rest = t.substr(i);
  if (rest.starts_with("hvs.") || rest.starts_with("hvb.") || rest.starts_with("hvr.")) {
    prefix = 4;
    min_body = 20;
  } else if (rest.size() > 2 && (rest[0] == 's' || rest[0] == 'b' || rest[0] == 'r') && rest[1] == '.') {
    prefix = 2;
    min_body = 24;
  } else {
    return 0;
  }
  std::size_t n = prefix;
  while (n < rest.size() && (token_char(rest[n]) || rest[n] == '.')) ++n;
  return n - prefix >= min_body ? n : 0;
}

}  // namespace

std::string redact_text(std::string_view text, std::initializer_list<std::string_view> known) {
  static constexpr std::string_view hmac = "hmac-sha256:";
  static constexpr std::string_view mark = "<redacted>";
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    bool hit = false;
    for (auto k : known) {
      if (k.size() >= 4 && text.substr(i).starts_with(k)) {
        out += mark;
        i += k.size();
        hit = true;
        break;
      }
    }
    if (hit) continue;
    if (text.substr(i).starts_with(hmac)) {
      std::size_t n = hmac.size();
      while (i + n < text.size() && std::isxdigit(static_cast<unsigned char>(text[i + n]))) ++n;
      out += mark;
      i += n;
      continue;
    }
    if (auto n = token_at(text, i)) {
      out += mark;
      i += n;
      continue;
    }
    out += text[i++];
  }
  return out;
}

}  // namespace vw
