#pragma once
// What the rule engine is fed: small value structs, independent of the components that produce
// them (lib/vault pollers, the audit tailer, the sys/metrics and token/secret pollers), so that
// lib/rules depends on nothing but core. The daemon converts at the edge.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/alert.hpp"
#include "core/duration.hpp"
#include "core/node_state.hpp"
#include "core/time.hpp"

namespace vw::rules {

/// The node state of one sys/health poll (core/node_state.hpp; never `unknown` here).
using NodeState = vw::NodeState;

struct HealthObservation {
  NodeState state = NodeState::unreachable;
  unsigned status = 0;                  // HTTP status, 0 when there was no answer
  std::string version;                  // "" when unknown
  std::optional<double> skew_seconds;   // Vault server_time_utc minus local time
  bool operator==(const HealthObservation&) const = default;
};

struct LeaderObservation {
  std::string leader_address;  // "" when sys/leader gave none (sealed, no HA, unreachable)
  bool operator==(const LeaderObservation&) const = default;
};

/// One sample of a Prometheus family (counters, gauges, untyped; histogram/summary parts under
/// their suffixed names).
struct MetricSample {
  std::string name;
  Labels labels;
  double value = 0;
  bool operator==(const MetricSample&) const = default;
};

/// Where a metric snapshot came from: each source replaces only its own previous snapshot.
enum class MetricSource { vault, self };

/// One watched KV v2 secret (vault.secrets), as last read from its metadata.
struct SecretAge {
  std::string path;      // "<mount>/<secret path>" as configured
  SysTime updated_at{};  // metadata updated_time (the current version's creation)
  Duration max_age{0};
  bool operator==(const SecretAge&) const = default;
};

/// The monitor token's lookup-self result.
struct TokenTtl {
  bool valid = true;              // false: lookup-self says the token is invalid/expired
  std::optional<Duration> ttl;    // remaining TTL; nullopt for a token that never expires
  /// Who the monitor token is (lookup-self's entity_id and display_name): the behavioural
  /// rules do not learn from the daemon's own requests. "" when unknown.
  std::string entity_id;
  std::string display_name;
  bool operator==(const TokenTtl&) const = default;
};

}  // namespace vw::rules
