#pragma once
// The rule engine (SPEC §5): observations + `now` in, alert state transitions and
// notifications out. Pure: no clock, no I/O, no timers; the RuleManager feeds it and asks when
// to wake it next. Semantics follow Prometheus (rules/alerting.go, rules/manager.go):
// inactive -> pending -> firing -> resolved, `for`, `keep_firing_for`, identity = label set,
// firing alerts re-sent every resend_interval with endsAt = now + 4 x resend_interval, resolved
// alerts re-sent with endsAt = resolve time for 15 minutes.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/alert.hpp"
#include "core/audit_event.hpp"
#include "rules/alert_table.hpp"
#include "rules/evaluator.hpp"
#include "rules/observations.hpp"
#include "rules/rule.hpp"

namespace vw::rules {

struct EngineOptions {
  Labels external_labels;                 // added to every alert that lacks the label
  Duration resend_interval = 1min;
  Duration resolved_retention = 15min;    // resolved alerts are re-sent this long (Prometheus)
  Duration metric_lookback = 5min;        // a metric snapshot older than this is stale
  Duration outage_tolerance = 1h;         // pending alerts are restored only after shorter outages
  bool audit_enabled = true;              // audit_silent needs the tailer
  /// audit.alert_max_age: an audit entry read more than this after its own `time` raises no
  /// alert (history: `start_at: beginning`, an old file read again) unless it was written while
  /// vaultwatch was down (after the previous run's last saved state): then it is evaluated with
  /// its own time and its alerts carry the annotation late="true". 0: no limit.
  Duration audit_max_age = 15min;
  std::string generator_url;              // AlertNotification::generator_url
};

/// Everything that must survive a restart (state_dir): alerts (with activeAt and delivery
/// bookkeeping), audit windows, and the last version/leader seen (so a change that happens
/// while the daemon is down is still reported).
struct EngineState {
  using Group = SavedGroup;
  SysTime saved_at{};
  std::vector<Alert> alerts;
  std::vector<Group> groups;
  std::string last_version;
  std::string last_leader;
  bool operator==(const EngineState&) const = default;
};

/// Owns the remembered inputs, one Evaluator per rule (rules/evaluator.hpp: what each condition
/// kind does) and the AlertTable (the alert state machine); dispatches each observation to
/// every evaluator. Not thread-safe (io thread only, like everything that owns it).
class Engine {
 public:
  Engine(std::vector<Rule> rules, EngineOptions opts);

  /// Each call evaluates the rules fed by that observation at `now` and returns the
  /// transitions it caused. `now` must not go backwards by much (the clock is the caller's).
  Transitions observe(const HealthObservation& h, SysTime now);
  Transitions observe(const LeaderObservation& l, SysTime now);
  /// Per audit entry (also counts as audit activity).
  Transitions observe(const AuditEvent& e, SysTime now);
  /// Audit entries too old to alert on, and late ones alerted on (EngineOptions::audit_max_age),
  /// since the daemon started (carried over on reload).
  using AuditTiming = Inputs::AuditTiming;
  const AuditTiming& audit_timing() const { return in_.audit_timing; }
  /// An audit line that is not fed as an event (ignored, undecodable): proof the log is alive.
  Transitions note_audit_activity(SysTime now);
  /// A full snapshot from one source (replaces that source's previous one).
  Transitions observe(MetricSource source, const std::vector<MetricSample>& samples, SysTime now);
  /// A full snapshot of the watched secrets.
  Transitions observe(const std::vector<SecretAge>& secrets, SysTime now);
  Transitions observe(const TokenTtl& t, SysTime now);
  /// The rotation tracker's snapshot of consumers behind their secret's current version.
  Transitions observe(const RotationObservation& r, SysTime now);
  /// Time-driven evaluation: `for` deadlines of windowed rules, windows draining,
  /// keep_firing_for running out, audit silence, stale metrics, secret ages and token TTLs
  /// crossing their bounds.
  Transitions tick(SysTime now);

  /// The notifications due at `now` (state changes at once; re-sends every resend_interval),
  /// marking them sent. Also forgets resolved alerts past their retention.
  std::vector<AlertNotification> collect_notifications(SysTime now);
  /// When tick()/collect_notifications() next have work; nullopt when nothing is scheduled.
  std::optional<SysTime> next_wakeup(SysTime now) const;

  /// Alerts by label set, including resolved ones still being re-sent.
  const std::map<Labels, Alert>& alerts() const { return table_.alerts(); }
  const std::vector<Rule>& rules() const;
  const EngineOptions& options() const { return opts_; }
  /// Bumped on every change of alert or window state (persistence and scheduling use it).
  std::uint64_t generation() const { return table_.generation(); }
  /// The metric names rules read from our own families (is_own_family): what the daemon feeds
  /// as MetricSource::self. Empty when no rule needs them.
  const std::set<std::string>& self_metric_names() const { return self_names_; }
  /// Metric names read from Vault's sys/metrics snapshots (every other metric rule).
  const std::set<std::string>& vault_metric_names() const { return vault_names_; }

  /// On reload: takes over what the previous engine had observed (last health state, audit
  /// activity, metric snapshots, secrets, token) so that the new rules need not wait for the
  /// next poll of each source.
  void carry_inputs_from(const Engine& old);

  EngineState save(SysTime now) const;
  /// Adopts saved state (a restart, or the previous engine on reload). Alerts of rules that no
  /// longer exist are resolved (and announced) if they were firing, dropped if pending; pending
  /// alerts older than outage_tolerance are dropped (Prometheus' for-outage-tolerance).
  Transitions restore(const EngineState& s, SysTime now);

  /// Learnt state of the behavioural rules (Evaluator::save_learnt), by rule name; rules that
  /// learn nothing are absent.
  std::map<std::string, std::string> save_learnt() const;
  /// Hands each rule the blob saved under its name; returns the names whose blob was adopted.
  std::set<std::string> restore_learnt(const std::map<std::string, std::string>& blobs, SysTime now);
  /// Per behavioural rule, what it has learnt (metrics and /api/v1/status).
  std::map<std::string, LearntStats> learnt_stats(SysTime now) const;

 private:
  const Evaluator* rule_named(const std::string& name) const;
  Evaluator* rule_named(const std::string& name);
  AlertTable::KeepFor keep_for() const;

  std::vector<std::unique_ptr<Evaluator>> evaluators_;
  std::vector<Evaluator*> learners_;  // the behavioural ones, in evaluators_ (prefetch())
  std::vector<Rule> rule_list_;  // rules() view
  std::set<std::string> self_names_;
  std::set<std::string> vault_names_;
  EngineOptions opts_;
  AlertTable table_;
  Inputs in_;
};


}  // namespace vw::rules
