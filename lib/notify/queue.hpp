#pragma once
// One receiver's bounded queue of notifications waiting for delivery. Pure data structure
// (no I/O, no clock): the receiver decides when to take a batch and what to do with it.
#include <cstdint>
#include <deque>
#include <vector>

#include "core/alert.hpp"

namespace vw::notify {

/// A notification as a receiver holds it: normalized labels, the fingerprint computed once, and
/// when it entered the notifier (the webhook retry budget, max_retry_duration, counts from
/// there, across restarts too: the spool keeps it).
struct QueuedNotification {
  AlertNotification alert;
  std::uint64_t fingerprint = 0;
  SysTime enqueued_at{};
  bool operator==(const QueuedNotification&) const = default;
};

/// FIFO with a capacity. When full, the oldest waiting notification is dropped to make room for
/// the new one (newer information wins, as in Prometheus' notifier); the caller counts the drops.
/// A batch taken for delivery leaves the queue (it is "in flight") and is either finished or
/// put back at the front; putting back into a queue that filled up meanwhile drops from the
/// front, i.e. the oldest, which is the batch itself.
/// Not thread-safe: io thread only.
class NotificationQueue {
 public:
  explicit NotificationQueue(std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

  /// Appends `n`; returns how many notifications were dropped to make room (0 or 1). With
  /// `coalesce_resends`, a periodic re-send of a firing alert replaces a re-send of the same
  /// alert (same fingerprint) that is still waiting, in place, instead of queueing a second
  /// copy: a receiver that is down for an hour then gets one copy per alert, not sixty.
  std::size_t push(QueuedNotification n, bool coalesce_resends);

  /// Moves up to `max` notifications from the front into the in-flight batch and returns it.
  /// Requires no batch in flight.
  const std::vector<QueuedNotification>& take(std::size_t max);
  /// The in-flight batch was delivered or given up: forget it.
  void finish();
  /// The in-flight batch is to be tried again: back to the front. Returns how many were dropped
  /// because the queue is over capacity.
  std::size_t put_back();
  /// Removes the first waiting notification (to give it up); requires one.
  QueuedNotification pop_front();

  const std::vector<QueuedNotification>& in_flight() const { return in_flight_; }
  const std::deque<QueuedNotification>& waiting() const { return items_; }
  /// Waiting + in flight.
  std::size_t size() const { return items_.size() + in_flight_.size(); }
  bool empty() const { return size() == 0; }
  std::size_t capacity() const { return capacity_; }
  /// Everything, in flight first (for the spool and for handing over on reload).
  std::vector<QueuedNotification> snapshot() const;
  /// Empties the queue (in flight included) and returns what it held, in flight first.
  std::vector<QueuedNotification> drain();

 private:
  std::size_t capacity_;
  std::deque<QueuedNotification> items_;
  std::vector<QueuedNotification> in_flight_;
};

}  // namespace vw::notify
