#pragma once
// SPEC §4.3: Vault's own telemetry republished under its own names, and
// vaultwatch_vault_metrics_available.
#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <memory>
#include <optional>
#include <vector>

#include "metrics/text_format.hpp"

#include "vault/metrics_poller.hpp"

namespace vw::vault {

/// Exports the families the last sys/metrics poll republished (MetricsSample::republished:
/// kept by vault.metrics_keep and converted by the poller, in slices) and
/// vaultwatch_vault_metrics_available: `1` while Vault serves telemetry, else
/// `{reason="standby|disabled|forbidden|sealed|error"} 0`. Nothing before the first poll.
/// While telemetry is unavailable nothing of Vault's is republished (stale values would lie);
/// a family Vault stops sending disappears at the next poll. update() only keeps a pointer to
/// the poll's converted families; a scrape writes them as text in place (TextSource), only
/// Collect() (metric rules) copies them.
/// Not thread-safe: update and Collect on the io thread.
class VaultMetricsCollector : public prometheus::Collectable, public metrics::TextSource {
 public:
  void update(const MetricsSample& s);
  std::vector<prometheus::MetricFamily> Collect() const override;
  void visit_text(const std::function<void(std::string_view, const Writer&)>& emit) const override;

  std::optional<MetricsState> state() const { return state_; }
  /// Number of families republished from the last poll.
  std::size_t republished() const { return republished_ ? republished_->size() : 0; }

 private:
  prometheus::MetricFamily available_family() const;
  std::optional<MetricsState> state_;
  std::shared_ptr<const std::vector<prometheus::MetricFamily>> republished_;
};

}  // namespace vw::vault
