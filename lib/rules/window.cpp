#include "rules/window.hpp"

#include <algorithm>

namespace vw::rules {

SlidingWindow::SlidingWindow(Duration width, std::size_t threshold)
    : width_(width),
      threshold_(std::max<std::size_t>(threshold, 1)),
      bucket_ms_(std::max<std::int64_t>(width.count() / static_cast<std::int64_t>(bucket_count), 1)) {}

std::int64_t SlidingWindow::bucket_of(SysTime t) const {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  // floor division (times before 1970 do not occur, but be exact anyway)
  return ms >= 0 ? ms / bucket_ms_ : -((-ms + bucket_ms_ - 1) / bucket_ms_);
}

void SlidingWindow::add(SysTime t) {
  recent_.push_back(t);
  if (recent_.size() > threshold_) recent_.pop_front();
  auto b = bucket_of(t);
  if (!buckets_.empty() && buckets_.back().first >= b)
    ++buckets_.back().second;  // same bucket (or a clock step backwards: keep it bounded)
  else
    buckets_.emplace_back(b, 1);
  while (buckets_.size() > bucket_count + 1) buckets_.pop_front();
}

bool SlidingWindow::holds(SysTime now) const {
  return recent_.size() >= threshold_ && recent_.front() + width_ > now;
}

std::optional<SysTime> SlidingWindow::holds_until(SysTime now) const {
  if (!holds(now)) return std::nullopt;
  return recent_.front() + width_;
}

std::optional<SysTime> SlidingWindow::hold_end() const {
  if (recent_.size() < threshold_) return std::nullopt;
  return recent_.front() + width_;
}

std::uint64_t SlidingWindow::count(SysTime now) const {
  std::uint64_t exact = 0;
  for (auto t : recent_)
    if (t + width_ > now) ++exact;
  // Fewer than `threshold` of the last `threshold` events are in the window: then every event
  // in the window is among them, and the count is exact.
  if (exact < threshold_) return exact;
  const auto oldest_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>((now - width_).time_since_epoch()).count();
  std::uint64_t approx = 0;
  for (const auto& [b, n] : buckets_)
    if ((b + 1) * bucket_ms_ > oldest_ms + 1) approx += n;  // bucket ends after the window start
  return std::max<std::uint64_t>(exact, approx);
}

bool SlidingWindow::expire(SysTime now) {
  while (!recent_.empty() && recent_.front() + width_ <= now) recent_.pop_front();
  const auto oldest_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>((now - width_).time_since_epoch()).count();
  while (!buckets_.empty() && (buckets_.front().first + 1) * bucket_ms_ <= oldest_ms + 1)
    buckets_.pop_front();
  return recent_.empty();
}

SlidingWindow::Saved SlidingWindow::save() const {
  return Saved{{recent_.begin(), recent_.end()}, {buckets_.begin(), buckets_.end()}};
}

void SlidingWindow::restore(const Saved& s) {
  recent_.assign(s.recent.begin(), s.recent.end());
  while (recent_.size() > threshold_) recent_.pop_front();
  buckets_.assign(s.buckets.begin(), s.buckets.end());
  while (buckets_.size() > bucket_count + 1) buckets_.pop_front();
}

}  // namespace vw::rules
