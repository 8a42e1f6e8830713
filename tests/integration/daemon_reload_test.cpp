// Reload (SIGHUP and POST /-/reload) through the real binary: a bad new config is rejected with
// vaultwatch_config_last_reload_successful 0 and the old behaviour kept; a good one is applied
// (gauge 1, new Vault target, new log format, new web config) without a restart.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <csignal>

#include "fake_vault/fake_vault.hpp"
#include "support/bcrypt.hpp"
#include "support/daemon_process.hpp"
#include "support/pki.hpp"
#include "support/subprocess.hpp"
#include "support/test_support.hpp"

namespace vw::test {
namespace {

using ::testing::HasSubstr;

class DaemonReload : public ::testing::Test {
 protected:
  void SetUp() override {
    a_.start();
    b_.start();
    b_.set_state(fake::VaultState::sealed);
    d_ = Daemon::start(dir_.path(), {config_for(a_)});
    ASSERT_TRUE(d_);
    ASSERT_TRUE(d_->wait_metric("vault_health_status_code", 200));
    ASSERT_TRUE(d_->wait_metric("vaultwatch_config_last_reload_successful", 1));
  }
  std::string config_for(const fake::FakeVault& v, const std::string& extra = "") const {
    return "vault:\n  address: " + v.address() +
           "\n  health_interval: 100ms\n  leader_interval: 100ms\n  timeout: 500ms\n"
           "audit:\n  path: \"\"\nstate_dir: " + dir_.path().string() + "\n" + extra;
  }
  void rewrite(const std::string& yaml) { write_file(dir_ / "vaultwatch.yaml", yaml); }
  // Waits until `v` has answered `n` more health polls than it had.
  testing::AssertionResult polled(const fake::FakeVault& v, std::size_t n) {
    const auto before = v.request_count("/v1/sys/health");
    return wait_until([&] { return v.request_count("/v1/sys/health") >= before + n; }, default_deadline,
                      "health polls");
  }
  std::string url(const std::string& path) const { return d_->url(path); }

