#pragma once
// The composition root: owns the io_context (declared first, destroyed last) and every
// long-lived component, wires samples to their consumers, and decides nothing itself.
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <boost/asio/steady_timer.hpp>

#include <memory>
#include <string>
#include <vector>

#include "audit/pipeline.hpp"
#include "config/config.hpp"
#include "core/alert.hpp"
#include "core/counter_rate.hpp"
#include "daemon/cli.hpp"
#include "daemon/logging.hpp"
#include "daemon/reloader.hpp"
#include "daemon/systemd_notify.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "notify/notifier.hpp"
#include "rules/rule_manager.hpp"
#include "telemetry/telemetry.hpp"
#include "vault/health_poller.hpp"
#include "vault/metrics_poller.hpp"
#include "vault/monitor_collector.hpp"
#include "vault/node_state_collector.hpp"
#include "vault/secret_poller.hpp"
#include "vault/token_checker.hpp"
#include "vault/token_source.hpp"
#include "vault/vault_metrics_collector.hpp"
#include "web/status.hpp"
#include "web/web_security.hpp"

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
  /// Per-receiver delivery state (for /api/v1/status); null before start().
  const notify::Notifier* notifier() const { return notifier_.get(); }

  net::io_context& io() { return ioc_; }
  boost::asio::ip::tcp::endpoint listen_endpoint() const;
  bool ready() const { return first_health_done_; }
  /// What GET / and GET /api/v1/status show, gathered from every component.
  web::StatusSnapshot status() const;
  /// Pending and firing alerts (GET /api/v1/alerts).
  std::vector<web::AlertView> alerts() const;
  /// The audit log component, null when audit.path is off (for /api/v1/status: file, inode,
  /// offset, lag via status()).
  const audit::AuditPipeline* audit() const { return audit_.get(); }

 private:
  /// The vault client and its pollers, built but not started (reload prepare phase).
  struct VaultParts {
    std::unique_ptr<vault::TokenSource> tokens;
    std::unique_ptr<vault::VaultClient> client;
    std::unique_ptr<vault::HealthPoller> health;
    std::unique_ptr<vault::LeaderPoller> leader;
    std::unique_ptr<vault::MetricsPoller> metrics;                 // null: metrics_interval 0
    std::shared_ptr<vault::VaultMetricsCollector> vault_metrics;  // null with it
    std::unique_ptr<vault::TokenChecker> token_checker;           // null: token_check_interval 0
    std::unique_ptr<vault::SecretPoller> secrets;                 // null: no watched secrets
    std::shared_ptr<vault::MonitorCollector> monitor;
  };
  result<VaultParts> build_vault(const config::VaultConfig& v);
  void swap_vault(VaultParts parts);
  /// The notifier for `c`, built but not started (reload prepare phase).
  result<std::unique_ptr<notify::Notifier>> make_notifier(const config::Config& c);
  /// Hands the running notifier's queues to `next` and starts it.
  void swap_notifier(std::unique_ptr<notify::Notifier> next);
  void register_reload_participants();
  void on_health(const vault::HealthSample& s);
  void on_leader(const vault::LeaderSample& s);
  /// The audit pipeline for `c`, built but not started; null when tailing is off.
  result<std::unique_ptr<audit::AuditPipeline>> make_audit(const config::Config& c);
  void swap_audit(std::unique_ptr<audit::AuditPipeline> next);
  void on_audit_event(const AuditEvent& e);
  void on_notifications(std::vector<AlertNotification> n);
  rules::RuleManagerOptions rule_options(const config::Config& c) const;
  // Vault telemetry, monitor token and secret rotation (issue 5): they feed the collectors and
  // the rule engine's metric, token_ttl and secret_age conditions.
  void on_vault_metrics(const vault::MetricsSample& s);
  void on_token_ttl(const vault::TokenSample& s);
  void on_secret_age(const vault::SecretSample& s);
  void on_token_changed();
  void install_signals();
  std::string status_line() const;

  net::io_context ioc_{1};  // first: destroyed last
  AppOptions opts_;
  config::Config cfg_;
  Logging& logging_;
  std::shared_ptr<spdlog::logger> log_;
  boost::asio::signal_set signals_;
  SystemdNotifier systemd_;
  Reloader reloader_;
  telemetry::Telemetry telemetry_;
  std::shared_ptr<vault::NodeStateCollector> node_state_;
  vault::LeaderTracker leader_tracker_;
  std::unique_ptr<vault::TokenSource> token_source_;  // outlives vault_ and the pollers
  std::unique_ptr<vault::VaultClient> vault_;
  std::unique_ptr<vault::HealthPoller> health_;
  std::unique_ptr<vault::LeaderPoller> leader_;
  std::unique_ptr<audit::AuditPipeline> audit_;
  std::unique_ptr<rules::RuleManager> rules_;
  std::string generator_url_;
  std::shared_ptr<vault::VaultMetricsCollector> vault_metrics_;  // null when metrics_interval is 0
  std::shared_ptr<vault::MonitorCollector> monitor_;
  std::unique_ptr<vault::MetricsPoller> metrics_;
  std::unique_ptr<vault::TokenChecker> token_checker_;
  std::unique_ptr<vault::SecretPoller> secrets_;
  std::map<std::string, vault::SecretSample> secret_samples_;  // latest per watched path, for rules
  http::Router router_;
  std::unique_ptr<web::WebSecurity> web_security_;  // outlives server_ (its sessions use it)
  std::unique_ptr<http::Server> server_;
  std::unique_ptr<notify::Notifier> notifier_;
  bool first_health_done_ = false;
  vault::NodeState last_state_ = vault::NodeState::unknown;
  bool stopping_ = false;
  SysTime started_ = std::chrono::system_clock::now();
  std::optional<SysTime> last_reload_;
  std::string last_reload_error_;
  // Audit entry totals sampled every few seconds, for the entries/s shown on the status page.
  boost::asio::steady_timer rate_timer_{ioc_};
  CounterRate entry_rate_;  // audit entries, for the status page's entries/s over 1m and 5m
  void sample_rates();
  double audit_entries_total() const;
};

}  // namespace vw::daemon
