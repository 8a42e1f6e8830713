#pragma once
// sys/health and sys/leader as values, and their pure decoders (fixture-tested).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/node_state.hpp"
#include "core/result.hpp"
#include "core/time.hpp"

namespace vw::vault {

/// The body of GET /v1/sys/health (Vault sends it with every status code it chooses).
struct HealthBody {
  bool initialized = false;
  bool sealed = false;
  bool standby = false;
  bool performance_standby = false;
  std::string replication_performance_mode;  // "" when absent (old Vault)
  std::string replication_dr_mode;
  std::int64_t server_time_utc = 0;          // unix seconds, 0 when absent
  std::string version;
  std::string cluster_name;                  // absent when sealed or redacted
  std::string cluster_id;
  bool enterprise = false;
  std::int64_t clock_skew_ms = 0;
  std::int64_t echo_duration_ms = 0;
  std::optional<bool> removed_from_cluster;              // raft HA only (1.19+)
  std::optional<bool> ha_connection_healthy;             // standbys only (1.19+)
  std::optional<std::int64_t> last_request_forwarding_heartbeat_ms;  // standbys only
  bool operator==(const HealthBody&) const = default;
};

/// Decodes a health body. Fails (as data) when the body is not a JSON object carrying at least
/// `initialized` and `sealed` booleans, e.g. Vault's `{"errors":[]}` on a 400/500 or an HTML
/// error page from a proxy. Unknown keys are ignored. Pure; never throws.
result<HealthBody> decode_health(std::string_view body);

/// Where a node stands (core/node_state.hpp): HealthSample::state() derives it.
using NodeState = vw::NodeState;
using vw::to_string;

/// One health poll: when it finished, the HTTP status (0 = no answer), the decoded body when
/// there was one, and why not otherwise.
struct HealthSample {
  SysTime at{};
  unsigned status = 0;
  std::optional<HealthBody> body;
  std::string error;         // empty on success; a reason for logs (never a header value)
  std::string error_reason;  // vaultwatch_poll_errors_total reason, "" on success

  bool answered() const { return body.has_value(); }
  /// vault_up: answered, initialized and unsealed.
  bool up() const { return body && body->initialized && !body->sealed; }
  NodeState state() const;
  bool operator==(const HealthSample&) const = default;
};

/// The body of GET /v1/sys/leader.
struct LeaderBody {
  bool ha_enabled = false;
  bool is_self = false;
  std::string leader_address;
  std::string leader_cluster_address;
  bool performance_standby = false;
  std::string active_time;  // RFC 3339, "" when unknown
  bool operator==(const LeaderBody&) const = default;
};

/// Decodes a leader body (a JSON object with `ha_enabled` and `is_self`). Pure; never throws.
result<LeaderBody> decode_leader(std::string_view body);

struct LeaderSample {
  SysTime at{};
  unsigned status = 0;
  std::optional<LeaderBody> body;
  std::string error;
  std::string error_reason;
  bool operator==(const LeaderSample&) const = default;
};

/// Detects leader changes across leader polls: a change is a non-empty leader_address that
/// differs from the last non-empty one seen. The first address seen is not a change, and
/// neither is a poll without an address (sealed, unreachable, no HA).
class LeaderTracker {
 public:
  /// Returns true when this sample shows a new leader.
  bool observe(const LeaderSample& s);
  const std::string& leader() const { return leader_; }

 private:
  std::string leader_;
};

}  // namespace vw::vault
