#pragma once
// Choosing and converting Vault's families for republishing (SPEC §4.3): the keep filter, the
// names vaultwatch reserves, and the conversion to prometheus-cpp's MetricFamily.
#include <prometheus/metric_family.h>

#include <regex>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/result.hpp"
#include "prom_text/prom_text.hpp"

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

/// True when `f` is republished: it has samples, its name is not reserved, and it is kept.
bool republishable(const prom_text::Family& f, const KeepFilter& keep);

/// One parsed family as prometheus-cpp's MetricFamily, ready for the TextSerializer: the same
/// name, type and labels; HELP escaped (prometheus-cpp writes it verbatim) and defaulted to the
/// name when the exposition had none (promtool requires one; Vault's HELP is the name anyway);
/// summary quantile lines and histogram buckets grouped per label set; repeated label sets
/// dropped (a duplicate series would fail the exposition). Timestamps are dropped: an exporter
/// does not set them. Pure.
prometheus::MetricFamily to_metric_family(const prom_text::Family& f);

/// Every republishable family converted, in order (tests and small bodies; the poller does the
/// same in slices).
std::vector<prometheus::MetricFamily> republish(const std::vector<prom_text::Family>& families,
                                                const KeepFilter& keep);

}  // namespace vw::vault
