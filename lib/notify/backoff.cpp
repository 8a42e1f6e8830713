#include "notify/backoff.hpp"

#include <algorithm>
#include <cmath>

namespace vw::notify {

Duration backoff_delay(const BackoffPolicy& p, unsigned failures, double u) {
  const double max_ms = static_cast<double>(p.max.count());
  double d = static_cast<double>(p.initial.count());
  // Multiply step by step and stop at the cap, so a long outage never overflows.
  for (unsigned i = 1; i < failures && d < max_ms; ++i) d *= p.multiplier;
  d = std::min(d, max_ms);
  u = std::clamp(u, 0.0, 1.0);
  const double jittered = d * (1.0 - p.randomization + 2.0 * p.randomization * u);
  return Duration(static_cast<Duration::rep>(std::llround(jittered)));
}

}  // namespace vw::notify
