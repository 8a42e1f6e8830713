#pragma once
// The sliding window of audit threshold rules ("20 matching entries within 5m").
#include <cstdint>
#include <deque>
#include <optional>
#include <utility>
#include <vector>

#include "core/duration.hpp"
#include "core/time.hpp"

namespace vw::rules {

/// Counts events in a sliding window of fixed width with bounded memory, whatever the rate:
/// - the exact times of the most recent `threshold` events decide "at least threshold events in
///   (now - width, now]" exactly, and when that stops being true;
/// - 64 buckets count everything for {{ $count }}, exact while the count is below the threshold
///   and otherwise exact to within one bucket (width / 64) at the window's old edge.
/// Why not keep every timestamp: a client hammering Vault with denied requests at 10k/s would
/// make a 5m window hold 3 million of them.
/// Events must be added in non-decreasing time order (the engine passes its own `now`).
class SlidingWindow {
 public:
  static constexpr std::size_t bucket_count = 64;

  SlidingWindow(Duration width, std::size_t threshold);

  void add(SysTime t);
  /// At least `threshold` events in (now - width, now].
  bool holds(SysTime now) const;
  /// When holds() turns false if no further event arrives; nullopt when it does not hold now.
  std::optional<SysTime> holds_until(SysTime now) const;
  /// When the condition stops (or stopped) holding if no further event arrives: the time the
  /// threshold-th most recent event leaves the window; nullopt with fewer events than that.
  std::optional<SysTime> hold_end() const;
  /// Events in (now - width, now].
  std::uint64_t count(SysTime now) const;
  /// Drops what fell out of the window; true when nothing is left.
  bool expire(SysTime now);

  // Persistence (alert state survives restarts, windows included).
  struct Saved {
    std::vector<SysTime> recent;
    std::vector<std::pair<std::int64_t, std::uint64_t>> buckets;  // bucket index, count
    bool operator==(const Saved&) const = default;
  };
  Saved save() const;
  void restore(const Saved& s);

 private:
  std::int64_t bucket_of(SysTime t) const;
  Duration width_;
  std::size_t threshold_;
  std::int64_t bucket_ms_;
  std::deque<SysTime> recent_;                                  // at most threshold_
  std::deque<std::pair<std::int64_t, std::uint64_t>> buckets_;  // ascending bucket index
};

}  // namespace vw::rules
