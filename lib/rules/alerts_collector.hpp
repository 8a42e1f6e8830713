#pragma once
// SPEC §4.5 alert metrics, rebuilt at every scrape from what the RuleManager last recorded:
//   vaultwatch_alerts{alertname,severity,alertstate}   pending/firing instances (like ALERTS;
//                                                      several group_by instances add up)
//   vaultwatch_alert_transitions_total{alertname,to}   to = pending, firing, inactive
//   vaultwatch_alert_state_write_failures_total        state_dir writes that failed
//   vaultwatch_audit_entries_too_old_total             entries older than audit.alert_max_age
//                                                      when read: no alert (history)
//   vaultwatch_audit_entries_late_total                entries written while vaultwatch was
//                                                      down, read late: alerted, marked late
//   vaultwatch_behaviour_values{rule}                  what each behavioural rule has learnt
//   vaultwatch_behaviour_evicted_total{rule}           learnt values dropped for max_values
//   vaultwatch_behaviour_learning{rule}                1 while the rule is still learning
// A custom Collectable (not registry gauges) so that an alert that goes away leaves no stale
// series. Not thread-safe: the manager updates it and /metrics collects it on the io thread.
#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "rules/engine.hpp"

namespace vw::rules {

class AlertsCollector : public prometheus::Collectable {
 public:
  /// Every rule starts with its transition counters at 0 (so rate() works from the start).
  void declare_rules(const std::vector<Rule>& rules);
  void count_transition(const Transition& t);
  /// Recounts the pending/firing instances.
  void refresh(const Engine& engine);
  void count_write_failure() { ++write_failures_; }
  /// The engine's audit timing counts (cumulative since start).
  void set_audit_timing(std::uint64_t too_old, std::uint64_t late) {
    too_old_ = too_old;
    late_ = late;
  }

  /// Where the behavioural rules' learnt stats come from at each scrape (the manager's current
  /// engine); unset: the behaviour families have no series.
  using LearntSource = std::function<std::map<std::string, LearntStats>()>;
  void set_learnt_source(LearntSource f) { learnt_ = std::move(f); }

  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  std::map<std::tuple<std::string, std::string, std::string>, std::uint64_t> active_;  // name, severity, state
  std::map<std::pair<std::string, std::string>, std::uint64_t> transitions_;          // name, to
  std::uint64_t write_failures_ = 0;
  std::uint64_t too_old_ = 0;
  std::uint64_t late_ = 0;
  LearntSource learnt_;
};

/// Our own families as metric-rule input (MetricSource::self): counters, gauges and untyped
/// under their names; histograms and summaries as _bucket{le}/quantile, _sum and _count. Only
/// families that give one of `wanted` (sample names) are converted.
std::vector<MetricSample> samples_from(const std::vector<prometheus::MetricFamily>& families,
                                       const std::set<std::string>& wanted);

}  // namespace vw::rules
