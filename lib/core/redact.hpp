#pragma once
// Redaction for anything that may reach a log line: tokens never leave the process (SPEC §8).
#include <initializer_list>
#include <string>
#include <string_view>

namespace vw {

/// True for headers whose values are credentials (X-Vault-Token, Authorization, Cookie, ...).
bool is_sensitive_header(std::string_view name);

/// The value to log for a header: "<redacted>" for sensitive headers, the value otherwise.
std::string redact_header_value(std::string_view name, std::string_view value);

/// Text a peer sent (a Vault error body, a receiver's answer) made safe for a log line or the
/// status page: each occurrence of a `known` secret (e.g. the monitor token; values shorter than
/// 4 bytes are ignored), anything shaped like a Vault token (`hvs.`/`hvb.`/`hvr.` + 20 or more
/// token characters, legacy `s.`/`b.`/`r.` + 24 or more) and every audit HMAC
/// (`hmac-sha256:<hex>`) become "<redacted>". Why by shape: a peer may echo a token that is not
/// ours (a proxy's error page quoting a request), and an HMAC'd audit value is a secret too
/// (SPEC §8). Pure.
std::string redact_text(std::string_view text, std::initializer_list<std::string_view> known = {});

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
