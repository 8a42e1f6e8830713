#include "vault/vault_metrics_collector.hpp"

namespace vw::vault {

void VaultMetricsCollector::update(const MetricsSample& s) {
  state_ = s.state;
  republished_.reset();
  if (s.state == MetricsState::available) republished_ = s.republished;
}

std::vector<prometheus::MetricFamily> VaultMetricsCollector::Collect() const {
  if (!state_) return {};
  std::vector<prometheus::MetricFamily> out;
  if (republished_) out = *republished_;
  out.push_back(available_family());
  return out;
}

void VaultMetricsCollector::visit_text(
    const std::function<void(std::string_view, const Writer&)>& emit) const {
  if (!state_) return;
  if (republished_) {
    for (const auto& f : *republished_) {
      if (f.metric.empty()) continue;
      emit(f.name, [&f](std::string& out) { metrics::append_family(f, out); });
    }
  }
  const auto avail = available_family();
  emit(avail.name, [&avail](std::string& out) { metrics::append_family(avail, out); });
}

prometheus::MetricFamily VaultMetricsCollector::available_family() const {
  prometheus::MetricFamily avail;
  avail.name = "vaultwatch_vault_metrics_available";
  avail.help =
      "1 if the last sys/metrics poll returned Vault's telemetry, else 0 with the reason "
      "(standby, disabled, forbidden, sealed, error).";
  avail.type = prometheus::MetricType::Gauge;
  prometheus::ClientMetric m;
  if (*state_ == MetricsState::available) {
    m.gauge.value = 1;
  } else {
    m.label.push_back({"reason", to_string(*state_)});
    m.gauge.value = 0;
  }
  avail.metric.push_back(std::move(m));
  return avail;
}

}  // namespace vw::vault
