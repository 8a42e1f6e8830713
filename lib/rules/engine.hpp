#pragma once
// The rule engine (SPEC §5): observations + `now` in, alert state transitions and
// notifications out. Pure: no clock, no I/O, no timers; the RuleManager feeds it and asks when
// to wake it next. Semantics follow Prometheus (rules/alerting.go, rules/manager.go):
// inactive -> pending -> firing -> resolved, `for`, `keep_firing_for`, identity = label set,
// firing alerts re-sent every resend_interval with endsAt = now + 4 x resend_interval, resolved
// alerts re-sent with endsAt = resolve time for 15 minutes.
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/alert.hpp"
#include "core/audit_event.hpp"
#include "rules/observations.hpp"
#include "rules/rule.hpp"
#include "rules/window.hpp"

namespace vw::rules {

struct EngineOptions {
  Labels external_labels;                 // added to every alert that lacks the label
  Duration resend_interval = 1min;
  Duration resolved_retention = 15min;    // resolved alerts are re-sent this long (Prometheus)
  Duration metric_lookback = 5min;        // a metric snapshot older than this is stale
  Duration outage_tolerance = 1h;         // pending alerts are restored only after shorter outages
  bool audit_enabled = true;              // audit_silent needs the tailer
  std::string generator_url;              // AlertNotification::generator_url
};

/// One alert instance. `inactive` means resolved and kept for re-sending.
struct Alert {
  std::string alertname;
  Labels labels;
  Labels annotations;
  AlertState state = AlertState::pending;
  SysTime active_at{};
  SysTime fired_at{};
  SysTime resolved_at{};
  std::optional<SysTime> keep_firing_since;
  double value = 0;
  std::optional<AuditEvent> last_event;  // audit rules; accessor and metadata removed
  // Delivery bookkeeping.
  std::optional<SysTime> last_sent_at;
  bool firing_sent = false;     // this activation was announced as firing
  bool change_pending = false;  // a state change (firing, resolved) not yet handed out
  bool operator==(const Alert&) const = default;
};

struct Transition {
  std::string alertname;
  Labels labels;
  AlertState from = AlertState::inactive;
  AlertState to = AlertState::inactive;
  SysTime at{};
  bool operator==(const Transition&) const = default;
};
using Transitions = std::vector<Transition>;

/// Everything that must survive a restart (state_dir): alerts (with activeAt and delivery
/// bookkeeping), audit windows, and the last version/leader seen (so a change that happens
/// while the daemon is down is still reported).
struct EngineState {
  struct Group {
    std::string alertname;
    Labels key;  // group_by values
    SlidingWindow::Saved window;
    std::uint64_t count_since_active = 0;
    std::optional<AuditEvent> last_event;
    bool operator==(const Group&) const = default;
  };
  SysTime saved_at{};
  std::vector<Alert> alerts;
  std::vector<Group> groups;
  std::string last_version;
  std::string last_leader;
  bool operator==(const EngineState&) const = default;
};

/// Not thread-safe (io thread only, like everything that owns it).
class Engine {
 public:
  Engine(std::vector<Rule> rules, EngineOptions opts);

  /// Each call evaluates the rules fed by that observation at `now` and returns the
  /// transitions it caused. `now` must not go backwards by much (the clock is the caller's).
  Transitions observe(const HealthObservation& h, SysTime now);
  Transitions observe(const LeaderObservation& l, SysTime now);
  /// Per audit entry (also counts as audit activity).
  Transitions observe(const AuditEvent& e, SysTime now);
  /// An audit line that is not fed as an event (ignored, undecodable): proof the log is alive.
  Transitions note_audit_activity(SysTime now);
  /// A full snapshot from one source (replaces that source's previous one).
  Transitions observe(MetricSource source, const std::vector<MetricSample>& samples, SysTime now);
  /// A full snapshot of the watched secrets.
  Transitions observe(const std::vector<SecretAge>& secrets, SysTime now);
  Transitions observe(const TokenTtl& t, SysTime now);
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
  const std::map<Labels, Alert>& alerts() const { return alerts_; }
  const std::vector<Rule>& rules() const;
  const EngineOptions& options() const { return opts_; }
  /// Bumped on every change of alert or window state (persistence and scheduling use it).
  std::uint64_t generation() const { return generation_; }
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

