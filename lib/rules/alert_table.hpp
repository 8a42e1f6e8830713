#pragma once
// The alert state machine (SPEC §5.1), shared by every condition kind: alert instances by label
// set, inactive -> pending -> firing -> resolved, `for`, `keep_firing_for`, and the delivery
// bookkeeping (firing re-sent every resend_interval with endsAt = now + 4 x resend_interval,
// resolved re-sent with endsAt = resolve time for resolved_retention). Semantics follow
// Prometheus (rules/alerting.go). The evaluators (rules/evaluator.hpp) decide *whether* a
// condition holds; this class alone decides what that does to an alert. External labels are
// applied here and nowhere else (labels_for).
// Pure, not thread-safe (io thread only, like the Engine that owns it).
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/alert.hpp"
#include "core/audit_event.hpp"
#include "core/duration.hpp"
#include "core/time.hpp"
#include "rules/rule.hpp"

namespace vw::rules {

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

/// What a rule's annotations are rendered with.
struct Annotate {
  double value = 0;
  const AuditEvent* event = nullptr;
  const std::map<std::string, std::string>* change = nullptr;
  std::optional<std::uint64_t> count;
  bool late = false;  // adds the annotation late="true" (unless the rule has its own `late`)
  /// Annotations the condition kind always adds (unless the rule has its own of that name):
  /// what the behavioural kinds learnt (value, key, first sighting, baseline).
  const Labels* extra = nullptr;
};

/// One instance whose condition holds now, as a sampled evaluation reports it.
struct Result {
  Labels extra;  // series labels / group_by values / path
  double value = 0;
};

struct AlertTableOptions {
  Labels external_labels;               // added to every alert that lacks the label
  Duration resend_interval = std::chrono::minutes(1);
  Duration resolved_retention = std::chrono::minutes(15);
  std::string generator_url;
};

class AlertTable {
 public:
  explicit AlertTable(AlertTableOptions opts) : opts_(std::move(opts)) {}

  /// The identity of an instance of `r`: the result's own labels, overridden by the rule's
  /// labels, then alertname; external labels only where the alert has no label of that name
  /// (Prometheus' notifier relabelAlerts).
  Labels labels_for(const Rule& r, const Labels& extra) const;

  /// The active (pending or firing) alert with these labels, or null.
  Alert* active(const Labels& labels);
  const Alert* active(const Labels& labels) const;
  /// True when `rule` has an active instance.
  bool any_active(const std::string& alertname) const;

  /// The condition holds for this instance at `now`. `since`: when it started to hold, if
  /// earlier than `now` (an audit entry's own time): a new alert's activeAt, and its startsAt
  /// when `for` has run out by now.
  void hold(const Rule& r, const Labels& labels, const Annotate& d, SysTime now, Transitions& out,
            std::optional<SysTime> since = std::nullopt);
  /// The condition stopped holding at `at` (<= now). Pending alerts are dropped (Prometheus
  /// deletes them); firing ones resolve, after keep_firing_for when the rule has one.
  void release(Alert& a, const Rule& r, SysTime at, SysTime now, Transitions& out);
  /// An instant condition: it holds at `now` and not a moment later.
  void pulse(const Rule& r, const Labels& labels, const Annotate& d, SysTime now, Transitions& out,
             std::optional<SysTime> since = std::nullopt);
  /// Sampled evaluation: `results` are the instances whose condition holds now; every other
  /// active alert of the rule is released. More than `cap` results fold into one instance.
  void apply(const Rule& r, std::vector<Result> results, SysTime now, Transitions& out,
             std::size_t cap = default_group_limit);
  /// Releases, at `now`, every active alert of `r` not in `owned`.
  void release_others(const Rule& r, const std::vector<Labels>& owned, SysTime now, Transitions& out);
  void fire(Alert& a, SysTime at, Transitions& out);

  /// A rule's keep_firing_for by alert name; nullopt for an alert whose rule is gone.
  using KeepFor = std::function<std::optional<Duration>(const std::string&)>;
  /// keep_firing_for running out, for every kind of rule.
  void tick(SysTime now, const KeepFor& keep, Transitions& out);

  /// The notifications due at `now` (state changes at once; re-sends every resend_interval),
  /// marking them sent. Also forgets resolved alerts past their retention.
  std::vector<AlertNotification> collect_notifications(SysTime now);
  /// When tick()/collect_notifications() next have work for the alerts themselves.
  void deadline(SysTime now, const KeepFor& keep, std::optional<SysTime>& w) const;

  const std::map<Labels, Alert>& alerts() const { return alerts_; }
  /// Adopts a saved alert unless one with its labels exists; returns it (or null).
  Alert* adopt(const Alert& saved);
  void resolve(Alert& a, SysTime at, Transitions& out);

  /// Bumped on every change of alert or evaluator state (persistence and scheduling use it).
  std::uint64_t generation() const { return generation_; }
  void touch() { ++generation_; }

 private:
  void render(const Rule& r, Alert& a, const Annotate& data);
  /// A state change to firing or resolved, to be announced.
  void change(Alert& a, AlertState to, SysTime at, Transitions& out);
  void erase_pending(const Labels& labels, SysTime at, Transitions& out);
  AlertNotification notification(const Alert& a, bool resolved, bool change, SysTime now) const;

  AlertTableOptions opts_;
  std::map<Labels, Alert> alerts_;
  std::uint64_t generation_ = 0;
};

/// Earliest of `acc` and `t`.
inline void min_into(std::optional<SysTime>& acc, SysTime t) {
  if (!acc || t < *acc) acc = t;
}

/// A copy of an audit event fit to keep in alert state and show in /api/v1/alerts: the HMAC'd
/// accessor and the auth metadata are dropped.
AuditEvent sanitized(const AuditEvent& e);

}  // namespace vw::rules
