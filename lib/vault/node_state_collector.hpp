#pragma once
// SPEC §4.1 Vault node-state gauges, rebuilt from the latest samples at every scrape.
#include <prometheus/collectable.h>

#include <optional>
#include <string>

#include "vault/health.hpp"

namespace vw::vault {

/// Exports vault_health_up, vault_health_status_code, vault_up, vault_initialized, vault_sealed,
/// vault_standby, vault_performance_standby, vault_replication_*_mode{mode}, vault_info,
/// vault_server_time_skew_seconds, vault_ha_connection_healthy,
/// vault_last_request_forwarding_heartbeat_seconds and vault_is_leader.
/// A custom Collectable (not registry gauges) because label values such as the version or the
/// replication mode change, and a rebuilt family never leaves a stale series behind.
/// Nothing is exported before the first health poll finishes. Gauges that come from the body
/// are absent while Vault does not answer; vault_health_up, vault_health_status_code and
/// vault_up are always present after the first poll.
/// Not thread-safe: update and Collect on the io thread.
class NodeStateCollector : public prometheus::Collectable {
 public:
  void update(const HealthSample& s);
  void update(const LeaderSample& s);
  std::vector<prometheus::MetricFamily> Collect() const override;

  const std::optional<HealthSample>& last_health() const { return health_; }
  const std::optional<LeaderSample>& last_leader() const { return leader_; }
  const std::string& cluster_name() const { return cluster_name_; }
  /// Vault's clock minus ours at the last health answer that carried server_time_utc.
  std::optional<double> clock_skew_seconds() const {
    if (!health_ || !health_->body || health_->body->server_time_utc == 0) return std::nullopt;
    return skew_seconds_;
  }

 private:
  std::optional<HealthSample> health_;
  std::optional<LeaderSample> leader_;
  // Sealed nodes omit cluster_name/cluster_id: keep the last ones seen so vault_info keeps its
  // identity across a seal.
  std::string cluster_name_, cluster_id_;
  double skew_seconds_ = 0;
};

}  // namespace vw::vault
