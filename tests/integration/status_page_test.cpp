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
  // The API envelope shared with /api/v1/alerts and POST /-/reload (Prometheus' API shape).
  auto root = nlohmann::json::parse(r.body);
  EXPECT_EQ(root["status"], "success");
  const auto& j = root["data"];
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
    // Vault's multi-error text, as it writes it into the entry's `error`.
    out << R"({"time":"2026-11-28T10:00:00.000000Z","type":"request","auth":{"client_token":"hmac-sha256:aa11",)"
           R"("accessor":"hmac-sha256:bb22","display_name":"root","policies":["root"],"token_policies":["root"],)"
           R"("token_type":"service"},"request":{"id":"r-1","operation":"read","mount_point":"secret/",)"
           R"("mount_type":"kv","client_token":"hmac-sha256:aa11","path":"secret/data/payments/db",)"
           R"("remote_address":"10.1.2.3","namespace":{"id":"root"}},)"
           R"("error":"1 error occurred:\n\t* permission denied\n\n"})" "\n";
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
  // Issue 17.4: Vault's "1 error occurred:\n\t* ..." wrapper is not shown raw.
  EXPECT_THAT(dom.output, HasSubstr("error=<code>permission denied</code>"));
  EXPECT_THAT(dom.output, ::testing::Not(HasSubstr("error occurred")));
  // Rates over real windows, named as such.
  EXPECT_THAT(dom.output, HasSubstr("entries/s over 1m"));
  EXPECT_THAT(dom.output, HasSubstr("entries/s over 5m"));
  // Issue 17.4: alert names are never broken inside a word ("VaultRootT/okenUsed"). Layout
  // needs the browser: the page as served, plus a script that counts the line boxes of each
  // name, is loaded from a file (the served page's CSP rightly forbids scripts) at a desktop and
  // a phone width.
  {
    std::string page = daemon_->get("/").body;
    const std::string probe = R"(<script>
var broken = [];
document.querySelectorAll('tr > td:first-child > strong').forEach(function (name) {
  if (name.getClientRects().length > 1) broken.push(name.textContent);
});
document.body.setAttribute('data-broken-names', broken.join(',') || 'none');
</script>)";
    ASSERT_NE(page.find("</body>"), std::string::npos);
    page.insert(page.find("</body>"), probe);
    write_file(dir_ / "page.html", page);
    for (const char* size : {"--window-size=1000,1300", "--window-size=360,1300"}) {
      auto probe_cmd = base;
      probe_cmd.push_back(size);
      probe_cmd.push_back("--dump-dom");
      probe_cmd.push_back("file://" + (dir_ / "page.html").string());
      auto laid = run_command(probe_cmd, {}, std::chrono::seconds(60));
      ASSERT_EQ(laid.exit_code, 0) << laid.output;
      EXPECT_THAT(laid.output, HasSubstr("<strong>VaultRootTokenUsed</strong>"));
      EXPECT_THAT(laid.output, HasSubstr("data-broken-names=\"none\"")) << size;
    }
  }
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
  const auto& a = j["data"]["audit"];
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
  // Issue 17.4: 26 entries read in the first moments are 26 in the last minute (0.43/s), not
  // 26 over the seconds since start.
  ASSERT_TRUE(a["entriesPerSecond1m"].is_number()) << a;
  EXPECT_LE(a["entriesPerSecond1m"].get<double>(), 26.0 / 60 + 1e-9);
  EXPECT_LE(a["entriesPerSecond5m"].get<double>(), 26.0 / 300 + 1e-9);
  auto page = d->get("/").body;
  EXPECT_THAT(page, HasSubstr(log.string()));
}

}  // namespace
}  // namespace vw::test
