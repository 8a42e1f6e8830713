// `vaultwatch baseline build` argument parsing: flags in both spellings, inputs, one-line usage
// errors.
#include "daemon/baseline_command.hpp"

#include <gtest/gtest.h>

namespace vw::daemon {
namespace {

TEST(BaselineArgs, ReadsFlagsAndInputs) {
  auto c = parse_baseline_args({"build", "--config.file=/etc/v.yaml", "--state-dir", "/tmp/s", "--quiet",
                                "a.log.2.gz", "-", "--", "--odd-name"});
  EXPECT_EQ(c.error, "");
  EXPECT_EQ(c.config_file, "/etc/v.yaml");
  EXPECT_EQ(c.state_dir, "/tmp/s");
  EXPECT_TRUE(c.quiet);
  EXPECT_EQ(c.inputs, (std::vector<std::string>{"a.log.2.gz", "-", "--odd-name"}));
}

TEST(BaselineArgs, UsageErrors) {
  EXPECT_EQ(parse_baseline_args({}).error, "baseline: missing command (build)");
  EXPECT_EQ(parse_baseline_args({"learn"}).error, "baseline: unknown command \"learn\" (build)");
  EXPECT_EQ(parse_baseline_args({"build"}).error, "no input files (use - for stdin)");
  EXPECT_EQ(parse_baseline_args({"build", "--path=x", "a"}).error, "unknown flag --path=x");
  EXPECT_EQ(parse_baseline_args({"build", "a", "--state-dir"}).error, "flag --state-dir needs a value");
  EXPECT_EQ(parse_baseline_args({"build", "--config.file=", "a"}).error,
            "flag --config.file needs a non-empty value");
  EXPECT_TRUE(parse_baseline_args({"build", "--help"}).help);
  EXPECT_EQ(parse_baseline_args({"build", "--help"}).error, "");
}

}  // namespace
}  // namespace vw::daemon