  TempDir dir_;
  fake::FakeVault a_, b_;
  std::unique_ptr<Daemon> d_;
};

TEST_F(DaemonReload, BadConfigOnSighupIsRejectedAndTheOldOneKeepsRunning) {
  const double ok_at = d_->scrape()["vaultwatch_config_last_reload_success_timestamp_seconds"];
  rewrite(config_for(b_) + "vault_typo: {}\n");
  d_->process().signal(SIGHUP);
  ASSERT_TRUE(d_->wait_metric("vaultwatch_config_last_reload_successful", 0));
  EXPECT_TRUE(d_->process().wait_for_output(
      "reload rejected, keeping the running configuration: .*vault_typo: unknown key", default_deadline));
  // Still polling A (active), not B (sealed).
  EXPECT_TRUE(polled(a_, 3));
  auto m = d_->scrape();
  EXPECT_EQ(m["vault_health_status_code"], 200);
  EXPECT_EQ(m["vaultwatch_config_last_reload_success_timestamp_seconds"], ok_at);
  EXPECT_EQ(b_.request_count("/v1/sys/health"), 0u);

  // Fixed: applied, gauge back to 1, now polling B.
  rewrite(config_for(b_));
  d_->process().signal(SIGHUP);
  ASSERT_TRUE(d_->wait_metric("vaultwatch_config_last_reload_successful", 1));
  ASSERT_TRUE(d_->wait_metric("vault_health_status_code", 503));
  EXPECT_EQ(d_->scrape()["vault_sealed"], 1);
  EXPECT_GT(d_->scrape()["vaultwatch_config_last_reload_success_timestamp_seconds"], ok_at - 1);
  EXPECT_TRUE(polled(b_, 3));
  const auto a_after = a_.request_count("/v1/sys/health");
  EXPECT_TRUE(polled(b_, 3));
  EXPECT_LE(a_.request_count("/v1/sys/health"), a_after + 1) << "the old poller stopped";
  EXPECT_EQ(d_->process().running(), true);
}

TEST_F(DaemonReload, PostReloadAnswersWithTheReason) {
  rewrite(config_for(b_, "log: {level: loud}\n"));
  auto bad = http_request(url("/-/reload"), {.method = "POST"});
  EXPECT_EQ(bad.status, 500);
  // The JSON envelope of every API answer (like /api/v1/alerts and Prometheus' API).
  EXPECT_EQ(bad.headers["content-type"], "application/json");
  auto answer = nlohmann::json::parse(bad.body);
  EXPECT_EQ(answer["status"], "error");
  EXPECT_EQ(answer["errorType"], "config");
  EXPECT_THAT(answer["error"].get<std::string>(), HasSubstr("log.level: must be debug, info, warn or error"));
  EXPECT_EQ(d_->scrape()["vaultwatch_config_last_reload_successful"], 0);
  EXPECT_EQ(d_->scrape()["vault_health_status_code"], 200);

  rewrite(config_for(b_));
  auto good = http_request(url("/-/reload"), {.method = "POST"});
  EXPECT_EQ(good.status, 200) << good.body;
  EXPECT_EQ(nlohmann::json::parse(good.body)["status"], "success");
  EXPECT_EQ(d_->scrape()["vaultwatch_config_last_reload_successful"], 1);
  EXPECT_TRUE(d_->wait_metric("vault_sealed", 1));
}

TEST_F(DaemonReload, AnUnreadableCaFileRejectsTheReload) {
  std::string yaml = "vault:\n  address: https://127.0.0.1:" + std::to_string(b_.port()) +
                     "\n  tls: {ca_file: /nonexistent/ca.pem}\naudit:\n  path: \"\"\nstate_dir: " +
                     dir_.path().string() + "\n";
  rewrite(yaml);
  auto r = http_request(url("/-/reload"), {.method = "POST"});
  EXPECT_EQ(r.status, 500);
  EXPECT_THAT(r.body, HasSubstr("/nonexistent/ca.pem"));
  EXPECT_EQ(d_->scrape()["vaultwatch_config_last_reload_successful"], 0);
  EXPECT_TRUE(polled(a_, 2)) << "old client still in use";
}

TEST_F(DaemonReload, LogFormatAndWebConfigChangeWithoutRestart) {
  write_file(dir_ / "web.yml", "basic_auth_users:\n  prometheus: " + bcrypt_hash("pw") + "\n");
  rewrite(config_for(a_, "log: {format: json}\nserver:\n  web_config_file: " + (dir_ / "web.yml").string() + "\n"));
  d_->process().signal(SIGHUP);
  ASSERT_TRUE(d_->process().wait_for_output(R"(\{"time":"[^"]+","level":"info","logger":"app","msg":"configuration reloaded)",
                                            default_deadline));
  EXPECT_EQ(d_->get("/metrics").status, 401);
  HttpOptions auth;
  auth.headers = {{"Authorization", "Basic cHJvbWV0aGV1czpwdw=="}};  // prometheus:pw
  auto m = d_->get("/metrics", auth);
  EXPECT_EQ(m.status, 200);
  EXPECT_THAT(m.body, HasSubstr("vaultwatch_config_last_reload_successful 1"));
  EXPECT_EQ(d_->get("/healthz").status, 200);

  // Turning TLS on needs a restart: the reload is refused and plain HTTP with auth continues.
  auto pki = make_test_pki(dir_.path());
  write_file(dir_ / "tls.yml", "tls_server_config: {cert_file: server.pem, key_file: server-key.pem}\n");
  rewrite(config_for(a_, "server:\n  web_config_file: " + (dir_ / "tls.yml").string() + "\n"));
  auto r = http_request(url("/-/reload"), {.method = "POST", .headers = auth.headers});
  EXPECT_EQ(r.status, 500);
  EXPECT_THAT(r.body, HasSubstr("restart vaultwatch to switch to HTTPS"));
  EXPECT_EQ(d_->get("/metrics", auth).status, 200);
  EXPECT_EQ(d_->get("/metrics").status, 401);
}

}  // namespace
}  // namespace vw::test
