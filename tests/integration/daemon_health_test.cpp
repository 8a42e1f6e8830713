// vaultwatch against the fake Vault: every sys/health state and fault ends up in /metrics with
// the exact SPEC §4.1 names, a scrape never waits on Vault, and the output passes promtool.
#include <gtest/gtest.h>

#include <csignal>

#include "fake_vault/fake_vault.hpp"
#include "support/daemon_process.hpp"
#include "support/pki.hpp"
#include "support/subprocess.hpp"
#include "support/test_support.hpp"

namespace vw::test {
namespace {

using fake::FakeVault;
using fake::VaultState;

std::string config_for(const std::string& address, const std::filesystem::path& state_dir,
                       const std::string& extra_vault = "") {
  return "vault:\n  address: " + address +
         "\n  health_interval: 100ms\n  leader_interval: 100ms\n  timeout: 500ms\n" + extra_vault +
         "audit:\n  path: \"\"\nstate_dir: " + state_dir.string() + "\n";
}

class DaemonHealth : public ::testing::Test {
 protected:
  void SetUp() override {
    vault_.start();
    daemon_ = Daemon::start(dir_.path(), {config_for(vault_.address(), dir_.path())});
    ASSERT_TRUE(daemon_);
  }
  TempDir dir_;
  FakeVault vault_;
  std::unique_ptr<Daemon> daemon_;
};

TEST_F(DaemonHealth, ReportsEveryVaultStateWithItsStatusCode) {
  struct Case {
    VaultState state;
    int code;
    int sealed, standby, perf, initialized, up;
  } cases[] = {
      {VaultState::active, 200, 0, 0, 0, 1, 1},       {VaultState::standby, 429, 0, 1, 0, 1, 1},
      {VaultState::dr_secondary, 472, 0, 0, 0, 1, 1}, {VaultState::perf_standby, 473, 0, 1, 1, 1, 1},
      {VaultState::ha_unhealthy, 474, 0, 1, 0, 1, 1}, {VaultState::uninitialized, 501, 1, 1, 0, 0, 0},
      {VaultState::sealed, 503, 1, 1, 0, 1, 0},       {VaultState::removed, 530, 1, 1, 0, 1, 0},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(fake::to_string(c.state));
    vault_.set_state(c.state);
    ASSERT_TRUE(daemon_->wait_metric("vault_health_status_code", c.code));
    auto m = daemon_->scrape();
    EXPECT_EQ(m["vault_health_up"], 1);
    EXPECT_EQ(m["vault_sealed"], c.sealed);
    EXPECT_EQ(m["vault_standby"], c.standby);
    EXPECT_EQ(m["vault_performance_standby"], c.perf);
    EXPECT_EQ(m["vault_initialized"], c.initialized);
    EXPECT_EQ(m["vault_up"], c.up);
  }
}

TEST_F(DaemonHealth, ExportsStandbyHeartbeatAndReplicationModes) {
  vault_.set_state(VaultState::ha_unhealthy);
  ASSERT_TRUE(daemon_->wait_metric("vault_ha_connection_healthy", 0));
  auto m = daemon_->scrape();
  EXPECT_DOUBLE_EQ(m["vault_last_request_forwarding_heartbeat_seconds"], 93.125);
  vault_.set_state(VaultState::dr_secondary);
  ASSERT_TRUE(daemon_->wait_metric("vault_replication_dr_mode{mode=\"secondary\"}", 1));
  m = daemon_->scrape();
  EXPECT_EQ(m.count("vault_replication_dr_mode{mode=\"disabled\"}"), 0u) << "only the current mode";
  EXPECT_EQ(m["vault_replication_performance_mode{mode=\"disabled\"}"], 1);
}

TEST_F(DaemonHealth, ExportsInfoLeaderAndClockSkew) {
  vault_.set_version("1.19.2");
  vault_.set_clock_skew(std::chrono::seconds(-120));
  ASSERT_TRUE(daemon_->wait_metric(
      "vault_info{cluster_id=\"0c6b2f1e-8d3a-4c5b-9e7f-1a2b3c4d5e6f\",cluster_name=\"vault-cluster-5f2a1b7c\",version=\"1.19.2\"}", 1));
  ASSERT_TRUE(daemon_->wait_metric("vault_is_leader", 1));
  auto m = daemon_->scrape();
  EXPECT_NEAR(m["vault_server_time_skew_seconds"], -120, 2.5);
  vault_.set_state(VaultState::standby);
  ASSERT_TRUE(daemon_->wait_metric("vault_is_leader", 0));
}

TEST_F(DaemonHealth, CountsLeaderChanges) {
  ASSERT_TRUE(daemon_->wait_metric("vault_is_leader", 1));
  EXPECT_EQ(daemon_->scrape()["vaultwatch_leader_changes_total"], 0);
  vault_.set_leader_address("https://vault-2.example:8200");
  ASSERT_TRUE(daemon_->wait_metric("vaultwatch_leader_changes_total", 1));
  EXPECT_GT(daemon_->scrape()["vaultwatch_last_leader_change_timestamp_seconds"], 1.7e9);
}

TEST_F(DaemonHealth, FaultsAreMetricsNotFailedScrapes) {
  struct Case {
    fake::FaultKind fault;
    std::string reason;
    int status_code;
  } cases[] = {
      {fake::FaultKind::hang, "timeout", 0},
      {fake::FaultKind::garbage, "bad_body", 0},
      {fake::FaultKind::close_mid_body, "bad_body", 0},
      {fake::FaultKind::not_json, "bad_body", 200},
      {fake::FaultKind::error500, "http_status", 500},
      // The one deadline covers the whole request, not each read: a byte every 200 ms never
      // completes a 500 ms poll.
      {fake::FaultKind::slow_drip, "timeout", 0},
      // A reset after the request was sent, and TLS alert bytes where HTTP belongs.
      {fake::FaultKind::reset, "bad_body", 0},
      {fake::FaultKind::tls_error, "bad_body", 0},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.reason);
    vault_.clear_fault();
    ASSERT_TRUE(daemon_->wait_metric("vault_health_up", 1));
    vault_.set_fault({c.fault, "health", {}, -1});
    const std::string key = "vaultwatch_poll_errors_total{endpoint=\"health\",reason=\"" + c.reason + "\"}";
    const double before = daemon_->scrape()[key];
    ASSERT_TRUE(wait_until([&] { return daemon_->scrape()[key] > before; }, default_deadline, key));
    ASSERT_TRUE(daemon_->wait_metric("vault_health_up", 0));
    auto m = daemon_->scrape();
    EXPECT_EQ(m["vault_health_status_code"], c.status_code);
    EXPECT_EQ(m["vault_up"], 0);
  }
  vault_.clear_fault();
  ASSERT_TRUE(daemon_->wait_metric("vault_health_up", 1));
  EXPECT_GT(daemon_->scrape()["vaultwatch_last_successful_poll_timestamp_seconds{endpoint=\"health\"}"], 1.7e9);
}

TEST_F(DaemonHealth, ConnectionRefusedIsUnreachable) {
  ASSERT_TRUE(daemon_->wait_metric("vault_health_up", 1));
  vault_.stop();
  // A poll in flight when the fake stopped may end as a timeout; the next ones are refused.
  ASSERT_TRUE(wait_until(
      [&] { return daemon_->scrape()["vaultwatch_poll_errors_total{endpoint=\"health\",reason=\"connect\"}"] > 0; },
      default_deadline, "a connect poll error"));
  auto m = daemon_->scrape();
  EXPECT_EQ(m["vault_health_up"], 0);
  EXPECT_EQ(m["vault_health_status_code"], 0);
}

TEST_F(DaemonHealth, AScrapeNeverWaitsOnAHangingVault) {
  vault_.set_fault({fake::FaultKind::hang, "", {}, -1});
  for (int i = 0; i < 20; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    auto r = daemon_->get("/metrics", HttpOptions{.timeout = std::chrono::seconds(5)});
    EXPECT_EQ(r.status, 200);
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(400));
  }
}

