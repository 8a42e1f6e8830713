#include "notify/metrics.hpp"

namespace vw::notify {

NotifyMetrics build_notify_metrics(prometheus::Registry& r) {
  return NotifyMetrics{
      prometheus::BuildCounter()
          .Name("vaultwatch_notifications_total")
          .Help("Alert notifications by receiver and outcome: sent (delivered), failed (a delivery "
                "attempt without a 2xx answer), dropped (given up).")
          .Register(r),
      prometheus::BuildGauge()
          .Name("vaultwatch_notification_queue_length")
          .Help("Notifications waiting for or in delivery, by receiver.")
          .Register(r),
      prometheus::BuildHistogram()
          .Name("vaultwatch_notification_latency_seconds")
          .Help("Duration of notification delivery requests, by receiver.")
          .Register(r),
  };
}

}  // namespace vw::notify