 private:
  struct Group {
    Labels key;
    Labels alert_labels;
    std::optional<SlidingWindow> window;
    std::uint64_t count_since_active = 0;
    std::optional<AuditEvent> last_event;
  };
  struct Series {
    std::deque<std::pair<SysTime, double>> points;
  };
  struct RuleState {
    Rule rule;
    Labels base;  // rule labels + alertname
    std::map<Labels, Group> groups;         // audit rules
    SysTime last_purge{};                   // idle groups are looked for at most once a second
    std::map<std::pair<MetricSource, Labels>, Series> history;  // metric rules with rate_over
  };
  struct Snapshot {
    SysTime at{};
    std::vector<MetricSample> samples;
    bool stale_evaluated = false;
  };
  struct Annotate {
    double value = 0;
    const AuditEvent* event = nullptr;
    const std::map<std::string, std::string>* change = nullptr;
    std::optional<std::uint64_t> count;
  };
  struct Result {
    Labels extra;  // series labels / group_by values / path
    double value = 0;
  };

  Labels make_labels(const RuleState& r, const Labels& extra) const;
  Alert* active(const Labels& labels);
  void render(const RuleState& r, Alert& a, const Annotate& data);
  void hold(RuleState& r, const Labels& labels, const Annotate& data, SysTime now, Transitions& out);
  void release(Alert& a, const RuleState& r, SysTime at, SysTime now, Transitions& out);
  void fire(Alert& a, SysTime at, Transitions& out);
  void resolve(Alert& a, SysTime at, Transitions& out);
  void erase_pending(const Labels& labels, SysTime at, Transitions& out);
  void pulse(RuleState& r, const Labels& labels, const Annotate& data, SysTime now, Transitions& out);
  /// Sampled evaluation: `results` are the instances whose condition holds now; every other
  /// active alert of the rule is released. More than `cap` results fold into one instance.
  void apply(RuleState& r, std::vector<Result> results, SysTime now, Transitions& out,
             std::size_t cap = default_group_limit);
  void evaluate_health(const HealthObservation& h, SysTime now, Transitions& out);
  void evaluate_silence(SysTime now, Transitions& out);
  void evaluate_metrics(SysTime now, Transitions& out);
  void evaluate_secrets(SysTime now, Transitions& out);
  void evaluate_token(SysTime now, Transitions& out);
  void observe_audit(RuleState& r, const AuditCond& c, const AuditEvent& e, SysTime now,
                     Transitions& out);
  void tick_groups(RuleState& r, SysTime now, Transitions& out);
  Group* group_for(RuleState& r, const AuditCond& c, const AuditEvent& e, SysTime now);
  const RuleState* rule_named(const std::string& name) const;
  RuleState* rule_named(const std::string& name);
  AlertNotification notification(const Alert& a, bool resolved, bool change, SysTime now) const;

  std::vector<RuleState> rules_;
  std::vector<Rule> rule_list_;  // rules() view
  std::set<std::string> self_names_;
  std::set<std::string> vault_names_;
  EngineOptions opts_;
  std::map<Labels, Alert> alerts_;
  std::uint64_t generation_ = 0;

  // Inputs remembered between observations.
  std::string last_version_, last_leader_;
  bool vault_active_ = false;
  std::optional<SysTime> active_since_;
  std::optional<SysTime> last_audit_activity_;
  std::map<MetricSource, Snapshot> metrics_;
  std::optional<std::vector<SecretAge>> secrets_;
  std::optional<std::pair<TokenTtl, SysTime>> token_;
};

/// A copy of an audit event fit to keep in alert state and show in /api/v1/alerts: the HMAC'd
/// accessor and the auth metadata are dropped.
AuditEvent sanitized(const AuditEvent& e);

}  // namespace vw::rules
