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
  auto h = vaultwatch({"--help"});
  EXPECT_EQ(h.exit_code, 0);
  EXPECT_THAT(h.output, HasSubstr("--config.file"));
  EXPECT_THAT(h.output, HasSubstr("--web.telemetry-path"));
}

TEST(DaemonCli, VersionPrintsBuildInfoLikePrometheusVersionPackage) {
  // github.com/prometheus/common/version.Print(): a first line with version, branch and
  // revision, then aligned "key: value" lines; the C++ compiler stands in for Go's version.
  auto v = vaultwatch({"--version"});
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_THAT(v.output, ::testing::MatchesRegex(
                            "vaultwatch, version [0-9]+\\.[0-9]+\\.[0-9]+ \\(branch: [^ ,]+, revision: [0-9a-f]+\\)\n"
                            "  build date:       [0-9]{8}-[0-9]{2}:[0-9]{2}:[0-9]{2}\n"
                            "  compiler:         (GCC|clang) [0-9][^\n]*\n"
                            "  platform:         linux/[a-z0-9]+\n"));
}

TEST(DaemonCli, UsageErrorsExitTwoWithOneLineAndAPointerToHelp) {
  for (const auto& args : {std::vector<std::string>{"--no-such-flag"}, {"--log.level=loud"},
                                              {"--config.file"}, {"frobnicate"}, {"--web.telemetry-path=metrics"}}) {
    auto r = vaultwatch(args);
    EXPECT_EQ(r.exit_code, 2) << args[0];
    EXPECT_THAT(r.output, ::testing::MatchesRegex("vaultwatch: error: [^\n]+; see 'vaultwatch --help'\n")) << args[0];
  }
  EXPECT_THAT(vaultwatch({"--no-such-flag"}).output, HasSubstr("unknown flag --no-such-flag"));
  // The audit subcommands point at their own help.
  auto a = vaultwatch({"audit", "search", "--bogus", "x.log"});
  EXPECT_EQ(a.exit_code, 2);
  EXPECT_EQ(a.output, "vaultwatch: error: unknown flag --bogus; see 'vaultwatch audit search --help'\n");
}

TEST(DaemonCli, CheckConfigPrintsProblemsInFileAndLineOrder) {
  // The loader reads vault before log and rules after everything else; the operator reads the
  // file top to bottom.
  TempDir dir;
  auto cfg = dir / "bad.yaml";
  write_file(dir / "rules.yaml", "rules:\n  - alert: X\n    health: frozen\n");
  write_file(cfg, "log: {level: loud}\n"
                  "rules_files: [rules.yaml]\n"
                  "rules:\n  - alert: Y\n    health: sealed\n    for: soon\n"
                  "vault:\n  timeout: soon\n"
                  "server: {telemetry_path: /healthz}\n");
  auto r = vaultwatch({"--check-config", "--config.file=" + cfg.string()});
  EXPECT_EQ(r.exit_code, 78);
  std::vector<std::string> lines;
  for (std::size_t at = 0; at < r.output.size();) {
    auto nl = r.output.find('\n', at);
    lines.push_back(r.output.substr(at, nl - at));
    at = nl == std::string::npos ? r.output.size() : nl + 1;
  }
  ASSERT_EQ(lines.size(), 5u) << r.output;
  EXPECT_THAT(lines[0], ::testing::StartsWith(cfg.string() + ":1:"));
  EXPECT_THAT(lines[0], HasSubstr("log.level"));
  EXPECT_THAT(lines[1], ::testing::StartsWith(cfg.string() + ":6:"));
  EXPECT_THAT(lines[1], HasSubstr("rules[0].for"));
  EXPECT_THAT(lines[2], ::testing::StartsWith(cfg.string() + ":8:"));
  EXPECT_THAT(lines[2], HasSubstr("vault.timeout"));
  EXPECT_THAT(lines[3], ::testing::StartsWith(cfg.string() + ":9:"));
  EXPECT_THAT(lines[3], HasSubstr("server.telemetry_path: is already the daemon's /healthz endpoint"));
  EXPECT_THAT(lines[4], ::testing::StartsWith((dir / "rules.yaml").string() + ":3:"));
}

TEST(DaemonCli, TelemetryPathMovesTheMetricsEndpoint) {
  TempDir dir;
  const std::string base = "vault: {address: \"http://127.0.0.1:1\"}\naudit: {path: \"\"}\nstate_dir: " +
                           dir.path().string() + "\n";
  {
    auto d = Daemon::start(dir.path(), {base, {"--web.telemetry-path=/vaultwatch/metrics"}});
    ASSERT_TRUE(d);
    auto m = d->get("/vaultwatch/metrics");
    EXPECT_EQ(m.status, 200);
    EXPECT_THAT(m.body, HasSubstr("vaultwatch_build_info"));
    EXPECT_EQ(d->get("/metrics").status, 404);
    EXPECT_THAT(d->get("/").body, HasSubstr("href=\"/vaultwatch/metrics\""));
  }
  // The same as a config key (server.telemetry_path), like --web.listen-address.
  auto d = Daemon::start(dir.path(), {base + "server: {telemetry_path: /m}\n"});
  ASSERT_TRUE(d);
  EXPECT_EQ(d->get("/m").status, 200);
  EXPECT_EQ(d->get("/metrics").status, 404);
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
