#include "vault/node_state_collector.hpp"

#include <gtest/gtest.h>
#include <prometheus/text_serializer.h>

#include "support/http_get.hpp"
#include "support/test_support.hpp"
#include "vault/health_poller.hpp"

namespace vw::vault {
namespace {

test::Samples collect(const NodeStateCollector& c) {
  return test::parse_samples(prometheus::TextSerializer{}.Serialize(c.Collect()));
}

TEST(NodeStateCollector, ExportsNothingBeforeTheFirstPoll) {
  NodeStateCollector c;
  EXPECT_TRUE(c.Collect().empty());
}

TEST(NodeStateCollector, ExportsEveryGaugeForAnActiveNode) {
  NodeStateCollector c;
  const auto now = std::chrono::system_clock::now();
  auto body = test::read_fixture("vault/health_ce_active_1.16_docs.json");
  auto s = make_health_sample(http::Response{200, {}, body}, now);
  c.update(s);
  LeaderSample l;
  l.body = LeaderBody{true, true, "https://vault-1:8200"};
  c.update(l);
  auto m = collect(c);
  EXPECT_EQ(m["vault_health_up"], 1);
  EXPECT_EQ(m["vault_health_status_code"], 200);
  EXPECT_EQ(m["vault_up"], 1);
  EXPECT_EQ(m["vault_initialized"], 1);
  EXPECT_EQ(m["vault_sealed"], 0);
  EXPECT_EQ(m["vault_standby"], 0);
  EXPECT_EQ(m["vault_performance_standby"], 0);
  EXPECT_EQ(m["vault_replication_dr_mode{mode=\"disabled\"}"], 1);
  EXPECT_EQ(m["vault_replication_performance_mode{mode=\"disabled\"}"], 1);
  EXPECT_EQ((m["vault_info{cluster_id=\"995f749a-9bc3-fbe0-a185-ccba6999fc73\",cluster_name=\"vault-cluster-e65c0563\",version=\"1.16.0-rc2\"}"]), 1);
  EXPECT_EQ(m["vault_is_leader"], 1);
  // The docs sample is from 2024: the skew is that far in the past.
  EXPECT_LT(m["vault_server_time_skew_seconds"], -1e7);
  EXPECT_EQ(m.count("vault_ha_connection_healthy"), 0u) << "active nodes have no heartbeat fields";
}

TEST(NodeStateCollector, StandbyHeartbeatGauges) {
  NodeStateCollector c;
  std::string body =
      R"({"initialized":true,"sealed":false,"standby":true,"performance_standby":false,"replication_performance_mode":"disabled","replication_dr_mode":"disabled","server_time_utc":1741083322,"version":"1.19.0","cluster_name":"c","cluster_id":"i","ha_connection_healthy":false,"last_request_forwarding_heartbeat_ms":93125})";
  c.update(make_health_sample(http::Response{474, {}, body}, std::chrono::system_clock::now()));
  auto m = collect(c);
  EXPECT_EQ(m["vault_health_status_code"], 474);
  EXPECT_EQ(m["vault_standby"], 1);
  EXPECT_EQ(m["vault_ha_connection_healthy"], 0);
  EXPECT_DOUBLE_EQ(m["vault_last_request_forwarding_heartbeat_seconds"], 93.125);
}

TEST(NodeStateCollector, SealedNodeKeepsTheLastClusterIdentity) {
  NodeStateCollector c;
  auto now = std::chrono::system_clock::now();
  c.update(make_health_sample(http::Response{200, {}, test::read_fixture("vault/health_ce_active_1.16_docs.json")}, now));
  c.update(make_health_sample(
      http::Response{503, {}, R"({"initialized":true,"sealed":true,"standby":true,"version":"1.16.0-rc2"})"}, now));
  auto m = collect(c);
  EXPECT_EQ(m["vault_sealed"], 1);
  EXPECT_EQ(m["vault_up"], 0);
  EXPECT_EQ(m["vault_health_up"], 1);
  EXPECT_EQ(m["vault_health_status_code"], 503);
  EXPECT_EQ((m["vault_info{cluster_id=\"995f749a-9bc3-fbe0-a185-ccba6999fc73\",cluster_name=\"vault-cluster-e65c0563\",version=\"1.16.0-rc2\"}"]), 1);
}

TEST(NodeStateCollector, UnreachableIsZeroesNotAnAbsentTarget) {
  NodeStateCollector c;
  c.update(make_health_sample(http::Failure{http::FailureKind::connect, "refused"}, std::chrono::system_clock::now()));
  auto m = collect(c);
  EXPECT_EQ(m["vault_health_up"], 0);
  EXPECT_EQ(m["vault_health_status_code"], 0);
  EXPECT_EQ(m["vault_up"], 0);
  EXPECT_EQ(m.count("vault_sealed"), 0u) << "body gauges are absent when Vault did not answer";
  EXPECT_EQ(m.count("vault_info"), 0u);
}

}  // namespace
}  // namespace vw::vault
