#pragma once
// What the status page (GET /) and GET /api/v1/status show, gathered from the components on
// each request: App hands over what it owns, this builds the web::StatusSnapshot that lib/web
// renders. Also the audit entry rate the page shows, sampled on a timer.
#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "audit/pipeline.hpp"
#include "core/counter_rate.hpp"
#include "core/time.hpp"
#include "net/net.hpp"
#include "notify/notifier.hpp"
#include "http/server.hpp"
#include "rules/rule_manager.hpp"
#include "daemon/component_metrics.hpp"
#include "daemon/rotation_service.hpp"
#include "vault/node_state_collector.hpp"
#include "web/status.hpp"

namespace vw::daemon {

/// Audit entries per second over the last 1m and 5m (core/counter_rate.hpp): samples the entry
/// total every 5 s. Owns its timer; io thread only; stop() is idempotent.
class EntryRate {
 public:
  EntryRate(net::any_io_executor ex, std::function<double()> total)
      : timer_(std::move(ex)), total_(std::move(total)) {}
  /// Takes a sample now and every 5 s until stop().
  void start();
  void stop() { timer_.cancel(); }
  /// Entries per second over `window` (1m or 5m) ending now.
  double per_second(Duration window) const;

 private:
  boost::asio::steady_timer timer_;
  std::function<double()> total_;
  CounterRate rate_;
};

/// Everything the status shows, borrowed from App for one request. Null components are absent
/// (audit tailing off, not started yet).
struct StatusSources {
  std::string vault_address;
  std::string config_path;  // "" = built-in defaults
  SysTime started{};
  std::optional<SysTime> last_reload;
  std::string last_reload_error;  // "" when the last reload succeeded
  bool ready = false;
  const vault::NodeStateCollector* node_state = nullptr;
  const ComponentMetrics* metrics = nullptr;
  const audit::AuditPipeline* audit = nullptr;
  double audit_entries_per_second_1m = 0;
  double audit_entries_per_second_5m = 0;
  const notify::Notifier* notifier = nullptr;
  const rules::RuleManager* rules = nullptr;
  const RotationService* rotation = nullptr;
};

web::StatusSnapshot status_snapshot(const StatusSources& in);

/// The one line systemd shows (`systemctl status`): the Vault node's state as last polled
/// (`polled` false: none yet) and where the server answers (null: not bound yet).
std::string status_line(const std::string& vault_address, bool polled, vault::NodeState state,
                        const http::Server* server, bool tls);

/// The pending and firing alerts as the status page shows them (RuleManager::active_alerts'
/// order), with the last matching audit event's displayable fields.
std::vector<web::AlertView> alert_views(const rules::RuleManager* rules);

/// Each behavioural rule's learnt state (Engine::learnt_stats at `now`), by rule name.
std::vector<web::DetectorStatus> detector_views(const rules::RuleManager* rules, SysTime now);

}  // namespace vw::daemon
