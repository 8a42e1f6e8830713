// vaultwatch against the fake Vault for issue 5: sys/metrics republishing and its states, the
// monitor token (file rotation, permissions, TTL) and KV v2 secret ages, all through the real
// binary and a real scrape.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <sstream>

#include "fake_vault/fake_vault.hpp"
#include "support/daemon_process.hpp"
#include "support/subprocess.hpp"
#include "support/test_support.hpp"
#include "support/vault_metrics_body.hpp"

namespace vw::test {
namespace {

namespace fs = std::filesystem;
using fake::FakeVault;
using fake::MetricsMode;
using fake::VaultState;

constexpr const char* token_a = "hvs.CAESIAtokenAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
constexpr const char* token_b = "hvs.CAESIBtokenBBBBBBBBBBBBBBBBBBBBBBBBBBBBB";

constexpr const char* fast_intervals = "  metrics_interval: 100ms\n  token_check_interval: 100ms\n  secrets_interval: 100ms\n";

std::string config_for(const std::string& address, const fs::path& dir, const std::string& extra_vault = "",
                       const std::string& intervals = fast_intervals) {
  return "vault:\n  address: " + address + "\n  health_interval: 100ms\n  leader_interval: 100ms\n  timeout: 1s\n" +
         intervals + extra_vault + "audit:\n  path: \"\"\nstate_dir: " + dir.string() + "\n";
}

// Writes a token file the way Vault Agent's file sink does: a new file renamed over the old.
void write_token_file(const fs::path& p, const std::string& token, fs::perms mode = fs::perms::owner_read |
                                                                                  fs::perms::owner_write) {
  auto tmp = p;
  tmp += ".tmp";
  write_file(tmp, token + "\n");
  fs::permissions(tmp, mode);
  fs::rename(tmp, p);
}

std::string rfc3339_ago(std::chrono::seconds ago) {
  auto t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now() - ago);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::size_t count_of(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (auto p = haystack.find(needle); p != std::string::npos; p = haystack.find(needle, p + 1)) ++n;
  return n;
}

class DaemonTelemetry : public ::testing::Test {
 protected:
  void SetUp() override {
    vault_.start();
    vault_.add_token(token_a, std::chrono::hours(1));
  }
  std::unique_ptr<Daemon> start(const std::string& extra_vault = "", std::map<std::string, std::string> env = {},
                                std::vector<std::string> args = {}, const std::string& intervals = fast_intervals) {
    return Daemon::start(dir_.path(), {config_for(vault_.address(), dir_.path(), extra_vault, intervals), args, env});
  }
  // Waits until the fake answered `n` more requests under `prefix`: several polls happened.
  testing::AssertionResult wait_polls(const std::string& prefix, std::size_t n) {
    const auto base = vault_.request_count(prefix);
    return wait_until([&] { return vault_.request_count(prefix) >= base + n; }, default_deadline,
                      std::to_string(n) + " more requests to " + prefix);
  }
  TempDir dir_;
  FakeVault vault_;
};

TEST_F(DaemonTelemetry, RepublishesTheKeptFamiliesOfAnActiveNodeUnderTheirOwnNames) {
  auto d = start("", {{"VAULT_TOKEN", token_a}});
  ASSERT_TRUE(d);
  ASSERT_TRUE(d->wait_metric("vaultwatch_vault_metrics_available", 1));
  auto m = d->scrape();
  EXPECT_EQ(m["vault_core_active{cluster=\"vault-cluster-5f2a1b7c\"}"], 1);
  EXPECT_EQ(m["vault_core_unsealed{cluster=\"vault-cluster-5f2a1b7c\"}"], 1);
  EXPECT_EQ(m["vault_audit_log_request_failure"], 0) << "counter, no _total, as Vault names it";
  EXPECT_EQ(m["vault_audit_log_request_count"], 2);
  EXPECT_EQ(m["vault_token_count{cluster=\"vault-cluster-5f2a1b7c\",namespace=\"root\"}"], 97);
  EXPECT_EQ(m["vault_runtime_alloc_bytes"], 7.3326136e+07);
  EXPECT_EQ(m.count("go_goroutines"), 0u) << "not in the default keep list";
  EXPECT_GT(m["vaultwatch_last_successful_poll_timestamp_seconds{endpoint=\"metrics\"}"], 1.7e9);
  EXPECT_GT(m["vaultwatch_poll_duration_seconds_count{endpoint=\"metrics\"}"], 0);
  // The token went with the request (authenticated sys/metrics) and never anywhere else.
  bool sent = false;
  for (const auto& r : vault_.requests())
    if (r.target == "/v1/sys/metrics?format=prometheus")
      sent = sent || (r.headers.count("x-vault-token") && r.headers.at("x-vault-token") == token_a);
  EXPECT_TRUE(sent);
  EXPECT_EQ(d->get("/metrics").body.find(token_a), std::string::npos);
  EXPECT_EQ(d->process().output().find(token_a), std::string::npos);
}

TEST_F(DaemonTelemetry, StandbySealedDisabledAndForbiddenAreStatesNotErrorStorms) {
  auto d = start("", {{"VAULT_TOKEN", token_a}});
  ASSERT_TRUE(d);
  ASSERT_TRUE(d->wait_metric("vaultwatch_vault_metrics_available", 1));
  struct Case {
    std::function<void()> make;
    std::string reason;
  } cases[] = {
      {[&] { vault_.set_state(VaultState::standby); }, "standby"},
      {[&] { vault_.set_state(VaultState::sealed); }, "sealed"},
      {[&] {
         vault_.set_state(VaultState::active);
         vault_.set_metrics_mode(MetricsMode::disabled);
       },
       "disabled"},
      {[&] {
         vault_.set_metrics_mode(MetricsMode::authenticated);
         vault_.remove_token(token_a);
       },
       "forbidden"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.reason);
    c.make();
    const std::string key = "vaultwatch_vault_metrics_available{reason=\"" + c.reason + "\"}";
    ASSERT_TRUE(d->wait_metric(key, 0));
    ASSERT_TRUE(wait_polls("/v1/sys/metrics", 5));
    auto m = d->scrape();
    EXPECT_EQ(m.count("vaultwatch_vault_metrics_available"), 0u);
    for (const auto& [k, v] : m) EXPECT_FALSE(k.starts_with("vault_core_active")) << "stale telemetry: " << k;
    // One log line for the transition, however many polls came after it.
    EXPECT_EQ(count_of(d->process().output(), "reason=" + c.reason), 1u) << d->process().output();
  }
  auto m = d->scrape();
  for (const auto& [k, v] : m)
    EXPECT_FALSE(k.starts_with("vaultwatch_poll_errors_total{endpoint=\"metrics\"")) << k << " " << v;
  vault_.add_token(token_a, std::chrono::hours(1));
  ASSERT_TRUE(d->wait_metric("vaultwatch_vault_metrics_available", 1));
  EXPECT_EQ(d->scrape()["vault_core_active{cluster=\"vault-cluster-5f2a1b7c\"}"], 1);
}

TEST_F(DaemonTelemetry, UnauthenticatedMetricsAccessWorksOnAStandbyWithoutAToken) {
  vault_.set_metrics_mode(MetricsMode::unauthenticated);
  vault_.set_state(VaultState::standby);
  auto d = start();
  ASSERT_TRUE(d);
  ASSERT_TRUE(d->wait_metric("vaultwatch_vault_metrics_available", 1));
  EXPECT_EQ(d->scrape()["vault_core_active{cluster=\"vault-cluster-5f2a1b7c\"}"], 0);
  for (const auto& r : vault_.requests())
    if (r.target.starts_with("/v1/sys/metrics")) {
      EXPECT_EQ(r.headers.count("x-vault-token"), 0u);
    }
}

TEST_F(DaemonTelemetry, ServerErrorsAndGarbageAreCountedPollErrors) {
  auto d = start("", {{"VAULT_TOKEN", token_a}});
  ASSERT_TRUE(d);
  ASSERT_TRUE(d->wait_metric("vaultwatch_vault_metrics_available", 1));
  vault_.set_fault({fake::FaultKind::error500, "metrics", {}, -1});
  ASSERT_TRUE(d->wait_metric("vaultwatch_vault_metrics_available{reason=\"error\"}", 0));
  ASSERT_TRUE(wait_until(
      [&] { return d->scrape()["vaultwatch_poll_errors_total{endpoint=\"metrics\",reason=\"http_status\"}"] > 0; },
      default_deadline, "an http_status error"));
  vault_.clear_fault();
  vault_.set_metrics_body("this is { not prometheus text\n");
  ASSERT_TRUE(wait_until(
      [&] { return d->scrape()["vaultwatch_poll_errors_total{endpoint=\"metrics\",reason=\"bad_body\"}"] > 0; },
      default_deadline, "a bad_body error"));
}

TEST_F(DaemonTelemetry, HostnamePrefixedGaugesAreNormalisedAndVanishedFamiliesDisappear) {
  vault_.set_metrics_body(
      "# HELP vault_vault_1_example_com_runtime_alloc_bytes vault_vault_1_example_com_runtime_alloc_bytes\n"
      "# TYPE vault_vault_1_example_com_runtime_alloc_bytes gauge\n"
      "vault_vault_1_example_com_runtime_alloc_bytes 123456\n"
      "# HELP vault_vault_1_example_com_expire_num_leases vault_vault_1_example_com_expire_num_leases\n"
      "# TYPE vault_vault_1_example_com_expire_num_leases gauge\n"
      "vault_vault_1_example_com_expire_num_leases 5100\n"
      "# HELP vault_barrier_get vault_barrier_get\n# TYPE vault_barrier_get summary\n"
      "vault_barrier_get{quantile=\"0.5\"} NaN\nvault_barrier_get_sum 0.18\nvault_barrier_get_count 36\n");
  auto d = start("", {{"VAULT_TOKEN", token_a}});
  ASSERT_TRUE(d);
  ASSERT_TRUE(d->wait_metric("vault_runtime_alloc_bytes", 123456));
  auto m = d->scrape();
  EXPECT_EQ(m["vault_expire_num_leases"], 5100);
  EXPECT_EQ(m["vault_barrier_get_count"], 36);
  for (const auto& [k, v] : m) EXPECT_EQ(k.find("example_com"), std::string::npos) << k;
  EXPECT_NE(d->process().output().find("hostname prefix \"vault_1_example_com\""), std::string::npos);
  vault_.set_metrics_body(
      "# HELP vault_vault_1_example_com_runtime_alloc_bytes vault_vault_1_example_com_runtime_alloc_bytes\n"
      "# TYPE vault_vault_1_example_com_runtime_alloc_bytes gauge\n"
      "vault_vault_1_example_com_runtime_alloc_bytes 42\n");
  ASSERT_TRUE(d->wait_metric("vault_runtime_alloc_bytes", 42));
  m = d->scrape();
  EXPECT_EQ(m.count("vault_expire_num_leases"), 0u);
  EXPECT_EQ(m.count("vault_barrier_get_count"), 0u);
}

TEST_F(DaemonTelemetry, MetricsIntervalZeroDisablesThePoller) {
  auto d = Daemon::start(dir_.path(), {"vault:\n  address: " + vault_.address() +
                                           "\n  health_interval: 100ms\n  metrics_interval: 0s\naudit:\n  path: \"\"\n"
                                           "state_dir: " + dir_.path().string() + "\n",
                                       {}, {{"VAULT_TOKEN", token_a}}});
  ASSERT_TRUE(d);
  ASSERT_TRUE(wait_polls("/v1/sys/health", 5));
  EXPECT_EQ(vault_.request_count("/v1/sys/metrics"), 0u);
  EXPECT_EQ(d->scrape().count("vaultwatch_vault_metrics_available"), 0u);
}

TEST_F(DaemonTelemetry, A2MBBodyIsRepublishedAndScrapesKeepAnswering) {
  const auto body = synthetic_vault_metrics(2 * 1024 * 1024);
  vault_.set_metrics_body(body);
  auto d = start("", {{"VAULT_TOKEN", token_a}}, {},
                 "  metrics_interval: 300ms\n  token_check_interval: 1h\n  secrets_interval: 1h\n");
  ASSERT_TRUE(d);
  ASSERT_TRUE(wait_until([&] { return d->get("/metrics").body.find("vaultwatch_vault_metrics_available 1") != std::string::npos; },
                         default_deadline, "telemetry available"));
  auto m = d->scrape();
  EXPECT_EQ(m["vault_route_read_kv_team_1__count"], 101);
  EXPECT_EQ(m["vault_token_count_by_policy{cluster=\"vault-cluster-5f2a1b7c\",namespace=\"root\",policy=\"kv-team-20-read\"}"], 7);
  // While the daemon re-reads and re-parses 2 MB every 300 ms, scrapes still answer. (The
  // numbers are in docs/performance.md (prom_text_bench); this only guards against a loop held for seconds.)
  for (int i = 0; i < 5; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    auto r = d->get("/metrics", HttpOptions{.timeout = std::chrono::seconds(5)});
    EXPECT_EQ(r.status, 200);
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(2000));
  }
}

TEST_F(DaemonTelemetry, WholeExpositionPassesPromtoolApartFromVaultsOwnNaming) {
  auto d = start("  secrets:\n    - {path: secret/app/db, max_age: 90d}\n", {{"VAULT_TOKEN", token_a}});
  vault_.set_secret("secret/app/db", {rfc3339_ago(std::chrono::hours(1)), rfc3339_ago(std::chrono::hours(1)), 2});
  ASSERT_TRUE(d);
  ASSERT_TRUE(d->wait_metric("vaultwatch_vault_metrics_available", 1));
  ASSERT_TRUE(d->wait_metric("vaultwatch_secret_metadata_available{path=\"secret/app/db\"}", 1));
  ASSERT_TRUE(wait_until([&] { return d->scrape().count("vaultwatch_token_ttl_seconds") == 1; }, default_deadline,
                         "token ttl"));
  write_file(dir_ / "metrics.txt", d->get("/metrics").body);
  ASSERT_TRUE(have_program("promtool"));
  auto r = run_command({"sh", "-c", "promtool check metrics < " + (dir_ / "metrics.txt").string()});
  ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 3) << r.output;
  static const std::regex allowed(
      R"(^vault_[A-Za-z0-9_]+ (counter metrics should have "_total" suffix|non-histogram and non-summary metrics should not have "_count" suffix)$)");
  std::istringstream lines(r.output);
  for (std::string line; std::getline(lines, line);)
    if (!line.empty()) {
      EXPECT_TRUE(std::regex_match(line, allowed)) << line;
    }
}

