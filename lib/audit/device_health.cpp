#include "audit/device_health.hpp"

#include <algorithm>

namespace vw::audit {

DiskForecast::DiskForecast(Duration window, std::size_t max_samples)
    : window_(std::max(window, Duration(1))),
      slot_(window_ / static_cast<Duration::rep>(std::max<std::size_t>(max_samples, 2))),
      max_samples_(std::max<std::size_t>(max_samples, 2)) {}

void DiskForecast::add(SteadyTime at, double avail_bytes) {
  if (!samples_.empty() && at < samples_.back().at) samples_.clear();  // the clock went back: start over
  // Thinning keeps the first sample of a slot and moves the latest one: the fit still spans the
  // whole window and ends at the newest value.
  if (samples_.size() >= 2 && at - samples_[samples_.size() - 2].at < slot_) samples_.pop_back();
  samples_.push_back({at, avail_bytes});
  while (samples_.size() > 1 && at - samples_.front().at > window_) samples_.pop_front();
  while (samples_.size() > max_samples_ + 1) samples_.pop_front();
}

double DiskForecast::seconds_to_full() const {
  constexpr double inf = std::numeric_limits<double>::infinity();
  const std::size_t n = samples_.size();
  if (n < 2) return inf;
  // Least squares on times relative to the newest sample (keeps the sums small and exact enough).
  const SteadyTime t0 = samples_.back().at;
  auto secs = [&](SteadyTime t) { return std::chrono::duration<double>(t - t0).count(); };
  double mx = 0, my = 0;
  for (const auto& s : samples_) {
    mx += secs(s.at);
    my += s.avail;
  }
  mx /= static_cast<double>(n);
  my /= static_cast<double>(n);
  double sxx = 0, sxy = 0;
  for (const auto& s : samples_) {
    const double dx = secs(s.at) - mx;
    sxx += dx * dx;
    sxy += dx * (s.avail - my);
  }
  if (sxx <= 0) return inf;
  const double slope = sxy / sxx;  // bytes per second
  if (!(slope < 0)) return inf;
  const double now_value = my + slope * (0 - mx);  // the fitted free space now
  if (now_value <= 0) return 0;
  return now_value / -slope;
}

bool writer_on_rotated_file(const ReopenFacts& f, Duration grace) {
  return !f.new_has_data && f.old_last_growth - f.rotated_at >= grace;
}

}  // namespace vw::audit
