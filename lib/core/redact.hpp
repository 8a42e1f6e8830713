#pragma once
// Redaction for anything that may reach a log line: tokens never leave the process (SPEC §8).
#include <string>
#include <string_view>

namespace vw {

/// True for headers whose values are credentials (X-Vault-Token, Authorization, Cookie, ...).
bool is_sensitive_header(std::string_view name);

/// The value to log for a header: "<redacted>" for sensitive headers, the value otherwise.
std::string redact_header_value(std::string_view name, std::string_view value);

/// A string that holds a credential (Vault token, password, HMAC secret). It has no stream
/// operator and no implicit conversion, so it cannot be formatted into a log line by accident;
/// reveal() is the one way to read it, for the one place that puts it on the wire.
class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string value) : value_(std::move(value)) {}
  const std::string& reveal() const { return value_; }
  bool empty() const { return value_.empty(); }
  bool operator==(const Secret&) const = default;

 private:
  std::string value_;
};

}  // namespace vw
