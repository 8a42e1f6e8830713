#pragma once
// Retry delays for webhooks: exponential with jitter, the schedule Alertmanager's own notifier
// uses (cenkalti/backoff defaults: 500 ms, x1.5, +-50 % jitter, at most 60 s between tries).
// Pure: the random draw is a parameter.
#include <chrono>

#include "core/duration.hpp"

namespace vw::notify {

struct BackoffPolicy {
  Duration initial{500};
  double multiplier = 1.5;
  double randomization = 0.5;  // the delay is drawn from [d*(1-r), d*(1+r)]
  Duration max{60'000};        // cap on d before jitter
  bool operator==(const BackoffPolicy&) const = default;
};

/// The delay after the `failures`-th consecutive failure (1 = after the first one), with the
/// jitter position `u` in [0, 1): d = min(initial * multiplier^(failures-1), max), then
/// d * (1 - r + 2 r u).
Duration backoff_delay(const BackoffPolicy& p, unsigned failures, double u);

}  // namespace vw::notify
