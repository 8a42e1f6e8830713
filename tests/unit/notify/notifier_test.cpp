// The notifier in-process against scriptable receivers on loopback (tests/webhook_sink): batching,
// independence of receivers, retries and backoff, 4xx, retry budget, queue overflow, spool and
// restart, shutdown, reload hand-over, metrics and status. The io_context runs on the test
// thread; the sink answers from its own threads. Every wait has a deadline.
#include "notify/notifier.hpp"

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include "notify/fingerprint.hpp"
#include "notify/spool.hpp"
#include "support/http_get.hpp"
#include "support/pki.hpp"
#include "support/test_support.hpp"
#include "webhook_sink/webhook_sink.hpp"

namespace vw::notify {
namespace {

using namespace std::chrono_literals;
using test::SinkReply;
using test::WebhookSink;
using Clock = std::chrono::steady_clock;

std::shared_ptr<spdlog::logger> quiet_log() {
  return std::make_shared<spdlog::logger>("notify", std::make_shared<spdlog::sinks::null_sink_mt>());
}

AlertNotification alert(const std::string& name, bool resolved = false, bool state_change = true) {
  AlertNotification a;
  a.labels = {{"alertname", name}, {"severity", "critical"}};
  a.annotations = {{"summary", name + " happened"}};
  a.starts_at = std::chrono::system_clock::now() - 1s;
  a.ends_at = resolved ? std::chrono::system_clock::now() : std::chrono::system_clock::now() + 4min;
  a.generator_url = "http://vw.test:9410/";
  a.resolved = resolved;
  a.state_change = state_change;
  return a;
}

class NotifierTest : public ::testing::Test {
 protected:
  void SetUp() override { sink_.start(); }

  NotifierOptions options() {
    NotifierOptions o;
    o.state_dir = dir_.path().string();
    o.external_url = "http://vw.test:9410";
    o.user_agent = "vaultwatch/test";
    o.spool_delay = 50ms;
    o.backoff = BackoffPolicy{Duration(100), 1.5, 0.0, Duration(1000)};
    return o;
  }
  AlertmanagerOptions am(const std::string& path = "") {
    AlertmanagerOptions c;
    c.url = sink_.url(path);
    c.timeout = 5s;
    return c;
  }
  WebhookOptions webhook(const std::string& name, const std::string& path) {
    WebhookOptions c;
    c.name = name;
    c.url = sink_.url(path);
    c.timeout = 5s;
    return c;
  }
  std::unique_ptr<Notifier> make(NotifierOptions o) {
    auto n = Notifier::create(ioc_.get_executor(), std::move(o), metrics_, quiet_log());
    if (!n) {
      ADD_FAILURE() << n.error().message;
      return nullptr;
    }
    return std::move(*n);
  }
  /// Runs the io_context until `pred` holds (false at the deadline).
  bool run_until(const std::function<bool()>& pred, std::chrono::milliseconds deadline = 10s) {
    const auto end = Clock::now() + deadline;
    while (!pred()) {
      if (Clock::now() >= end) return false;
      ioc_.restart();
      ioc_.run_for(5ms);
    }
    return true;
  }
  test::Samples scrape() {
    return test::parse_samples(prometheus::TextSerializer{}.Serialize(registry_.Collect()));
  }
  double metric(const std::string& receiver, const std::string& outcome) {
    return scrape()["vaultwatch_notifications_total{outcome=\"" + outcome + "\",receiver=\"" + receiver + "\"}"];
  }
  static std::string alertname_of_webhook(const test::SinkRequest& r) {
    return nlohmann::json::parse(r.body)["alerts"][0]["labels"]["alertname"];
  }

