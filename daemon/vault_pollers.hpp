#pragma once
// The Vault side of the daemon, built and replaced as one piece (vault: in the config): the
// monitor token source, the client and its pollers, and the collectors that belong to them.
// App holds one VaultPollers; a reload builds a new one (prepare) and swaps it in (commit).
#include <functional>
#include <memory>

#include "config/config.hpp"
#include "core/result.hpp"
#include "daemon/logging.hpp"
#include "net/net.hpp"
#include "vault/health_poller.hpp"
#include "vault/metrics_poller.hpp"
#include "vault/monitor_collector.hpp"
#include "vault/secret_poller.hpp"
#include "vault/token_checker.hpp"
#include "vault/token_source.hpp"
#include "vault/vault_client.hpp"
#include "vault/vault_metrics_collector.hpp"

namespace vw::daemon {

/// Where the pollers deliver (App's handlers).
struct VaultSinks {
  std::function<void(const vault::HealthSample&)> health;
  std::function<void(const vault::LeaderSample&)> leader;
  std::function<void(const vault::MetricsSample&)> metrics;
  std::function<void(const vault::TokenSample&)> token;
  std::function<void(const vault::SecretSample&)> secret;
  std::function<void()> token_changed;  // the token file was rewritten (Vault Agent sink)
};

/// Members are declared in dependency order, so they are destroyed pollers first, token source
/// last. io thread only; stop() is idempotent.
struct VaultPollers {
  std::unique_ptr<vault::TokenSource> tokens;  // outlives the client and the pollers
  std::unique_ptr<vault::VaultClient> client;
  std::unique_ptr<vault::HealthPoller> health;
  std::unique_ptr<vault::LeaderPoller> leader;
  std::unique_ptr<vault::MetricsPoller> metrics;                 // null: metrics_interval 0
  std::shared_ptr<vault::VaultMetricsCollector> vault_metrics;  // null with it
  std::unique_ptr<vault::TokenChecker> token_checker;           // null: token_check_interval 0
  std::unique_ptr<vault::SecretPoller> secrets;                 // null: no watched secrets
  std::shared_ptr<vault::MonitorCollector> monitor;

  /// Builds everything, starts nothing: fails on a bad address, TLS files, token source or
  /// metrics_keep regex (each message names its config key).
  static result<std::unique_ptr<VaultPollers>> build(net::any_io_executor ex, const config::VaultConfig& v,
                                                     bool allow_insecure_token_file, vault::PollMetrics& poll,
                                                     Logging& logging, VaultSinks sinks);
  void start();
  void stop();
  /// Looks the token's TTL up and reads the secrets now (after a token rotation).
  void trigger();
};

}  // namespace vw::daemon
