#include "core/json_number.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace vw {
namespace {

using nlohmann::json;

TEST(JsonInteger, IntegersInRange) {
  EXPECT_EQ(json_integer<std::int64_t>(json::parse("-5")), -5);
  EXPECT_EQ(json_integer<std::int64_t>(json::parse("9223372036854775807")), INT64_MAX);
  EXPECT_EQ(json_integer<std::uint64_t>(json::parse("18446744073709551615")), UINT64_MAX);
  EXPECT_EQ(json_integer<int>(json::parse("2147483647")), 2147483647);
}

TEST(JsonInteger, IntegersOutOfRangeAreNotValues) {
  EXPECT_FALSE(json_integer<std::int64_t>(json::parse("18446744073709551615")));
  EXPECT_FALSE(json_integer<std::uint64_t>(json::parse("-1")));
  EXPECT_FALSE(json_integer<int>(json::parse("2147483648")));
}

TEST(JsonInteger, FloatsAreTruncatedWhenInRangeAndRefusedOtherwise) {
  EXPECT_EQ(json_integer<std::int64_t>(json::parse("1.9")), 1);
  EXPECT_EQ(json_integer<std::int64_t>(json::parse("-1.9")), -1);
  EXPECT_EQ(json_integer<std::uint64_t>(json::parse("-0.5")), 0u);
  // The fuzzer's find: a float far beyond int64 as sys/health's server_time_utc.
  EXPECT_FALSE(json_integer<std::int64_t>(json::parse("170955932184467440737095516167")));
  EXPECT_FALSE(json_integer<std::int64_t>(json::parse("9223372036854775808.0")));
  EXPECT_EQ(json_integer<std::int64_t>(json::parse("-9223372036854775808.0")), INT64_MIN);
  EXPECT_FALSE(json_integer<std::uint64_t>(json::parse("-1.0")));
  EXPECT_FALSE(json_integer<std::uint64_t>(json::parse("1e300")));
}

TEST(JsonInteger, WhatIsNotANumberIsNotAValue) {
  EXPECT_FALSE(json_integer<int>(json::parse("\"5\"")));
  EXPECT_FALSE(json_integer<int>(json::parse("true")));
  EXPECT_FALSE(json_integer<int>(json::parse("null")));
}

TEST(RequireInteger, NamesTheKeyOrElement) {
  const auto j = json::parse(R"({"offset": 1e40, "ok": 7, "list": [1, -2]})");
  EXPECT_EQ(require_integer<std::uint64_t>(j, "ok"), 7u);
  try {
    (void)require_integer<std::uint64_t>(j, "offset");
    FAIL() << "no exception";
  } catch (const std::out_of_range& e) {
    EXPECT_STREQ(e.what(), "offset is not an integer in range");
  }
  try {
    (void)require_integer<std::uint64_t>(j["list"], 1);
    FAIL() << "no exception";
  } catch (const std::out_of_range& e) {
    EXPECT_STREQ(e.what(), "element 1 is not an integer in range");
  }
  EXPECT_THROW((void)require_integer<int>(j, "missing"), std::exception);  // nlohmann's own
}

}  // namespace
}  // namespace vw
