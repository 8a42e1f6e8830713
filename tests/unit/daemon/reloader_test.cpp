#include "daemon/reloader.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace vw::daemon {
namespace {

using ::testing::ElementsAre;

// A participant that records what happened to it.
struct Probe {
  std::vector<std::string>& journal;
  std::string name;
  std::vector<std::string> problems;
  bool changed = true;
  Reloader::Prepare prepare() {
    return [this](const config::Config& next, const config::Config& cur) {
      journal.push_back("prepare " + name);
      Reloader::Prepared p;
      p.problems = problems;
      if (changed && next.log != cur.log) p.commit = [this] { journal.push_back("commit " + name); };
      return p;
    };
  }
};

config::ConfigWithRules with_level(std::string level) {
  config::ConfigWithRules c;
  c.log.level = std::move(level);
  return c;
}

TEST(Reloader, CommitsEveryParticipantInOrderWhenAllPrepared) {
  std::vector<std::string> j;
  Probe a{j, "a"}, b{j, "b"};
  Reloader r;
  r.add("a", a.prepare());
  r.add("b", b.prepare());
  EXPECT_TRUE(r.run(with_level("debug"), with_level("info")).empty());
  EXPECT_THAT(j, ElementsAre("prepare a", "prepare b", "commit a", "commit b"));
  EXPECT_THAT(r.names(), ElementsAre("a", "b"));
}

TEST(Reloader, OneProblemAnywhereCommitsNothingAndReportsEveryProblem) {
  std::vector<std::string> j;
  Probe a{j, "a"}, b{j, "b", {"b: broken"}}, c{j, "c", {"c: also broken", "c: twice"}};
  Reloader r;
  r.add("a", a.prepare());
  r.add("b", b.prepare());
  r.add("c", c.prepare());
  EXPECT_THAT(r.run(with_level("debug"), with_level("info")),
              ElementsAre("b: broken", "c: also broken", "c: twice"));
  EXPECT_THAT(j, ElementsAre("prepare a", "prepare b", "prepare c")) << "no commit ran";
}

TEST(Reloader, AnUnchangedPartCommitsNothing) {
  std::vector<std::string> j;
  Probe a{j, "a"};
  Reloader r;
  r.add("a", a.prepare());
  EXPECT_TRUE(r.run(with_level("info"), with_level("info")).empty());
  EXPECT_THAT(j, ElementsAre("prepare a"));
}

}  // namespace
}  // namespace vw::daemon
