#pragma once
// What the rule engine is fed: small value structs, independent of the components that produce
// them (lib/vault pollers, the audit tailer, the sys/metrics and token/secret pollers), so that
// lib/rules depends on nothing but core. The daemon converts at the edge.
#include <cstdint>
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

/// Rotation propagation (issue 13): per tracked secret, the consumers that are behind the current
/// version with a deadline (pending with one, or already stale) and not aged out. Consumers on
/// the current version are left out: the rule only needs the ones that can make it fire, and
/// the daemon pushes this snapshot whenever that set changes.
struct RotationConsumer {
  std::string identity;
  std::string remote_address;
  std::uint64_t last_version = 0;
  SysTime last_read{};
  SysTime due{};       // its deadline: stale from then on
  SysTime ages_out{};  // last_read + consumer_window: no longer a consumer from then on
  bool operator==(const RotationConsumer&) const = default;
};

struct RotationSecret {
  std::string path;  // namespace path + KV v2 data path
  std::uint64_t version = 0;
  bool deleted = false;  // the current version is soft-deleted: nobody can read it, nobody is stale
  std::vector<RotationConsumer> behind;
  bool operator==(const RotationSecret&) const = default;
};

struct RotationObservation {
  std::vector<RotationSecret> secrets;
  bool operator==(const RotationObservation&) const = default;
};

}  // namespace vw::rules
