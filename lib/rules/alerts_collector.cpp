#include "rules/alerts_collector.hpp"

#include <prometheus/client_metric.h>
#include <prometheus/metric_family.h>

namespace vw::rules {

void AlertsCollector::declare_rules(const std::vector<Rule>& rules) {
  for (const auto& r : rules)
    for (const char* to : {"pending", "firing", "inactive"}) transitions_.try_emplace({r.alert, to}, 0);
}

void AlertsCollector::count_transition(const Transition& t) {
  ++transitions_[{t.alertname, to_string(t.to)}];
}

void AlertsCollector::refresh(const Engine& engine) {
  active_.clear();
  for (const auto& [labels, a] : engine.alerts()) {
    if (a.state == AlertState::inactive) continue;
    auto sev = labels.find("severity");
    ++active_[{a.alertname, sev == labels.end() ? std::string() : sev->second, to_string(a.state)}];
  }
}

std::vector<prometheus::MetricFamily> AlertsCollector::Collect() const {
  using prometheus::ClientMetric;
  using prometheus::MetricFamily;
  using prometheus::MetricType;
  std::vector<MetricFamily> out;
  MetricFamily alerts{"vaultwatch_alerts",
                      "Pending and firing alert instances by rule, severity and state (like ALERTS).",
                      MetricType::Gauge, {}};
  for (const auto& [key, n] : active_) {
    ClientMetric m;
    m.label = {{"alertname", std::get<0>(key)}, {"alertstate", std::get<2>(key)},
               {"severity", std::get<1>(key)}};
    m.gauge.value = static_cast<double>(n);
    alerts.metric.push_back(std::move(m));
  }
  out.push_back(std::move(alerts));
  MetricFamily tr{"vaultwatch_alert_transitions_total",
                  "Alert state transitions by rule and new state (pending, firing, inactive).",
                  MetricType::Counter, {}};
  for (const auto& [key, n] : transitions_) {
    ClientMetric m;
    m.label = {{"alertname", key.first}, {"to", key.second}};
    m.counter.value = static_cast<double>(n);
    tr.metric.push_back(std::move(m));
  }
  out.push_back(std::move(tr));
  auto counter = [&](const char* name, const char* help, std::uint64_t v) {
    MetricFamily f{name, help, MetricType::Counter, {}};
    ClientMetric m;
    m.counter.value = static_cast<double>(v);
    f.metric.push_back(std::move(m));
    out.push_back(std::move(f));
  };
  counter("vaultwatch_alert_state_write_failures_total", "Failed writes of the alert state file in state_dir.",
          write_failures_);
  counter("vaultwatch_audit_entries_too_old_total",
          "Audit entries read more than audit.alert_max_age after they were written, and before "
          "vaultwatch last stopped: counted and searchable, but they raise no alert.",
          too_old_);
  counter("vaultwatch_audit_entries_late_total",
          "Audit entries written while vaultwatch was down and read more than audit.alert_max_age "
          "later: evaluated with their own time, their alerts marked late=\"true\".",
          late_);
  // The behaviour families are exported even with no behavioural rule (no series then), so
  // that dashboards and the metric contract do not depend on the rule set.
  const auto learnt = learnt_ ? learnt_() : std::map<std::string, LearntStats>{};
  MetricFamily values{"vaultwatch_behaviour_values",
                      "What each behavioural rule (new_value, baseline_rate) has learnt: (key, value) "
                      "pairs, or keys with a baseline.",
                      MetricType::Gauge, {}};
  MetricFamily evicted{"vaultwatch_behaviour_evicted_total",
                       "Learnt values a behavioural rule dropped because it reached max_values (least "
                       "recently seen first), since the rule was loaded.",
                       MetricType::Counter, {}};
  MetricFamily learning{"vaultwatch_behaviour_learning",
                        "1 while a behavioural rule is still inside its learning period (it cannot fire yet).",
                        MetricType::Gauge, {}};
  for (const auto& [rule, st] : learnt) {
    ClientMetric m;
    m.label = {{"rule", rule}};
    m.gauge.value = static_cast<double>(st.values);
    values.metric.push_back(m);
    m.gauge = {};
    m.counter.value = static_cast<double>(st.evicted);
    evicted.metric.push_back(m);
    m.counter = {};
    m.gauge.value = st.learning ? 1 : 0;
    learning.metric.push_back(std::move(m));
  }
  out.push_back(std::move(values));
  out.push_back(std::move(evicted));
  out.push_back(std::move(learning));
  return out;
}

std::vector<MetricSample> samples_from(const std::vector<prometheus::MetricFamily>& families,
                                       const std::set<std::string>& wanted) {
  std::vector<MetricSample> out;
  for (const auto& f : families) {
    if (!wanted.count(f.name) && !wanted.count(f.name + "_bucket") && !wanted.count(f.name + "_sum") &&
        !wanted.count(f.name + "_count"))
      continue;
    for (const auto& m : f.metric) {
      Labels l;
      for (const auto& lp : m.label) l[lp.name] = lp.value;
      switch (f.type) {
        case prometheus::MetricType::Counter: out.push_back({f.name, l, m.counter.value}); break;
        case prometheus::MetricType::Gauge: out.push_back({f.name, l, m.gauge.value}); break;
        case prometheus::MetricType::Untyped: out.push_back({f.name, l, m.untyped.value}); break;
        case prometheus::MetricType::Histogram: {
          for (const auto& b : m.histogram.bucket) {
            Labels bl = l;
            bl["le"] = format_value(b.upper_bound);
            out.push_back({f.name + "_bucket", std::move(bl), static_cast<double>(b.cumulative_count)});
          }
          out.push_back({f.name + "_sum", l, m.histogram.sample_sum});
          out.push_back({f.name + "_count", l, static_cast<double>(m.histogram.sample_count)});
          break;
        }
        case prometheus::MetricType::Summary: {
          for (const auto& q : m.summary.quantile) {
            Labels ql = l;
            ql["quantile"] = format_value(q.quantile);
            out.push_back({f.name, std::move(ql), q.value});
          }
          out.push_back({f.name + "_sum", l, m.summary.sample_sum});
          out.push_back({f.name + "_count", l, static_cast<double>(m.summary.sample_count)});
          break;
        }
        default: break;
      }
    }
  }
  return out;
}

}  // namespace vw::rules
