#include "vault/republish.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>

namespace vw::vault {

result<KeepFilter> KeepFilter::compile(const std::vector<std::string>& patterns) {
  KeepFilter f;
  for (const auto& p : patterns) {
    try {
      // std::regex (not RE2): the patterns are few and simple, each name is matched once and
      // then cached, and config validation already uses the same engine and syntax.
      f.regexes_.emplace_back(p, std::regex::ECMAScript | std::regex::optimize);
    } catch (const std::regex_error& e) {
      return make_error("vault.metrics_keep: bad regex \"" + p + "\": " + e.what());
    }
  }
  return f;
}

bool KeepFilter::keep(const std::string& name) const {
  if (auto it = cache_.find(name); it != cache_.end()) return it->second;
  bool keep = false;
  for (const auto& re : regexes_) {
    if (std::regex_match(name, re)) {
      keep = true;
      break;
    }
  }
  // Bounded: Vault's family names are a few hundred to a few thousand (per-mount route
  // metrics); clearing is cheaper than LRU bookkeeping and only costs re-matching.
  if (cache_.size() >= 20000) cache_.clear();
  cache_.emplace(name, keep);
  return keep;
}

bool is_reserved_name(const std::string& name) {
  static const std::set<std::string, std::less<>> node_state = {
      "vault_health_up",
      "vault_health_status_code",
      "vault_up",
      "vault_initialized",
      "vault_sealed",
      "vault_standby",
      "vault_performance_standby",
      "vault_replication_dr_mode",
      "vault_replication_performance_mode",
      "vault_info",
      "vault_server_time_skew_seconds",
      "vault_ha_connection_healthy",
      "vault_last_request_forwarding_heartbeat_seconds",
      "vault_is_leader",
  };
  return name.starts_with("vaultwatch_") || name.starts_with("process_") || node_state.contains(name);
}

namespace {

using prometheus::ClientMetric;

std::vector<ClientMetric::Label> to_labels(const prom_text::Labels& in, std::string_view skip = {}) {
  std::vector<ClientMetric::Label> out;
  out.reserve(in.size());
  for (const auto& l : in)
    if (l.name != skip) out.push_back({l.name, l.value});
  return out;
}

// Sorted copy: the identity of a series does not depend on label order.
std::vector<ClientMetric::Label> key_of(std::vector<ClientMetric::Label> labels) {
  std::sort(labels.begin(), labels.end());
  return labels;
}

std::uint64_t to_count(double v) {
  if (!std::isfinite(v) || v <= 0) return 0;
  if (v >= 0x1p64) return std::numeric_limits<std::uint64_t>::max();  // beyond llround's range
  return static_cast<std::uint64_t>(std::round(v));
}

}  // namespace

prometheus::MetricFamily to_metric_family(const prom_text::Family& f) {
  using prom_text::MetricType;
  using prom_text::Suffix;
  prometheus::MetricFamily out;
  out.name = f.name;
  out.help = prom_text::escape_help(f.help.empty() ? f.name : f.help);
  std::map<std::vector<ClientMetric::Label>, std::size_t> index;  // label set -> out.metric slot
  switch (f.type) {
    case MetricType::counter:
    case MetricType::gauge:
    case MetricType::untyped: {
      out.type = f.type == MetricType::counter ? prometheus::MetricType::Counter
                 : f.type == MetricType::gauge ? prometheus::MetricType::Gauge
                                               : prometheus::MetricType::Untyped;
      for (const auto& s : f.samples) {
        ClientMetric m;
        m.label = to_labels(s.labels);
        if (!index.emplace(key_of(m.label), out.metric.size()).second) continue;  // duplicate series
        if (f.type == MetricType::counter) m.counter.value = s.value;
        else if (f.type == MetricType::gauge) m.gauge.value = s.value;
        else m.untyped.value = s.value;
        out.metric.push_back(std::move(m));
      }
      break;
    }
    case MetricType::summary:
    case MetricType::histogram: {
      const bool summary = f.type == MetricType::summary;
      out.type = summary ? prometheus::MetricType::Summary : prometheus::MetricType::Histogram;
      const std::string_view special = summary ? "quantile" : "le";
      for (const auto& s : f.samples) {
        auto labels = to_labels(s.labels, s.suffix == Suffix::none || s.suffix == Suffix::bucket ? special : "");
        auto [it, fresh] = index.emplace(key_of(labels), out.metric.size());
        if (fresh) {
          out.metric.emplace_back();
          out.metric.back().label = std::move(labels);
        }
        auto& m = out.metric[it->second];
        switch (s.suffix) {
          case Suffix::none: {  // summary quantile (the parser guarantees the label)
            const double q = prom_text::parse_value(*s.label("quantile")).value_or(0);
            auto& qs = m.summary.quantile;
            if (std::none_of(qs.begin(), qs.end(), [&](const auto& x) { return x.quantile == q; }))
              qs.push_back({q, s.value});
            break;
          }
          case Suffix::bucket: {
            const double le = prom_text::parse_value(*s.label("le")).value_or(0);
            auto& bs = m.histogram.bucket;
            if (std::none_of(bs.begin(), bs.end(), [&](const auto& b) { return b.upper_bound == le; }))
              bs.push_back({to_count(s.value), le});
            break;
          }
          case Suffix::sum:
            (summary ? m.summary.sample_sum : m.histogram.sample_sum) = s.value;
            break;
          case Suffix::count:
            (summary ? m.summary.sample_count : m.histogram.sample_count) = to_count(s.value);
            break;
        }
      }
      if (!summary) {
        // prometheus-cpp writes buckets in vector order and adds le="+Inf" (= _count) unless the
        // last bucket is +Inf already.
        for (auto& m : out.metric)
          std::sort(m.histogram.bucket.begin(), m.histogram.bucket.end(),
                    [](const auto& a, const auto& b) { return a.upper_bound < b.upper_bound; });
      }
      break;
    }
  }
  return out;
}

bool republishable(const prom_text::Family& f, const KeepFilter& keep) {
  return !f.samples.empty() && !is_reserved_name(f.name) && keep.keep(f.name);
}

std::vector<prometheus::MetricFamily> republish(const std::vector<prom_text::Family>& families,
                                                const KeepFilter& keep) {
  std::vector<prometheus::MetricFamily> out;
  for (const auto& f : families)
    if (republishable(f, keep)) out.push_back(to_metric_family(f));
  return out;
}

}  // namespace vw::vault