TEST_F(DaemonHealth, HealthzReadyzAndGzip) {
  EXPECT_EQ(daemon_->get("/healthz").body, "ok\n");
  ASSERT_TRUE(wait_until([&] { return daemon_->get("/readyz").status == 200; }, default_deadline, "ready"));
  auto r = daemon_->get("/metrics", HttpOptions{.headers = {{"Accept-Encoding", "gzip"}}});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers["content-encoding"], "gzip");
  EXPECT_EQ(r.headers["content-type"], "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(r.body.find("vault_health_up 1"), std::string::npos);
  EXPECT_LT(r.raw_body.size(), r.body.size());
  EXPECT_EQ(daemon_->get("/nope").status, 404);
}

TEST_F(DaemonHealth, ExposesBuildInfoAndProcessMetrics) {
  ASSERT_TRUE(daemon_->wait_metric("vault_health_up", 1));
  auto m = daemon_->scrape();
  EXPECT_GT(m["process_resident_memory_bytes"], 1e6);
  EXPECT_GT(m["process_open_fds"], 3);
  EXPECT_GT(m["process_start_time_seconds"], 1.7e9);
  EXPECT_GE(m["process_cpu_seconds_total"], 0);
  EXPECT_EQ(m["vaultwatch_config_last_reload_successful"], 1);
  bool build_info = false;
  for (const auto& [k, v] : m) build_info = build_info || (k.starts_with("vaultwatch_build_info{") && v == 1);
  EXPECT_TRUE(build_info);
}