  test::TempDir dir_;
  WebhookSink sink_;
  boost::asio::io_context ioc_{1};
  prometheus::Registry registry_;
  NotifyMetrics metrics_ = build_notify_metrics(registry_);
};

TEST_F(NotifierTest, PostsAlertmanagerBatchesOfAtMost64) {
  auto o = options();
  o.alertmanagers = {am()};
  auto n = make(o);
  ASSERT_TRUE(n);
  n->start();
  std::vector<AlertNotification> alerts;
  for (int i = 0; i < 150; ++i) alerts.push_back(alert("A" + std::to_string(i)));
  n->notify(alerts);
  const std::string label = "127.0.0.1:" + std::to_string(sink_.port());
  ASSERT_TRUE(run_until([&] { return metric(label, "sent") == 150; }));
  auto reqs = sink_.requests("/api/v2/alerts");
  ASSERT_EQ(reqs.size(), 3u);
  std::size_t total = 0;
  for (const auto& r : reqs) {
    EXPECT_EQ(r.method, "POST");
    EXPECT_EQ(r.headers.at("content-type"), "application/json");
    EXPECT_EQ(r.headers.at("user-agent"), "vaultwatch/test");
    auto j = nlohmann::json::parse(r.body);
    ASSERT_TRUE(j.is_array());
    EXPECT_LE(j.size(), 64u);
    total += j.size();
  }
  EXPECT_EQ(total, 150u);
  EXPECT_EQ(metric(label, "failed"), 0);
  EXPECT_EQ(scrape()["vaultwatch_notification_queue_length{receiver=\"" + label + "\"}"], 0);
  EXPECT_EQ(scrape()["vaultwatch_notification_latency_seconds_count{receiver=\"" + label + "\"}"], 3);
}

TEST_F(NotifierTest, AHangingOrDeadWebhookNeverDelaysAlertmanager) {
  sink_.set_reply("/hang", {.hang = true});
  auto o = options();
  o.alertmanagers = {am("/am")};
  auto dead = webhook("dead", "/x");
  dead.url = "http://127.0.0.1:1/x";  // nothing listens on port 1: refused at once
  o.webhooks = {webhook("hanging", "/hang"), dead};
  for (auto& w : o.webhooks) w.timeout = 30s;  // far beyond this test's waits
  auto n = make(o);
  ASSERT_TRUE(n);
  n->start();
  for (int i = 0; i < 3; ++i) {
    SCOPED_TRACE(i);
    const auto t0 = Clock::now();
    n->notify({alert("A" + std::to_string(i))});
    ASSERT_TRUE(run_until([&] { return sink_.count("/am/api/v2/alerts") == std::size_t(i + 1); }, 5s));
    EXPECT_LT(Clock::now() - t0, 1s) << "Alertmanager delivery waited on another receiver";
  }
  EXPECT_EQ(sink_.count("/hang"), 1u) << "the hanging webhook still holds its first notification";
  EXPECT_EQ(sink_.pending(), 1u);
  ASSERT_TRUE(run_until([&] { return n->status()[0].sent == 3; }));  // the last answer read
  auto st = n->status();
  ASSERT_EQ(st.size(), 3u);
  EXPECT_EQ(st[1].receiver, "hanging");
  EXPECT_EQ(st[1].queue_length, 3u);
  EXPECT_EQ(st[2].receiver, "dead");
  EXPECT_GE(st[2].failed, 1u);
  EXPECT_NE(st[2].last_error.find("connect"), std::string::npos) << st[2].last_error;
  n->stop();
  sink_.release_hangs();
}

TEST_F(NotifierTest, WebhookRetriesServerErrorsWithBackoffThenDelivers) {
  sink_.script("/hook", {{.status = 503}, {.status = 500}, {.status = 200}});
  auto o = options();
  o.webhooks = {webhook("ops", "/hook")};
  auto n = make(o);
  ASSERT_TRUE(n);
  n->start();
  n->notify({alert("A")});
  ASSERT_TRUE(run_until([&] { return metric("ops", "sent") == 1; }));
  auto reqs = sink_.requests("/hook");
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_EQ(reqs[0].body, reqs[2].body) << "the same notification each time";
  // Backoff 100ms then 150ms (no jitter in this policy).
  EXPECT_GE(reqs[1].received - reqs[0].received, 95ms);
  EXPECT_GE(reqs[2].received - reqs[1].received, 145ms);
  EXPECT_EQ(metric("ops", "failed"), 2);
  EXPECT_EQ(metric("ops", "dropped"), 0);
  auto st = n->status()[0];
  EXPECT_EQ(st.last_outcome, "sent");
  EXPECT_EQ(st.consecutive_failures, 0u);
  EXPECT_EQ(st.last_error, "HTTP 500");
  ASSERT_TRUE(st.last_success);
}

TEST_F(NotifierTest, WebhookDoesNotRetryClientErrors) {
  sink_.script("/hook", {{.status = 400, .body = "bad payload"}});
  auto o = options();
  o.webhooks = {webhook("ops", "/hook")};
  auto n = make(o);
  ASSERT_TRUE(n);
  n->start();
  n->notify({alert("A"), alert("B")});
  ASSERT_TRUE(run_until([&] { return metric("ops", "sent") == 1; }));
  auto reqs = sink_.requests("/hook");
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(alertname_of_webhook(reqs[0]), "A");
  EXPECT_EQ(alertname_of_webhook(reqs[1]), "B");
  EXPECT_EQ(metric("ops", "failed"), 1);
  EXPECT_EQ(metric("ops", "dropped"), 1);
  EXPECT_EQ(n->status()[0].last_error, "HTTP 400: bad payload");
}

TEST_F(NotifierTest, WebhookGivesUpAfterMaxRetryDuration) {
  sink_.set_reply("/hook", {.status = 502});
  auto o = options();
  o.max_retry_duration = 600ms;
  o.webhooks = {webhook("ops", "/hook")};
  auto n = make(o);
  ASSERT_TRUE(n);
  n->start();
  const auto t0 = Clock::now();
  n->notify({alert("A")});
  ASSERT_TRUE(run_until([&] { return metric("ops", "dropped") == 1; }, 5s));
  EXPECT_LT(Clock::now() - t0, 2s);
  EXPECT_GE(sink_.count("/hook"), 2u);  // 0, +100ms, +250ms, +475ms when requests are fast
  EXPECT_EQ(n->status()[0].queue_length, 0u);
}

TEST_F(NotifierTest, FullQueueDropsTheOldestAndCountsIt) {
  sink_.script("/hook", {{.hang = true}});
  auto o = options();
  o.queue_capacity = 3;
  o.webhooks = {webhook("ops", "/hook")};
  auto n = make(o);
  ASSERT_TRUE(n);
  n->start();
  n->notify({alert("A0")});
  ASSERT_TRUE(run_until([&] { return sink_.pending() == 1; }));  // A0 in flight, hanging
  for (int i = 1; i < 10; ++i) n->notify({alert("A" + std::to_string(i))});
  EXPECT_EQ(metric("ops", "dropped"), 7);
  EXPECT_EQ(scrape()["vaultwatch_notification_queue_length{receiver=\"ops\"}"], 3);
  sink_.release_hangs();
  ASSERT_TRUE(run_until([&] { return metric("ops", "sent") == 3; }));
  std::vector<std::string> got;
  for (const auto& r : sink_.requests("/hook")) got.push_back(alertname_of_webhook(r));
  EXPECT_EQ(got, (std::vector<std::string>{"A0", "A8", "A9"}));
}

TEST_F(NotifierTest, ResolvedGoOnlyWhereWantedAndResendsOfResolvedNeverToWebhooks) {
  auto o = options();
  o.alertmanagers = {am("/am")};
  auto quiet = webhook("quiet", "/quiet");
  quiet.send_resolved = false;
  o.webhooks = {webhook("ops", "/ops"), quiet};
  auto n = make(o);
  ASSERT_TRUE(n);
  n->start();
  n->notify({alert("A"), alert("A", true, true), alert("A", true, false)});
  const std::string am_label = "127.0.0.1:" + std::to_string(sink_.port()) + "/am";
  ASSERT_TRUE(run_until([&] {
    return metric(am_label, "sent") == 3 && metric("ops", "sent") == 2 && metric("quiet", "sent") == 1;
  }));
  auto ops = sink_.requests("/ops");
  ASSERT_EQ(ops.size(), 2u);
  EXPECT_EQ(nlohmann::json::parse(ops[1].body)["status"], "resolved");
  EXPECT_EQ(nlohmann::json::parse(sink_.requests("/quiet")[0].body)["status"], "firing");
}

TEST_F(NotifierTest, ExternalLabelsAreAddedAndEmptyLabelsDropped) {
  auto o = options();
  o.external_labels = {{"cluster", "prod"}, {"severity", "ignored"}};
  o.webhooks = {webhook("ops", "/ops")};
  auto n = make(o);
  ASSERT_TRUE(n);
  n->start();
  auto a = alert("A");
  a.labels["empty"] = "";
  n->notify({a});
  ASSERT_TRUE(run_until([&] { return sink_.count("/ops") == 1; }));
  auto j = nlohmann::json::parse(sink_.requests("/ops")[0].body);
  const Labels want = {{"alertname", "A"}, {"cluster", "prod"}, {"severity", "critical"}};
  EXPECT_EQ(j["alerts"][0]["labels"].get<Labels>(), want);
  EXPECT_EQ(j["alerts"][0]["fingerprint"], fingerprint_hex(want));
  EXPECT_EQ(j["groupKey"], "{}:{alertname=\"A\", cluster=\"prod\", severity=\"critical\"}");
  EXPECT_EQ(j["externalURL"], "http://vw.test:9410");
  EXPECT_EQ(j["receiver"], "ops");
}

TEST_F(NotifierTest, UndeliveredWebhookNotificationsAreSpooledAndDeliveredAfterRestart) {
  sink_.set_reply("/hook", {.status = 503});
  auto o = options();
  o.webhooks = {webhook("ops", "/hook")};
  const auto file = dir_.path() / "notify" / "webhook-ops.spool";
  {
    auto n = make(o);
    ASSERT_TRUE(n);
    n->start();
    n->notify({alert("A"), alert("B")});
    // On disk within spool_delay of the failure, before any stop.
    ASSERT_TRUE(run_until([&] { return std::filesystem::exists(file) && n->status()[0].spooled == 2; }));
    EXPECT_EQ(metric("ops", "sent"), 0);
  }  // destroyed: stop() writes the spool once more
  auto spooled = Spool(file, "ops", 1 << 20).load();
  ASSERT_TRUE(spooled);
  ASSERT_EQ(spooled->items.size(), 2u);
  sink_.set_reply("/hook", {.status = 200});
  sink_.clear();
  auto n2 = make(o);
  ASSERT_TRUE(n2);
  n2->start();
  ASSERT_TRUE(run_until([&] { return sink_.count("/hook") == 2 && !std::filesystem::exists(file); }));
  auto reqs = sink_.requests("/hook");
  EXPECT_EQ(alertname_of_webhook(reqs[0]), "A");
  EXPECT_EQ(alertname_of_webhook(reqs[1]), "B");
}

TEST_F(NotifierTest, ShutdownFlushesWhatItCanThenSpoolsTheRest) {
  sink_.script("/hook", {{.status = 200}, {.hang = true}});
  auto o = options();
  o.webhooks = {webhook("ops", "/hook")};
  auto n = make(o);
  ASSERT_TRUE(n);
  n->start();
  n->notify({alert("A"), alert("B"), alert("C")});
  ASSERT_TRUE(run_until([&] { return sink_.pending() == 1; }));  // A delivered, B hangs
  const auto t0 = Clock::now();
  n->shutdown(300ms);
  ASSERT_TRUE(run_until([&] { return n->finished(); }, 5s));
  EXPECT_LT(Clock::now() - t0, 2s);
  auto spooled = Spool(dir_.path() / "notify" / "webhook-ops.spool", "ops", 1 << 20).load();
  ASSERT_TRUE(spooled);
  ASSERT_EQ(spooled->items.size(), 2u) << "B (abandoned in flight) and C";
  EXPECT_EQ(spooled->items[0].alert.labels.at("alertname"), "B");
  sink_.release_hangs();
}

TEST_F(NotifierTest, ShutdownCountsAlertmanagerLeftoversAsDropped) {
  sink_.set_reply("/am/api/v2/alerts", {.hang = true});
  auto o = options();
  o.alertmanagers = {am("/am")};
  auto n = make(o);
  ASSERT_TRUE(n);
  n->start();
  std::vector<AlertNotification> alerts;
  for (int i = 0; i < 70; ++i) alerts.push_back(alert("A" + std::to_string(i)));
  n->notify(alerts);
  ASSERT_TRUE(run_until([&] { return sink_.pending() == 1; }));
  n->shutdown(100ms);
  ASSERT_TRUE(run_until([&] { return n->finished(); }, 5s));
  EXPECT_EQ(metric("127.0.0.1:" + std::to_string(sink_.port()) + "/am", "dropped"), 70);
  sink_.release_hangs();
}

TEST_F(NotifierTest, ReloadHandsQueuesToTheNewNotifierAndDropsSeriesOfRemovedReceivers) {
  sink_.script("/keep", {{.hang = true}});
  sink_.set_reply("/gone", {.status = 503});
  auto o = options();
  o.webhooks = {webhook("keep", "/keep"), webhook("gone", "/gone")};
  auto old = make(o);
  ASSERT_TRUE(old);
  old->start();
  old->notify({alert("A"), alert("B")});
  ASSERT_TRUE(run_until([&] { return sink_.pending() == 1 && sink_.count("/gone") >= 1; }));
  auto o2 = options();
  o2.webhooks = {webhook("keep", "/keep")};
  auto fresh = make(o2);
  ASSERT_TRUE(fresh);
  fresh->take_over(*old);
  EXPECT_TRUE(old->finished());
  EXPECT_TRUE(std::filesystem::exists(dir_.path() / "notify" / "webhook-gone.spool"))
      << "a removed webhook keeps its undelivered notifications on disk";
  EXPECT_EQ(scrape().count("vaultwatch_notification_queue_length{receiver=\"gone\"}"), 0u);
  fresh->start();
  ASSERT_TRUE(run_until([&] { return metric("keep", "sent") == 2; }));
  auto reqs = sink_.requests("/keep");
  ASSERT_EQ(reqs.size(), 3u);  // A (abandoned by the old one), then A and B
  EXPECT_EQ(alertname_of_webhook(reqs[1]), "A");
  EXPECT_EQ(alertname_of_webhook(reqs[2]), "B");
  old.reset();
  sink_.release_hangs();
}

TEST_F(NotifierTest, AlertmanagerOverTlsWithBasicAuth) {
  test::TempDir pki_dir;
  auto pki = test::make_test_pki(pki_dir.path());
  WebhookSink tls_sink({.tls_cert_file = pki.server_cert.string(), .tls_key_file = pki.server_key.string()});
  tls_sink.start();
  test::write_file(dir_ / "pw", "secret\n");
  auto o = options();
  AlertmanagerOptions c;
  c.url = tls_sink.url("");
  c.tls.ca_file = pki.ca_cert.string();
  c.basic_auth_username = "vw";
  c.basic_auth_password_file = (dir_ / "pw").string();
  o.alertmanagers = {c};
  auto n = make(o);
  ASSERT_TRUE(n);
  n->start();
  n->notify({alert("A")});
  ASSERT_TRUE(run_until([&] { return tls_sink.count("/api/v2/alerts") == 1; }));
  EXPECT_EQ(tls_sink.requests()[0].headers.at("authorization"), "Basic dnc6c2VjcmV0");  // vw:secret
  // A CA that did not sign the server's certificate: every attempt fails (tls), nothing retried.
  auto bad = options();
  c.tls.ca_file = pki.other_ca_cert.string();
  bad.alertmanagers = {c};
  auto n2 = make(bad);
  ASSERT_TRUE(n2);
  n2->start();
  n2->notify({alert("B")});
  ASSERT_TRUE(run_until([&] { return n2->status()[0].failed == 1; }));
  EXPECT_NE(n2->status()[0].last_error.find("tls"), std::string::npos) << n2->status()[0].last_error;
  EXPECT_EQ(tls_sink.count("/api/v2/alerts"), 1u);
}

TEST_F(NotifierTest, CreateReportsEveryProblem) {
  auto o = options();
  auto a = am();
  a.bearer_token_file = "/nonexistent/token";
  auto w = webhook("ops", "/");
  w.hmac_secret_file = "/nonexistent/hmac";
  auto clash = webhook("127.0.0.1:" + std::to_string(sink_.port()), "/");
  o.alertmanagers = {a, am()};
  o.webhooks = {w, clash};
  auto n = Notifier::create(ioc_.get_executor(), o, metrics_, quiet_log());
  ASSERT_FALSE(n);
  const auto& m = n.error().message;
  EXPECT_NE(m.find("notify.alertmanagers[0]: cannot read /nonexistent/token"), std::string::npos) << m;
  EXPECT_NE(m.find("notify.webhooks[0]: cannot read /nonexistent/hmac"), std::string::npos) << m;
  EXPECT_NE(m.find("notify.webhooks[1].name"), std::string::npos) << m;
  auto problems = check_notify_files(o);
  EXPECT_EQ(problems.size(), 2u);
}

}  // namespace
}  // namespace vw::notify
