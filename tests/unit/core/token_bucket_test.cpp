#include "core/token_bucket.hpp"

#include <gtest/gtest.h>

namespace vw {
namespace {

using namespace std::chrono_literals;

TEST(TokenBucket, StartsFullThenRefillsOneTokenPerInterval) {
  const auto t0 = TokenBucket::Clock::time_point{} + 1h;
  TokenBucket b(1s, 3, t0);
  EXPECT_TRUE(b.allow(t0));
  EXPECT_TRUE(b.allow(t0));
  EXPECT_TRUE(b.allow(t0));
  EXPECT_FALSE(b.allow(t0)) << "burst spent";
  EXPECT_FALSE(b.allow(t0 + 999ms));
  EXPECT_TRUE(b.allow(t0 + 1s));
  EXPECT_FALSE(b.allow(t0 + 1s));
  // A long pause refills to the burst, never beyond.
  const auto t1 = t0 + 1h;
  EXPECT_TRUE(b.allow(t1));
  EXPECT_TRUE(b.allow(t1));
  EXPECT_TRUE(b.allow(t1));
  EXPECT_FALSE(b.allow(t1));
}

TEST(TokenBucket, ZeroIntervalMeansNoLimit) {
  const auto t0 = TokenBucket::Clock::time_point{};
  TokenBucket b(0s, 0, t0);
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(b.allow(t0));
}

TEST(TokenBucket, ClockGoingBackwardsGrantsNothing) {
  const auto t0 = TokenBucket::Clock::time_point{} + 1h;
  TokenBucket b(1s, 1, t0);
  EXPECT_TRUE(b.allow(t0));
  EXPECT_FALSE(b.allow(t0 - 10s));
  EXPECT_FALSE(b.allow(t0 + 500ms));
  EXPECT_TRUE(b.allow(t0 + 1s));
}

}  // namespace
}  // namespace vw
