#include "core/counter_rate.hpp"

#include <gtest/gtest.h>

namespace vw {
namespace {

using namespace std::chrono_literals;

const SysTime t0 = from_unix_seconds(1'800'000'000);

TEST(CounterRate, AOneOffBurstRightAfterStartIsSpreadOverTheWholeWindow) {
  // Issue 17.4: 1000 entries read in the first 5 s used to show as 200 entries/s.
  CounterRate r;
  r.sample(t0, 0);
  r.sample(t0 + 5s, 1000);
  auto m1 = r.rate(t0 + 5s, 1000, 1min);
  EXPECT_NEAR(m1.per_second, 1000.0 / 60, 1e-9);
  EXPECT_EQ(m1.covered, 5s);
  EXPECT_NEAR(r.rate(t0 + 5s, 1000, 5min).per_second, 1000.0 / 300, 1e-9);
}

TEST(CounterRate, SteadyRateOverFullWindows) {
  CounterRate r;
  for (int i = 0; i <= 120; ++i) r.sample(t0 + i * 5s, 10.0 * 5 * i);  // 10/s for 10 minutes
  const auto now = t0 + 600s;
  auto m1 = r.rate(now, 6000, 1min), m5 = r.rate(now, 6000, 5min);
  EXPECT_NEAR(m1.per_second, 10, 1e-9);
  EXPECT_NEAR(m5.per_second, 10, 1e-9);
  EXPECT_EQ(m1.covered, 1min);
  EXPECT_EQ(m5.covered, 5min);
}

TEST(CounterRate, ABurstLeavesTheOneMinuteWindowButStaysInTheFiveMinuteOne) {
  CounterRate r;
  for (int i = 0; i <= 60; ++i) r.sample(t0 + i * 5s, i >= 2 ? 600 : 0);  // 600 entries at 10 s
  const auto now = t0 + 300s;
  EXPECT_EQ(r.rate(now, 600, 1min).per_second, 0);
  EXPECT_NEAR(r.rate(now, 600, 5min).per_second, 2, 1e-9);
  // Once the burst is older than five minutes it is gone from both.
  for (int i = 61; i <= 72; ++i) r.sample(t0 + i * 5s, 600);
  EXPECT_EQ(r.rate(t0 + 360s, 600, 5min).per_second, 0);
}

TEST(CounterRate, TheCurrentValueCountsBeforeTheNextSample) {
  CounterRate r;
  for (int i = 0; i <= 24; ++i) r.sample(t0 + i * 5s, 0);
  // 120 entries arrive 2 s after the last sample: seen now, not 3 s later.
  auto m1 = r.rate(t0 + 122s, 120, 1min);
  EXPECT_NEAR(m1.per_second, 120.0 / 62, 1e-9);  // the base is the sample 62 s before
}

TEST(CounterRate, MemoryIsBoundedByTheLongestWindow) {
  CounterRate r(5min, 5s);
  for (int i = 0; i < 100'000; ++i) r.sample(t0 + i * 5s, i);
  const auto now = t0 + 99'999 * 5s;
  EXPECT_NEAR(r.rate(now, 99'999, 5min).per_second, 0.2, 1e-9);
  // Samples at an irregular, faster pace still answer (the ring then covers less than 5m).
  CounterRate fast(5min, 5s);
  for (int i = 0; i < 10'000; ++i) fast.sample(t0 + i * 1s, i);
  EXPECT_GT(fast.rate(t0 + 9'999s, 9'999, 1min).per_second, 0.9);
}

TEST(CounterRate, NoSamplesNoRate) {
  CounterRate r;
  EXPECT_EQ(r.rate(t0, 5, 1min), CounterRate::Rate{});
}

}  // namespace
}  // namespace vw
