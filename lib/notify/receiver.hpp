#pragma once
// One delivery target (an Alertmanager or a webhook): its bounded queue, its delivery loop, its
// retry state, its spool and its metrics. Every receiver runs on its own, so a receiver that
// hangs or is down never delays another (SPEC §6).
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/duration.hpp"
#include "core/receiver_status.hpp"
#include "net/net.hpp"
#include "notify/backoff.hpp"
#include "notify/metrics.hpp"
#include "notify/queue.hpp"
#include "notify/sender.hpp"
#include "notify/spool.hpp"

namespace spdlog {
class logger;
}

namespace vw::notify {

struct ReceiverOptions {
  std::string label;                      // the `receiver` label value
  std::size_t queue_capacity = 10000;
  Duration max_retry_duration = std::chrono::hours(1);  // retrying senders: budget per notification
  BackoffPolicy backoff;
  std::optional<Spool> spool;             // retrying senders (webhooks): their spool file
  Duration spool_delay = std::chrono::seconds(1);  // how long a change may stay off disk
};

/// What /api/v1/status shows per receiver (core/receiver_status.hpp).
using ReceiverStatus = vw::ReceiverStatus;

/// Owns its queue and delivery loop (a coroutine that shares the receiver's state, so it can
/// outlive the Receiver object by one resumption and then ends). The loop takes a batch (64 for
/// Alertmanager, 1 for a webhook), sends it, and reads the Sender's verdict: delivered → next;
/// retry → back to the front of the queue and wait (exponential backoff with jitter; a
/// notification older than max_retry_duration is given up and counted as dropped); reject →
/// counted and gone. A request that hangs holds only its own receiver, for at most its timeout.
/// With a spool, any change to the queue reaches the file within spool_delay (atomic replace),
/// and stop() writes it at once: what is not delivered survives a restart.
/// Not thread-safe: io thread only. stop() is idempotent; the destructor calls it.
class Receiver {
 public:
  Receiver(net::any_io_executor ex, std::unique_ptr<Sender> sender, ReceiverOptions opts,
           NotifyMetrics& metrics, std::shared_ptr<spdlog::logger> log);
  ~Receiver();
  Receiver(const Receiver&) = delete;
  Receiver& operator=(const Receiver&) = delete;

  /// Starts the loop; `initial` (from the spool or the receiver this one replaces) goes first.
  void start(std::vector<QueuedNotification> initial);
  /// Queues one notification (if the sender wants it) and wakes the loop. Never blocks.
  void push(const QueuedNotification& n);
  /// Keeps delivering until the queue is empty or `deadline`, but gives up at once while
  /// backing off after a failure; then stops as stop() does.
  void shutdown(std::chrono::steady_clock::time_point deadline);
  /// Stops now: a request in flight is cancelled (its notification stays undelivered); with a
  /// spool, everything undelivered is written to it; without, it is counted as dropped.
  void stop();
  /// Empties the queue (in flight included) for a successor with the same label, which then
  /// owns the spool file too; call stop() afterwards.
  std::vector<QueuedNotification> take_pending();
  /// Deletes this receiver's series (it is gone from the configuration).
  void remove_series();

  ReceiverStatus status() const;
  const std::string& label() const;
  const char* kind() const;
  bool finished() const;

  struct Core;

 private:
  std::shared_ptr<Core> core_;
};

}  // namespace vw::notify