TEST_F(DaemonTelemetry, TokenFileRotatedWhileRunningIsPickedUp) {
  vault_.add_token(token_b, std::chrono::hours(2));
  write_token_file(dir_ / "token", token_a);
  auto d = start("  token_file: " + (dir_ / "token").string() + "\n", {}, {},
                 "  metrics_interval: 100ms\n  token_check_interval: 1h\n");
  ASSERT_TRUE(d);
  ASSERT_TRUE(wait_until(
      [&] {
        auto ttl = d->scrape()["vaultwatch_token_ttl_seconds"];
        return ttl > 3500 && ttl <= 3600;
      },
      default_deadline, "token A's TTL"));
  // Rotation: the check interval is 1h, so a new TTL can only come from the change being noticed.
  write_token_file(dir_ / "token", token_b);
  ASSERT_TRUE(wait_until(
      [&] {
        auto ttl = d->scrape()["vaultwatch_token_ttl_seconds"];
        return ttl > 7100 && ttl <= 7200;
      },
      default_deadline, "token B's TTL"));
  ASSERT_TRUE(wait_until(
      [&] {
        auto reqs = vault_.requests();
        return !reqs.empty() && reqs.back().headers.count("x-vault-token") &&
               reqs.back().headers.at("x-vault-token") == token_b;
      },
      default_deadline, "requests carry token B"));
  const auto out = d->process().output();
  EXPECT_NE(out.find("monitor token changed"), std::string::npos) << out;
  EXPECT_EQ(out.find(token_a), std::string::npos);
  EXPECT_EQ(out.find(token_b), std::string::npos);
  EXPECT_EQ(d->get("/metrics").body.find("hvs."), std::string::npos);
}

