#include "vault/health.hpp"

#include <nlohmann/json.hpp>

#include "core/json_number.hpp"

namespace vw::vault {

using nlohmann::json;

namespace {

template <class T>
void get_if(const json& j, const char* key, T& out) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return;
  if constexpr (std::is_same_v<T, bool>) {
    if (it->is_boolean()) out = it->get<bool>();
  } else if constexpr (std::is_same_v<T, std::string>) {
    if (it->is_string()) out = it->get<std::string>();
  } else {
    if (auto v = json_integer<T>(*it)) out = *v;
  }
}

template <class T>
void get_opt(const json& j, const char* key, std::optional<T>& out) {
  if (j.contains(key) && !j[key].is_null()) {
    T v{};
    get_if(j, key, v);
    out = v;
  }
}

}  // namespace

result<HealthBody> decode_health(std::string_view body) {
  auto j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return make_error("health body is not JSON");
  if (!j.is_object()) return make_error("health body is not a JSON object");
  auto init = j.find("initialized");
  auto sealed = j.find("sealed");
  if (init == j.end() || !init->is_boolean() || sealed == j.end() || !sealed->is_boolean())
    return make_error("health body lacks initialized/sealed");
  HealthBody h;
  get_if(j, "initialized", h.initialized);
  get_if(j, "sealed", h.sealed);
  get_if(j, "standby", h.standby);
  get_if(j, "performance_standby", h.performance_standby);
  get_if(j, "replication_performance_mode", h.replication_performance_mode);
  get_if(j, "replication_dr_mode", h.replication_dr_mode);
  get_if(j, "server_time_utc", h.server_time_utc);
  get_if(j, "version", h.version);
  get_if(j, "cluster_name", h.cluster_name);
  get_if(j, "cluster_id", h.cluster_id);
  get_if(j, "enterprise", h.enterprise);
  get_if(j, "clock_skew_ms", h.clock_skew_ms);
  get_if(j, "echo_duration_ms", h.echo_duration_ms);
  get_opt(j, "removed_from_cluster", h.removed_from_cluster);
  get_opt(j, "ha_connection_healthy", h.ha_connection_healthy);
  get_opt(j, "last_request_forwarding_heartbeat_ms", h.last_request_forwarding_heartbeat_ms);
  return h;
}

NodeState HealthSample::state() const {
  if (!body) return NodeState::unreachable;
  switch (status) {
    case 200: return NodeState::active;
    case 429: return NodeState::standby;
    case 472: return NodeState::dr_secondary;
    case 473: return NodeState::performance_standby;
    case 474: return NodeState::ha_unhealthy;
    case 501: return NodeState::uninitialized;
    case 503: return NodeState::sealed;
    case 530: return NodeState::removed;
    default: break;
  }
  // A proxy may have rewritten the code: fall back to the body, in Vault's precedence order.
  if (!body->initialized) return NodeState::uninitialized;
  if (body->removed_from_cluster.value_or(false)) return NodeState::removed;
  if (body->sealed) return NodeState::sealed;
  return NodeState::other;
}

result<LeaderBody> decode_leader(std::string_view body) {
  auto j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return make_error("leader body is not a JSON object");
  if (!j.contains("ha_enabled") || !j["ha_enabled"].is_boolean())
    return make_error("leader body lacks ha_enabled");
  LeaderBody l;
  get_if(j, "ha_enabled", l.ha_enabled);
  get_if(j, "is_self", l.is_self);
  get_if(j, "leader_address", l.leader_address);
  get_if(j, "leader_cluster_address", l.leader_cluster_address);
  get_if(j, "performance_standby", l.performance_standby);
  get_if(j, "active_time", l.active_time);
  return l;
}

bool LeaderTracker::observe(const LeaderSample& s) {
  if (!s.body || s.body->leader_address.empty()) return false;
  const auto& addr = s.body->leader_address;
  if (leader_.empty()) {
    leader_ = addr;
    return false;
  }
  if (addr == leader_) return false;
  leader_ = addr;
  return true;
}

}  // namespace vw::vault
