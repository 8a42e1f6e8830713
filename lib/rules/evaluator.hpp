#pragma once
// One evaluator per condition kind (rules/evaluators/*.cpp): each owns, in one place, what its
// kind does when an input arrives (observe), when time passes (tick) and when it next needs
// the engine woken (deadline). The Engine remembers the inputs (Inputs), dispatches to every
// evaluator and owns the alert state machine (AlertTable); an evaluator only says which
// instances of its rule hold.
//
// Adding a condition kind: a struct in rule.hpp's Condition variant (and its loader), one file
// in evaluators/ defining a class derived from Evaluator, and its make_evaluator() overload
// declared below.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/audit_event.hpp"
#include "rules/alert_table.hpp"
#include "rules/observations.hpp"
#include "rules/rule.hpp"
#include "rules/window.hpp"

namespace vw::rules {

/// The persisted form of one audit group (group_by tuple) of one rule.
struct SavedGroup {
  std::string alertname;
  Labels key;  // group_by values
  SlidingWindow::Saved window;
  std::uint64_t count_since_active = 0;
  std::optional<AuditEvent> last_event;
  bool operator==(const SavedGroup&) const = default;
};

/// What a behavioural rule has learnt (Evaluator::learnt_stats).
struct LearntStats {
  std::uint64_t values = 0;   // learnt values (new_value) or keys with a baseline (baseline_rate)
  std::uint64_t evicted = 0;  // dropped for max_values since the rule was created or restored
  bool learning = false;      // still inside its learning period: it cannot fire yet
  /// Bumped on every change of the learnt state (a value learnt, seen again, evicted,
  /// forgotten): the RuleManager writes the rule's file when it moved.
  std::uint64_t updates = 0;
  bool operator==(const LearntStats&) const = default;
};

/// A change event (leader or version): previous, current, time.
using ChangeEvent = std::map<std::string, std::string>;

/// What the engine remembers of its inputs between observations; carried over on reload.
struct Inputs {
  struct Snapshot {
    SysTime at{};
    std::vector<MetricSample> samples;
    bool stale_evaluated = false;
  };
  bool audit_enabled = true;           // EngineOptions::audit_enabled
  Duration metric_lookback{0};         // EngineOptions::metric_lookback
  // sys/health and sys/leader
  std::string last_version, last_leader;
  bool vault_active = false;
  std::optional<SysTime> active_since;
  std::optional<ChangeEvent> version_change;  // set only while the observation that saw it runs
  std::optional<ChangeEvent> leader_change;   // likewise
  // audit
  std::optional<SysTime> last_audit_activity;
  struct AuditTiming {
    std::uint64_t too_old = 0;          // raised no alert: older than audit_max_age
    std::uint64_t late = 0;             // written while vaultwatch was down: alerted, marked late
    std::optional<SysTime> down_since;  // the previous run's last saved state (set by restore)
  } audit_timing;
  SysTime audit_alive_mark{};  // processing time of the last generation bump for audit entries
  bool carried = false;        // taken over from a previous engine (reload), not a restart
  // metrics, secrets, token
  std::map<MetricSource, Snapshot> metrics;
  bool metrics_went_stale = false;  // set only while the tick that saw a snapshot go stale runs
  std::optional<std::vector<SecretAge>> secrets;
  std::optional<std::pair<TokenTtl, SysTime>> token;
  // rotation propagation (issue 13): the latest snapshot pushed by the daemon's tracker
  std::optional<RotationObservation> rotation;
};

/// One audit entry as the evaluators see it.
struct AuditEntry {
  const AuditEvent& event;
  SysTime at;         // when it happened (threshold windows count on it)
  bool late = false;  // read long after it was written (see EngineOptions::audit_max_age)
  /// Unique per entry fed to any engine of the process: evaluators that derive the same thing
  /// from an entry (the behavioural rules' key) compute it once.
  std::uint64_t seq = 0;
};

/// Not thread-safe (io thread only, like the Engine that owns it).
class Evaluator {
 public:
  explicit Evaluator(Rule rule) : rule_(std::move(rule)) {}
  virtual ~Evaluator() = default;
  Evaluator(const Evaluator&) = delete;
  Evaluator& operator=(const Evaluator&) = delete;

  const Rule& rule() const { return rule_; }

