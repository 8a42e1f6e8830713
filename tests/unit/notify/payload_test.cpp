// Our webhook v4 messages are byte-for-byte what Alertmanager 0.25 sent for the same alerts:
// the verbatim payloads of research/prom-am.md §2.3 and the captures in tests/fixtures/notify/
// (provenance in its README). The Alertmanager API v2 body is checked as text.
#include "notify/payload.hpp"

#include <gtest/gtest.h>

#include "support/test_support.hpp"

namespace vw::notify {
namespace {

using namespace std::chrono;

SysTime at(std::string_view rfc3339) { return *parse_rfc3339(rfc3339); }

std::string without_newline(std::string s) {
  if (!s.empty() && s.back() == '\n') s.pop_back();
  return s;
}

AlertNotification vault_sealed() {
  AlertNotification a;
  a.labels = {{"alertname", "VaultSealed"}, {"cluster", "prod"}, {"instance", "vault-1:8200"}, {"severity", "critical"}};
  a.annotations = {{"runbook_url", "https://runbooks.example/vault-sealed"}, {"summary", "Vault node vault-1 is sealed"}};
  a.starts_at = at("2026-11-28T11:58:38Z");
  a.ends_at = at("2026-11-28T12:02:38Z");
  a.generator_url = "http://vaultmon-1:9410/alerts";
  return a;
}

TEST(WebhookPayload, MatchesAlertmanagerVerbatimFiringAndResolved) {
  // research/prom-am.md §2.3: receiver hook, group_by [alertname], externalURL http://vm:19093.
  const WebhookMessageOptions o{"hook", "http://vm:19093", 0};
  const Labels group = {{"alertname", "VaultSealed"}};
  auto firing = vault_sealed();
  EXPECT_EQ(without_newline(webhook_body(o, std::span(&firing, 1), group)),
            R"({"receiver":"hook","status":"firing","alerts":[{"status":"firing","labels":{"alertname":"VaultSealed","cluster":"prod","instance":"vault-1:8200","severity":"critical"},"annotations":{"runbook_url":"https://runbooks.example/vault-sealed","summary":"Vault node vault-1 is sealed"},"startsAt":"2026-11-28T11:58:38Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"http://vaultmon-1:9410/alerts","fingerprint":"e5662c6eff44f6e4"}],"groupLabels":{"alertname":"VaultSealed"},"commonLabels":{"alertname":"VaultSealed","cluster":"prod","instance":"vault-1:8200","severity":"critical"},"commonAnnotations":{"runbook_url":"https://runbooks.example/vault-sealed","summary":"Vault node vault-1 is sealed"},"externalURL":"http://vm:19093","version":"4","groupKey":"{}:{alertname=\"VaultSealed\"}","truncatedAlerts":0})");
  auto resolved = vault_sealed();
  resolved.resolved = true;
  resolved.ends_at = at("2026-11-28T11:58:47Z");
  EXPECT_EQ(without_newline(webhook_body(o, std::span(&resolved, 1), group)),
            R"({"receiver":"hook","status":"resolved","alerts":[{"status":"resolved","labels":{"alertname":"VaultSealed","cluster":"prod","instance":"vault-1:8200","severity":"critical"},"annotations":{"runbook_url":"https://runbooks.example/vault-sealed","summary":"Vault node vault-1 is sealed"},"startsAt":"2026-11-28T11:58:38Z","endsAt":"2026-11-28T11:58:47Z","generatorURL":"http://vaultmon-1:9410/alerts","fingerprint":"e5662c6eff44f6e4"}],"groupLabels":{"alertname":"VaultSealed"},"commonLabels":{"alertname":"VaultSealed","cluster":"prod","instance":"vault-1:8200","severity":"critical"},"commonAnnotations":{"runbook_url":"https://runbooks.example/vault-sealed","summary":"Vault node vault-1 is sealed"},"externalURL":"http://vm:19093","version":"4","groupKey":"{}:{alertname=\"VaultSealed\"}","truncatedAlerts":0})");
}

AlertNotification escaping_alert() {
  AlertNotification a;
  a.labels = {{"alertname", "T"}, {"vault", "a"}, {"vault2", "b"},
              {"q", "x\"<&>\\ \xc3\xa9\t\xe2\x80\xa8"}, {"empty", ""}};
  a.annotations = {{"summary", "<b>&amp;</b>"}, {"e", ""}};
  a.starts_at = at("2026-01-01T00:00:00.120Z");
  a.ends_at = at("2030-01-01T00:00:00.000Z");
  a.generator_url = "http://x/?a=1&b=2";
  normalize(a, {});
  return a;
}

TEST(WebhookPayload, MatchesAlertmanagerCaptureWithEscapingAndPerAlertGroup) {
  // Alertmanager 0.25 with group_by ['...']: the group is the alert's whole label set, which is
  // how vaultwatch groups (one alert instance per message).
  const WebhookMessageOptions o{"hook", "http://vw.example:9410", 0};
  auto firing = escaping_alert();
  EXPECT_EQ(webhook_body(o, std::span(&firing, 1), firing.labels),
            test::read_fixture("notify/am_0.25_webhook_firing_escaping.json"));
  auto resolved = escaping_alert();
  resolved.resolved = true;
  resolved.ends_at = at("2026-11-28T13:20:00.000Z");
  EXPECT_EQ(webhook_body(o, std::span(&resolved, 1), resolved.labels),
            test::read_fixture("notify/am_0.25_webhook_resolved_escaping.json"));
}

TEST(WebhookPayload, MaxAlertsTruncatesAndCommonsCoverTheShownAlerts) {
  // Alertmanager 0.25, group_by [alertname], max_alerts 2, three alerts in the group.
  std::vector<AlertNotification> alerts(3);
  alerts[0].labels = {{"alertname", "G"}, {"instance", "i1"}, {"sev", "x"}};
  alerts[0].annotations = {{"summary", "s"}, {"d", "1"}};
  alerts[0].starts_at = at("2026-01-01T00:00:00.100Z");
  alerts[1].labels = {{"alertname", "G"}, {"instance", "i2"}, {"sev", "x"}};
  alerts[1].annotations = {{"summary", "s"}, {"d", "2"}};
  alerts[1].starts_at = at("2026-01-01T00:00:01.000Z");
  alerts[2].labels = {{"alertname", "G"}, {"instance", "i3"}, {"sev", "y"}};
  alerts[2].annotations = {{"summary", "s"}};
  alerts[2].starts_at = at("2026-01-01T00:00:02.000Z");
  alerts[2].ends_at = at("2026-11-28T13:20:00.000Z");
  alerts[2].resolved = true;
  const WebhookMessageOptions o{"hook", "http://vw.example:9410", 2};
  EXPECT_EQ(webhook_body(o, alerts, {{"alertname", "G"}}),
            test::read_fixture("notify/am_0.25_webhook_grouped_max_alerts.json"));
}

TEST(WebhookPayload, ReceiverNameIsQuoteMetaEscapedAndStatusFollowsTheAlerts) {
  AlertNotification a = vault_sealed();
  a.resolved = true;
  auto body = webhook_body({"web.hook", "", 0}, std::span(&a, 1), a.labels);
  EXPECT_NE(body.find(R"("receiver":"web\\.hook")"), std::string::npos) << body;
  EXPECT_NE(body.find(R"("status":"resolved")"), std::string::npos);
  EXPECT_EQ(group_key(a.labels),
            R"({}:{alertname="VaultSealed", cluster="prod", instance="vault-1:8200", severity="critical"})");
}

TEST(AlertmanagerPayload, IsAnArrayOfPostableAlertsWithMillisecondTimes) {
  std::vector<AlertNotification> alerts(2);
  alerts[0] = vault_sealed();
  alerts[0].starts_at += 632ms;
  alerts[1].labels = {{"alertname", "X"}};
  alerts[1].starts_at = at("2026-11-28T12:00:00Z") + 1500us;  // sub-millisecond is cut
  alerts[1].ends_at = alerts[1].starts_at;
  alerts[1].resolved = true;
  EXPECT_EQ(alertmanager_body(alerts),
            R"([{"labels":{"alertname":"VaultSealed","cluster":"prod","instance":"vault-1:8200","severity":"critical"},"annotations":{"runbook_url":"https://runbooks.example/vault-sealed","summary":"Vault node vault-1 is sealed"},"startsAt":"2026-11-28T11:58:38.632Z","endsAt":"2026-11-28T12:02:38.000Z","generatorURL":"http://vaultmon-1:9410/alerts"},)"
            R"({"labels":{"alertname":"X"},"annotations":{},"startsAt":"2026-11-28T12:00:00.001Z","endsAt":"2026-11-28T12:00:00.001Z"}])");
  EXPECT_EQ(alertmanager_body({}), "[]");
}

TEST(Normalize, AddsMissingExternalLabelsAndDropsEmptyOnes) {
  AlertNotification a;
  a.labels = {{"alertname", "A"}, {"instance", "mine"}, {"empty", ""}};
  normalize(a, {{"instance", "vault-1"}, {"cluster", "prod"}});
  EXPECT_EQ(a.labels, (Labels{{"alertname", "A"}, {"instance", "mine"}, {"cluster", "prod"}}));
}

}  // namespace
}  // namespace vw::notify
