// Delivery against the real Alertmanager (Debian prometheus-alertmanager 0.25, started here on a
// free port with its own data dir and clustering off): alerts pushed into the notifier appear in
// Alertmanager's GET /api/v2/alerts and resolve; Alertmanager down for a while then back gets the
// alert with the next re-send; a hanging webhook does not delay it; and our webhook v4 message is
// byte for byte the one Alertmanager itself sends for the same alert (Alertmanager routes with
// group_by ['...'] to a receiver of the same name). Then the real vaultwatch binary: a spooled
// notification is delivered after a restart, its series are on /metrics, a reload swaps
// receivers, --check-config reports an unreadable secret file.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <prometheus/registry.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include <csignal>

#include "notify/fingerprint.hpp"
#include "notify/notifier.hpp"
#include "notify/spool.hpp"
#include "support/daemon_process.hpp"
#include "support/subprocess.hpp"
#include "support/test_support.hpp"
#include "webhook_sink/webhook_sink.hpp"

namespace vw::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using notify::Notifier;
using notify::NotifierOptions;

constexpr const char* external_url = "http://vw.test:9410";

unsigned short free_port() {
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::acceptor a(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
  return a.local_endpoint().port();
}

/// The real Alertmanager on 127.0.0.1:<port>, data in its own directory, no clustering.
class Alertmanager {
 public:
  Alertmanager(const std::filesystem::path& dir, unsigned short port, const std::string& webhook_url)
      : dir_(dir), port_(port) {
    write_file(dir_ / "am.yml",
               "route:\n"
               "  receiver: hook\n"
               "  group_by: ['...']\n"   // one group per alert instance: how vaultwatch groups
               "  group_wait: 0s\n"
               "  group_interval: 1s\n"
               "  repeat_interval: 1h\n"
               "receivers:\n"
               "- name: hook\n"
               "  webhook_configs:\n"
               "  - url: " + webhook_url + "\n"
               "    send_resolved: true\n");
  }
  testing::AssertionResult start() {
    proc_ = Subprocess::start({"prometheus-alertmanager", "--config.file=" + (dir_ / "am.yml").string(),
                               "--storage.path=" + (dir_ / "data").string(),
                               "--web.listen-address=127.0.0.1:" + std::to_string(port_),
                               "--cluster.listen-address=", std::string("--web.external-url=") + external_url,
                               "--log.level=warn"});
    if (!proc_) return testing::AssertionFailure() << "cannot start prometheus-alertmanager";
    auto ok = wait_until([&] { return http_request(url("/-/ready"), {.timeout = 1s}).status == 200; },
                         default_deadline, "Alertmanager /-/ready");
    if (!ok) ok << "\n" << proc_->output();
    return ok;
  }
  void stop() {
    if (!proc_) return;
    proc_->signal(SIGTERM);
    proc_->wait(10s);
    proc_.reset();
  }
  std::string url(const std::string& path = "") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  /// GET /api/v2/alerts (active, unresolved alerts).
  nlohmann::json alerts() const {
    auto r = http_request(url("/api/v2/alerts"), {.timeout = 2s});
    if (r.status != 200) return nlohmann::json::array();
    return nlohmann::json::parse(r.body, nullptr, false);
  }
  std::optional<nlohmann::json> find(const Labels& labels) const {
    for (const auto& a : alerts())
      if (a["labels"].get<Labels>() == labels) return a;
    return std::nullopt;
  }

 private:
  std::filesystem::path dir_;
  unsigned short port_;
  std::unique_ptr<Subprocess> proc_;
};

std::shared_ptr<spdlog::logger> quiet_log() {
  return std::make_shared<spdlog::logger>("notify", std::make_shared<spdlog::sinks::null_sink_mt>());
}

AlertNotification sealed(std::chrono::system_clock::time_point starts) {
  AlertNotification a;
  // Quotes, HTML characters, non-ASCII and a line separator: the escaping must match too; and
  // vault/vault2, which Alertmanager 0.25 orders by whole `name="value"` strings in groupKey.
  a.labels = {{"alertname", "VaultSealed"}, {"severity", "critical"}, {"instance", "vault-1:8200"},
              {"vault", "a"}, {"vault2", "b"}, {"note", "say \"hi\" <&> \xc3\xa9\xe2\x80\xa8"}};
  a.annotations = {{"summary", "Vault vault-1 is sealed"}, {"runbook_url", "https://runbooks.example/sealed?a=1&b=2"}};
  a.starts_at = starts;
  a.ends_at = std::chrono::system_clock::now() + 4min;
  a.generator_url = "http://vw.test:9410/alerts";
  return a;
}

class RealAlertmanager : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(have_program("prometheus-alertmanager"))
        << "prometheus-alertmanager comes with Debian's package (deploy/install-deps.sh)";
    sink_.start();
    am_port_ = free_port();
    am_ = std::make_unique<Alertmanager>(dir_.path(), am_port_, sink_.url("/am"));
  }

  NotifierOptions options() {
    NotifierOptions o;
    o.state_dir = (dir_ / "state").string();
    o.external_url = external_url;
    o.user_agent = "vaultwatch/test";
    o.spool_delay = 50ms;
    o.external_labels = {{"cluster", "prod"}};
    notify::AlertmanagerOptions a;
    a.url = am_->url();
    a.timeout = 2s;
    o.alertmanagers = {a};
    return o;
  }
  std::unique_ptr<Notifier> make(NotifierOptions o) {
    auto n = Notifier::create(ioc_.get_executor(), std::move(o), metrics_, quiet_log());
    if (!n) {
      ADD_FAILURE() << n.error().message;
      return nullptr;
    }
    return std::move(*n);
  }
  /// Runs the notifier's io_context until `pred` holds.
  testing::AssertionResult run_until(const std::function<bool()>& pred, const std::string& what,
                                     std::chrono::milliseconds deadline = default_deadline) {
    const auto end = Clock::now() + deadline;
    while (!pred()) {
      if (Clock::now() >= end) return testing::AssertionFailure() << "timed out waiting for " << what;
      ioc_.restart();
      ioc_.run_for(20ms);
    }
    return testing::AssertionSuccess();
  }

  /// vaultwatch (the same notifier code, in-process here) could not deliver to webhook "ops"
  /// (503): its notification is in the spool under <dir>/state when this returns.
  void spool_one() {
    sink_.set_reply("/ops", {.status = 503});
    auto o = options();
    o.alertmanagers.clear();
    notify::WebhookOptions ops;
    ops.name = "ops";
    ops.url = sink_.url("/ops");
    o.webhooks = {ops};
    auto n = make(o);
    ASSERT_TRUE(n);
    n->start();
    n->notify({sealed(std::chrono::system_clock::now())});
    ASSERT_TRUE(run_until([&] { return n->status()[0].spooled == 1; }, "the spool"));
    n.reset();
    ASSERT_TRUE(std::filesystem::exists(dir_ / "state" / "notify" / "webhook-ops.spool"));
  }

  TempDir dir_;
  WebhookSink sink_;
  unsigned short am_port_ = 0;
  std::unique_ptr<Alertmanager> am_;
  boost::asio::io_context ioc_{1};
  prometheus::Registry registry_;
  notify::NotifyMetrics metrics_ = notify::build_notify_metrics(registry_);
};

