#pragma once
// A thin Vault layer over http::Client: the /v1 API paths, the token and namespace headers.
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/redact.hpp"
#include "http/client.hpp"

namespace vw::vault {

/// Returns the current monitor token, or nullopt when there is none (health and leader work
/// without one). Called per request, so a rotated token file is picked up.
using TokenProvider = std::function<std::optional<Secret>()>;

/// Not thread-safe: io thread only. Outlived by nothing it hands out (requests copy what they
/// need before their first suspension).
class VaultClient {
 public:
  VaultClient(std::unique_ptr<http::Client> http, std::string namespace_, TokenProvider token)
      : http_(std::move(http)), namespace_(std::move(namespace_)), token_(std::move(token)) {}

  /// GET /v1/<path>. With `authenticated`, sends X-Vault-Token when a token is available.
  net::awaitable<http::Outcome> get(std::string path, bool authenticated = true) const;

  const http::Url& address() const { return http_->base(); }

  /// `text` from Vault (an error body) safe to log: redact_text with the current token.
  std::string redact(std::string_view text) const {
    auto t = token_ ? token_() : std::nullopt;
    return t ? redact_text(text, {t->reveal()}) : redact_text(text);
  }

 private:
  std::unique_ptr<http::Client> http_;
  std::string namespace_;
  TokenProvider token_;
};

}  // namespace vw::vault
