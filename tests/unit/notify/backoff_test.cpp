#include "notify/backoff.hpp"

#include <gtest/gtest.h>

namespace vw::notify {
namespace {

TEST(Backoff, GrowsByTheMultiplierUpToTheCapWithJitterAroundIt) {
  const BackoffPolicy p;  // 500ms, x1.5, +-50%, cap 60s
  struct Case {
    unsigned failures;
    double u;
    long long ms;
  } cases[] = {
      {1, 0.5, 500},   {1, 0.0, 250},   {1, 1.0, 750},  // first retry: 500ms +-50%
      {2, 0.5, 750},   {3, 0.5, 1125},  {4, 0.5, 1688},
      {12, 0.5, 43249}, {13, 0.5, 60000},  // capped
      {1000, 0.5, 60000}, {1000, 0.0, 30000}, {1000, 1.0, 90000},
      {0, 0.5, 500},  // treated as the first
  };
  for (const auto& c : cases)
    EXPECT_EQ(backoff_delay(p, c.failures, c.u).count(), c.ms) << c.failures << " " << c.u;
}

TEST(Backoff, NoJitterWhenRandomizationIsZero) {
  BackoffPolicy p;
  p.randomization = 0;
  p.initial = Duration(100);
  p.multiplier = 2;
  p.max = Duration(1000);
  EXPECT_EQ(backoff_delay(p, 1, 0.9).count(), 100);
  EXPECT_EQ(backoff_delay(p, 4, 0.1).count(), 800);
  EXPECT_EQ(backoff_delay(p, 5, 0.1).count(), 1000);
}

}  // namespace
}  // namespace vw::notify
