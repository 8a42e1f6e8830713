#include "metrics/family.hpp"

#include <prometheus/check_names.h>

#include <stdexcept>

namespace vw::metrics {

namespace {

template <typename T>
constexpr prometheus::MetricType type_of() {
  return std::is_same_v<T, prometheus::Counter> ? prometheus::MetricType::Counter
                                                : prometheus::MetricType::Gauge;
}

}  // namespace

template <typename T>
Family<T>::Family(std::string name, std::string help) : name_(std::move(name)), help_(std::move(help)) {
  if (!prometheus::CheckMetricName(name_)) throw std::invalid_argument("invalid metric name: " + name_);
  prometheus::MetricFamily head{name_, help_, type_of<T>(), {}};
  append_family(head, preamble_);  // no series: just the HELP and TYPE lines
}

template <typename T>
T& Family<T>::Add(const prometheus::Labels& labels) {
  auto it = series_.find(labels);
  if (it != series_.end()) return it->second.metric;
  for (const auto& [k, v] : labels)
    if (!prometheus::CheckLabelName(k)) throw std::invalid_argument("invalid label name: " + k);
  auto [pos, inserted] = series_.try_emplace(labels);
  // The prefix is rendered by the shared writer from a one-series family with a zero value,
  // then the value is cut off: one escaping rule for every path.
  prometheus::MetricFamily one{name_, "", type_of<T>(), {prometheus::ClientMetric{}}};
  for (const auto& [k, v] : labels) one.metric[0].label.push_back({k, v});
  std::string text;
  append_family(one, text);
  // text = "# TYPE name type\nname{...} 0\n": keep the sample line up to its value.
  const auto line = text.find('\n') + 1;
  pos->second.head = text.substr(line, text.size() - line - 2);
  return pos->second.metric;
}

template <typename T>
void Family<T>::Remove(const T* metric) {
  for (auto it = series_.begin(); it != series_.end(); ++it) {
    if (&it->second.metric == metric) {
      series_.erase(it);
      return;
    }
  }
}

template <typename T>
double Family<T>::sum() const {
  double total = 0;
  for (const auto& [labels, s] : series_) total += s.metric.Value();
  return total;
}

template <typename T>
double Family<T>::max() const {
  double m = 0;
  bool first = true;
  for (const auto& [labels, s] : series_) {
    if (first || s.metric.Value() > m) m = s.metric.Value();
    first = false;
  }
  return m;
}

template <typename T>
std::vector<prometheus::MetricFamily> Family<T>::Collect() const {
  if (series_.empty()) return {};
  std::vector<prometheus::MetricFamily> out(1);
  auto& f = out[0];
  f.name = name_;
  f.help = help_;
  f.type = type_of<T>();
  f.metric.reserve(series_.size());
  for (const auto& [labels, s] : series_) {
    auto m = s.metric.Collect();
    for (const auto& [k, v] : labels) m.label.push_back({k, v});
    f.metric.push_back(std::move(m));
  }
  return out;
}

template <typename T>
void Family<T>::visit_text(const std::function<void(std::string_view, const Writer&)>& emit) const {
  if (series_.empty()) return;
  emit(name_, [this](std::string& out) {
    out += preamble_;
    for (const auto& [labels, s] : series_) {
      out += s.head;
      append_value(out, s.metric.Value());
      out += '\n';
    }
  });
}

template class Family<prometheus::Counter>;
template class Family<prometheus::Gauge>;

}  // namespace vw::metrics
