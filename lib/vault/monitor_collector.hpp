#pragma once
// SPEC §4.2: the monitor token's TTL and the watched secrets' rotation age.
#include <prometheus/collectable.h>

#include <functional>
#include <optional>
#include <vector>

#include "core/time.hpp"
#include "vault/secret_poller.hpp"
#include "vault/token_checker.hpp"

namespace vw::vault {

/// Exports, rebuilt at every scrape from the last samples:
/// - vaultwatch_token_ttl_seconds: remaining TTL, counted down from the last lookup to the
///   scrape time; absent with no token, a token that never expires, or before the first
///   successful lookup; 0 once Vault rejects the token.
/// - vaultwatch_secret_max_age_seconds{path}: the configured max_age, for every watched secret
///   from the start (so `age > max_age` can be written in PromQL).
/// - vaultwatch_secret_age_seconds{path}, vaultwatch_secret_version{path}: while known (see
///   SecretSample for when the last known values are kept).
/// - vaultwatch_secret_metadata_available{path}: 1 when the last read worked, else
///   `{path,reason="not_found|forbidden|no_token|sealed|standby|error"} 0`; absent before the
///   first read.
/// `clock` is the scrape-time clock (a parameter for tests).
/// Not thread-safe: update and Collect on the io thread.
class MonitorCollector : public prometheus::Collectable {
 public:
  using Clock = std::function<SysTime()>;
  explicit MonitorCollector(std::vector<WatchedSecret> secrets, Clock clock = {});
  void update(const TokenSample& s);
  void update(const SecretSample& s);
  std::vector<prometheus::MetricFamily> Collect() const override;

  /// For the rule engine and the status page.
  const std::optional<TokenSample>& token() const { return token_; }
  const std::vector<SecretSample>& secrets() const { return secrets_; }

 private:
  Clock clock_;
  std::optional<TokenSample> token_;
  std::vector<SecretSample> secrets_;  // one per watched secret, in config order
};

}  // namespace vw::vault
