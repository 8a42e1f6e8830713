// Rotation propagation through the real binary (issue 13 steps 4-5): a consumer reads version 1,
// the secret is rotated to version 2, the 2 s deadline passes -> the built-in
// VaultSecretRotationNotPropagated reaches the webhook naming the stale consumer; the daemon is
// restarted (rotation state and alert state kept, no second firing notification); the consumer
// reads version 2 -> resolved. Also /api/v1/rotation, the status page section and the metrics.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <fstream>

#include "core/time.hpp"
#include "fake_vault/fake_vault.hpp"
#include "support/daemon_process.hpp"
#include "support/kv_audit_line.hpp"
#include "support/test_support.hpp"
#include "webhook_sink/webhook_sink.hpp"

namespace vw::test {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

constexpr const char* alert_name = "VaultSecretRotationNotPropagated";
constexpr const char* db = "secret/data/app/db";

class DaemonRotation : public ::testing::Test {
 protected:
  void SetUp() override {
    sink_.start();
    vault_.start();
    write_file(dir_ / "audit.log", "");
  }

  std::unique_ptr<Daemon> start() {
    // Built-in rules (no rules_files): the shipped VaultSecretRotationNotPropagated is the one
    // under test. A long resend_interval: any second firing notification would be a new one.
    const std::string cfg =
        "vault:\n  address: " + vault_.address() +
        "\n  health_interval: 100ms\n  leader_interval: 100ms\n  timeout: 1s\n"
        "audit:\n  path: " + (dir_ / "audit.log").string() + "\n  start_at: beginning\n"
        "rotation:\n  secrets: [\"secret/data/app/**\"]\n  deadline: 2s\n  consumer_window: 1h\n"
        "notify:\n  resend_interval: 1h\n"
        "  webhooks:\n    - name: ops\n      url: \"" + sink_.url("/hook") + "\"\n"
        "state_dir: " + (dir_ / "state").string() + "\n";
    return Daemon::start(dir_.path(), {cfg, {"--log.level=debug"}});
  }

  // An entry at `epoch` + e.when.
  void append(SysTime epoch, const KvAuditEntry& e) {
    std::ofstream out(dir_ / "audit.log", std::ios::app | std::ios::binary);
    out << kv_audit_line(e, epoch) << "\n";
  }

  struct Notice {
    std::string status;  // firing | resolved
    nlohmann::json alert;
    std::chrono::system_clock::time_point received;
  };
  // The rotation alerts the webhook received, in order.
  std::vector<Notice> notifications() const {
    std::vector<Notice> out;
    for (const auto& r : sink_.requests("/hook")) {
      auto body = nlohmann::json::parse(r.body, nullptr, false);
      if (body.is_discarded()) continue;
      for (const auto& a : body["alerts"])
        if (a["labels"]["alertname"] == alert_name) out.push_back({a["status"], a, r.received});
    }
    return out;
  }
  std::size_t count(const std::string& status) const {
    std::size_t n = 0;
    for (const auto& x : notifications()) n += x.status == status;
    return n;
  }

