// GET /, /api/v1/status and /api/v1/alerts through the real binary, and the status page in a
// real headless Chromium (Debian's chromium), with the screenshot kept as a test artifact.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/stat.h>

#include <fstream>

#include "fake_vault/fake_vault.hpp"
#include "support/daemon_process.hpp"
#include "support/subprocess.hpp"
#include "support/test_support.hpp"

namespace vw::test {
namespace {

using ::testing::HasSubstr;

class StatusPage : public ::testing::Test {
 protected:
  void SetUp() override {
    vault_.start();
    daemon_ = Daemon::start(dir_.path(), {"vault:\n  address: " + vault_.address() +
                                          "\n  health_interval: 100ms\n  leader_interval: 100ms\n"
                                          "audit: {path: \"" + (dir_ / "audit.log").string() +
                                          "\", start_at: beginning, alert_max_age: 0s}\nstate_dir: " + dir_.path().string() + "\n"});
    ASSERT_TRUE(daemon_);
  }
  TempDir dir_;
  fake::FakeVault vault_;
  std::unique_ptr<Daemon> daemon_;
};

TEST_F(StatusPage, StatusApiReportsVaultStateAndPolls) {
  vault_.set_state(fake::VaultState::sealed);
  ASSERT_TRUE(daemon_->wait_metric("vault_sealed", 1));
  auto r = daemon_->get("/api/v1/status");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.headers["content-type"], "application/json");
  auto j = nlohmann::json::parse(r.body);
  EXPECT_EQ(j["vault"]["state"], "sealed");
  EXPECT_EQ(j["vault"]["address"], vault_.address());
  EXPECT_EQ(j["vault"]["polls"]["health"]["httpStatus"], 503);
  EXPECT_EQ(j["vault"]["polls"]["leader"]["errorReason"], "http_status");
  EXPECT_EQ(j["ready"], true);
  EXPECT_EQ(j["config"]["path"], (dir_ / "vaultwatch.yaml").string());
}

TEST_F(StatusPage, AlertsApiIsAlwaysAnArray) {
  auto r = daemon_->get("/api/v1/alerts");
  ASSERT_EQ(r.status, 200);
  auto j = nlohmann::json::parse(r.body);
  EXPECT_EQ(j["status"], "success");
  EXPECT_TRUE(j["data"]["alerts"].is_array());
}

TEST_F(StatusPage, HtmlPageIsSelfContained) {
  ASSERT_TRUE(daemon_->wait_metric("vault_up", 1));
  auto r = daemon_->get("/");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.headers["content-type"], "text/html; charset=utf-8");
  EXPECT_THAT(r.headers["content-security-policy"], HasSubstr("default-src 'none'"));
  EXPECT_THAT(r.body, HasSubstr(">active</span>"));
  EXPECT_THAT(r.body, ::testing::Not(HasSubstr("<script")));
}

TEST_F(StatusPage, RendersTheSealedStateAndAFiringAlertInHeadlessChromium) {
  ASSERT_TRUE(have_program("chromium")) << "chromium comes from deploy/install-deps.sh";
  vault_.set_state(fake::VaultState::sealed);
  ASSERT_TRUE(daemon_->wait_metric("vault_sealed", 1));
  // A root token reads a secret: the built-in VaultRootTokenUsed fires at once (for: 0s).
  {
    std::ofstream out(dir_ / "audit.log", std::ios::binary | std::ios::app);
    out << R"({"time":"2026-11-28T10:00:00.000000Z","type":"request","auth":{"client_token":"hmac-sha256:aa11",)"
           R"("accessor":"hmac-sha256:bb22","display_name":"root","policies":["root"],"token_policies":["root"],)"
           R"("token_type":"service"},"request":{"id":"r-1","operation":"read","mount_point":"secret/",)"
           R"("mount_type":"kv","client_token":"hmac-sha256:aa11","path":"secret/data/payments/db",)"
           R"("remote_address":"10.1.2.3","namespace":{"id":"root"}}})" "\n";
  }
  ASSERT_TRUE(daemon_->wait_metric(
      "vaultwatch_alerts{alertname=\"VaultRootTokenUsed\",alertstate=\"firing\",severity=\"critical\"}", 1));
  // Flags from the machine notes: no sandbox as root, and no background networking (the
  // machine's closed network refuses it).
  std::vector<std::string> base = {"chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                                   "--no-first-run", "--disable-background-networking",
                                   "--disable-component-update", "--disable-sync",
                                   "--user-data-dir=" + (dir_ / "chromium-profile").string()};
  auto dump = base;
  dump.push_back("--dump-dom");
  dump.push_back(daemon_->url("/"));
  auto dom = run_command(dump, {}, std::chrono::seconds(60));
  ASSERT_EQ(dom.exit_code, 0) << dom.output;
  EXPECT_THAT(dom.output, HasSubstr("badge bad\">sealed</span>"));
  EXPECT_THAT(dom.output, HasSubstr("Vault polls"));
  EXPECT_THAT(dom.output, HasSubstr("<strong>VaultRootTokenUsed</strong>"));
  EXPECT_THAT(dom.output, HasSubstr("badge bad\">firing</span>"));
  EXPECT_THAT(dom.output, HasSubstr("secret/data/payments/db"));  // the triggering event
  EXPECT_THAT(dom.output, ::testing::Not(HasSubstr("hmac-sha256")));
  // The screenshot is kept next to the test binary for people to look at.
  std::filesystem::create_directories("artifacts");
  auto shot = std::filesystem::absolute("artifacts/status_page_sealed_root_alert.png");
  auto cmd = base;
  cmd.push_back("--window-size=1000,1300");
  cmd.push_back("--screenshot=" + shot.string());
  cmd.push_back(daemon_->url("/"));
  auto r = run_command(cmd, {}, std::chrono::seconds(60));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  ASSERT_TRUE(std::filesystem::exists(shot));
  EXPECT_GT(std::filesystem::file_size(shot), 10000u);
}

}  // namespace
}  // namespace vw::test

namespace vw::test {
namespace {

TEST(StatusPageAudit, StatusApiReportsTheFollowedAuditFile) {
  TempDir dir;
  fake::FakeVault vault;
  vault.start();
  const auto log = dir / "audit.log";
  write_file(log, read_fixture("vault/audit_docs_log_mdx.jsonl"));
  auto d = Daemon::start(dir.path(), {"vault:\n  address: " + vault.address() +
                                      "\n  health_interval: 100ms\naudit:\n  path: " + log.string() +
                                      "\n  start_at: beginning\nstate_dir: " + dir.path().string() + "\n"});
  ASSERT_TRUE(d);
  ASSERT_TRUE(d->wait_metric("vaultwatch_audit_lines_total", 26));
  auto j = nlohmann::json::parse(d->get("/api/v1/status").body);
  const auto& a = j["audit"];
  EXPECT_EQ(a["enabled"], true);
  EXPECT_EQ(a["path"], log.string());
  struct stat st {};
  ASSERT_EQ(::stat(log.c_str(), &st), 0);
  EXPECT_EQ(a["inode"], static_cast<std::uint64_t>(st.st_ino));
  EXPECT_EQ(a["offset"], std::filesystem::file_size(log));
  EXPECT_EQ(a["lagBytes"], 0);
  EXPECT_EQ(a["linesTotal"], 26);
  EXPECT_EQ(a["state"], "following");
  EXPECT_NE(a["lastEntryTime"], nullptr);
  auto page = d->get("/").body;
  EXPECT_THAT(page, HasSubstr(log.string()));
}

}  // namespace
}  // namespace vw::test
