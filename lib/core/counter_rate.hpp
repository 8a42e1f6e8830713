#pragma once
// Per-second rates of a counter over fixed windows (1m, 5m, ...), from samples taken at a steady
// pace: the status page's "entries/s".
//
// A rate is the counter's increase over the window divided by the window, never by less: a
// daemon up for 5 s that read 1000 backlog entries shows 16.7/s over 1m (1000 in the last
// minute), not 200/s. What was before the first sample counts as nothing (the counter starts at
// 0 with the process, so take the first sample at start). When more than the window is covered,
// the base is the newest sample at or before `now - window` and the divisor the time since it
// (window <= divisor < window + sample step), like Prometheus' increase()/rate() without the
// extrapolation.
//
// Bounded: keeps just enough samples for the longest window (boost::circular_buffer, the oldest
// dropped). Pure: time is a parameter. Not thread-safe (io thread only in the daemon).
#include <boost/circular_buffer.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>

#include "core/duration.hpp"
#include "core/time.hpp"

namespace vw {

class CounterRate {
 public:
  /// `longest`: the longest window rate() is asked for; `step`: the pace of sample().
  explicit CounterRate(Duration longest = std::chrono::minutes(5), Duration step = std::chrono::seconds(5))
      : longest_(longest),
        samples_(static_cast<std::size_t>(longest / std::max(step, Duration(std::chrono::milliseconds(1)))) + 2) {}

  void sample(SysTime t, double value) {
    // A sample older than `longest` is needed only as the base of the longest window: keep the
    // newest such one, drop the ones before it.
    while (samples_.size() >= 2 && samples_[1].t <= t - longest_) samples_.pop_front();
    samples_.push_back({t, value});  // full: circular_buffer drops the oldest
  }

  struct Rate {
    double per_second = 0;
    Duration covered{};  // how much of the window the samples cover (< window while young)
    bool operator==(const Rate&) const = default;
  };

  /// Rate over `window` ending at `now`, where `current` is the counter's value at `now`.
  Rate rate(SysTime now, double current, Duration window) const {
    if (samples_.empty() || window <= Duration::zero()) return {};
    const Sample* base = &samples_.front();
    for (const auto& s : samples_) {
      if (s.t > now - window) break;
      base = &s;
    }
    const Duration span = std::max(std::chrono::duration_cast<Duration>(now - base->t), Duration::zero());
    const double secs = std::chrono::duration<double>(std::max(span, window)).count();
    return {std::max(current - base->value, 0.0) / secs, std::min(span, window)};
  }

 private:
  struct Sample {
    SysTime t;
    double value;
  };
  Duration longest_;
  boost::circular_buffer<Sample> samples_;
};

}  // namespace vw