  TempDir dir_;
  fake::FakeVault vault_;
  WebhookSink sink_;
};

TEST_F(DaemonRotation, StaleConsumerAlertsAfterTheDeadlineSurvivesARestartAndResolvesOnPickup) {
  // Whole milliseconds: the audit line's time has that precision, and the deadline runs from it.
  const auto t = std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
  append(t, {-30s, "read", db, "billing", 1, "10.0.0.9"});
  append(t, {0s, "update", db, "admin", 2, "10.0.0.1"});
  {
    auto d = start();
    ASSERT_TRUE(d);
    ASSERT_TRUE(d->wait_metric("vaultwatch_rotation_secret_version{path=\"secret/data/app/db\"}", 2));
    ASSERT_TRUE(wait_until([&] { return count("firing") == 1; }, default_deadline, "firing notification"));
    const auto first = notifications().front();
    EXPECT_GE(first.received, t + 2s) << "not before the deadline";
    std::printf("deadline -> webhook received: %.3f s\n",
                std::chrono::duration<double>(first.received - (t + 2s)).count());
    const auto& a = first.alert;
    EXPECT_EQ(a["labels"]["path"], db);
    EXPECT_EQ(a["labels"]["severity"], "warning");
    EXPECT_THAT(a["annotations"]["stale_consumers"].get<std::string>(),
                HasSubstr("billing (version 1, last read " + format_rfc3339_ms(t - 30s) + " from 10.0.0.9)"));
    EXPECT_EQ(a["annotations"]["current_version"], "2");
    EXPECT_THAT(a["annotations"]["runbook_url"].get<std::string>(), HasSubstr("#vault-secret-rotation-not-propagated"));

    auto m = d->scrape();
    EXPECT_EQ(m["vaultwatch_rotation_consumers{path=\"secret/data/app/db\",state=\"stale\"}"], 1);
    EXPECT_EQ(m["vaultwatch_rotation_consumers{path=\"secret/data/app/db\",state=\"current\"}"], 0);
    EXPECT_NEAR(m["vaultwatch_rotation_last_write_timestamp_seconds{path=\"secret/data/app/db\"}"],
                to_unix_seconds(t), 0.01);

    auto api = d->get("/api/v1/rotation");
    ASSERT_EQ(api.status, 200);
    auto j = nlohmann::json::parse(api.body);
    EXPECT_EQ(j["status"], "success");
    ASSERT_EQ(j["data"]["secrets"].size(), 1u);
    const auto& s = j["data"]["secrets"][0];
    EXPECT_EQ(s["path"], db);
    EXPECT_EQ(s["version"], 2);
    EXPECT_EQ(s["writer"], "admin");
    ASSERT_EQ(s["consumers"].size(), 1u);
    EXPECT_EQ(s["consumers"][0]["identity"], "billing");
    EXPECT_EQ(s["consumers"][0]["state"], "stale");
    EXPECT_EQ(s["consumers"][0]["remote_address"], "10.0.0.9");

    auto page = d->get("/");
    EXPECT_THAT(page.body, HasSubstr("<h2>Secret rotation</h2>"));
    EXPECT_THAT(page.body, HasSubstr("billing"));
    EXPECT_EQ(d->stop(), 0);
  }
  ASSERT_TRUE(std::filesystem::exists(dir_ / "state" / "rotation.json"));

  auto d = start();
  ASSERT_TRUE(d);
  ASSERT_TRUE(d->process().wait_for_output("rotation state restored: secrets=1 pairs=1", default_deadline));
  // The restored consumer is still stale and the alert still firing, without a new announcement:
  // another consumer's read goes through the pipeline and the rules meanwhile.
  append(std::chrono::system_clock::now(), {0s, "read", db, "reports", 2, "10.0.0.5"});
  ASSERT_TRUE(d->wait_metric("vaultwatch_rotation_consumers{path=\"secret/data/app/db\",state=\"current\"}", 1));
  ASSERT_TRUE(d->wait_metric("vaultwatch_alerts{alertname=\"VaultSecretRotationNotPropagated\",alertstate=\"firing\","
                             "severity=\"warning\"}", 1));
  EXPECT_EQ(d->scrape()["vaultwatch_rotation_consumers{path=\"secret/data/app/db\",state=\"stale\"}"], 1);
  EXPECT_EQ(count("firing"), 1u) << "the restart announced it again";
  EXPECT_EQ(count("resolved"), 0u);

  // billing picks the new version up: resolved.
  append(std::chrono::system_clock::now(), {0s, "read", db, "billing", 2, "10.0.0.9"});
  ASSERT_TRUE(wait_until([&] { return count("resolved") == 1; }, default_deadline, "resolved notification"));
  EXPECT_EQ(count("firing"), 1u);
  auto m = d->scrape();
  EXPECT_EQ(m["vaultwatch_rotation_consumers{path=\"secret/data/app/db\",state=\"current\"}"], 2);
  EXPECT_EQ(m["vaultwatch_rotation_consumers{path=\"secret/data/app/db\",state=\"stale\"}"], 0);
  EXPECT_EQ(m["vaultwatch_rotation_pickup_seconds_count"], 1) << "billing; reports was no consumer at the write";
}

}  // namespace
}  // namespace vw::test
