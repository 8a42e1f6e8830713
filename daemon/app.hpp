#pragma once
// The composition root: owns the io_context (declared first, destroyed last) and every
// long-lived component, wires samples to their consumers, and decides nothing itself.
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <memory>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "daemon/cli.hpp"
#include "daemon/logging.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "telemetry/telemetry.hpp"
#include "vault/health_poller.hpp"
#include "vault/metrics_poller.hpp"
#include "vault/monitor_collector.hpp"
#include "vault/node_state_collector.hpp"
#include "vault/secret_poller.hpp"
#include "vault/token_checker.hpp"
#include "vault/token_source.hpp"
#include "vault/vault_metrics_collector.hpp"

namespace vw::daemon {

struct StartupProblem {
  bool config = false;  // true: a configuration problem (exit 78); false: runtime (exit 1)
  std::string message;
};

struct AppOptions {
  std::string config_path;     // "" when running on built-in defaults
  DaemonFlags flags;
};

/// Loads the configuration the way the daemon does (file or built-in defaults, then flags).
/// Returns the config and every problem found; `check` also builds what start() would build
/// (TLS contexts) without binding or polling.
struct Loaded {
  config::Config config;
  std::vector<StartupProblem> problems;
};
Loaded load_config(const AppOptions& opts);
/// Files the configuration points at that must be usable before starting: the Vault TLS files
/// and the monitor token file (permissions, content; SPEC §8).
std::vector<StartupProblem> check_runtime_files(const config::Config& cfg, bool allow_insecure_token_file = false);
/// Where the monitor token comes from: vault.token_file, $VAULT_TOKEN, $CREDENTIALS_DIRECTORY.
vault::TokenSourceOptions token_source_options(const config::VaultConfig& v, bool allow_insecure_token_file);

/// Runs on one thread: everything happens on io() (STYLE.md runtime model).
class App {
 public:
  App(AppOptions opts, config::Config cfg, Logging& logging);
  ~App();

  /// Builds the components and binds the server. Empty on success.
  std::vector<StartupProblem> start();
  /// Runs the event loop until a stop is requested; then drains for at most `drain` and returns
  /// the exit code.
  int run(std::chrono::milliseconds drain = std::chrono::seconds(9));
  /// Begins a clean stop (io thread).
  void stop();
  /// Reloads configuration (io thread). Returns "" on success, else why the new one was rejected
  /// (the old configuration stays in force).
  std::string reload();

  net::io_context& io() { return ioc_; }
  boost::asio::ip::tcp::endpoint listen_endpoint() const;
  bool ready() const { return first_health_done_; }

 private:
  std::vector<StartupProblem> build_vault(const config::VaultConfig& v);
  void on_health(const vault::HealthSample& s);
  void on_leader(const vault::LeaderSample& s);
  // Vault telemetry, monitor token and secret rotation (issue 5). For now they only feed the
  // collectors; the rule engine's metric, token_ttl and secret_age conditions attach here.
  void on_vault_metrics(const vault::MetricsSample& s);
  void on_token_ttl(const vault::TokenSample& s);
  void on_secret_age(const vault::SecretSample& s);
  void on_token_changed();
  void install_signals();

  net::io_context ioc_{1};  // first: destroyed last
  AppOptions opts_;
  config::Config cfg_;
  Logging& logging_;
  std::shared_ptr<spdlog::logger> log_;
  boost::asio::signal_set signals_;
  telemetry::Telemetry telemetry_;
  std::shared_ptr<vault::NodeStateCollector> node_state_;
  vault::LeaderTracker leader_tracker_;
  std::unique_ptr<vault::TokenSource> token_source_;  // outlives vault_ and the pollers
  std::unique_ptr<vault::VaultClient> vault_;
  std::unique_ptr<vault::HealthPoller> health_;
  std::unique_ptr<vault::LeaderPoller> leader_;
  std::shared_ptr<vault::VaultMetricsCollector> vault_metrics_;  // null when metrics_interval is 0
  std::shared_ptr<vault::MonitorCollector> monitor_;
  std::unique_ptr<vault::MetricsPoller> metrics_;
  std::unique_ptr<vault::TokenChecker> token_checker_;
  std::unique_ptr<vault::SecretPoller> secrets_;
  http::Router router_;
  std::unique_ptr<http::Server> server_;
  bool first_health_done_ = false;
  bool stopping_ = false;
};

}  // namespace vw::daemon
