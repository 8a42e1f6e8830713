#pragma once
// Where a Vault node stands, derived from one sys/health poll (status code first, as Vault
// chooses it). One type for the concept: lib/vault produces it, lib/rules matches on it, the
// status page shows its name.
namespace vw {

enum class NodeState {
  unknown,             // no poll finished yet (never the state of a sample)
  unreachable,         // no HTTP answer with a health body
  active,              // 200
  standby,             // 429
  dr_secondary,        // 472
  performance_standby, // 473
  ha_unhealthy,        // 474
  uninitialized,       // 501
  sealed,              // 503
  removed,             // 530
  other,               // any other status with a health body
};

inline const char* to_string(NodeState s) {
  switch (s) {
    case NodeState::unknown: return "unknown";
    case NodeState::unreachable: return "unreachable";
    case NodeState::active: return "active";
    case NodeState::standby: return "standby";
    case NodeState::dr_secondary: return "dr_secondary";
    case NodeState::performance_standby: return "performance_standby";
    case NodeState::ha_unhealthy: return "ha_unhealthy";
    case NodeState::uninitialized: return "uninitialized";
    case NodeState::sealed: return "sealed";
    case NodeState::removed: return "removed";
    case NodeState::other: return "other";
  }
  return "unknown";
}

}  // namespace vw
