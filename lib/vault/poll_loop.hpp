#pragma once
// The timer loop every Vault poller runs on, and the per-endpoint poll metrics they share.
#include <boost/asio/steady_timer.hpp>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "core/duration.hpp"
#include "core/poll_record.hpp"
#include "net/net.hpp"

namespace spdlog {
class logger;
}

namespace vw::vault {

/// SPEC §4.1 poll metrics, shared by all pollers; `endpoint` is health, leader, metrics, token
/// or secrets. Built once (build_poll_metrics). Also keeps the last PollRecord per endpoint
/// (for /api/v1/status and the status page).
/// Not thread-safe: io thread only.
struct PollMetrics {
  prometheus::Family<prometheus::Histogram>& duration;   // vaultwatch_poll_duration_seconds
  prometheus::Family<prometheus::Counter>& errors;       // vaultwatch_poll_errors_total
  prometheus::Family<prometheus::Gauge>& last_success;   // ..._last_successful_poll_timestamp_seconds
  std::map<std::string, PollRecord> records = {};

  /// Records one poll: its duration and, when it failed, the reason.
  void record(const std::string& endpoint, double seconds, const std::string& error_reason,
              double now_unix, unsigned http_status = 0, const std::string& error = {});
};

/// Registers the poll families (SPEC §4.1) on `registry`; they live as long as it does.
PollMetrics build_poll_metrics(prometheus::Registry& registry);

/// Runs `once` immediately on start() and then every `interval` (plus up to 5% jitter so that
/// many vaultwatch instances restarted together do not poll in lockstep) until stop().
/// A poll that throws is logged and the loop goes on. Owns its timer; io thread only.
/// `once` receives the loop's stop flag: after each of its own suspensions it must return
/// without touching its owner when the flag is set (the owner may be gone, e.g. on reload).
class PollLoop {
 public:
  using StopFlag = std::shared_ptr<const bool>;
  using Once = std::function<net::awaitable<void>(StopFlag)>;
  PollLoop(net::any_io_executor ex, std::string name, Duration interval,
           std::shared_ptr<spdlog::logger> log, Once once);
  ~PollLoop();
  void start();
  void stop();  // idempotent; an in-flight poll finishes (bounded by the request timeout)
  /// Polls now instead of at the next tick (no-op when stopped or a poll is running).
  void trigger();

 private:
  net::awaitable<void> run(std::shared_ptr<bool> stopped);
  net::any_io_executor ex_;
  std::string name_;
  Duration interval_;
  std::shared_ptr<spdlog::logger> log_;
  Once once_;
  net::steady_timer timer_;
  std::shared_ptr<bool> stopped_ = std::make_shared<bool>(true);
};

}  // namespace vw::vault
