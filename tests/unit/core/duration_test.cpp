#include "core/duration.hpp"

#include <gtest/gtest.h>

namespace vw {
namespace {

using namespace std::chrono_literals;

TEST(ParseDuration, ReadsEveryUnitAndCombinations) {
  struct Case {
    const char* text;
    Duration want;
  } cases[] = {{"500ms", 500ms}, {"30s", 30s}, {"5m", 5min}, {"1h", 1h}, {"90d", 90 * 24h},
               {"2w", 14 * 24h}, {"1y", 365 * 24h}, {"1h30m", 90min}, {"0", 0ms}, {"0s", 0ms},
               {"100y", 100 * 365 * 24h}};
  for (const auto& c : cases) {
    auto d = parse_duration(c.text);
    ASSERT_TRUE(d) << c.text;
    EXPECT_EQ(*d, c.want) << c.text;
  }
}

TEST(ParseDuration, RejectsWhatIsNotADuration) {
  for (const char* bad : {"", "30", "s", "1.5s", "-1s", "30 s", "1x", "5mm", "99999999999999999999y", "1000000d", "101y", "100y1ms",
                          "9223372036854775807ms", "106751991167d"}) {
    auto d = parse_duration(bad);
    EXPECT_FALSE(d) << bad;
    if (!d) {
      EXPECT_NE(d.error().message.find("duration"), std::string::npos);
    }
  }
}

TEST(FormatDuration, RoundTripsThroughParse) {
  for (Duration d : {Duration(0), Duration(1500), Duration(90 * 60 * 1000), Duration(86400000LL * 90)}) {
    auto back = parse_duration(format_duration(d));
    ASSERT_TRUE(back) << format_duration(d);
    EXPECT_EQ(*back, d);
  }
  EXPECT_EQ(format_duration(90min), "1h30m");
}

TEST(ParseSize, ReadsBinaryAndDecimalUnits) {
  EXPECT_EQ(*parse_size("64KiB"), 65536u);
  EXPECT_EQ(*parse_size("1MiB"), 1048576u);
  EXPECT_EQ(*parse_size("2GiB"), 2147483648u);
  EXPECT_EQ(*parse_size("1MB"), 1000000u);
  EXPECT_EQ(*parse_size("512"), 512u);
  EXPECT_FALSE(parse_size("1.5MiB"));
  EXPECT_FALSE(parse_size("1TiB"));
  EXPECT_FALSE(parse_size(""));
}

}  // namespace
}  // namespace vw
