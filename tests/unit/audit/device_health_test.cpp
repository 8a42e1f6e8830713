// Audit device health, the pure part: the free-space forecast on synthetic samples (like
// Prometheus' predict_linear) and the "Vault did not reopen its log" decision.
#include "audit/device_health.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace vw::audit {
namespace {

using namespace std::chrono_literals;

const SteadyTime t0{};  // a steady clock's epoch is arbitrary: only differences matter
constexpr double inf = std::numeric_limits<double>::infinity();

TEST(DiskForecast, NoForecastFromFewerThanTwoSamples) {
  DiskForecast f(1h);
  EXPECT_EQ(f.seconds_to_full(), inf);
  f.add(t0, 1000);
  EXPECT_EQ(f.seconds_to_full(), inf);
}

TEST(DiskForecast, AStraightLineGivesItsZeroCrossing) {
  DiskForecast f(1h);
  for (int s = 0; s <= 60; ++s) f.add(t0 + std::chrono::seconds(s), 1'000'000.0 - 1000.0 * s);
  // 940 000 bytes left at 1000 bytes/s.
  EXPECT_NEAR(f.seconds_to_full(), 940.0, 1e-6);
}

TEST(DiskForecast, InfiniteWhileNotShrinking) {
  DiskForecast flat(1h), growing(1h);
  for (int s = 0; s < 10; ++s) {
    flat.add(t0 + std::chrono::seconds(s), 5000);
    growing.add(t0 + std::chrono::seconds(s), 5000.0 + s);
  }
  EXPECT_EQ(flat.seconds_to_full(), inf);
  EXPECT_EQ(growing.seconds_to_full(), inf) << "log deleted or compressed: space comes back";
}

TEST(DiskForecast, ZeroOnceTheFitSaysFull) {
  DiskForecast f(1h);
  f.add(t0, 100);
  f.add(t0 + 1s, 0);
  EXPECT_EQ(f.seconds_to_full(), 0);
}

TEST(DiskForecast, FitsThroughNoiseAndABurstDoesNotMakeATrend) {
  // Noisy but steady decline of 10 bytes/s over 10 minutes: the fit finds the rate.
  std::mt19937_64 rng(7);
  std::normal_distribution<double> noise(0, 500);
  DiskForecast f(10min);
  for (int s = 0; s <= 600; ++s) f.add(t0 + std::chrono::seconds(s), 1e6 - 10.0 * s + noise(rng));
  EXPECT_NEAR(f.seconds_to_full(), (1e6 - 6000) / 10, 5000);
  // One sample 10 MB lower (a burst written and deleted at once) barely moves a 10-minute fit.
  DiskForecast b(10min);
  for (int s = 0; s < 600; ++s) b.add(t0 + std::chrono::seconds(s), 1e9);
  b.add(t0 + 600s, 1e9 - 1e7);
  EXPECT_GT(b.seconds_to_full(), 4 * 3600.0);
}

TEST(DiskForecast, ForgetsWhatIsOlderThanTheWindow) {
  DiskForecast f(60s);
  for (int s = 0; s <= 600; ++s)  // shrinking for 10 minutes, then flat for the last 2
    f.add(t0 + std::chrono::seconds(s), s < 480 ? 1e6 - 100.0 * s : 1e6 - 100.0 * 480);
  EXPECT_EQ(f.seconds_to_full(), inf);
}

TEST(DiskForecast, BoundedMemoryWhateverTheSampleRate) {
  DiskForecast f(1h, 64);
  for (int ms = 0; ms < 3'600'000; ms += 100) f.add(t0 + std::chrono::milliseconds(ms), 1e9 - ms);
  EXPECT_LE(f.samples(), 66u);
  EXPECT_NEAR(f.seconds_to_full(), (1e9 - 3'599'900) / 1000.0, 1.0) << "1000 bytes/s";
}

TEST(DiskForecast, AClockGoingBackStartsOver) {
  DiskForecast f(1h);
  f.add(t0 + 100s, 1000);
  f.add(t0 + 101s, 900);
  f.add(t0 + 50s, 800);
  EXPECT_EQ(f.samples(), 1u);
  EXPECT_EQ(f.seconds_to_full(), inf);
}

TEST(WriterOnRotatedFile, OnlyWhenTheOldFileStillGrowsBeyondTheGraceAndTheNewOneHasNothing) {
  const auto rot = t0 + 1h;
  struct Row {
    const char* what;
    ReopenFacts f;
    bool stuck;
  } rows[] = {
      {"normal rotation: stragglers right after the rename", {rot, rot + 20ms, false}, false},
      {"normal rotation, Vault idle since", {rot, rot, false}, false},
      {"old file grew a minute after the rotation, new one empty", {rot, rot + 60s, false}, true},
      {"...exactly at the grace", {rot, rot + 30s, false}, true},
      {"...just before it", {rot, rot + 30s - 1ms, false}, false},
      {"the new file has data: Vault reopened", {rot, rot + 60s, true}, false},
  };
  for (const auto& r : rows) EXPECT_EQ(writer_on_rotated_file(r.f, 30s), r.stuck) << r.what;
}

}  // namespace
}  // namespace vw::audit
