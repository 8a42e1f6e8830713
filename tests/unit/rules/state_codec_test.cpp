#include "rules/state_codec.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "rules_test_util.hpp"
#include "support/test_support.hpp"

namespace vw::rules {
namespace {

using namespace test;
using ::testing::HasSubstr;
using ::testing::Not;

AuditEvent stored_event() {
  AuditEvent e = sanitized(event("sys/mounts/x", "root", {"root"}));
  e.time = at(1s);
  e.mount_point = "sys/";
  e.mount_type = "system";
  e.namespace_id = "root";
  e.request_id = "6c5e9a3e-aaaa-bbbb-cccc-0123456789ab";
  e.entity_id = "";
  e.token_type = "service";
  e.error = "permission denied";
  return e;
}

EngineState sample_state() {
  EngineState s;
  s.saved_at = at(90s);
  s.last_version = "1.19.2";
  s.last_leader = "https://vault-1:8200";
  Alert firing;
  firing.alertname = "VaultRootTokenUsed";
  firing.labels = {{"alertname", "VaultRootTokenUsed"}, {"severity", "critical"}};
  firing.annotations = {{"summary", "A root token was used"}};
  firing.state = AlertState::firing;
  firing.active_at = at(1s);
  firing.fired_at = at(1s);
  firing.keep_firing_since = at(1s);
  firing.value = 2;
  firing.last_event = stored_event();
  firing.last_sent_at = at(61s);
  firing.firing_sent = true;
  s.alerts.push_back(firing);
  Alert resolved = firing;
  resolved.labels["display_name"] = "bob";
  resolved.state = AlertState::inactive;
  resolved.resolved_at = at(80s);
  resolved.keep_firing_since.reset();
  resolved.last_event.reset();
  resolved.change_pending = true;
  resolved.value = 0.1;
  s.alerts.push_back(resolved);
  EngineState::Group g;
  g.alertname = "VaultPermissionDeniedSpike";
  g.key = {{"display_name", "alice"}};
  g.window.recent = {at(10s), at(11s)};
  g.window.buckets = {{384000002, 2}};
  g.count_since_active = 0;
  g.last_event = stored_event();
  s.groups.push_back(g);
  return s;
}

TEST(StateCodec, RoundTrips) {
  const auto s = sample_state();
  auto text = encode_state(s);
  auto back = decode_state(text);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, s);
  EXPECT_THAT(text, Not(HasSubstr("hmac-sha256"))) << "no accessor is ever written";
}

TEST(StateCodec, RejectsDamagedFiles) {
  for (const char* bad : {"", "{", "[]", "{\"version\":2}", "{\"version\":1}",
                          R"({"version":1,"saved_at":"x","alerts":[],"groups":[]})",
                          R"({"version":1,"saved_at":"2026-01-01T00:00:00Z","alerts":[{"alertname":1}],"groups":[]})",
                          R"({"version":1,"saved_at":"2026-01-01T00:00:00Z","alerts":[],"groups":[{}]})"}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(decode_state(bad));
  }
}

TEST(AlertsApi, ListsPendingAndFiringWithTheLastEventAndNoHmacFields) {
  AuditCond c;
  c.match.types = {AuditEvent::Type::request};
  c.match.policies = {"root"};
  Rule r = make_rule("VaultRootTokenUsed", c);
  r.annotations["summary"] = tmpl("root used by {{ $event.display_name }}");
  EngineOptions o;
  o.audit_max_age = 0s;  // the entry's fixed time is long before at(0s)
  Engine e({r, health("VaultSealed", HealthCondition::sealed, 30s)}, o);
  auto ev = event("sys/mounts/x", "root", {"root"});
  ev.time = parse_rfc3339("2026-11-28T12:00:00Z").value();
  e.observe(ev, at(0s));
  e.observe(node(NodeState::sealed, 503), at(1s));
  auto j = nlohmann::json::parse(alerts_api_json(e));
  EXPECT_EQ(j["status"], "success");
  auto& alerts = j["data"]["alerts"];
  ASSERT_EQ(alerts.size(), 2u);
  const auto& root = alerts[0]["labels"]["alertname"] == "VaultRootTokenUsed" ? alerts[0] : alerts[1];
  const auto& sealed = alerts[0]["labels"]["alertname"] == "VaultSealed" ? alerts[0] : alerts[1];
  EXPECT_EQ(root["state"], "firing");
  EXPECT_EQ(root["activeAt"], "2026-11-28T12:00:00.000Z") << "the entry's own time (issue 17.2)";
  EXPECT_EQ(root["value"], 1);
  EXPECT_EQ(root["annotations"]["summary"], "root used by root");
  EXPECT_EQ(root["lastEvent"]["path"], "sys/mounts/x");
  EXPECT_EQ(root["lastEvent"]["time"], "2026-11-28T12:00:00.000Z");
  EXPECT_EQ(root["lastEvent"]["policies"], nlohmann::json::array({"root"}));
  EXPECT_EQ(sealed["state"], "pending");
  EXPECT_EQ(sealed["value"], 503) << "a JSON number, not \"5.03e+02\"";
  EXPECT_FALSE(sealed.contains("lastEvent"));
  const auto text = alerts_api_json(e);
  EXPECT_THAT(text, Not(HasSubstr("accessor")));
  EXPECT_THAT(text, Not(HasSubstr("client_token")));
  EXPECT_THAT(text, Not(HasSubstr("hmac")));
}

TEST(StateFile, AtomicWriteReplacesAndCreatesTheDirectory) {
  vw::test::TempDir dir;
  const auto path = (dir / "sub" / "alerts.json").string();
  ASSERT_TRUE(write_file_atomic(path, "one"));
  ASSERT_TRUE(write_file_atomic(path, "two"));
  EXPECT_EQ(vw::test::read_file(path), "two");
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  EXPECT_FALSE(write_file_atomic("/proc/vaultwatch-cannot/alerts.json", "x"));
}

}  // namespace
}  // namespace vw::rules
