#include "daemon/component_metrics.hpp"

namespace vw::daemon {

namespace {

audit::AuditMetrics audit_metrics(telemetry::Telemetry& t) {
  std::vector<std::shared_ptr<prometheus::Collectable>> owned;
  auto m = audit::build_audit_metrics(owned);
  for (auto& c : owned) t.add(std::move(c));
  return m;
}

}  // namespace

ComponentMetrics::ComponentMetrics(telemetry::Telemetry& telemetry)
    : poll(vault::build_poll_metrics(telemetry.registry())),
      audit(audit_metrics(telemetry)),
      notify(notify::build_notify_metrics(telemetry.registry())) {}

}  // namespace vw::daemon
