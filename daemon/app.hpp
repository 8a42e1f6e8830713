#pragma once
// The composition root: owns the io_context (declared first, destroyed last) and every
// long-lived component, wires samples to their consumers, and decides nothing itself.
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <memory>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "core/alert.hpp"
#include "daemon/cli.hpp"
#include "daemon/logging.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "notify/notifier.hpp"
#include "telemetry/telemetry.hpp"
#include "vault/health_poller.hpp"
#include "vault/node_state_collector.hpp"

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
std::vector<StartupProblem> check_runtime_files(const config::Config& cfg);

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

  /// Hands alert notifications to every configured receiver (io thread; never blocks). The rule
  /// engine's sink.
  void notify(std::vector<AlertNotification> alerts);
  /// Per-receiver delivery state (for /api/v1/status); null before start().
  const notify::Notifier* notifier() const { return notifier_.get(); }

  net::io_context& io() { return ioc_; }
  boost::asio::ip::tcp::endpoint listen_endpoint() const;
  bool ready() const { return first_health_done_; }

 private:
  std::vector<StartupProblem> build_vault(const config::VaultConfig& v);
  std::vector<StartupProblem> build_notifier(const config::Config& c);
  void on_health(const vault::HealthSample& s);
  void on_leader(const vault::LeaderSample& s);
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
  std::unique_ptr<vault::VaultClient> vault_;
  std::unique_ptr<vault::HealthPoller> health_;
  std::unique_ptr<vault::LeaderPoller> leader_;
  http::Router router_;
  std::unique_ptr<http::Server> server_;
  std::unique_ptr<notify::Notifier> notifier_;
  bool first_health_done_ = false;
  bool stopping_ = false;
};

}  // namespace vw::daemon
