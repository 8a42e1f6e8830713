#pragma once
// Prometheus text exposition format 0.0.4 for prometheus-cpp's MetricFamily values.
//
// Written here instead of using prometheus::TextSerializer because /metrics is served from the
// event loop on every scrape and the budget is tight (SPEC §9: 5 000 series, p99 ≤ 10 ms under
// full audit load). TextSerializer formats every number through a std::ostringstream with
// precision manipulation (≈ 10x slower than std::to_chars), prints NaN as "Nan", and writes
// HELP text unescaped. This writer appends to one reserved string, formats numbers with
// std::to_chars (shortest round-trip representation), and escapes exactly as the format says:
// HELP `\` and newline, label values `\`, `"` and newline.
#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <memory>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace vw::metrics {

/// Appends `families` to `out` in the order given (callers sort them by name).
/// Histograms get the implicit `le="+Inf"` bucket when their bucket list lacks it;
/// a non-zero timestamp_ms is written after the value.
void append_text(const std::vector<prometheus::MetricFamily>& families, std::string& out);

/// One family (HELP, TYPE, samples).
void append_family(const prometheus::MetricFamily& family, std::string& out);

/// append_text into a fresh string sized from the previous call's output (`size_hint`).
std::string to_text(const std::vector<prometheus::MetricFamily>& families, std::size_t size_hint = 0);

/// One sample value as the format spells it: shortest round-trip decimal, `NaN`, `+Inf`, `-Inf`.
void append_value(std::string& out, double v);

/// A Collectable that can also write its families as text straight from its own storage, so a
/// scrape does not build (and free) a MetricFamily copy of every series. Collect() must return
/// the same families (metric rules read them). io thread only, like every Collectable of ours.
class TextSource {
 public:
  /// For each family with at least one series: emit(name, write), where write(out) appends the
  /// family's text. `write` is only valid during the call to visit_text.
  using Writer = std::function<void(std::string&)>;
  virtual void visit_text(const std::function<void(std::string_view name, const Writer& write)>& emit) const = 0;

 protected:
  ~TextSource() = default;
};

/// The text of a set of collectables, families sorted by name (stable: a name in two sources
/// keeps their order). TextSources write themselves; other collectables go through Collect().
/// Families without series are left out.
std::string render_text(const std::vector<std::shared_ptr<prometheus::Collectable>>& sources,
                        std::size_t size_hint = 0);

}  // namespace vw::metrics
