#include "vault/health.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "support/test_support.hpp"
#include "vault/health_poller.hpp"

namespace vw::vault {
namespace {

// The JSON lines of a reconstructed fixture file (comments and blank lines skipped).
std::vector<std::string> json_lines(std::string_view fixture) {
  std::vector<std::string> out;
  std::istringstream in(test::read_fixture(fixture));
  for (std::string line; std::getline(in, line);)
    if (!line.empty() && line[0] == '{') out.push_back(line);
  return out;
}

TEST(DecodeHealth, ReadsTheDocsActiveNodeSamples) {
  for (const char* f : {"vault/health_ce_active_1.16_docs.json", "vault/health_ent_active_1.17_docs.json"}) {
    auto h = decode_health(test::read_fixture(f));
    ASSERT_TRUE(h) << f;
    EXPECT_TRUE(h->initialized);
    EXPECT_FALSE(h->sealed);
    EXPECT_FALSE(h->standby);
    EXPECT_EQ(h->replication_dr_mode, "disabled");
    EXPECT_FALSE(h->cluster_name.empty());
    EXPECT_GT(h->server_time_utc, 1700000000);
  }
  auto ce = decode_health(test::read_fixture("vault/health_ce_active_1.16_docs.json"));
  EXPECT_EQ(ce->version, "1.16.0-rc2");
  EXPECT_EQ(ce->cluster_name, "vault-cluster-e65c0563");
  EXPECT_EQ(ce->cluster_id, "995f749a-9bc3-fbe0-a185-ccba6999fc73");
  auto ent = decode_health(test::read_fixture("vault/health_ent_active_1.17_docs.json"));
  EXPECT_TRUE(ent->enterprise);
}

TEST(DecodeHealth, ReadsDrSecondaryAndOldVersions) {
  auto dr = decode_health(test::read_fixture("vault/health_ent_dr_secondary_1.9_docs.json"));
  ASSERT_TRUE(dr);
  EXPECT_EQ(dr->replication_dr_mode, "secondary");
  EXPECT_EQ(dr->version, "1.9.0+prem");
  auto old = decode_health(test::read_fixture("vault/health_0.9.2_docs.json"));
  ASSERT_TRUE(old);
  EXPECT_EQ(old->version, "0.9.2");
  EXPECT_FALSE(old->enterprise) << "absent in 0.9.2";
  EXPECT_FALSE(old->ha_connection_healthy.has_value());
}

TEST(DecodeHealth, ReadsTheReconstructedStandbySealedAndRemovedBodies) {
  auto lines = json_lines("vault/reconstructed/health_reconstructed.txt");
  ASSERT_EQ(lines.size(), 5u);
  auto standby = decode_health(lines[0]);
  ASSERT_TRUE(standby);
  EXPECT_TRUE(standby->standby);
  EXPECT_EQ(standby->ha_connection_healthy, true);
  EXPECT_EQ(standby->last_request_forwarding_heartbeat_ms, 812);
  auto unhealthy = decode_health(lines[1]);
  EXPECT_EQ(unhealthy->ha_connection_healthy, false);
  auto sealed = decode_health(lines[2]);
  ASSERT_TRUE(sealed);
  EXPECT_TRUE(sealed->sealed);
  EXPECT_TRUE(sealed->cluster_name.empty());
  auto removed = decode_health(lines[3]);
  EXPECT_EQ(removed->removed_from_cluster, true);
  EXPECT_FALSE(decode_health(lines[4])) << "{\"errors\":[]} is not a health body";
}

TEST(DecodeHealth, RejectsWhatIsNotAHealthBody) {
  for (const char* bad : {"", "<html>502</html>", "[]", "{}", "{\"initialized\":\"yes\",\"sealed\":false}",
                          "{\"errors\":[\"internal error\"]}", "{\"initialized\":true,\"sealed\":"})
    EXPECT_FALSE(decode_health(bad)) << bad;
}

TEST(DecodeHealth, NumbersOutOfRangeAreIgnoredNotConverted) {
  // Found by the vault_decode fuzzer: a float beyond int64 as server_time_utc was converted
  // with nlohmann's get<int64_t>, which is undefined behaviour.
  auto h = decode_health(R"({"initialized":true,"sealed":false,"server_time_utc":1.7e29,)"
                         R"("clock_skew_ms":-1e300,"echo_duration_ms":18446744073709551615,)"
                         R"("last_request_forwarding_heartbeat_ms":12.5})");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->server_time_utc, 0);
  EXPECT_EQ(h->clock_skew_ms, 0);
  EXPECT_EQ(h->echo_duration_ms, 0);
  EXPECT_EQ(h->last_request_forwarding_heartbeat_ms, 12);
}

TEST(HealthSample, MapsEveryVaultStatusCodeToANodeState) {
  const std::string active = test::read_fixture("vault/health_ce_active_1.16_docs.json");
  struct Case {
    unsigned status;
    NodeState state;
  } cases[] = {{200, NodeState::active},         {429, NodeState::standby},
               {472, NodeState::dr_secondary},   {473, NodeState::performance_standby},
               {474, NodeState::ha_unhealthy},   {501, NodeState::uninitialized},
               {503, NodeState::sealed},         {530, NodeState::removed},
               {418, NodeState::other}};
  for (const auto& c : cases) {
    auto s = make_health_sample(http::Response{c.status, {}, active}, SysTime{});
    EXPECT_EQ(s.state(), c.state) << c.status;
    EXPECT_TRUE(s.answered());
    EXPECT_EQ(s.error_reason, "");
  }
}

TEST(HealthSample, ClassifiesFailuresWithThePollErrorReasons) {
  struct Case {
    http::Outcome outcome;
    std::string reason;
    unsigned status;
  };
  std::vector<Case> cases;
  cases.push_back({http::Failure{http::FailureKind::connect, "refused"}, "connect", 0});
  cases.push_back({http::Failure{http::FailureKind::timeout, "deadline"}, "timeout", 0});
  cases.push_back({http::Failure{http::FailureKind::tls, "bad cert"}, "tls", 0});
  cases.push_back({http::Failure{http::FailureKind::protocol, "garbage"}, "bad_body", 0});
  cases.push_back({http::Response{200, {}, "<html>"}, "bad_body", 200});
  cases.push_back({http::Response{500, {}, "{\"errors\":[]}"}, "http_status", 500});
  cases.push_back({http::Response{502, {}, "bad gateway"}, "http_status", 502});
  for (const auto& c : cases) {
    auto s = make_health_sample(c.outcome, SysTime{});
    EXPECT_EQ(s.error_reason, c.reason);
    EXPECT_EQ(s.status, c.status);
    EXPECT_FALSE(s.answered());
    EXPECT_FALSE(s.up());
    EXPECT_EQ(s.state(), NodeState::unreachable);
    EXPECT_FALSE(s.error.empty());
  }
}

TEST(HealthSample, UpMeansInitializedAndUnsealed) {
  auto lines = json_lines("vault/reconstructed/health_reconstructed.txt");
  EXPECT_TRUE(make_health_sample(http::Response{429, {}, lines[0]}, SysTime{}).up());
  EXPECT_FALSE(make_health_sample(http::Response{503, {}, lines[2]}, SysTime{}).up());
}

TEST(DecodeLeader, ReadsTheDocsSample) {
  auto l = decode_leader(test::read_fixture("vault/leader_docs.json"));
  ASSERT_TRUE(l);
  EXPECT_TRUE(l->ha_enabled);
  EXPECT_FALSE(l->is_self);
  EXPECT_EQ(l->leader_address, "https://127.0.0.1:8200/");
  EXPECT_EQ(l->leader_cluster_address, "https://127.0.0.1:8201/");
  EXPECT_FALSE(decode_leader("{\"errors\":[\"Vault is sealed\"]}"));
}

TEST(LeaderSample, NonOkStatusIsAnHttpStatusError) {
  auto s = make_leader_sample(http::Response{503, {}, "{\"errors\":[\"Vault is sealed\"]}"}, SysTime{});
  EXPECT_FALSE(s.body);
  EXPECT_EQ(s.error_reason, "http_status");
}

LeaderSample leader(std::string addr) {
  LeaderSample s;
  s.body = LeaderBody{true, false, std::move(addr)};
  return s;
}

TEST(LeaderTracker, CountsChangesOfTheLeaderAddressOnly) {
  LeaderTracker t;
  EXPECT_FALSE(t.observe(leader("https://a:8200"))) << "the first leader seen is not a change";
  EXPECT_FALSE(t.observe(leader("https://a:8200")));
  EXPECT_FALSE(t.observe(leader(""))) << "no address (e.g. during election) is not a change";
  EXPECT_FALSE(t.observe(LeaderSample{})) << "an unreachable poll is not a change";
  EXPECT_TRUE(t.observe(leader("https://b:8200")));
  EXPECT_EQ(t.leader(), "https://b:8200");
  EXPECT_FALSE(t.observe(leader("https://b:8200")));
  EXPECT_TRUE(t.observe(leader("https://a:8200")));
}

}  // namespace
}  // namespace vw::vault
