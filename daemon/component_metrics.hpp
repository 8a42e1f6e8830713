#pragma once
// Every component's <Component>Metrics struct, built once on the daemon's telemetry: the only
// place that knows which components export what (lib/telemetry knows none of them).
#include "audit/audit_metrics.hpp"
#include "notify/metrics.hpp"
#include "telemetry/telemetry.hpp"
#include "vault/poll_loop.hpp"

namespace vw::daemon {

/// Lives as long as App (the families are registered with `telemetry`, which must outlive it).
struct ComponentMetrics {
  explicit ComponentMetrics(telemetry::Telemetry& telemetry);
  vault::PollMetrics poll;
  audit::AuditMetrics audit;
  notify::NotifyMetrics notify;
};

}  // namespace vw::daemon
