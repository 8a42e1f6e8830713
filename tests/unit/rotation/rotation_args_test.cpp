// `vaultwatch audit rotation` argument parsing and its JSON line (daemon/rotation_command.cpp,
// lib/forensics/rotation_report.cpp).
#include <gtest/gtest.h>

#include "daemon/rotation_command.hpp"

namespace vw::daemon {
namespace {

using namespace std::chrono_literals;
using rotation::KeyField;

TEST(RotationArgs, EveryFlagBothSpellings) {
  auto c = parse_rotation_args({"rotation", "--path", "secret/data/a/**", "--path=kv/data/*", "--deadline=5m",
                                "--consumer-window", "2d", "--consumer-key=display_name,remote_address",
                                "--max-tracked=10", "--format", "json", "--prefix=x: ", "--quiet", "a.log", "-",
                                "--", "--odd.log"});
  ASSERT_EQ(c.error, "");
  const auto& o = c.options;
  EXPECT_EQ(o.paths, (std::vector<std::string>{"secret/data/a/**", "kv/data/*"}));
  EXPECT_EQ(o.deadline, 5min);
  EXPECT_EQ(o.consumer_window, 48h);
  EXPECT_EQ(o.consumer_key, (std::vector<KeyField>{KeyField::display_name, KeyField::remote_address}));
  EXPECT_EQ(o.max_tracked, 10u);
  EXPECT_EQ(o.format, forensics::Format::json);
  EXPECT_EQ(o.prefix, "x: ");
  EXPECT_TRUE(o.quiet);
  EXPECT_EQ(c.inputs, (std::vector<std::string>{"a.log", "-", "--odd.log"}));
}

TEST(RotationArgs, DefaultsAndUsageErrors) {
  auto c = parse_rotation_args({"rotation", "a.log"});
  ASSERT_EQ(c.error, "");
  EXPECT_TRUE(c.options.paths.empty());
  EXPECT_EQ(c.options.deadline, 15min);
  EXPECT_EQ(c.options.consumer_window, 7 * 24h);
  EXPECT_EQ(c.options.format, forensics::Format::table);
  struct Row {
    std::vector<std::string> args;
    const char* error;
  };
  const Row rows[] = {
      {{"rotation"}, "no input files (use - for stdin)"},
      {{"rotation", "--deadline=0s", "a"}, "--deadline must be a positive duration (15m, 1h, 7d)"},
      {{"rotation", "--deadline=soon", "a"}, "--deadline must be a positive duration (15m, 1h, 7d)"},
      {{"rotation", "--format=csv", "a"}, "--format must be table or json"},
      {{"rotation", "--consumer-key=entity_id,,", "a"}, "--consumer-key takes entity_id, display_name, remote_address (comma-separated)"},
      {{"rotation", "--max-tracked=-1", "a"}, "--max-tracked must be a positive number"},
      {{"rotation", "--path"}, "flag --path needs a value"},
      {{"rotation", "--path=", "a"}, "flag --path needs a non-empty value"},
      {{"rotation", "--path=a/****", "a"}, nullptr},
      {{"rotation", "--show-hmac", "a"}, "unknown flag --show-hmac"},
  };
  for (const auto& r : rows) {
    auto p = parse_rotation_args(r.args);
    if (r.error) EXPECT_EQ(p.error, r.error);
    else EXPECT_TRUE(p.error.starts_with("--path: ")) << p.error;
  }
  EXPECT_TRUE(parse_rotation_args({"rotation", "--help"}).help);
}

TEST(RotationReport, JsonLineHasTheIssuesFields) {
  rotation::WriteReport r;
  r.path = "secret/data/app/\"db\"";
  r.version = 3;
  r.written_at = *parse_rfc3339("2026-12-01T00:01:00.5Z");
  r.writer = "admin";
  rotation::ConsumerStatus a;
  a.identity = "alice";
  a.remote_address = "10.0.0.1";
  a.last_version = 3;
  a.last_read = *parse_rfc3339("2026-12-01T00:30:00Z");
  a.picked_up_at = *parse_rfc3339("2026-12-01T00:05:00Z");
  rotation::ConsumerStatus b = a;
  b.identity = "bob";
  b.last_version = 2;
  b.picked_up_at.reset();
  r.consumers = {a, b};
  std::string out;
  forensics::append_write_json(r, 15min, out);
  EXPECT_EQ(out,
            R"({"path":"secret/data/app/\"db\"","version":3,"written_at":"2026-12-01T00:01:00.5Z","writer":"admin",)"
            R"("deadline":"2026-12-01T00:16:00.5Z","consumers":[{"identity":"alice","remote_address":"10.0.0.1",)"
            R"("last_version":3,"last_read":"2026-12-01T00:30:00Z","picked_up_at":"2026-12-01T00:05:00Z","on_time":true},)"
            R"({"identity":"bob","remote_address":"10.0.0.1","last_version":2,"last_read":"2026-12-01T00:30:00Z",)"
            R"("picked_up_at":null,"on_time":false}]})"
            "\n");
  out.clear();
  forensics::append_write_table(r, 15min, out);
  EXPECT_NE(out.find("alice     10.0.0.1         v3  picked up 2026-12-01T00:05:00Z (+3m59s500ms)"), std::string::npos) << out;
  EXPECT_NE(out.find("bob       10.0.0.1         v2  NOT picked up"), std::string::npos) << out;
}

}  // namespace
}  // namespace vw::daemon
