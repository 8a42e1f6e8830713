// `rotation:` in the config file (issue 13): defaults, values, and errors with file:line.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/load.hpp"

namespace vw::config {
namespace {

using namespace std::chrono_literals;

EnvLookup no_env() {
  return [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
}

TEST(RotationConfig, DefaultsAreTheDocumentedOnesAndTrackingIsOff) {
  auto r = load_string("", "c.yaml", no_env());
  ASSERT_TRUE(r.diagnostics.empty()) << to_string(r.diagnostics);
  const auto& c = r.config.rotation;
  EXPECT_TRUE(c.secrets.empty());
  EXPECT_EQ(c.consumer_window, 7 * 24h);
  EXPECT_EQ(c.deadline, 15min);
  EXPECT_EQ(c.consumer_key, (std::vector<std::string>{"entity_id", "display_name"}));
  EXPECT_EQ(c.max_tracked, 100000u);
}

TEST(RotationConfig, ReadsEveryKey) {
  auto r = load_string(R"(rotation:
  secrets: ["secret/data/payments/**", "team/kv/data/*"]
  consumer_window: 3d
  deadline: 5m
  consumer_key: [display_name, remote_address]
  max_tracked: 5000
)", "c.yaml", no_env());
  ASSERT_TRUE(r.diagnostics.empty()) << to_string(r.diagnostics);
  const auto& c = r.config.rotation;
  EXPECT_EQ(c.secrets, (std::vector<std::string>{"secret/data/payments/**", "team/kv/data/*"}));
  EXPECT_EQ(c.consumer_window, 72h);
  EXPECT_EQ(c.deadline, 5min);
  EXPECT_EQ(c.consumer_key, (std::vector<std::string>{"display_name", "remote_address"}));
  EXPECT_EQ(c.max_tracked, 5000u);
}

TEST(RotationConfig, BadValuesAreReportedWithFileAndLine) {
  auto r = load_string(R"(rotation:
  secrets: ["secret/data/ok/**", "secret/app/db", "a/data/****"]
  consumer_window: 0s
  deadline: soon
  consumer_key: [entity_id, token]
  max_tracked: 0
  colour: blue
)", "c.yaml", no_env());
  std::vector<std::string> got;
  for (const auto& d : r.diagnostics) got.push_back(d.to_string());
  EXPECT_THAT(got, ::testing::UnorderedElementsAre(
                       "c.yaml:2:34: rotation.secrets[1]: must be a KV v2 data path as Vault logs it, e.g. secret/data/app/** (got \"secret/app/db\")",
                       ::testing::StartsWith("c.yaml:2:51: rotation.secrets[2]: bad glob"),
                       "c.yaml:3:20: rotation.consumer_window: must be greater than 0",
                       ::testing::StartsWith("c.yaml:4:13: rotation.deadline: "),
                       "c.yaml:5:29: rotation.consumer_key[1]: must be entity_id, display_name or remote_address, got \"token\"",
                       ::testing::StartsWith("c.yaml:6:16: rotation.max_tracked: "),
                       ::testing::StartsWith("c.yaml:7:3: rotation.colour: unknown key")));
}

}  // namespace
}  // namespace vw::config
