// The RuleManager with a fake clock on a private io_context (no sleeps): notifications reach
// the sink at once, state is saved on stop and restored on start without re-announcing.
#include "rules/learnt_files.hpp"
#include "rules/rule_manager.hpp"
#include "rules/state_codec.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include "rules_test_util.hpp"
#include "support/test_support.hpp"

namespace vw::rules {
namespace {

using namespace test;

struct Harness {
  explicit Harness(std::string state_file, std::vector<Rule> rules) {
    RuleManagerOptions o;
    o.rules = std::move(rules);
    o.state_file = std::move(state_file);
    o.clock = [this] { return now; };
    manager = std::make_unique<RuleManager>(
        ioc.get_executor(), o, std::make_shared<spdlog::logger>("rules", std::make_shared<spdlog::sinks::null_sink_mt>()),
        [this](std::vector<AlertNotification> n) { sent.insert(sent.end(), n.begin(), n.end()); });
  }
  net::io_context ioc;
  SysTime now = t0;
  std::vector<AlertNotification> sent;
  std::unique_ptr<RuleManager> manager;
};

std::vector<Rule> rules() {
  AuditCond c;
  c.match.types = {AuditEvent::Type::request};
  c.match.policies = {"root"};
  return {health("VaultSealed", HealthCondition::sealed), make_rule("VaultRootTokenUsed", c)};
}

TEST(RuleManager, HandsNotificationsToTheSinkAtOnce) {
  Harness h("", rules());
  h.manager->start();
  h.manager->on_audit_event(event("secret/data/x"));
  EXPECT_TRUE(h.sent.empty());
  h.manager->on_audit_event(event("sys/mounts/x", "root", {"root"}));
  ASSERT_EQ(h.sent.size(), 1u) << "within the call: no batching, no timer";
  EXPECT_TRUE(h.sent[0].state_change);
  EXPECT_EQ(h.sent[0].labels.at("alertname"), "VaultRootTokenUsed");
  auto samples = h.manager->collector()->Collect();
  bool seen = false;
  for (const auto& f : samples)
    if (f.name == "vaultwatch_alerts")
      for (const auto& m : f.metric) seen = seen || m.gauge.value == 1;
  EXPECT_TRUE(seen);
  h.manager->stop();
}

TEST(RuleManager, RestartRestoresFiringAlertsWithoutAnnouncingThemAgain) {
  vw::test::TempDir dir;
  const auto file = (dir / "alerts.json").string();
  std::string active_at;
  {
    Harness h(file, rules());
    h.manager->start();
    h.manager->on_health(node(NodeState::sealed, 503));
    ASSERT_EQ(h.sent.size(), 1u);
    auto j = nlohmann::json::parse(h.manager->alerts_json());
    active_at = j["data"]["alerts"][0]["activeAt"];
    h.manager->stop();  // writes the state
  }
  ASSERT_TRUE(std::filesystem::exists(file));
  Harness h(file, rules());
  h.now = t0 + 20s;
  h.manager->start();
  auto j = nlohmann::json::parse(h.manager->alerts_json());
  ASSERT_EQ(j["data"]["alerts"].size(), 1u);
  EXPECT_EQ(j["data"]["alerts"][0]["state"], "firing");
  EXPECT_EQ(j["data"]["alerts"][0]["activeAt"], active_at);
  h.manager->on_health(node(NodeState::sealed, 503));
  EXPECT_TRUE(h.sent.empty()) << "restored: not new, and the re-send is not due yet";
  h.now = t0 + 61s;
  h.manager->on_health(node(NodeState::sealed, 503));
  ASSERT_EQ(h.sent.size(), 1u);
  EXPECT_FALSE(h.sent[0].state_change);
  h.manager->stop();
}

TEST(RuleManager, AnUnreadableStateFileIsIgnored) {
  vw::test::TempDir dir;
  const auto file = (dir / "alerts.json").string();
  vw::test::write_file(file, "{ not json");
  Harness h(file, rules());
  h.manager->start();
  h.manager->on_health(node(NodeState::sealed, 503));
  EXPECT_EQ(h.sent.size(), 1u);
  h.manager->stop();
  EXPECT_TRUE(decode_state(vw::test::read_file(file))) << "replaced by a good one";
}

TEST(RuleManager, ReloadKeepsAlertsOfRulesThatStayAndResolvesTheOthers) {
  Harness h("", rules());
  h.manager->start();
  h.manager->on_health(node(NodeState::sealed, 503));
  h.manager->on_audit_event(event("sys/mounts/x", "root", {"root"}));
  ASSERT_EQ(h.sent.size(), 2u);
  h.sent.clear();
  RuleManagerOptions o;
  o.rules = {rules()[0]};  // VaultRootTokenUsed removed
  o.clock = [&] { return h.now; };
  h.manager->reload(o);
  ASSERT_EQ(h.sent.size(), 1u);
  EXPECT_TRUE(h.sent[0].resolved);
  EXPECT_EQ(h.sent[0].labels.at("alertname"), "VaultRootTokenUsed");
  auto j = nlohmann::json::parse(h.manager->alerts_json());
  ASSERT_EQ(j["data"]["alerts"].size(), 1u);
  EXPECT_EQ(j["data"]["alerts"][0]["labels"]["alertname"], "VaultSealed");
  h.manager->stop();
}

}  // namespace
}  // namespace vw::rules