TEST_F(DaemonTelemetry, TokenFileReadableByOthersIsRefusedWithExit78) {
  write_token_file(dir_ / "token", token_a, fs::perms::owner_read | fs::perms::owner_write | fs::perms::others_read);
  auto cfg = config_for(vault_.address(), dir_.path(), "  token_file: " + (dir_ / "token").string() + "\n");
  write_file(dir_ / "vaultwatch.yaml", cfg);
  auto r = run_command({daemon_binary(), "--config.file=" + (dir_ / "vaultwatch.yaml").string(),
                        "--web.listen-address=127.0.0.1:0"},
                       {}, std::chrono::seconds(20));
  EXPECT_EQ(r.exit_code, 78) << r.output;
  EXPECT_NE(r.output.find("token file " + (dir_ / "token").string() + " is accessible by group or others (mode 0604)"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("--allow-insecure-token-file"), std::string::npos);
  EXPECT_EQ(r.output.find(token_a), std::string::npos);
  auto check = run_command({daemon_binary(), "--check-config", "--config.file=" + (dir_ / "vaultwatch.yaml").string()});
  EXPECT_EQ(check.exit_code, 78) << check.output;
  EXPECT_NE(check.output.find("is accessible by group or others"), std::string::npos) << check.output;
}

TEST_F(DaemonTelemetry, InsecureTokenFileIsAcceptedWithTheFlagAndAWarning) {
  write_token_file(dir_ / "token", token_a, fs::perms::owner_read | fs::perms::group_read);
  auto d = start("  token_file: " + (dir_ / "token").string() + "\n", {}, {"--allow-insecure-token-file"});
  ASSERT_TRUE(d);
  ASSERT_TRUE(d->wait_metric("vaultwatch_vault_metrics_available", 1));
  EXPECT_NE(d->process().output().find("using it anyway because of --allow-insecure-token-file"), std::string::npos);
}

TEST_F(DaemonTelemetry, TokenTtlIsAbsentForANonExpiringTokenAndZeroWhenRevoked) {
  vault_.add_token("hvs.root-like", std::chrono::seconds(0));
  auto d = start("", {{"VAULT_TOKEN", "hvs.root-like"}});
  ASSERT_TRUE(d);
  ASSERT_TRUE(d->wait_metric("vaultwatch_vault_metrics_available", 1));
  ASSERT_TRUE(wait_polls("/v1/auth/token/lookup-self", 2));
  EXPECT_EQ(d->scrape().count("vaultwatch_token_ttl_seconds"), 0u);
  vault_.remove_token("hvs.root-like");
  ASSERT_TRUE(d->wait_metric("vaultwatch_token_ttl_seconds", 0));
  EXPECT_NE(d->process().output().find("monitor token rejected by Vault"), std::string::npos);
}

TEST_F(DaemonTelemetry, NoTokenMeansNoLookupAndNoTtl) {
  auto d = start("  secrets:\n    - {path: secret/app/db, max_age: 1d}\n");
  ASSERT_TRUE(d);
  ASSERT_TRUE(d->wait_metric("vaultwatch_secret_metadata_available{path=\"secret/app/db\",reason=\"no_token\"}", 0));
  ASSERT_TRUE(wait_polls("/v1/sys/health", 5));
  EXPECT_EQ(vault_.request_count("/v1/auth/token/lookup-self"), 0u);
  EXPECT_EQ(vault_.request_count("/v1/secret/metadata"), 0u);
  EXPECT_EQ(d->scrape().count("vaultwatch_token_ttl_seconds"), 0u);
  EXPECT_EQ(d->scrape()["vaultwatch_vault_metrics_available{reason=\"forbidden\"}"], 0);
}

TEST_F(DaemonTelemetry, ExportsKvMetadataAgesAndVersions) {
  vault_.set_secret("secret/cwiq/shared/billing/database",
                    {rfc3339_ago(std::chrono::hours(24 * 400)), rfc3339_ago(std::chrono::hours(24 * 10)), 3});
  auto d = start("  secrets:\n    - {path: secret/cwiq/shared/billing/database, max_age: 90d}\n",
                 {{"VAULT_TOKEN", token_a}});
  ASSERT_TRUE(d);
  const std::string p = "{path=\"secret/cwiq/shared/billing/database\"}";
  ASSERT_TRUE(d->wait_metric("vaultwatch_secret_metadata_available" + p, 1));
  auto m = d->scrape();
  EXPECT_NEAR(m["vaultwatch_secret_age_seconds" + p], 10 * 86400, 5);
  EXPECT_EQ(m["vaultwatch_secret_version" + p], 3);
  EXPECT_EQ(m["vaultwatch_secret_max_age_seconds" + p], 90 * 86400);
  EXPECT_GT(m["vaultwatch_last_successful_poll_timestamp_seconds{endpoint=\"secrets\"}"], 1.7e9);
  bool asked = false;
  for (const auto& r : vault_.requests()) asked = asked || r.target == "/v1/secret/metadata/cwiq/shared/billing/database";
  EXPECT_TRUE(asked);
  // A rotation (new version) resets the age.
  vault_.set_secret("secret/cwiq/shared/billing/database",
                    {rfc3339_ago(std::chrono::hours(24 * 400)), rfc3339_ago(std::chrono::seconds(0)), 4});
  ASSERT_TRUE(d->wait_metric("vaultwatch_secret_version" + p, 4));
  EXPECT_LT(d->scrape()["vaultwatch_secret_age_seconds" + p], 60);
}

TEST_F(DaemonTelemetry, AMissingSecretAndAForbiddenOneAreStatesNotCrashes) {
  vault_.set_secret("secret/app/denied", {});
  vault_.deny_path("secret/metadata/app/denied");
  auto d = start("  secrets:\n    - {path: secret/app/missing, max_age: 30d}\n    - {path: secret/app/denied, max_age: 30d}\n",
                 {{"VAULT_TOKEN", token_a}});
  ASSERT_TRUE(d);
  ASSERT_TRUE(d->wait_metric("vaultwatch_secret_metadata_available{path=\"secret/app/missing\",reason=\"not_found\"}", 0));
  ASSERT_TRUE(d->wait_metric("vaultwatch_secret_metadata_available{path=\"secret/app/denied\",reason=\"forbidden\"}", 0));
  ASSERT_TRUE(wait_polls("/v1/secret/metadata", 6));
  auto m = d->scrape();
  EXPECT_EQ(m["vaultwatch_secret_max_age_seconds{path=\"secret/app/missing\"}"], 30 * 86400);
  EXPECT_EQ(m.count("vaultwatch_secret_age_seconds{path=\"secret/app/missing\"}"), 0u);
  EXPECT_EQ(m.count("vaultwatch_secret_age_seconds{path=\"secret/app/denied\"}"), 0u);
  for (const auto& [k, v] : m)
    EXPECT_FALSE(k.starts_with("vaultwatch_poll_errors_total{endpoint=\"secrets\"")) << k;
  const auto out = d->process().output();
  EXPECT_EQ(count_of(out, "watched secret not found: path=secret/app/missing"), 1u) << out;
  EXPECT_EQ(count_of(out, "watched secret metadata forbidden (403): path=secret/app/denied"), 1u) << out;
  // It appears: picked up at the next poll.
  vault_.set_secret("secret/app/missing", {rfc3339_ago(std::chrono::hours(1)), rfc3339_ago(std::chrono::hours(1)), 1});
  ASSERT_TRUE(d->wait_metric("vaultwatch_secret_metadata_available{path=\"secret/app/missing\"}", 1));
  EXPECT_TRUE(d->process().running());
}

}  // namespace
}  // namespace vw::test