Labels with_external(Labels l) {
  l.emplace("cluster", "prod");
  return l;
}

TEST_F(RealAlertmanager, AlertsAppearResolveAndOurWebhookMatchesAlertmanagersOwn) {
  ASSERT_TRUE(am_->start());
  sink_.set_reply("/hang", {.hang = true});
  auto o = options();
  notify::WebhookOptions hook;  // named like Alertmanager's receiver, so `receiver` matches
  hook.name = "hook";
  hook.url = sink_.url("/ours");
  notify::WebhookOptions hanging;
  hanging.name = "hanging";
  hanging.url = sink_.url("/hang");
  hanging.timeout = 30s;
  o.webhooks = {hanging, hook};
  auto n = make(o);
  ASSERT_TRUE(n);
  n->start();

  const auto starts = std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now()) - 2s;
  auto firing = sealed(starts);
  const Labels labels = with_external(firing.labels);
  const auto t0 = Clock::now();
  n->notify({firing});
  std::optional<nlohmann::json> got;
  ASSERT_TRUE(run_until([&] { return (got = am_->find(labels)).has_value(); }, "the alert in Alertmanager"));
  EXPECT_LT(Clock::now() - t0, 5s) << "a hanging webhook (30 s timeout) must not delay Alertmanager";
  // The webhook request may reach the sink after Alertmanager answered (slow builds): wait for it.
  EXPECT_TRUE(run_until([&] { return sink_.pending() == 1; }, "the hanging webhook holding its request"));
  EXPECT_EQ((*got)["annotations"].get<Labels>(), firing.annotations);
  EXPECT_EQ((*got)["startsAt"], format_rfc3339_ms(starts));
  EXPECT_EQ((*got)["generatorURL"], firing.generator_url);
  EXPECT_EQ((*got)["fingerprint"], notify::fingerprint_hex(labels)) << "the same fingerprint as ours";
  EXPECT_EQ((*got)["status"]["state"], "active");

  // Alertmanager's own webhook for this alert, and ours: byte for byte the same message.
  ASSERT_TRUE(run_until([&] { return sink_.count("/am") >= 1 && sink_.count("/ours") >= 1; }, "both webhooks"));
  const auto am_firing = sink_.requests("/am")[0];
  const auto our_firing = sink_.requests("/ours")[0];
  EXPECT_EQ(our_firing.body, am_firing.body);
  EXPECT_EQ(our_firing.headers.at("content-type"), am_firing.headers.at("content-type"));
  auto j = nlohmann::json::parse(am_firing.body);
  EXPECT_EQ(j["status"], "firing");
  EXPECT_EQ(j["alerts"][0]["fingerprint"], notify::fingerprint_hex(labels));

  // Resolve: gone from GET /api/v2/alerts, and both webhooks say resolved, identically.
  auto resolved = firing;
  resolved.resolved = true;
  resolved.ends_at = std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
  n->notify({resolved});
  ASSERT_TRUE(run_until([&] { return !am_->find(labels).has_value(); }, "the alert to resolve in Alertmanager"));
  ASSERT_TRUE(run_until([&] { return sink_.count("/am") >= 2 && sink_.count("/ours") >= 2; },
                        "resolved notifications"));
  const auto am_resolved = sink_.requests("/am")[1];
  const auto our_resolved = sink_.requests("/ours")[1];
  EXPECT_EQ(nlohmann::json::parse(am_resolved.body)["status"], "resolved");
  EXPECT_EQ(our_resolved.body, am_resolved.body);
  n->stop();
  sink_.release_hangs();
}

