#pragma once
// SPEC §4.3: Vault's own telemetry republished under its own names, and
// vaultwatch_vault_metrics_available.
#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/result.hpp"
#include "prom_text/prom_text.hpp"
#include "vault/metrics_poller.hpp"

namespace vw::vault {

/// vault.metrics_keep: regexes matched against the whole family name (anchored, as Prometheus
/// relabelling anchors its regexes). Decisions are cached per family name because the same few
/// hundred names come back every poll; the cache is bounded and simply cleared when full.
/// Not thread-safe: io thread only.
class KeepFilter {
 public:
  static result<KeepFilter> compile(const std::vector<std::string>& patterns);
  bool keep(const std::string& family_name) const;

 private:
  std::vector<std::regex> regexes_;
  mutable std::unordered_map<std::string, bool> cache_;
};

/// Names vaultwatch exports itself: a kept Vault family of the same name is not republished
/// (a duplicate family breaks the exposition). That is every `vaultwatch_*` and `process_*`
/// family (Vault's client_golang registry has its own process_* for the Vault process) and the
/// SPEC §4.1 node-state gauges.
bool is_reserved_name(const std::string& family_name);

/// One parsed family as prometheus-cpp's MetricFamily, ready for the TextSerializer: the same
/// name, type and labels; HELP escaped (prometheus-cpp writes it verbatim) and defaulted to the
/// name when the exposition had none (promtool requires one; Vault's HELP is the name anyway);
/// summary quantile lines and histogram buckets grouped per label set; repeated label sets
/// dropped (a duplicate series would fail the exposition). Timestamps are dropped: an exporter
/// does not set them. Pure.
prometheus::MetricFamily to_metric_family(const prom_text::Family& f);

/// Exports the families of the last sys/metrics poll that match the keep filter, and
/// vaultwatch_vault_metrics_available: `1` while Vault serves telemetry, else
/// `{reason="standby|disabled|forbidden|sealed|error"} 0`. Nothing before the first poll.
/// While telemetry is unavailable nothing of Vault's is republished (stale values would lie);
/// a family Vault stops sending disappears at the next poll. The families are converted once
/// per poll, so a scrape only copies them.
/// Not thread-safe: update and Collect on the io thread.
class VaultMetricsCollector : public prometheus::Collectable {
 public:
  explicit VaultMetricsCollector(KeepFilter keep) : keep_(std::move(keep)) {}
  void update(const MetricsSample& s);
  std::vector<prometheus::MetricFamily> Collect() const override;

  /// The kept families of the last poll (empty while unavailable): for the rule engine and status.
  const std::vector<prom_text::Family>& kept() const { return kept_; }
  std::optional<MetricsState> state() const { return state_; }

 private:
  KeepFilter keep_;
  std::optional<MetricsState> state_;
  std::vector<prom_text::Family> kept_;
  std::vector<prometheus::MetricFamily> republished_;
};

}  // namespace vw::vault
