#pragma once
// The composition root: owns the io_context (declared first, destroyed last) and every
// long-lived component, starts and stops them, wires samples to their consumers and swaps
// components on reload. It decides nothing itself: config -> Options is daemon/options.cpp,
// samples -> rule observations daemon/feeds.cpp, the status page daemon/status_view.cpp,
// config loading and start-up checks daemon/startup.cpp.
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>


#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "audit/pipeline.hpp"
#include "config/rules_config.hpp"
#include "core/alert.hpp"
#include "daemon/cli.hpp"
#include "daemon/component_metrics.hpp"
#include "daemon/feeds.hpp"
#include "daemon/logging.hpp"
#include "daemon/reloader.hpp"
#include "daemon/rotation_service.hpp"
#include "daemon/state_lock.hpp"
#include "daemon/startup.hpp"
#include "daemon/status_view.hpp"
#include "daemon/systemd_notify.hpp"
#include "daemon/vault_pollers.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "notify/notifier.hpp"
#include "rules/rule_manager.hpp"
#include "telemetry/telemetry.hpp"
#include "vault/node_state_collector.hpp"
#include "web/status.hpp"
#include "web/web_security.hpp"

namespace vw::daemon {

/// Runs on one thread: everything happens on io() (STYLE.md runtime model).
class App {
 public:
  App(AppOptions opts, config::ConfigWithRules cfg, Logging& logging);
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
  result<std::unique_ptr<VaultPollers>> build_vault(const config::VaultConfig& v);
  void swap_vault(std::unique_ptr<VaultPollers> next);
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
  config::ConfigWithRules cfg_;
  Logging& logging_;
  std::shared_ptr<spdlog::logger> log_;
  boost::asio::signal_set signals_;
  SystemdNotifier systemd_;
  Reloader reloader_;
  telemetry::Telemetry telemetry_;
  ComponentMetrics metrics_{telemetry_};  // every component's Metrics struct
  std::shared_ptr<vault::NodeStateCollector> node_state_;
  vault::LeaderTracker leader_tracker_;
  std::unique_ptr<VaultPollers> vault_;  // the client, token source and pollers
  std::unique_ptr<audit::AuditPipeline> audit_;
  std::unique_ptr<rules::RuleManager> rules_;
  std::unique_ptr<RotationService> rotation_;  // issue 13: fed by audit_, feeds rules_
  /// Held while running, so that `vaultwatch baseline build` refuses to write under us.
  std::optional<StateDirLock> state_lock_;
  std::string generator_url_;
  SecretAges secret_ages_;  // latest per watched path, for rules
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
  EntryRate entry_rate_{ioc_.get_executor(), [this] { return metrics_.audit.entries.sum(); }};
};

}  // namespace vw::daemon