  // observe: the inputs in `in` changed at `now`. Each kind overrides what it reads.
  virtual void on_health(const HealthObservation&, const Inputs&, AlertTable&, SysTime, Transitions&) {}
  virtual void on_leader(const Inputs&, AlertTable&, SysTime, Transitions&) {}
  /// Per audit entry (the hot path: return at once when the entry does not concern the rule).
  virtual void on_audit_event(const AuditEntry&, AlertTable&, SysTime, Transitions&) {}
  /// An entry too old to alert on (history: EngineOptions::audit_max_age): the behavioural
  /// kinds learn from it, nothing else looks at it.
  virtual void on_audit_history(const AuditEntry&, SysTime) {}
  /// Called for the behavioural kinds (rules with learnt tables) before any evaluator sees the
  /// entry: starts loading the table slots it will probe, so that the rules' cache misses
  /// overlap instead of following one another. What it computes (key, value, hashes) it keeps
  /// for the on_audit_* call of the same entry (AuditEntry::seq).
  virtual void prefetch(const AuditEntry&) {}
  /// Any audit line, fed as an event or not: the log is alive.
  virtual void on_audit_activity(const Inputs&, AlertTable&, SysTime, Transitions&) {}
  virtual void on_metrics(MetricSource, const std::vector<MetricSample>&, const Inputs&, AlertTable&,
                          SysTime, Transitions&) {}
  virtual void on_secrets(const Inputs&, AlertTable&, SysTime, Transitions&) {}
  virtual void on_token(const Inputs&, AlertTable&, SysTime, Transitions&) {}
  virtual void on_rotation(const Inputs&, AlertTable&, SysTime, Transitions&) {}
  /// Time passed: deadlines of this kind (windows draining, bounds crossed, staleness).
  virtual void tick(const Inputs&, AlertTable&, SysTime, Transitions&) {}
  /// When tick() next has work for this rule (earliest into `w`).
  virtual void deadline(const Inputs&, const AlertTable&, SysTime, std::optional<SysTime>& /*w*/) const {}

  // Persistence of the kind's own state beyond the alerts (audit groups and windows).
  virtual void save(std::vector<SavedGroup>&) const {}
  /// True when the saved group was adopted.
  virtual bool restore(const SavedGroup&, const AlertTable&) { return false; }

  // Learnt state of the behavioural kinds (issue 14: new_value, baseline_rate): what a rule has
  // learnt from the audit stream, kept across restarts (one file per rule in state_dir, written
  // by the RuleManager) and reloads, and built offline by `vaultwatch baseline build`. Binary
  // and versioned by the kind itself; too large for the JSON alert state.
  /// Appends the learnt state to `out`; false when the kind learns nothing.
  virtual bool save_learnt(std::string& /*out*/) const { return false; }
  /// Adopts a blob written by save_learnt of a rule with the same name. False when the blob is
  /// not usable (other kind, other key/value settings, corrupt): the rule starts learning afresh.
  virtual bool restore_learnt(std::string_view /*blob*/, SysTime /*now*/) { return false; }
  /// What the kind has learnt (metrics, /api/v1/status); nullopt when it learns nothing.
  virtual std::optional<LearntStats> learnt_stats(SysTime /*now*/) const { return std::nullopt; }

 protected:
  Rule rule_;
};

std::unique_ptr<Evaluator> make_evaluator(const HealthCond&, Rule rule);
std::unique_ptr<Evaluator> make_evaluator(const MetricCond&, Rule rule);
/// Instant audit rules (window 0) and threshold windows are two evaluators.
std::unique_ptr<Evaluator> make_evaluator(const AuditCond&, Rule rule);
std::unique_ptr<Evaluator> make_evaluator(const AuditSilentCond&, Rule rule);
std::unique_ptr<Evaluator> make_evaluator(const SecretAgeCond&, Rule rule);
std::unique_ptr<Evaluator> make_evaluator(const TokenTtlCond&, Rule rule);
std::unique_ptr<Evaluator> make_evaluator(const RotationCond&, Rule rule);
std::unique_ptr<Evaluator> make_evaluator(const NewValueCond&, Rule rule);
std::unique_ptr<Evaluator> make_evaluator(const BaselineRateCond&, Rule rule);

/// The evaluator for the rule's condition kind.
std::unique_ptr<Evaluator> make_evaluator(Rule rule);

}  // namespace vw::rules
