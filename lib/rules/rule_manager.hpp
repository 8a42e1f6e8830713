#pragma once
// The I/O shell around the pure rule engine: feeds it observations with the current time,
// wakes it when its deadlines come (for, windows, keep_firing_for, re-sends), hands the
// notifications it produces to a sink (the notifier), counts and logs transitions, and keeps
// the alert state in state_dir so that a restart neither forgets a firing alert nor announces
// it again as new.
#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/alert.hpp"
#include "net/net.hpp"
#include "rules/alerts_collector.hpp"
#include "rules/engine.hpp"

namespace spdlog {
class logger;
}

namespace vw::rules {

struct RuleManagerOptions {
  std::vector<Rule> rules;
  EngineOptions engine;
  std::string state_file;                          // "" = no persistence
  Duration save_delay = std::chrono::seconds(1);   // state writes are batched at most this long
  /// The behavioural rules' learnt state (rules/learnt_files.hpp) is written this often while
  /// it changes, and at stop. Its directory is state_dir/learnt (next to state_file).
  Duration learnt_save_interval = std::chrono::minutes(1);
  /// The wall clock; injectable for tests.
  std::function<SysTime()> clock = [] { return std::chrono::system_clock::now(); };
};

/// Owns the Engine, two timers and the AlertsCollector. Lives as long as App; reload() swaps
/// the rules and keeps the state of alerts whose rule still exists. A failed state write is
/// logged, counted (vaultwatch_alert_state_write_failures_total) and retried at the next change;
/// an unreadable state file is logged and ignored (the daemon starts with no alerts).
/// io thread only; stop() is idempotent and writes the state one last time.
class RuleManager {
 public:
  using Sink = std::function<void(std::vector<AlertNotification>)>;

  RuleManager(net::any_io_executor ex, RuleManagerOptions opts,
              std::shared_ptr<spdlog::logger> log, Sink sink);
  ~RuleManager();
  RuleManager(const RuleManager&) = delete;
  RuleManager& operator=(const RuleManager&) = delete;

  /// Restores the saved state and starts the timers.
  void start();
  void stop();
  /// New rules/options; alert state carries over by alert name.
  void reload(RuleManagerOptions opts);

  void on_health(const HealthObservation& h);
  void on_leader(const LeaderObservation& l);
  /// Per audit entry: evaluated at once (no batching), so an alert leaves within milliseconds.
  void on_audit_event(const AuditEvent& e);
  /// An audit line that is not passed as an event (ignored or undecodable): the log is alive.
  void on_audit_activity();
  void on_metrics(MetricSource source, const std::vector<MetricSample>& samples);
  void on_secrets(const std::vector<SecretAge>& secrets);
  void on_token(const TokenTtl& t);

  const Engine& engine() const { return *engine_; }
  /// The pending and firing alerts (resolved ones still being re-sent left out), firing first,
  /// then by when they became active: the order the status page shows them in.
  std::vector<const Alert*> active_alerts() const;
  /// GET /api/v1/alerts body.
  std::string alerts_json() const;
  std::shared_ptr<AlertsCollector> collector() const { return collector_; }

 private:
  void after(const Transitions& t, SysTime now, std::uint64_t generation_before);
  /// One observation: reads the clock, runs `observe(now)` on the engine and handles what it
  /// returned. `skip_idle`: return at once when nothing changed (the per-audit-entry paths).
  template <typename Observe>
  void observe(Observe&& observe, bool skip_idle = false) {
    const auto now = opts_.clock();
    const auto g = engine_->generation();
    auto t = observe(now);
    if (skip_idle && t.empty() && engine_->generation() == g) return;
    after(t, now, g);
  }
  void schedule(SysTime now);
  void on_wake();
  void schedule_save();
  void save();
  void restore_learnt(SysTime now);
  void schedule_learnt_save();
  /// Writes the learnt state of the rules whose state changed since their last write.
  void save_learnt();
  /// Counts (and says once) what audit_max_age did with the entries read so far.
  void note_audit_timing();

  net::any_io_executor ex_;
  RuleManagerOptions opts_;
  std::shared_ptr<spdlog::logger> log_;
  Sink sink_;
  std::unique_ptr<Engine> engine_;
  std::shared_ptr<AlertsCollector> collector_ = std::make_shared<AlertsCollector>();
  net::steady_timer wake_;
  net::steady_timer save_timer_;
  net::steady_timer learnt_timer_;
  std::string learnt_dir_;                      // "" = no persistence
  std::map<std::string, std::uint64_t> learnt_written_;  // rule -> LearntStats::updates written
  bool learnt_armed_ = false;
  std::optional<net::steady_timer::time_point> wake_at_;
  bool save_armed_ = false;
  bool dirty_ = false;
  bool running_ = false;
  std::uint64_t saved_generation_ = 0;
  std::string last_save_error_;
  std::uint64_t timing_seen_ = 0;  // too_old + late at the last note_audit_timing()
  bool too_old_logged_ = false;
  bool late_logged_ = false;
};

}  // namespace vw::rules
