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
  MetricFamily wf{"vaultwatch_alert_state_write_failures_total",
                  "Failed writes of the alert state file in state_dir.", MetricType::Counter, {}};
  ClientMetric m;
  m.counter.value = static_cast<double>(write_failures_);
  wf.metric.push_back(std::move(m));
  out.push_back(std::move(wf));
  return out;
}

}  // namespace vw::rules
