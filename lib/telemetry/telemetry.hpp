#pragma once
// Owns the prometheus::Registry and every other Collectable, and renders /metrics.
// Knows no component: each component builds its own <Component>Metrics struct on the registry
// (vault::build_poll_metrics, audit::build_audit_metrics, notify::build_notify_metrics), the
// daemon calls them once (daemon/component_metrics.hpp). Holds the daemon's own families.
#include <prometheus/collectable.h>
#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <memory>
#include <string>
#include <vector>

namespace vw::telemetry {

/// Metrics of the daemon itself (SPEC §4.5) that App sets.
struct SelfMetrics {
  prometheus::Gauge& config_last_reload_successful;
  prometheus::Gauge& config_last_reload_success_timestamp;
};

/// Leader-change metrics (SPEC §4.1).
struct LeaderMetrics {
  prometheus::Counter& changes;        // vaultwatch_leader_changes_total
  prometheus::Gauge& last_change;      // vaultwatch_last_leader_change_timestamp_seconds
};

/// Not thread-safe: io thread only (prometheus-cpp itself is thread-safe, our lists are not).
class Telemetry {
 public:
  Telemetry();

  prometheus::Registry& registry() { return *registry_; }
  /// Adds a collector whose families are appended to every scrape. Kept alive by Telemetry.
  void add(std::shared_ptr<prometheus::Collectable> c);
  void remove(const std::shared_ptr<prometheus::Collectable>& c);

  /// Text format 0.0.4 of everything registered, families sorted by name.
  std::string render() const;
  /// The same families as values (metric rules on our own series read them).
  std::vector<prometheus::MetricFamily> collect() const;

  SelfMetrics& self() { return self_; }
  LeaderMetrics& leader() { return leader_; }

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  std::vector<std::shared_ptr<prometheus::Collectable>> collectables_;
  SelfMetrics self_;
  LeaderMetrics leader_;
  mutable std::size_t last_render_size_ = 0;  // reserve hint for the next scrape
};

/// process_* metrics from /proc/self (resident and virtual memory, CPU, fds, start time).
std::shared_ptr<prometheus::Collectable> make_process_collector();

}  // namespace vw::telemetry