namespace vw::test {
namespace {

TEST_F(DaemonTelemetry, ReloadRebuildsTheKeepListAndRefusesAnInsecureTokenFile) {
  write_token_file(dir_ / "token", token_a);
  const std::string token_line = "  token_file: " + (dir_ / "token").string() + "\n";
  auto d = start(token_line);
  ASSERT_TRUE(d);
  ASSERT_TRUE(d->wait_metric("vault_core_active{cluster=\"vault-cluster-5f2a1b7c\"}", 1));
  EXPECT_EQ(d->scrape().count("go_goroutines"), 0u);
  // A new keep list takes effect on reload.
  write_file(dir_ / "vaultwatch.yaml", config_for(vault_.address(), dir_.path(), token_line + "  metrics_keep: [\"go_.*\"]\n"));
  auto r = d->get("/-/reload", HttpOptions{.method = "POST"});
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_TRUE(d->wait_metric("go_goroutines", 412));
  ASSERT_TRUE(wait_until([&] { return d->scrape().count("vault_core_active{cluster=\"vault-cluster-5f2a1b7c\"}") == 0; },
                         default_deadline, "vault_core_active no longer kept"));
  // A reload pointing at a token file others can read is rejected; the running config stays.
  write_token_file(dir_ / "open-token", token_a, fs::perms::owner_read | fs::perms::others_read);
  write_file(dir_ / "vaultwatch.yaml",
             config_for(vault_.address(), dir_.path(), "  token_file: " + (dir_ / "open-token").string() + "\n"));
  r = d->get("/-/reload", HttpOptions{.method = "POST"});
  EXPECT_NE(r.status, 200);
  EXPECT_NE(r.body.find("is accessible by group or others"), std::string::npos) << r.body;
  EXPECT_EQ(d->scrape()["vaultwatch_config_last_reload_successful"], 0);
  EXPECT_EQ(d->scrape()["go_goroutines"], 412);
  EXPECT_EQ(d->process().output().find(token_a), std::string::npos);
}

}  // namespace
}  // namespace vw::test
