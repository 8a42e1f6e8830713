#pragma once
// SPEC §4.5 notification metrics. Built once (telemetry calls build_notify_metrics); every
// receiver adds its own children. Not thread-safe: io thread only.
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

namespace vw::notify {

struct NotifyMetrics {
  /// vaultwatch_notifications_total{receiver,outcome}: outcome sent (delivered), failed (a
  /// delivery attempt that did not get a 2xx), dropped (given up: queue overflow, a webhook's 4xx,
  /// retry budget spent, Alertmanager queue left at shutdown). Unit: alerts.
  prometheus::Family<prometheus::Counter>& notifications;
  /// vaultwatch_notification_queue_length{receiver}: waiting plus in flight.
  prometheus::Family<prometheus::Gauge>& queue_length;
  /// vaultwatch_notification_latency_seconds{receiver}: duration of each delivery request.
  prometheus::Family<prometheus::Histogram>& latency;
};

NotifyMetrics build_notify_metrics(prometheus::Registry& registry);

}  // namespace vw::notify
