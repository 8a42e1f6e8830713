#include "core/glob.hpp"

#include <gtest/gtest.h>

namespace vw {
namespace {

struct Case {
  const char* pattern;
  const char* path;
  bool match;
};

TEST(Glob, StarStaysWithinOneSegmentAndDoubleStarCrossesSegments) {
  const Case cases[] = {
      {"sys/generate-root/*", "sys/generate-root/attempt", true},
      {"sys/generate-root/*", "sys/generate-root/update", true},
      {"sys/generate-root/*", "sys/generate-root/a/b", false},
      {"sys/generate-root/*", "sys/generate-root", false},
      {"sys/raw/**", "sys/raw/secret/foo", true},
      {"sys/raw/**", "sys/raw/", true},
      {"sys/raw/**", "sys/rawx", false},
      {"secret/data/cwiq/shared/**", "secret/data/cwiq/shared/billing/database", true},
      {"secret/data/cwiq/shared/**", "secret/data/cwiq/other/billing", false},
      {"secret/*/cwiq/*", "secret/data/cwiq/x", true},
      {"secret/*/cwiq/*", "secret/metadata/cwiq/x", true},
      {"secret/*/cwiq/*", "secret/data/more/cwiq/x", false},
      {"auth/*/login", "auth/approle/login", true},
      {"auth/*/login", "auth/approle/login/extra", false},
      {"**/login", "auth/userpass/login", true},
      {"exact/path", "exact/path", true},
      {"exact/path", "exact/path/", false},
      {"sys/policy/*", "sys/policy/", true},
      {"*", "anything", true},
      {"*", "any/thing", false},
      {"**", "any/thing", true},
  };
  for (const auto& c : cases) {
    auto g = Glob::compile(c.pattern);
    ASSERT_TRUE(g) << c.pattern;
    EXPECT_EQ(g->match(c.path), c.match) << c.pattern << " vs " << c.path;
  }
}

TEST(Glob, RejectsEmptyAndTripleStar) {
  EXPECT_FALSE(Glob::compile(""));
  EXPECT_FALSE(Glob::compile("a/***"));
}

TEST(Glob, MatchAnyOfASet) {
  std::vector<Glob> gs = {*Glob::compile("sys/policy/*"), *Glob::compile("sys/policies/**")};
  EXPECT_TRUE(match_any(gs, "sys/policies/acl/admin"));
  EXPECT_TRUE(match_any(gs, "sys/policy/admin"));
  EXPECT_FALSE(match_any(gs, "sys/mounts/secret"));
  EXPECT_FALSE(match_any({}, "anything"));
}

}  // namespace
}  // namespace vw