TEST_F(RealAlertmanager, DownForAWhileThenBackGetsTheAlertWithTheNextResend) {
  // Alertmanager not running yet: the first send fails (counted), nothing is retried tightly.
  auto n = make(options());
  ASSERT_TRUE(n);
  n->start();
  const auto starts = std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
  auto firing = sealed(starts);
  n->notify({firing});
  ASSERT_TRUE(run_until([&] { return n->status()[0].failed == 1; }, "a failed attempt"));
  EXPECT_EQ(n->status()[0].queue_length, 0u) << "Alertmanager batches are not kept for retry";

  ASSERT_TRUE(am_->start());
  EXPECT_FALSE(am_->find(with_external(firing.labels)));
  // The rule engine's periodic re-send (state_change = false, endsAt moved on).
  auto resend = firing;
  resend.state_change = false;
  resend.ends_at = std::chrono::system_clock::now() + 4min;
  n->notify({resend});
  std::optional<nlohmann::json> got;
  ASSERT_TRUE(run_until([&] { return (got = am_->find(with_external(firing.labels))).has_value(); },
                        "the re-sent alert in Alertmanager"));
  EXPECT_EQ((*got)["startsAt"], format_rfc3339_ms(starts));
  // Alertmanager stores the alert before it answers: wait for the answer to be read.
  ASSERT_TRUE(run_until([&] { return n->status()[0].sent == 1; }, "the delivery counted"));
  EXPECT_EQ(n->status()[0].failed, 1u);
}

// --- The real daemon ------------------------------------------------------------------------

std::string daemon_config(const std::filesystem::path& state_dir, const std::string& webhooks,
                          const std::string& alertmanagers = "[]") {
  return "vault:\n  address: http://127.0.0.1:1\n  health_interval: 1h\n  leader_interval: 1h\n"
         "  timeout: 200ms\n"
         "audit:\n  path: \"\"\n"
         "rules_files: []\n"
         "notify:\n  alertmanagers: " + alertmanagers + "\n  webhooks: " + webhooks + "\n"
         "state_dir: " + state_dir.string() + "\n";
}

