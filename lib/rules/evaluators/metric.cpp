// metric: a series of a scraped family (Vault's sys/metrics or our own registry) compared with a
// threshold; with rate_over the per-second rate of the counter over that window. Snapshots
// older than metric_lookback are stale: their series stop holding.
#include <deque>

#include "rules/evaluator.hpp"

namespace vw::rules {

namespace {

bool series_matches(const MetricCond& c, const MetricSample& s) {
  if (s.name != c.name) return false;
  for (const auto& [k, v] : c.match) {
    auto it = s.labels.find(k);
    if ((it == s.labels.end() ? std::string() : it->second) != v) return false;
  }
  for (const auto& [k, re] : c.match_re) {
    auto it = s.labels.find(k);
    if (!re.match(it == s.labels.end() ? std::string() : it->second)) return false;
  }
  return true;
}

constexpr std::size_t max_series_per_rule = 1000;
constexpr std::size_t max_points_per_series = 1024;

class MetricEvaluator final : public Evaluator {
 public:
  MetricEvaluator(const MetricCond& c, Rule r) : Evaluator(std::move(r)), c_(c) {}

  void on_metrics(MetricSource source, const std::vector<MetricSample>& samples, const Inputs& in,
                  AlertTable& t, SysTime now, Transitions& out) override {
    if (c_.rate_over != Duration::zero()) record(source, samples, now);
    evaluate(in, t, now, out);
  }
  void tick(const Inputs& in, AlertTable& t, SysTime now, Transitions& out) override {
    if (in.metrics_went_stale) evaluate(in, t, now, out);
  }
  void deadline(const Inputs& in, const AlertTable&, SysTime, std::optional<SysTime>& w) const override {
    for (const auto& [src, snap] : in.metrics)
      if (!snap.stale_evaluated) min_into(w, snap.at + in.metric_lookback);
  }

 private:
  using Series = std::deque<std::pair<SysTime, double>>;

  // Rate histories: only series this rule reads.
  void record(MetricSource source, const std::vector<MetricSample>& samples, SysTime now) {
    for (const auto& s : samples) {
      if (!series_matches(c_, s)) continue;
      // Keyed by source too: the same counter seen through two sources with different lag
      // would otherwise look like a counter reset.
      auto key = std::make_pair(source, s.labels);
      auto it = history_.find(key);
      if (it == history_.end()) {
        if (history_.size() >= max_series_per_rule) continue;
        it = history_.emplace(std::move(key), Series{}).first;
      }
      it->second.emplace_back(now, s.value);
      if (it->second.size() > max_points_per_series) it->second.pop_front();
    }
    for (auto it = history_.begin(); it != history_.end();) {
      auto& pts = it->second;
      while (!pts.empty() && pts.front().first < now - c_.rate_over) pts.pop_front();
      it = pts.empty() ? history_.erase(it) : std::next(it);
    }
  }

  void evaluate(const Inputs& in, AlertTable& t, SysTime now, Transitions& out) {
    std::vector<Result> results;
    if (c_.rate_over == Duration::zero()) {
      for (const auto& [src, snap] : in.metrics) {
        if (now - snap.at >= in.metric_lookback) continue;
        for (const auto& s : snap.samples)
          if (series_matches(c_, s) && compare(s.value, c_.op, c_.threshold))
            results.push_back({s.labels, s.value});
      }
    } else {
      for (const auto& [key, pts] : history_) {
        if (pts.size() < 2 || now - pts.back().first >= in.metric_lookback) continue;
        // increase() with counter resets: a drop means the counter restarted from 0.
        double increase = 0;
        for (std::size_t i = 1; i < pts.size(); ++i) {
          const double d = pts[i].second - pts[i - 1].second;
          increase += d >= 0 ? d : pts[i].second;
        }
        const double span = std::chrono::duration<double>(pts.back().first - pts.front().first).count();
        if (span <= 0) continue;
        const double rate = increase / span;
        if (compare(rate, c_.op, c_.threshold)) results.push_back({key.second, rate});
      }
    }
    t.apply(rule_, std::move(results), now, out);
  }

  MetricCond c_;
  std::map<std::pair<MetricSource, Labels>, Series> history_;
};

}  // namespace

std::unique_ptr<Evaluator> make_evaluator(const MetricCond& c, Rule rule) {
  return std::make_unique<MetricEvaluator>(c, std::move(rule));
}

}  // namespace vw::rules
