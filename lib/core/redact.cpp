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

}  // namespace vw