TEST_F(RealAlertmanager, DaemonDeliversSpooledNotificationsAfterARestart) {
  const auto state = dir_ / "state";
  ASSERT_NO_FATAL_FAILURE(spool_one());
  const auto before = sink_.count("/ops");

  // The receiver is back, vaultwatch (the binary) starts on the same state_dir.
  sink_.set_reply("/ops", {.status = 200});
  auto d = Daemon::start(dir_.path(), {daemon_config(state, "[{name: ops, url: \"" + sink_.url("/ops") + "\"}]",
                                                     "[{url: \"" + am_->url() + "\", timeout: 1s}]")});
  ASSERT_TRUE(d);
  ASSERT_TRUE(sink_.wait_count("/ops", before + 1, default_deadline));
  auto j = nlohmann::json::parse(sink_.requests("/ops").back().body);
  EXPECT_EQ(j["alerts"][0]["labels"]["alertname"], "VaultSealed");
  EXPECT_EQ(j["receiver"], "ops");
  ASSERT_TRUE(d->wait_metric("vaultwatch_notifications_total{outcome=\"sent\",receiver=\"ops\"}", 1));
  ASSERT_TRUE(wait_until([&] { return !std::filesystem::exists(state / "notify" / "webhook-ops.spool"); },
                         default_deadline, "the spool file removed once delivered"));
  auto m = d->scrape();
  const std::string am_label = "127.0.0.1:" + std::to_string(am_port_);
  EXPECT_EQ(m["vaultwatch_notification_queue_length{receiver=\"ops\"}"], 0);
  EXPECT_EQ(m["vaultwatch_notifications_total{outcome=\"sent\",receiver=\"" + am_label + "\"}"], 0);
  EXPECT_EQ(m["vaultwatch_notifications_total{outcome=\"dropped\",receiver=\"ops\"}"], 0);
  EXPECT_EQ(m["vaultwatch_notification_latency_seconds_count{receiver=\"ops\"}"], 1);

  // promtool accepts the exposition with the notification families in it.
  if (have_program("promtool")) {
    write_file(dir_ / "metrics.txt", d->get("/metrics").body);
    auto r = run_command({"sh", "-c", "promtool check metrics < " + (dir_ / "metrics.txt").string()});
    EXPECT_EQ(r.exit_code, 0) << r.output;
  }

  // A reload that renames the webhook: the old series go, the new ones appear.
  write_file(dir_ / "vaultwatch.yaml",
             daemon_config(state, "[{name: ops2, url: \"" + sink_.url("/ops") + "\"}]"));
  d->process().signal(SIGHUP);
  ASSERT_TRUE(d->wait_metric("vaultwatch_notification_queue_length{receiver=\"ops2\"}", 0));
  EXPECT_EQ(d->scrape().count("vaultwatch_notification_queue_length{receiver=\"ops\"}"), 0u);
  EXPECT_EQ(d->stop(), 0);
}

TEST_F(RealAlertmanager, DaemonStopSpoolsWhatAHangingWebhookHolds) {
  const auto state = dir_ / "state";
  ASSERT_NO_FATAL_FAILURE(spool_one());
  sink_.set_reply("/ops", {.hang = true});
  auto d = Daemon::start(dir_.path(), {daemon_config(state, "[{name: ops, url: \"" + sink_.url("/ops") + "\", timeout: 30s}]")});
  ASSERT_TRUE(d);
  ASSERT_TRUE(wait_until([&] { return sink_.pending() == 1; }, default_deadline, "the daemon's POST hanging"));
  const auto t0 = Clock::now();
  EXPECT_EQ(d->stop(), 0);
  // 5 s to flush, then the hanging request is cancelled and the notification spooled.
  EXPECT_LT(Clock::now() - t0, 8s);
  auto spooled = notify::Spool(state / "notify" / "webhook-ops.spool", "ops", 1 << 20).load();
  ASSERT_TRUE(spooled);
  ASSERT_EQ(spooled->items.size(), 1u);
  EXPECT_EQ(spooled->items[0].alert.labels.at("alertname"), "VaultSealed");
  sink_.release_hangs();
}

TEST(DaemonNotifyConfig, CheckConfigReportsAnUnreadableSecretFile) {
  TempDir dir;
  write_file(dir / "vaultwatch.yaml",
             daemon_config(dir.path(), "[{name: ops, url: \"http://127.0.0.1:9/\", hmac_secret_file: " +
                                           (dir / "missing.secret").string() + "}]"));
  auto r = run_command({daemon_binary(), "--check-config", "--config.file=" + (dir / "vaultwatch.yaml").string()},
                       {}, 20s);
  EXPECT_EQ(r.exit_code, 78) << r.output;
  EXPECT_NE(r.output.find("notify.webhooks[0].hmac_secret_file: cannot read"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace vw::test
