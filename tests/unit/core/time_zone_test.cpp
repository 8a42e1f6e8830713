#include "core/time_zone.hpp"

#include <gtest/gtest.h>

#include <string>

namespace vw {
namespace {

SysTime utc(const char* rfc3339) { return parse_rfc3339(rfc3339).value(); }

TimeZone zone(const char* name) {
  auto z = TimeZone::load(name);
  EXPECT_TRUE(z) << (z ? "" : z.error().message);
  return z.value();
}

struct OffsetCase {
  const char* zone;
  const char* at;  // UTC
  std::int64_t offset;
};

// Expected values from Python's zoneinfo on the same tzdata; the pairs straddle each change by
// one second.
TEST(TimeZone, OffsetsAroundDaylightSavingChanges) {
  const OffsetCase cases[] = {
      // Europe/Berlin: last Sunday of March 02:00 CET -> 03:00 CEST (01:00 UTC), last Sunday of
      // October 03:00 CEST -> 02:00 CET (01:00 UTC).
      {"Europe/Berlin", "2026-03-29T00:59:59Z", 3600},
      {"Europe/Berlin", "2026-03-29T01:00:00Z", 7200},
      {"Europe/Berlin", "2026-10-25T00:59:59Z", 7200},
      {"Europe/Berlin", "2026-10-25T01:00:00Z", 3600},
      // South of the equator: summer time spans New Year.
      {"Australia/Sydney", "2026-01-15T00:00:00Z", 39600},
      {"Australia/Sydney", "2026-04-04T15:59:59Z", 39600},
      {"Australia/Sydney", "2026-04-04T16:00:00Z", 36000},
      {"Australia/Sydney", "2026-10-03T15:59:59Z", 36000},
      {"Australia/Sydney", "2026-10-03T16:00:00Z", 39600},
      {"America/New_York", "2026-03-08T06:59:59Z", -18000},
      {"America/New_York", "2026-03-08T07:00:00Z", -14400},
      {"America/New_York", "2026-11-01T05:59:59Z", -14400},
      {"America/New_York", "2026-11-01T06:00:00Z", -18000},
      {"UTC", "2026-07-01T12:00:00Z", 0},
      {"Asia/Kolkata", "2026-06-01T00:00:00Z", 19800},
      // Quoted footer names ("<-03>3"), no DST since 2019.
      {"America/Sao_Paulo", "2026-06-01T00:00:00Z", -10800},
      // Far beyond every table (fat tzdata stops in 2037, slim much earlier): the footer rule.
      {"Europe/Berlin", "2200-03-30T00:59:59Z", 3600},
      {"Europe/Berlin", "2200-03-30T01:00:00Z", 7200},
      {"Europe/Berlin", "2200-07-01T00:00:00Z", 7200},
      {"America/New_York", "2200-07-01T00:00:00Z", -14400},
      {"Australia/Sydney", "2200-01-01T00:00:00Z", 39600},
      {"Australia/Sydney", "2200-07-01T00:00:00Z", 36000},
  };
  for (const auto& c : cases)
    EXPECT_EQ(zone(c.zone).utc_offset(utc(c.at)), c.offset) << c.zone << " at " << c.at;
}

TEST(TimeZone, RejectsUnknownAndUnsafeNames) {
  for (const char* bad : {"Europe/Nowhere", "Mars/Olympus", "../etc/passwd", "/etc/localtime",
                          "Europe/", "", "Europe//Berlin", "Europe"}) {
    auto z = TimeZone::load(bad);
    EXPECT_FALSE(z) << bad;
  }
  auto z = TimeZone::load("Europe/Nowhere");
  ASSERT_FALSE(z);
  EXPECT_NE(z.error().message.find("unknown time zone \"Europe/Nowhere\""), std::string::npos)
      << z.error().message;
}

// A TZif v2 file with no transitions, one local time type and the given footer.
std::string tzif(char version, std::int32_t utoff, const std::string& footer) {
  auto be32 = [](std::string& s, std::uint32_t v) {
    for (int k = 3; k >= 0; --k) s += static_cast<char>((v >> (8 * k)) & 0xff);
  };
  auto block = [&](std::string& s) {
    s += "TZif";
    s += version;
    s += std::string(15, '\0');
    for (std::uint32_t n : {0u, 0u, 0u, 0u, 1u, 4u}) be32(s, n);  // typecnt 1, charcnt 4
    be32(s, static_cast<std::uint32_t>(utoff));
    s += '\0';       // isdst
    s += '\0';       // desigidx
    s += std::string("XXX\0", 4);
  };
  std::string s;
  block(s);
  if (version == '\0') return s;
  block(s);
  return s + "\n" + footer + "\n";
}

TEST(TimeZone, AppliesTheFooterAfterAnEmptyTable) {
  // What slim tzdata does for zones without history: everything is in the footer.
  auto z = TimeZone::parse("Test/Berlin", tzif('2', 3600, "CET-1CEST,M3.5.0,M10.5.0/3"));
  ASSERT_TRUE(z) << z.error().message;
  EXPECT_EQ(z->utc_offset(utc("2026-03-29T00:59:59Z")), 3600);
  EXPECT_EQ(z->utc_offset(utc("2026-03-29T01:00:00Z")), 7200);
  EXPECT_EQ(z->utc_offset(utc("2026-10-25T00:59:59Z")), 7200);
  EXPECT_EQ(z->utc_offset(utc("2026-10-25T01:00:00Z")), 3600);
  // Julian-day rules, explicit DST offset, negative change time (RFC 8536 v3).
  auto j = TimeZone::parse("Test/J", tzif('3', 0, "<+00>0<+0130>-1:30,J60/-1,300"));
  ASSERT_TRUE(j) << j.error().message;
  EXPECT_EQ(j->utc_offset(utc("2026-02-28T22:59:59Z")), 0);      // J60 = Mar 1, at -1h local
  EXPECT_EQ(j->utc_offset(utc("2026-02-28T23:00:00Z")), 5400);
  EXPECT_EQ(j->utc_offset(utc("2026-10-28T00:29:59Z")), 5400);  // day 300 = Oct 28 (0-based)
  EXPECT_EQ(j->utc_offset(utc("2026-10-28T00:30:00Z")), 0);
  // No footer rule: the only type holds forever.
  auto f = TimeZone::parse("Test/Fixed", tzif('2', -7200, ""));
  ASSERT_TRUE(f);
  EXPECT_EQ(f->utc_offset(utc("2250-01-01T00:00:00Z")), -7200);
}

TEST(TimeZone, RejectsFilesItCannotRead) {
  EXPECT_FALSE(TimeZone::parse("x", "not a tzif file at all, long enough to hold a header....."));
  EXPECT_FALSE(TimeZone::parse("x", tzif('\0', 0, "")));           // version 1
  EXPECT_FALSE(TimeZone::parse("x", tzif('2', 0, "UTC0").substr(0, 60)));  // truncated
  EXPECT_FALSE(TimeZone::parse("x", tzif('2', 0, "CET-1CEST,M13.5.0,M10.5.0")));
  EXPECT_FALSE(TimeZone::parse("x", tzif('2', 0, "X0")));
}

}  // namespace
}  // namespace vw
