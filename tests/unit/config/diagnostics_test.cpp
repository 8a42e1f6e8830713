// Problems in reading order (issue 17.7) and the telemetry path key.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/diagnostics.hpp"
#include "config/load.hpp"

namespace vw::config {
namespace {

TEST(Diagnostics, SortByPositionIsFileThenLineThenColumn) {
  Diagnostics d = {{"c.yaml", 8, 3, "vault.timeout", "a"}, {"rules.yaml", 2, 1, "", "b"},
                   {"c.yaml", 1, 7, "log.level", "c"},     {"c.yaml", 8, 1, "vault", "d"},
                   {"c.yaml", 0, 0, "", "e (no position)"},  {"rules.yaml", 1, 1, "", "f"},
                   {"c.yaml", 1, 7, "log.level", "g (same place, stays after c)"}};
  sort_by_position(d);
  std::vector<std::string> order;
  for (const auto& x : d) order.push_back(x.message.substr(0, 1));
  EXPECT_EQ(order, (std::vector<std::string>{"e", "c", "g", "d", "a", "f", "b"}));
}

TEST(Diagnostics, LoadedConfigProblemsCanBeSortedIntoReadingOrder) {
  auto r = load_string("log: {level: loud}\nvault:\n  timeout: soon\n", "c.yaml", [](const std::string&) {
    return std::optional<std::string>();
  });
  sort_by_position(r.diagnostics);
  ASSERT_EQ(r.diagnostics.size(), 2u);
  EXPECT_EQ(r.diagnostics[0].path, "log.level");
  EXPECT_EQ(r.diagnostics[1].path, "vault.timeout");
}

TEST(TelemetryPath, KeyDefaultsToMetricsAndRejectsTheDaemonsOwnPaths) {
  const auto no_env = [](const std::string&) { return std::optional<std::string>(); };
  EXPECT_EQ(load_string("", "c.yaml", no_env).config.server.telemetry_path, "/metrics");
  EXPECT_EQ(load_string("server: {telemetry_path: /vw/metrics}\n", "c.yaml", no_env).config.server.telemetry_path,
            "/vw/metrics");
  for (const char* bad : {"metrics", "/", "/healthz", "/readyz", "/-/reload", "/api/v1/status", "/m?x=1"})
    EXPECT_NE(telemetry_path_problem(bad), "") << bad;
  EXPECT_EQ(telemetry_path_problem("/metrics"), "");
  auto r = load_string("server:\n  telemetry_path: /readyz\n", "c.yaml", no_env);
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].to_string(), "c.yaml:2:19: server.telemetry_path: is already the daemon's /readyz endpoint");
}

}  // namespace
}  // namespace vw::config