TEST_F(DaemonHealth, MetricsPassPromtoolCheckMetrics) {
  ASSERT_TRUE(daemon_->wait_metric("vault_is_leader", 1));
  vault_.set_state(VaultState::ha_unhealthy);
  ASSERT_TRUE(daemon_->wait_metric("vault_ha_connection_healthy", 0));
  auto body = daemon_->get("/metrics").body;
  write_file(dir_ / "metrics.txt", body);
  ASSERT_TRUE(have_program("promtool")) << "promtool comes with Debian's prometheus package (deploy/install-deps.sh)";
  auto r = run_command({"sh", "-c", "promtool check metrics < " + (dir_ / "metrics.txt").string()});
  EXPECT_EQ(r.exit_code, 0) << r.output << "\n" << body;
}

TEST_F(DaemonHealth, StopsCleanlyOnSigterm) {
  auto t0 = std::chrono::steady_clock::now();
  auto code = daemon_->stop(std::chrono::seconds(10));
  ASSERT_TRUE(code.has_value()) << "did not exit within 10 s";
  EXPECT_EQ(*code, 0);
  // Nothing is in flight here: every component must cancel its timers on stop, so the drain
  // ends at once instead of running into its 9 s bound.
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(3));
}

TEST_F(DaemonHealth, StopsCleanlyOnSigintEvenWithAHangingVault) {
  vault_.set_fault({fake::FaultKind::hang, "", {}, -1});
  daemon_->process().signal(SIGINT);
  auto code = daemon_->process().wait(std::chrono::seconds(10));
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 0);
}

class DaemonTls : public ::testing::Test {
 protected:
  void SetUp() override { pki_ = make_test_pki(dir_.path()); }
  TempDir dir_;
  TestPki pki_;
};

TEST_F(DaemonTls, PollsVaultOverHttpsWithTheConfiguredCa) {
  FakeVault vault({"127.0.0.1", 0, pki_.server_cert, pki_.server_key});
  vault.start();
  auto d = Daemon::start(dir_.path(), {config_for(vault.address(), dir_.path(),
                                                  "  tls:\n    ca_file: " + pki_.ca_cert.string() + "\n")});
  ASSERT_TRUE(d);
  ASSERT_TRUE(d->wait_metric("vault_health_status_code", 200));
  vault.set_state(VaultState::sealed);
  ASSERT_TRUE(d->wait_metric("vault_health_status_code", 503));
}

TEST_F(DaemonTls, VaultCaCertEnvironmentVariableIsHonoured) {
  FakeVault vault({"127.0.0.1", 0, pki_.server_cert, pki_.server_key});
  vault.start();
  auto d = Daemon::start(dir_.path(), {config_for(vault.address(), dir_.path()), {},
                                       {{"VAULT_CACERT", pki_.ca_cert.string()}}});
  ASSERT_TRUE(d);
  ASSERT_TRUE(d->wait_metric("vault_health_status_code", 200));
}

TEST_F(DaemonTls, UntrustedCertificateIsATlsPollError) {
  FakeVault vault({"127.0.0.1", 0, pki_.server_cert, pki_.server_key});
  vault.start();
  auto d = Daemon::start(dir_.path(), {config_for(vault.address(), dir_.path(),
                                                  "  tls:\n    ca_file: " + pki_.other_ca_cert.string() + "\n")});
  ASSERT_TRUE(d);
  ASSERT_TRUE(wait_until(
      [&] { return d->scrape()["vaultwatch_poll_errors_total{endpoint=\"health\",reason=\"tls\"}"] > 0; },
      default_deadline, "a tls poll error"));
  auto m = d->scrape();
  EXPECT_EQ(m["vault_health_up"], 0);
  EXPECT_EQ(m["vault_health_status_code"], 0);
}

TEST_F(DaemonTls, ClientCertificateIsPresented) {
  FakeVault vault({"127.0.0.1", 0, pki_.server_cert, pki_.server_key, pki_.ca_cert});
  vault.start();
  auto d = Daemon::start(dir_.path(), {config_for(vault.address(), dir_.path(),
                                                  "  tls:\n    ca_file: " + pki_.ca_cert.string() +
                                                      "\n    cert_file: " + pki_.client_cert.string() +
                                                      "\n    key_file: " + pki_.client_key.string() + "\n")});
  ASSERT_TRUE(d);
  ASSERT_TRUE(d->wait_metric("vault_health_status_code", 200));
}

}  // namespace
}  // namespace vw::test
