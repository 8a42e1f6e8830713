// The command line contract (SPEC §1): flags, --check-config, exit codes 0/2/78/1, one-line
// reasons for a malformed config, an unreadable CA file and an unbindable port.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>

#include "support/daemon_process.hpp"
#include "support/subprocess.hpp"
#include "support/test_support.hpp"

namespace vw::test {
namespace {

using ::testing::HasSubstr;

CommandResult vaultwatch(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
  args.insert(args.begin(), daemon_binary());
  return run_command(args, env, std::chrono::seconds(20));
}

TEST(DaemonCli, VersionAndHelpExitZero) {
  auto v = vaultwatch({"--version"});
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_THAT(v.output, HasSubstr("vaultwatch 0."));
  auto h = vaultwatch({"--help"});
  EXPECT_EQ(h.exit_code, 0);
  EXPECT_THAT(h.output, HasSubstr("--config.file"));
}

TEST(DaemonCli, UsageErrorsExitTwo) {
  EXPECT_EQ(vaultwatch({"--no-such-flag"}).exit_code, 2);
  EXPECT_EQ(vaultwatch({"--log.level=loud"}).exit_code, 2);
  EXPECT_EQ(vaultwatch({"--config.file"}).exit_code, 2);
  EXPECT_EQ(vaultwatch({"frobnicate"}).exit_code, 2);
}

TEST(DaemonCli, CheckConfigAcceptsTheShippedExample) {
  auto r = vaultwatch({"--check-config", "--config.file=" + std::string(VW_SOURCE_DIR) + "/config/vaultwatch.yaml"});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("configuration is valid"));
}

TEST(DaemonCli, CheckConfigPrintsEveryProblemWithFileLineAndPathAndExits78) {
  TempDir dir;
  auto cfg = dir / "bad.yaml";
  write_file(cfg, "vault:\n  timeout: soon\nserver:\n  listen_adress: \":1\"\n");
  auto r = vaultwatch({"--check-config", "--config.file=" + cfg.string()});
  EXPECT_EQ(r.exit_code, 78);
  EXPECT_THAT(r.output, HasSubstr(cfg.string() + ":2:12: vault.timeout: must be a duration like 30s"));
  EXPECT_THAT(r.output, HasSubstr(cfg.string() + ":4:3: server.listen_adress: unknown key"));
}

TEST(DaemonCli, MalformedConfigStopsTheDaemonWith78AndOneLinePerProblem) {
  TempDir dir;
  auto cfg = dir / "bad.yaml";
  write_file(cfg, "vault: {address: \"not a url\"}\n");
  auto r = vaultwatch({"--config.file=" + cfg.string(), "--web.listen-address=127.0.0.1:0"});
  EXPECT_EQ(r.exit_code, 78);
  EXPECT_THAT(r.output, HasSubstr(cfg.string() + ":1:18: vault.address: not a URL"));
}

TEST(DaemonCli, MissingExplicitConfigFileIs78) {
  auto r = vaultwatch({"--config.file=/nonexistent/vaultwatch.yaml"});
  EXPECT_EQ(r.exit_code, 78);
  EXPECT_THAT(r.output, HasSubstr("/nonexistent/vaultwatch.yaml: cannot read"));
}

TEST(DaemonCli, UnreadableCaFileIs78AndNamesTheFile) {
  TempDir dir;
  auto cfg = dir / "c.yaml";
  write_file(cfg, "vault:\n  address: https://127.0.0.1:8200\n  tls: {ca_file: /nonexistent/ca.pem}\n"
                  "audit: {path: \"\"}\nstate_dir: " + dir.path().string() + "\n");
  auto check = vaultwatch({"--check-config", "--config.file=" + cfg.string()});
  EXPECT_EQ(check.exit_code, 78);
  EXPECT_THAT(check.output, HasSubstr("/nonexistent/ca.pem"));
  auto run = vaultwatch({"--config.file=" + cfg.string(), "--web.listen-address=127.0.0.1:0"});
  EXPECT_EQ(run.exit_code, 78);
  EXPECT_THAT(run.output, HasSubstr("vault.tls: cannot load CA file /nonexistent/ca.pem"));
}

TEST(DaemonCli, UnbindablePortExitsOneWithTheReason) {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor taken(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  const auto port = std::to_string(taken.local_endpoint().port());
  TempDir dir;
  auto cfg = dir / "c.yaml";
  write_file(cfg, "vault: {address: \"http://127.0.0.1:1\"}\naudit: {path: \"\"}\nstate_dir: " +
                      dir.path().string() + "\n");
  auto r = vaultwatch({"--config.file=" + cfg.string(), "--web.listen-address=127.0.0.1:" + port});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.output, HasSubstr("cannot listen on 127.0.0.1:" + port + ": Address already in use"));
}

TEST(DaemonCli, FlagsOverrideTheConfigFile) {
  TempDir dir;
  auto d = Daemon::start(dir.path(), {"vault: {address: \"http://127.0.0.1:1\"}\naudit: {path: \"\"}\n"
                                      "server: {listen_address: \"127.0.0.1:1\"}\nlog: {format: text}\nstate_dir: " +
                                          dir.path().string() + "\n",
                                      {"--log.format=json"}});
  ASSERT_TRUE(d) << "--web.listen-address must win over server.listen_address";
  EXPECT_THAT(d->process().output(), HasSubstr("\"logger\":\"app\""));
}

}  // namespace
}  // namespace vw::test
