#include "core/schedule.hpp"

#include <gtest/gtest.h>

namespace vw {
namespace {

SysTime utc(const char* rfc3339) { return parse_rfc3339(rfc3339).value(); }

WeeklySchedule schedule(const char* text) {
  auto s = WeeklySchedule::parse(text);
  EXPECT_TRUE(s) << text << ": " << (s ? "" : s.error().message);
  return s.value();
}

struct Case {
  const char* at;  // UTC
  bool inside;
};

void expect(const char* text, std::initializer_list<Case> cases) {
  auto s = schedule(text);
  for (const auto& c : cases) EXPECT_EQ(s.contains(utc(c.at)), c.inside) << text << " at " << c.at;
}

TEST(WeeklySchedule, OfficeHoursInBerlinFollowDaylightSaving) {
  // 2026-03-27 is a Friday; Berlin is UTC+1 until 2026-03-29 01:00 UTC, UTC+2 after.
  expect("Mon-Fri 07:00-19:00 Europe/Berlin",
         {{"2026-03-27T05:59:59Z", false},   // Fri 06:59:59 CET
          {"2026-03-27T06:00:00Z", true},    // Fri 07:00 CET: start inclusive
          {"2026-03-27T17:59:59Z", true},
          {"2026-03-27T18:00:00Z", false},   // Fri 19:00 CET: end exclusive
          {"2026-03-28T10:00:00Z", false},   // Saturday
          {"2026-03-30T04:59:59Z", false},   // Mon 06:59:59 CEST
          {"2026-03-30T05:00:00Z", true},    // Mon 07:00 CEST (one hour earlier in UTC)
          {"2026-10-26T05:59:59Z", false},   // Mon 06:59:59 CET again after October's change
          {"2026-10-26T06:00:00Z", true}});
}

TEST(WeeklySchedule, NightShiftRunsOverMidnightIntoTheNextDay) {
  expect("Mon-Fri 22:00-06:00 UTC",
         {{"2026-12-04T21:59:59Z", false},   // Fri 21:59:59
          {"2026-12-04T22:00:00Z", true},    // Fri 22:00
          {"2026-12-05T05:59:59Z", true},    // Sat 05:59:59: Friday's night
          {"2026-12-05T06:00:00Z", false},
          {"2026-12-05T23:00:00Z", false},   // Sat 23:00: no Saturday night
          {"2026-12-07T02:00:00Z", false},   // Mon 02:00: Sunday had no night
          {"2026-12-07T23:00:00Z", true}});
  // Sunday's night wraps into Monday.
  expect("Sun 23:00-01:00 UTC", {{"2026-12-07T00:30:00Z", true}, {"2026-12-07T01:00:00Z", false}});
}

TEST(WeeklySchedule, ListsRangesSeveralWindowsAndWholeDays) {
  expect("Sat,Sun 00:00-24:00 UTC",
         {{"2026-12-05T00:00:00Z", true}, {"2026-12-06T23:59:59Z", true},
          {"2026-12-07T00:00:00Z", false}});
  expect("fri-mon 10:00-11:00 UTC",  // a wrapping range, any case
         {{"2026-12-06T10:30:00Z", true}, {"2026-12-07T10:30:00Z", true},
          {"2026-12-08T10:30:00Z", false}});
  expect("Mon-Fri 07:00-19:00; Sat 09:00-13:00 America/New_York",
         {{"2026-12-05T14:00:00Z", true},    // Sat 09:00 EST
          {"2026-12-05T18:00:00Z", false},   // Sat 13:00 EST
          {"2026-12-07T12:00:00Z", true},    // Mon 07:00 EST
          {"2026-12-06T15:00:00Z", false}}); // Sunday
  // South of the equator: Sydney is UTC+11 in January.
  expect("Mon-Fri 09:00-17:00 Australia/Sydney",
         {{"2026-01-04T22:00:00Z", true},    // Mon 09:00 AEDT
          {"2026-01-04T21:59:59Z", false}});
}

TEST(WeeklySchedule, RejectsBadDaysHoursAndZones) {
  struct Bad {
    const char* text;
    const char* says;
  };
  for (const auto& b : {Bad{"Mon-Fry 07:00-19:00 UTC", "unknown day"},
                        Bad{"Mon-Fri 7:00-19:00 UTC", "bad hours"},
                        Bad{"Mon-Fri 07:00-25:00 UTC", "bad hours"},
                        Bad{"Mon-Fri 07:60-19:00 UTC", "bad hours"},
                        Bad{"Mon-Fri 24:00-06:00 UTC", "bad hours"},
                        Bad{"Mon-Fri 07:00 UTC", "bad hours"},
                        Bad{"Mon-Fri 07:00-07:00 UTC", "are empty"},
                        Bad{"Mon-Fri 07:00-19:00 Europe/Berlinn", "unknown time zone"},
                        Bad{"Mon-Fri 07:00-19:00", "time zone"},
                        Bad{"Mon-Fri 07:00-19:00 Sat 09:00-12:00 UTC", "must be days and hours"},
                        Bad{"", "is not a schedule"}}) {
    auto s = WeeklySchedule::parse(b.text);
    ASSERT_FALSE(s) << b.text;
    EXPECT_NE(s.error().message.find(b.says), std::string::npos) << b.text << ": " << s.error().message;
  }
}

}  // namespace
}  // namespace vw
