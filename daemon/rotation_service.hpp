#pragma once
// Rotation propagation in the daemon (issue 13 steps 4-5): feeds the pure rotation::Tracker from
// the audit pipeline's decoded entries, keeps its state in state_dir, exports the rotation
// families, answers GET /api/v1/rotation and the status page section, and pushes the rule
// engine's RotationObservation (consumers behind their secret's current version) whenever that
// set can have changed or the tracker's next time-driven change arrives.
//
// Owns the tracker, two timers (state save, next change) and the metrics collector (registered
// with the telemetry it was given, removed in the destructor). Lives as long as App; reload()
// swaps the tracker options and keeps the state of secrets still covered by a configured glob.
// A failed state write is logged and counted (vaultwatch_rotation_state_write_failures_total)
// and retried at the next save; an unreadable state file is logged and ignored (start empty).
// io thread only; stop() is idempotent and writes the state one last time.
#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "audit/entry_view.hpp"
#include "config/config.hpp"
#include "core/time.hpp"
#include "net/net.hpp"
#include "rotation/tracker.hpp"
#include "rules/observations.hpp"
#include "telemetry/telemetry.hpp"
#include "web/status.hpp"

namespace prometheus {
class Histogram;
}
namespace spdlog {
class logger;
}

namespace vw::daemon {

struct RotationServiceOptions {
  rotation::Options tracker;
  std::string state_file;  // "" = no persistence
  /// Changed state is written at most this long after the change (and at stop). A crash loses
  /// at most this much of the reads; see docs/incoming/rotation.md.
  Duration save_delay = std::chrono::seconds(5);
  /// At most this many `path` label values per rotation family; later paths are summed into
  /// path="other" in vaultwatch_rotation_consumers and not exported in the per-secret gauges.
  std::size_t path_label_limit = 100;
  /// The rules' input is rebuilt (O(pairs)) at most this often while entries keep changing it:
  /// a backlog full of stale consumers' reads must not rebuild it per 256 KiB chunk. Far below
  /// any sensible rotation.deadline, so alerts still fire at their deadline.
  Duration min_push_interval = std::chrono::milliseconds(100);
  /// Aged-out consumers are dropped and the next time-driven change looked up (two passes over
  /// every pair) at most this often while entries flow, and at that next change.
  Duration maintenance_interval = std::chrono::seconds(5);
  std::function<SysTime()> clock = [] { return std::chrono::system_clock::now(); };
  bool operator==(const RotationServiceOptions& o) const {
    return tracker == o.tracker && state_file == o.state_file && save_delay == o.save_delay &&
           path_label_limit == o.path_label_limit && min_push_interval == o.min_push_interval &&
           maintenance_interval == o.maintenance_interval;
  }
};

/// config `rotation:` and state_dir -> options (the keys were validated by the config loader:
/// globs that do not compile and unknown consumer keys never get here).
RotationServiceOptions rotation_service_options(const config::Config& c);

class RotationCollector;
class RotationService;

/// What the status page shows of `r` (disabled when null or when rotation.secrets is empty).
web::RotationStatus rotation_view(const RotationService* r);

class RotationService {
 public:
  /// Receives the rules' input (RuleManager::on_rotation).
  using Sink = std::function<void(const rules::RotationObservation&)>;

  RotationService(net::any_io_executor ex, telemetry::Telemetry& telemetry, RotationServiceOptions opts,
                  std::shared_ptr<spdlog::logger> log, Sink sink);
  ~RotationService();
  RotationService(const RotationService&) = delete;
  RotationService& operator=(const RotationService&) = delete;

  /// Restores the saved state and pushes the first observation (before the audit tailer runs,
  /// so the rules see the restored consumers before any new entry).
  void start();
  void stop();
  /// New options (rotation.* or state_dir changed): tracked secrets whose glob is still
  /// configured (or whose path matches a new glob) keep their consumers; the rest are dropped.
  void reload(RotationServiceOptions opts);

  /// Every decoded, non-skipped audit entry (the audit pipeline's view tap, after the rules' sink).
  /// Hot path: returns at once for entries that are not KV v2 responses of a tracked secret.
  void on_entry(const audit::AuditEntryView& e);
  /// The same entry before the rules' sink (Tracker::prepare): optional, makes on_entry cheaper.
  void prepare(const audit::AuditEntryView& e) { tracker_.prepare(e); }

  bool enabled() const { return !opts_.tracker.secrets.empty(); }
  /// GET /api/v1/rotation body (envelope included).
  std::string api_json() const;
  /// Every tracked secret at now (status page).
  std::vector<rotation::SecretStatus> status() const;
  /// The rules' input at `now` (public for tests).
  rules::RotationObservation observation(SysTime now) const;

 private:
  void restore();
  void changed();
  void flush();
  void schedule_wake(SysTime now);
  void schedule_save();
  void save();

  net::any_io_executor ex_;
  telemetry::Telemetry& telemetry_;
  RotationServiceOptions opts_;
  std::shared_ptr<spdlog::logger> log_;
  Sink sink_;
  rotation::Tracker tracker_;
  std::shared_ptr<RotationCollector> collector_;
  prometheus::Histogram& pickup_;
  net::steady_timer wake_;
  net::steady_timer save_timer_;
  net::steady_timer push_timer_;
  net::steady_timer::time_point last_push_{};
  net::steady_timer::time_point last_maintenance_{};
  bool push_armed_ = false;
  bool save_armed_ = false;
  bool dirty_ = false;
  bool running_ = false;
  std::string last_save_error_;
};

}  // namespace vw::daemon
