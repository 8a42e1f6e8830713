#include "core/time.hpp"

#include <gtest/gtest.h>

namespace vw {
namespace {

TEST(Rfc3339, ParsesVaultAuditTimesWithNanoseconds) {
  auto t = parse_rfc3339("2020-02-07T17:45:04.153356834Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(format_rfc3339_ms(*t), "2020-02-07T17:45:04.153Z");
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::nanoseconds>(t->time_since_epoch()).count() % 1000000000,
            153356834);
}

TEST(Rfc3339, AppliesNumericOffsets) {
  auto a = parse_rfc3339("2020-05-28T13:40:18-05:00");
  auto b = parse_rfc3339("2020-05-28T18:40:18Z");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(*a, *b);
}

TEST(Rfc3339, AcceptsNoFractionAndShortFractions) {
  EXPECT_TRUE(parse_rfc3339("2015-08-05T13:45:46Z"));
  EXPECT_EQ(format_rfc3339_ms(*parse_rfc3339("2026-11-28T12:01:48.6Z")), "2026-11-28T12:01:48.600Z");
}

TEST(Rfc3339, RejectsMalformedTimes) {
  for (const char* bad : {"", "2020-02-07", "2020-02-07T17:45:04", "2020-13-07T17:45:04Z",
                          "2020-02-30T17:45:04Z", "2020-02-07T17:45:04.Z", "2020-02-07T17:45:04Zjunk"})
    EXPECT_FALSE(parse_rfc3339(bad)) << bad;
}

TEST(Rfc3339, RejectsYearsOutsideWhatATimePointHolds) {
  // Found by the audit decoder fuzzer: year 0022 overflowed the nanosecond count (UB).
  for (const char* bad : {"0022-03-07T19:15:32.766009199Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z"})
    EXPECT_FALSE(parse_rfc3339(bad)) << bad;
  EXPECT_TRUE(parse_rfc3339("1970-01-01T00:00:00Z"));
  EXPECT_TRUE(parse_rfc3339("2200-01-01T00:00:00Z"));
}

TEST(Rfc3339, FormatsEpochAsPrometheusDoes) {
  EXPECT_EQ(format_rfc3339_ms(SysTime{}), "1970-01-01T00:00:00.000Z");
}

}  // namespace
}  // namespace vw
