#include "vault/node_state_collector.hpp"

#include <prometheus/metric_family.h>

namespace vw::vault {

namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

MetricFamily gauge(std::string name, std::string help, double v,
                   std::vector<prometheus::ClientMetric::Label> labels = {}) {
  MetricFamily f{std::move(name), std::move(help), MetricType::Gauge, {}};
  ClientMetric m;
  m.label = std::move(labels);
  m.gauge.value = v;
  f.metric.push_back(std::move(m));
  return f;
}

}  // namespace

void NodeStateCollector::update(const HealthSample& s) {
  health_ = s;
  if (s.body) {
    if (!s.body->cluster_name.empty()) cluster_name_ = s.body->cluster_name;
    if (!s.body->cluster_id.empty()) cluster_id_ = s.body->cluster_id;
    if (s.body->server_time_utc != 0)
      skew_seconds_ = static_cast<double>(s.body->server_time_utc) - to_unix_seconds(s.at);
  }
}

void NodeStateCollector::update(const LeaderSample& s) { leader_ = s; }

std::vector<MetricFamily> NodeStateCollector::Collect() const {
  std::vector<MetricFamily> out;
  if (!health_) return out;
  const auto& h = *health_;
  out.push_back(gauge("vault_health_up",
                      "1 if the last sys/health poll got a health answer (any status code).",
                      h.answered() ? 1 : 0));
  out.push_back(gauge("vault_health_status_code",
                      "HTTP status of the last sys/health poll; 0 when Vault did not answer.",
                      h.status));
  out.push_back(gauge("vault_up", "1 if Vault answered and is initialized and unsealed.", h.up() ? 1 : 0));
  if (h.body) {
    const auto& b = *h.body;
    out.push_back(gauge("vault_initialized", "1 if Vault is initialized.", b.initialized));
    out.push_back(gauge("vault_sealed", "1 if Vault is sealed.", b.sealed));
    out.push_back(gauge("vault_standby", "1 if this node is a standby.", b.standby));
    out.push_back(gauge("vault_performance_standby", "1 if this node is a performance standby.",
                        b.performance_standby));
    if (!b.replication_dr_mode.empty())
      out.push_back(gauge("vault_replication_dr_mode", "1 for the current DR replication mode.", 1,
                          {{"mode", b.replication_dr_mode}}));
    if (!b.replication_performance_mode.empty())
      out.push_back(gauge("vault_replication_performance_mode",
                          "1 for the current performance replication mode.", 1,
                          {{"mode", b.replication_performance_mode}}));
    out.push_back(gauge("vault_info", "Vault version and cluster identity; always 1.", 1,
                        {{"cluster_id", cluster_id_},
                         {"cluster_name", cluster_name_},
                         {"version", b.version}}));
    if (b.server_time_utc != 0)
      out.push_back(gauge("vault_server_time_skew_seconds",
                          "Vault server_time_utc minus local time at the last health poll.",
                          skew_seconds_));
    if (b.ha_connection_healthy)
      out.push_back(gauge("vault_ha_connection_healthy",
                          "1 if this standby's request-forwarding connection to the active node is healthy.",
                          *b.ha_connection_healthy));
    if (b.last_request_forwarding_heartbeat_ms)
      out.push_back(gauge("vault_last_request_forwarding_heartbeat_seconds",
                          "Seconds since this standby's last request-forwarding heartbeat.",
                          static_cast<double>(*b.last_request_forwarding_heartbeat_ms) / 1000.0));
  }
  if (leader_ && leader_->body)
    out.push_back(gauge("vault_is_leader", "1 if sys/leader says this node is the active node.",
                        leader_->body->is_self));
  return out;
}

}  // namespace vw::vault
