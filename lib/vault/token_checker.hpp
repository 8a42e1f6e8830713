#pragma once
// auth/token/lookup-self for the monitor token's own TTL (SPEC §4.2).
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "core/time.hpp"
#include "vault/bodies.hpp"
#include "vault/poll_loop.hpp"
#include "vault/token_source.hpp"
#include "vault/vault_client.hpp"

namespace vw::vault {

enum class TokenState {
  unknown,      // no check yet
  no_token,     // the daemon has no token: nothing to check
  valid,        // lookup-self answered
  rejected,     // 403: Vault does not accept the token (expired, revoked, or lacks lookup-self)
  unavailable,  // sealed (503) or a standby's redirect: Vault cannot say right now
  error,        // no answer, another status, a bad body
};
const char* to_string(TokenState s);

struct TokenSample {
  SysTime at{};
  TokenState state = TokenState::unknown;
  /// When the token expires. Set from `at + ttl` by a valid lookup, to `at` when rejected (the
  /// token is as good as expired), carried over from the last valid lookup of the same token
  /// while Vault is unavailable or erroring (a TTL does not stop running because Vault is
  /// sealed). Absent with no token, a token that never expires, or before any lookup.
  std::optional<SysTime> expires;
  bool renewable = false;
  std::string entity_id;     // lookup-self's, carried over like `expires`
  std::string display_name;  // likewise
  std::string error;         // for logs
  std::string error_reason;  // vaultwatch_poll_errors_total reason, "" unless state == error
  /// Remaining TTL at `now`, never negative; nullopt when `expires` is absent.
  std::optional<double> ttl_seconds(SysTime now) const;
  bool operator==(const TokenSample&) const = default;
};

/// Builds the sample for one lookup-self answer, carrying `previous.expires` over where the
/// answer says nothing new. Pure.
TokenSample make_token_sample(const http::Outcome& outcome, SysTime now, const TokenSample& previous);

/// Looks the monitor token up every interval and hands each TokenSample to the sink. With no
/// token it sends nothing (a `no_token` sample). When the token changes (TokenSource
/// generation) the old token's expiry is forgotten; trigger() asks for a check right away.
/// Logs state transitions once. io thread only; stop() idempotent.
class TokenChecker {
 public:
  using Sink = std::function<void(const TokenSample&)>;
  TokenChecker(net::any_io_executor ex, const VaultClient& vault, TokenSource& tokens, Duration interval,
               PollMetrics& metrics, std::shared_ptr<spdlog::logger> log, Sink sink);
  void start() { loop_.start(); }
  void stop() { loop_.stop(); }
  void trigger() { loop_.trigger(); }
  const TokenSample& last() const { return last_; }

 private:
  net::awaitable<void> once(PollLoop::StopFlag stopped);
  const VaultClient& vault_;  // not owned; outlives this
  TokenSource& tokens_;       // not owned; outlives this
  PollMetrics& metrics_;
  std::shared_ptr<spdlog::logger> log_;
  Sink sink_;
  TokenSample last_;
  std::uint64_t generation_ = 0;
  PollLoop loop_;  // last: destroyed (and stopped) first
};

}  // namespace vw::vault
