#pragma once
// The daemon's state for people and scripts: GET /api/v1/status (JSON) and GET / (HTML).
// App fills a StatusSnapshot from its components on each request; rendering is pure.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/alert.hpp"
#include "core/poll_record.hpp"
#include "core/receiver_status.hpp"
#include "core/rotation_status.hpp"
#include "core/time.hpp"

namespace vw::web {

struct VaultStatus {
  std::string address;
  std::string state = "unknown";  // vault::NodeState name: active, standby, sealed, unreachable, ...
  std::string version;
  std::string cluster_name;
  std::optional<bool> is_leader;
  std::string leader_address;
  std::optional<double> clock_skew_seconds;
  std::vector<PollRecord> polls;  // core/poll_record.hpp, as lib/vault keeps them
};

struct AuditStatus {
  bool enabled = false;
  std::string path;
  std::uint64_t device = 0;
  std::uint64_t inode = 0;
  std::uint64_t offset = 0;
  std::uint64_t size = 0;
  std::uint64_t lag_bytes = 0;
  std::uint64_t lines_total = 0;
  std::uint64_t entries_total = 0;
  std::uint64_t decode_errors_total = 0;
  std::uint64_t rotations_total = 0;
  double entries_per_second_1m = 0;  // entries counted in the last 1m (5m) / 60 s (300 s):
  double entries_per_second_5m = 0;  // see core/counter_rate.hpp
  std::optional<SysTime> last_entry_time;
  std::string state;               // e.g. "following", "waiting for file", "error: ..."
};

/// One notification receiver (core/receiver_status.hpp, as lib/notify reports it).
using ReceiverStatus = vw::ReceiverStatus;

/// One pending or firing alert, as the status page shows it.
struct AlertView {
  Labels labels;
  Labels annotations;
  std::string state;  // pending | firing
  SysTime active_at{};
  double value = 0;
  /// For audit alerts: the last matching event (time, type, operation, path, display_name,
  /// entity_id, policies, remote_address, namespace, error); never HMAC'd fields.
  std::map<std::string, std::string> last_event;
};

/// Rotation propagation (issue 13) as the status page shows it: per tracked secret, its counts
/// and the consumers not on the current version (at most `max_listed` of them).
struct RotationStatus {
  static constexpr std::size_t max_listed = 10;  // consumers per secret; and secrets: max_secrets
  static constexpr std::size_t max_secrets = 50;
  bool enabled = false;                     // rotation.secrets is set
  /// Those with stale consumers first; at most max_secrets. Each one's `consumers` holds only the
  /// ones behind (stale first, then pending), at most max_listed; its counts cover every one.
  std::vector<rotation::SecretStatus> secrets;
  std::size_t secrets_total = 0;
  std::size_t pairs = 0;
};

/// One behavioural detector (a new_value or baseline_rate rule, issue 14): what it has learnt
/// (rules::LearntStats of Engine::learnt_stats).
struct DetectorStatus {
  std::string rule;
  std::uint64_t values = 0;   // learnt values (new_value) or keys with a baseline (baseline_rate)
  std::uint64_t evicted = 0;  // dropped for max_values
  bool learning = false;      // still in its learning period: cannot fire yet
  bool operator==(const DetectorStatus&) const = default;
};

struct StatusSnapshot {
  std::string version;
  std::string revision;
  std::string config_path;   // "" = built-in defaults
  std::string metrics_path = "/metrics";  // server.telemetry_path, for the page's links
  SysTime started{};
  std::optional<SysTime> last_reload;
  bool last_reload_ok = true;
  std::string last_reload_error;
  bool ready = false;
  VaultStatus vault;
  AuditStatus audit;
  std::vector<ReceiverStatus> receivers;
  std::vector<AlertView> alerts;
  RotationStatus rotation;
  std::vector<DetectorStatus> behaviour;  // by rule name
};

/// JSON for GET /api/v1/status in the API envelope ({"status":"success","data":{...}}, like
/// /api/v1/alerts and Prometheus' API); alerts are not repeated there: see /api/v1/alerts.
std::string render_status_json(const StatusSnapshot& s, SysTime now);
/// The HTML status page: no JavaScript, no external assets, refreshes itself every 10 s.
std::string render_status_html(const StatusSnapshot& s, SysTime now);

}  // namespace vw::web
