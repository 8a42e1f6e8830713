#pragma once
// A labelled counter or gauge family that renders itself as text without copying (TextSource).
//
// Why not prometheus::Family: its Collect() builds a ClientMetric (label vector, five value
// structs) per series and copies the whole family once more on return; with the 5 000 series of
// SPEC §9 that is ≈ 25 ms of allocation per scrape on our VM, against a 10 ms p99 budget. Here
// each series keeps its `name{labels} ` prefix rendered once at creation, so a scrape appends
// one prefix and one number per series. The series values are prometheus::Counter / Gauge, so
// callers keep the API they know (Add(labels) returns a reference, Increment/Set).
#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/labels.h>

#include <map>
#include <string>

#include "metrics/text_format.hpp"

namespace vw::metrics {

/// T is prometheus::Counter or prometheus::Gauge. Series live as long as the family (or until
/// Remove); references returned by Add stay valid. Series are written in label order.
/// Not thread-safe: io thread only (values themselves are prometheus' atomics).
template <typename T>
class Family final : public prometheus::Collectable, public TextSource {
 public:
  Family(std::string name, std::string help);

  /// The series with exactly these labels, created at 0 on first use.
  T& Add(const prometheus::Labels& labels);
  /// Removes the series `metric` (a reference from Add); unknown pointers are ignored.
  void Remove(const T* metric);
  std::size_t size() const { return series_.size(); }
  /// Sum of every series' value (status page totals), without building MetricFamily values.
  double sum() const;
  /// The largest value of any series, or 0 without series.
  double max() const;
  const std::string& name() const { return name_; }

  std::vector<prometheus::MetricFamily> Collect() const override;
  void visit_text(const std::function<void(std::string_view, const Writer&)>& emit) const override;

 private:
  struct Series {
    std::string head;  // `name{k="v",...} `
    T metric;
  };
  std::string name_;
  std::string help_;
  std::string preamble_;  // "# HELP ...\n# TYPE ...\n"
  std::map<prometheus::Labels, Series> series_;
};

using CounterFamily = Family<prometheus::Counter>;
using GaugeFamily = Family<prometheus::Gauge>;

extern template class Family<prometheus::Counter>;
extern template class Family<prometheus::Gauge>;

}  // namespace vw::metrics
