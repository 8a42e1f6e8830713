#pragma once
// KV v2 metadata of the watched secrets, for their rotation age (SPEC §2 vault.secrets, §4.2).
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/duration.hpp"
#include "core/result.hpp"
#include "core/time.hpp"
#include "vault/bodies.hpp"
#include "vault/poll_loop.hpp"
#include "vault/token_source.hpp"
#include "vault/vault_client.hpp"

namespace vw::vault {

struct WatchedSecret {
  std::string path;  // "<mount>/<secret path>" as configured
  Duration max_age{0};
  bool operator==(const WatchedSecret&) const = default;
};

/// The API path of a secret's KV v2 metadata: the first segment of `path` is the mount, so
/// "secret/cwiq/shared/db" -> "secret/metadata/cwiq/shared/db". Characters outside
/// [A-Za-z0-9-._~/] are percent-encoded. Pure.
std::string kv_metadata_path(std::string_view path);

enum class SecretState {
  unknown,    // not polled yet
  ok,
  not_found,  // 404: no such secret (or not a KV v2 mount), or metadata without versions
  forbidden,  // 403: the token's policy lacks read on the metadata path
  no_token,   // the daemon has no token: not asked
  sealed,     // 503 "Vault is sealed"
  standby,    // a redirect from a standby that does not forward requests
  error,      // no answer, another status, a bad body
};
/// The `reason` label value of vaultwatch_secret_metadata_available ("" for ok/unknown).
const char* to_string(SecretState s);

struct SecretSample {
  std::string path;
  Duration max_age{0};
  SysTime at{};
  SecretState state = SecretState::unknown;
  /// The current version and when it was written. Cleared by not_found/forbidden/no_token (we
  /// no longer know the secret); carried over from the last success through sealed, standby
  /// and error (a secret does not get younger because Vault is unreachable, and a rotation
  /// alert should not resolve and re-fire around an outage).
  std::optional<int> version;
  std::optional<SysTime> version_created;
  std::string error;         // for logs
  std::string error_reason;  // vaultwatch_poll_errors_total reason, "" unless state == error
  /// now - version_created, never negative; nullopt when unknown.
  std::optional<double> age_seconds(SysTime now) const;
  /// True when the age is known and exceeds max_age.
  bool overdue(SysTime now) const;
  bool operator==(const SecretSample&) const = default;
};

/// Builds the sample for one metadata answer. Pure.
SecretSample make_secret_sample(const http::Outcome& outcome, SysTime now, const SecretSample& previous);

/// Reads the metadata of every watched secret, one after the other, every interval; hands a
/// SecretSample per secret to the sink. Logs each secret's state transitions once.
/// io thread only; stop() idempotent.
class SecretPoller {
 public:
  using Sink = std::function<void(const SecretSample&)>;
  SecretPoller(net::any_io_executor ex, const VaultClient& vault, TokenSource& tokens,
               std::vector<WatchedSecret> secrets, Duration interval, PollMetrics& metrics,
               std::shared_ptr<spdlog::logger> log, Sink sink);
  void start() { loop_.start(); }
  void stop() { loop_.stop(); }
  void trigger() { loop_.trigger(); }
  const std::vector<SecretSample>& last() const { return last_; }

 private:
  net::awaitable<void> once(PollLoop::StopFlag stopped);
  const VaultClient& vault_;  // not owned; outlives this
  TokenSource& tokens_;       // not owned; outlives this
  std::vector<WatchedSecret> secrets_;
  PollMetrics& metrics_;
  std::shared_ptr<spdlog::logger> log_;
  Sink sink_;
  std::vector<SecretSample> last_;  // parallel to secrets_
  PollLoop loop_;                   // last: destroyed (and stopped) first
};

}  // namespace vw::vault