namespace vw::rules {
namespace {

std::vector<Rule> learning_rules(Duration learn = 24h) {
  NewValueCond c;
  c.common.match.types = {AuditEvent::Type::request};
  c.common.learn = learn;
  return {make_rule("NewNetwork", c)};
}

AuditEvent from(SysTime when, const std::string& remote) {
  AuditEvent e = event("secret/data/app");
  e.time = when;
  e.remote_address = remote;
  return e;
}

double family_value(const RuleManager& m, const std::string& family) {
  for (const auto& f : m.collector()->Collect())
    if (f.name == family)
      for (const auto& x : f.metric) return f.type == prometheus::MetricType::Counter ? x.counter.value : x.gauge.value;
  return -1;
}

TEST(RuleManager, LearntStateIsSavedAtStopRestoredAtStartAndKeptOnReload) {
  vw::test::TempDir dir;
  const auto file = (dir / "alerts.json").string();
  {
    Harness h(file, learning_rules());
    h.manager->start();
    h.manager->on_audit_event(from(t0, "10.1.2.3"));
    EXPECT_EQ(family_value(*h.manager, "vaultwatch_behaviour_values"), 1);
    EXPECT_EQ(family_value(*h.manager, "vaultwatch_behaviour_learning"), 1);
    h.manager->stop();
  }
  ASSERT_TRUE(std::filesystem::exists(dir / "learnt" / "NewNetwork.bin"));
  Harness h(file, learning_rules());
  h.now = t0 + 25h;
  h.manager->start();
  EXPECT_EQ(family_value(*h.manager, "vaultwatch_behaviour_values"), 1) << "restored";
  EXPECT_EQ(family_value(*h.manager, "vaultwatch_behaviour_learning"), 0);
  EXPECT_EQ(family_value(*h.manager, "vaultwatch_behaviour_evicted_total"), 0);
  h.manager->on_audit_event(from(h.now, "10.1.2.9"));
  EXPECT_TRUE(h.sent.empty()) << "a known network";
  // A reload with the same rule (other learn) keeps what was learnt, in memory.
  RuleManagerOptions o;
  o.rules = learning_rules(48h);
  o.state_file = file;
  o.clock = [&] { return h.now; };
  h.manager->reload(o);
  EXPECT_EQ(family_value(*h.manager, "vaultwatch_behaviour_values"), 1);
  h.manager->on_audit_event(from(h.now, "192.0.2.1"));
  EXPECT_TRUE(h.sent.empty()) << "learn is now 48h: still learning";
  h.manager->stop();
}

TEST(RuleManager, ADamagedLearntFileMeansLearningAfresh) {
  vw::test::TempDir dir;
  std::filesystem::create_directories(dir / "learnt");
  vw::test::write_file(dir / "learnt" / "NewNetwork.bin", "VWLS garbage");
  Harness h((dir / "alerts.json").string(), learning_rules());
  h.manager->start();
  EXPECT_EQ(family_value(*h.manager, "vaultwatch_behaviour_values"), 0);
  EXPECT_EQ(family_value(*h.manager, "vaultwatch_behaviour_learning"), 1);
  h.manager->stop();
}

TEST(LearntFiles, WriteThenReadEveryRule) {
  vw::test::TempDir dir;
  const auto d = learnt_dir(dir.path().string());
  ASSERT_TRUE(write_learnt(d, {{"A", "one"}, {"B", std::string("t\0o", 3)}, {"../x", "never"}}));
  auto files = read_learnt(d);
  EXPECT_TRUE(files.errors.empty());
  EXPECT_EQ(files.blobs, (std::map<std::string, std::string>{{"A", "one"}, {"B", std::string("t\0o", 3)}}));
  EXPECT_TRUE(read_learnt((dir / "none").string()).blobs.empty());
}

TEST(SelfMetrics, FamiliesBecomeSamplesUnderTheirExposedNames) {
  using prometheus::ClientMetric;
  using prometheus::MetricFamily;
  using prometheus::MetricType;
  MetricFamily c{"vaultwatch_x_total", "", MetricType::Counter, {}};
  ClientMetric cm;
  cm.label = {{"receiver", "am"}};
  cm.counter.value = 3;
  c.metric.push_back(cm);
  MetricFamily g{"vault_up", "", MetricType::Gauge, {}};
  ClientMetric gm;
  gm.gauge.value = 1;
  g.metric.push_back(gm);
  MetricFamily h{"vaultwatch_poll_duration_seconds", "", MetricType::Histogram, {}};
  ClientMetric hm;
  hm.histogram.sample_count = 4;
  hm.histogram.sample_sum = 0.5;
  hm.histogram.bucket = {{2, 0.1}, {4, std::numeric_limits<double>::infinity()}};
  h.metric.push_back(hm);
  EXPECT_TRUE(samples_from({c, g, h}, {"vaultwatch_other_total"}).empty());
  auto s = samples_from({c, g, h}, {"vaultwatch_x_total", "vault_up", "vaultwatch_poll_duration_seconds_count"});
  ASSERT_EQ(s.size(), 6u);
  EXPECT_EQ(s[0], (MetricSample{"vaultwatch_x_total", {{"receiver", "am"}}, 3}));
  EXPECT_EQ(s[1], (MetricSample{"vault_up", {}, 1}));
  EXPECT_EQ(s[2], (MetricSample{"vaultwatch_poll_duration_seconds_bucket", {{"le", "0.1"}}, 2}));
  EXPECT_EQ(s[3], (MetricSample{"vaultwatch_poll_duration_seconds_bucket", {{"le", "+Inf"}}, 4}));
  EXPECT_EQ(s[4], (MetricSample{"vaultwatch_poll_duration_seconds_sum", {}, 0.5}));
  EXPECT_EQ(s[5], (MetricSample{"vaultwatch_poll_duration_seconds_count", {}, 4}));
}

}  // namespace
}  // namespace vw::rules
