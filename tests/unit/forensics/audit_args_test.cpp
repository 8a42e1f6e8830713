// `vaultwatch audit search|stats` argument parsing (daemon/audit_command.cpp).
#include <gtest/gtest.h>

#include "daemon/audit_command.hpp"

namespace vw::daemon {
namespace {

using forensics::Format;
using Mode = forensics::SearchOptions::Mode;

TEST(AuditArgs, SearchFlagsBothSpellings) {
  auto c = parse_audit_args({"search", "--path", "secret/**", "--path=auth/**", "--operation=read",
                             "--identity", "alice", "--policy=ops", "--remote=10.0.0.0/8", "--since=24h",
                             "--until", "2026-11-28T10:00:00Z", "--errors", "--type=request", "--format=csv",
                             "--show-hmac", "--prefix=x: ", "--quiet", "--no-progress", "a.log", "-", "--",
                             "--odd-name.log"});
  ASSERT_EQ(c.error, "");
  EXPECT_EQ(c.options.mode, Mode::search);
  EXPECT_EQ(c.filter.paths, (std::vector<std::string>{"secret/**", "auth/**"}));
  EXPECT_EQ(c.filter.operations, (std::vector<std::string>{"read"}));
  EXPECT_EQ(c.filter.identities, (std::vector<std::string>{"alice"}));
  EXPECT_EQ(c.filter.policies, (std::vector<std::string>{"ops"}));
  EXPECT_EQ(c.filter.remotes, (std::vector<std::string>{"10.0.0.0/8"}));
  EXPECT_EQ(c.filter.since, "24h");
  EXPECT_EQ(c.filter.until, "2026-11-28T10:00:00Z");
  EXPECT_TRUE(c.filter.errors_only);
  EXPECT_EQ(c.filter.type, AuditEvent::Type::request);
  EXPECT_EQ(c.options.format.format, Format::csv);
  EXPECT_TRUE(c.options.format.show_hmac);
  EXPECT_EQ(c.options.prefix, "x: ");
  EXPECT_TRUE(c.options.quiet);
  EXPECT_FALSE(c.options.progress);
  EXPECT_EQ(c.inputs, (std::vector<std::string>{"a.log", "-", "--odd-name.log"}));
}

TEST(AuditArgs, StatsDefaults) {
  auto c = parse_audit_args({"stats", "--top=3", "x.gz"});
  ASSERT_EQ(c.error, "");
  EXPECT_EQ(c.options.mode, Mode::stats);
  EXPECT_EQ(c.options.top, 3u);
  EXPECT_EQ(c.options.format.format, Format::table);
  EXPECT_TRUE(c.options.progress);
}

TEST(AuditArgs, UsageErrors) {
  const std::vector<std::vector<std::string>> bad = {
      {},
      {"grep", "x"},
      {"search"},
      {"search", "--bogus", "a"},
      {"search", "--path"},
      {"search", "--path=", "a"},
      {"search", "--format=xml", "a"},
      {"stats", "--format=csv", "a"},
      {"search", "--type=both", "a"},
      {"stats", "--top=many", "a"},
  };
  for (const auto& a : bad) EXPECT_NE(parse_audit_args(a).error, "") << (a.empty() ? "" : a[0]);
  EXPECT_TRUE(parse_audit_args({"search", "--help"}).help);
}

}  // namespace
}  // namespace vw::daemon
