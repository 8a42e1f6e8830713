#include "notify/queue.hpp"

#include <algorithm>

namespace vw::notify {

std::size_t NotificationQueue::push(QueuedNotification n, bool coalesce_resends) {
  if (coalesce_resends && !n.alert.state_change && !n.alert.resolved) {
    // Newest first: the copy to replace, if any, is most likely near the back.
    for (auto it = items_.rbegin(); it != items_.rend(); ++it) {
      if (it->fingerprint == n.fingerprint && !it->alert.state_change && !it->alert.resolved &&
          it->alert.labels == n.alert.labels) {
        // Keep the first enqueue time: the retry budget is that of the oldest undelivered copy.
        n.enqueued_at = std::min(n.enqueued_at, it->enqueued_at);
        *it = std::move(n);
        return 0;
      }
    }
  }
  std::size_t dropped = 0;
  // The in-flight batch counts toward the capacity but is never dropped here.
  while (!items_.empty() && size() >= capacity_) {
    items_.pop_front();
    ++dropped;
  }
  if (size() >= capacity_) return dropped + 1;  // everything is in flight: the new one is dropped
  items_.push_back(std::move(n));
  return dropped;
}

const std::vector<QueuedNotification>& NotificationQueue::take(std::size_t max) {
  const std::size_t n = std::min(max, items_.size());
  in_flight_.clear();
  in_flight_.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    in_flight_.push_back(std::move(items_.front()));
    items_.pop_front();
  }
  return in_flight_;
}

void NotificationQueue::finish() { in_flight_.clear(); }

std::size_t NotificationQueue::put_back() {
  for (auto it = in_flight_.rbegin(); it != in_flight_.rend(); ++it) items_.push_front(std::move(*it));
  in_flight_.clear();
  std::size_t dropped = 0;
  while (items_.size() > capacity_) {
    items_.pop_front();
    ++dropped;
  }
  return dropped;
}

QueuedNotification NotificationQueue::pop_front() {
  QueuedNotification n = std::move(items_.front());
  items_.pop_front();
  return n;
}

std::vector<QueuedNotification> NotificationQueue::snapshot() const {
  std::vector<QueuedNotification> out(in_flight_.begin(), in_flight_.end());
  out.insert(out.end(), items_.begin(), items_.end());
  return out;
}

std::vector<QueuedNotification> NotificationQueue::drain() {
  std::vector<QueuedNotification> out = std::move(in_flight_);
  in_flight_.clear();
  for (auto& n : items_) out.push_back(std::move(n));
  items_.clear();
  return out;
}

}  // namespace vw::notify
