#pragma once
// A token bucket with the semantics of Go's rate.Limiter.Allow (exporter-toolkit's `rate_limit`):
// it starts full with `burst` tokens and gains one token every `interval`, up to `burst`. Pure:
// the clock reading is a parameter. Not thread-safe.
#include <algorithm>
#include <chrono>

namespace vw {

class TokenBucket {
 public:
  using Clock = std::chrono::steady_clock;

  TokenBucket(std::chrono::nanoseconds interval, int burst, Clock::time_point now)
      : interval_(interval), burst_(burst), tokens_(burst), last_(now) {}

  /// Takes one token if there is one.
  bool allow(Clock::time_point now) {
    if (interval_.count() <= 0) return true;  // no limit
    if (now > last_) {
      const double gained = std::chrono::duration<double>(now - last_) /
                            std::chrono::duration<double>(interval_);
      tokens_ = std::min<double>(burst_, tokens_ + gained);
      last_ = now;
    }
    if (tokens_ < 1.0) return false;
    tokens_ -= 1.0;
    return true;
  }

 private:
  std::chrono::nanoseconds interval_;
  int burst_;
  double tokens_;
  Clock::time_point last_;
};

}  // namespace vw
