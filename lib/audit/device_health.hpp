#pragma once
// Audit device health, the pure part (issue 15): will the audit log's filesystem fill up, and is
// Vault still writing to a file that was rotated away? No I/O and no clock: the tailer and the
// disk monitor feed in what they measured and when.
#include <chrono>
#include <cstdint>
#include <deque>
#include <limits>

#include "core/duration.hpp"

namespace vw::audit {

using SteadyTime = std::chrono::steady_clock::time_point;

/// Free space over time -> seconds until it reaches 0, like Prometheus'
/// `(avail) / -deriv(avail[window])` evaluated on the fitted line (predict_linear's least-squares
/// fit): a burst does not make a forecast, a steady trend does. +Inf while the fitted free space
/// does not shrink, or with fewer than two samples; 0 once the fit says it is already full.
/// Bounded: samples older than `window` are dropped, and samples closer together than
/// window / max_samples are thinned out (the last one in such a slot replaces its predecessor).
class DiskForecast {
 public:
  static constexpr std::size_t default_max_samples = 512;
  explicit DiskForecast(Duration window, std::size_t max_samples = default_max_samples);

  void add(SteadyTime at, double avail_bytes);
  double seconds_to_full() const;
  std::size_t samples() const { return samples_.size(); }

 private:
  struct Sample {
    SteadyTime at;
    double avail;
  };
  Duration window_;
  Duration slot_;
  std::size_t max_samples_;
  std::deque<Sample> samples_;
};

/// What the tailer knows about the newest rotated-away file and the file now at the path.
struct ReopenFacts {
  SteadyTime rotated_at;       // when the file was seen rotated away
  SteadyTime old_last_growth;  // when its size last grew (rotated_at when it has not since)
  bool new_has_data = false;   // the file now at the path exists and is not empty
};

/// Vault did not reopen its audit log after a rotation: the old file still grew at least `grace`
/// after the rotation, and the file at the path is still absent or empty. Stragglers written in
/// the moment between logrotate's rename and Vault's SIGHUP are normal and do not count; an idle
/// Vault that writes nothing anywhere is not flagged either.
bool writer_on_rotated_file(const ReopenFacts& f, Duration grace);

}  // namespace vw::audit
