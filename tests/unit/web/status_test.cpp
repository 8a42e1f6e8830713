#include "web/status.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace vw::web {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

StatusSnapshot sample() {
  StatusSnapshot s;
  s.version = "0.1.0";
  s.revision = "abc";
  s.config_path = "/etc/vaultwatch/vaultwatch.yaml";
  s.started = *parse_rfc3339("2026-11-28T10:00:00Z");
  s.ready = true;
  s.vault.address = "https://127.0.0.1:8200";
  s.vault.state = "sealed";
  s.vault.version = "1.19.0";
  s.vault.is_leader = false;
  s.vault.polls.push_back({"health", *parse_rfc3339("2026-11-28T11:59:58Z"), *parse_rfc3339("2026-11-28T11:59:58Z"),
                           503, "", ""});
  s.vault.polls.push_back({"leader", *parse_rfc3339("2026-11-28T11:59:58Z"), std::nullopt, 503, "HTTP 503",
                           "http_status"});
  s.audit.enabled = true;
  s.audit.path = "/var/log/vault/audit.log";
  s.audit.inode = 42;
  s.audit.lag_bytes = 2048;
  s.audit.entries_per_second_1m = 16.5;
  s.audit.entries_per_second_5m = 3.25;
  s.receivers.push_back({"ops", "webhook", "https://hooks.example/vault", 3, 10000, 10, 1, 0,
                         std::nullopt, std::nullopt, "failed", "HTTP 503"});
  AlertView a;
  a.labels = {{"alertname", "VaultRootTokenUsed"}, {"severity", "critical"}};
  a.annotations = {{"summary", "root token used <script>alert(1)</script>"},
                   {"runbook_url", "https://runbooks/x#compromised"}};
  a.state = "firing";
  a.active_at = *parse_rfc3339("2026-11-28T11:58:00Z");
  a.value = 1;
  a.last_event = {{"path", "secret/data/x"}, {"display_name", "root"}};
  s.alerts.push_back(a);
  return s;
}

TEST(StatusJson, HasTheFieldsOperatorsAndScriptsNeed) {
  const auto body = render_status_json(sample(), *parse_rfc3339("2026-11-28T12:00:00Z"));
  // Prometheus' API envelope, compact on one line, like /api/v1/alerts (issue 17.7).
  EXPECT_EQ(body.find('\n'), body.size() - 1);
  auto root = nlohmann::json::parse(body);
  EXPECT_EQ(root["status"], "success");
  const auto& j = root["data"];
  EXPECT_EQ(j["version"], "0.1.0");
  EXPECT_EQ(j["config"]["path"], "/etc/vaultwatch/vaultwatch.yaml");
  EXPECT_EQ(j["config"]["lastReload"], nullptr);
  EXPECT_EQ(j["vault"]["state"], "sealed");
  EXPECT_EQ(j["vault"]["polls"]["health"]["httpStatus"], 503);
  EXPECT_EQ(j["vault"]["polls"]["health"]["ok"], true);
  EXPECT_EQ(j["vault"]["polls"]["leader"]["ok"], false);
  EXPECT_EQ(j["vault"]["polls"]["leader"]["errorReason"], "http_status");
  EXPECT_EQ(j["audit"]["inode"], 42);
  EXPECT_EQ(j["audit"]["lagBytes"], 2048);
  EXPECT_EQ(j["notifier"]["receivers"][0]["name"], "ops");
  EXPECT_EQ(j["notifier"]["receivers"][0]["queueLength"], 3);
  EXPECT_EQ(j["alerts"]["firing"], 1);
  EXPECT_EQ(j["audit"]["entriesPerSecond1m"], 16.5);
  EXPECT_EQ(j["audit"]["entriesPerSecond5m"], 3.25);
}

TEST(StatusHtml, RatesAreOverNamedWindows) {
  auto s = sample();
  auto h = render_status_html(s, *parse_rfc3339("2026-11-28T12:00:00Z"));
  EXPECT_THAT(h, HasSubstr("16.5 entries/s over 1m &middot; 3.2 entries/s over 5m</td>"));
  // Younger than the longest window: said on the page.
  s.started = *parse_rfc3339("2026-11-28T11:59:20Z");
  h = render_status_html(s, *parse_rfc3339("2026-11-28T12:00:00Z"));
  EXPECT_THAT(h, HasSubstr("(up 40s: the windows are not full yet)"));
}

TEST(StatusHtml, VaultMultiErrorsAreShownAsTheirItems) {
  auto s = sample();
  s.alerts[0].last_event["error"] = "1 error occurred:\n\t* permission denied\n\n";
  s.vault.polls[1].error = "2 errors occurred:\n\t* a\n\t* b\n\n";
  s.receivers[0].last_error = "1 error occurred:\n\t* HTTP 503\n\n";
  auto h = render_status_html(s, *parse_rfc3339("2026-11-28T12:00:00Z"));
  EXPECT_THAT(h, HasSubstr("error=<code>permission denied</code>"));
  EXPECT_THAT(h, HasSubstr("</span> a; b</td>"));
  EXPECT_THAT(h, HasSubstr("<td>HTTP 503</td>"));
  EXPECT_THAT(h, Not(HasSubstr("occurred")));
}

TEST(StatusHtml, NamesAreNeverBrokenInsideAWord) {
  auto h = render_status_html(sample(), *parse_rfc3339("2026-11-28T12:00:00Z"));
  EXPECT_THAT(h, HasSubstr("td.name{white-space:nowrap;word-break:normal}"));
  EXPECT_THAT(h, HasSubstr("<td class=\"name\"><strong>VaultRootTokenUsed</strong>"));
  EXPECT_THAT(h, HasSubstr("<td class=\"name\">health</td>"));
}

TEST(StatusHtml, LinksToTheConfiguredTelemetryPath) {
  auto s = sample();
  s.metrics_path = "/vaultwatch/metrics";
  auto h = render_status_html(s, *parse_rfc3339("2026-11-28T12:00:00Z"));
  EXPECT_THAT(h, HasSubstr("href=\"/vaultwatch/metrics\""));
}

TEST(StatusHtml, ShowsStateAlertsAuditAndReceiversWithoutScript) {
  auto h = render_status_html(sample(), *parse_rfc3339("2026-11-28T12:00:00Z"));
  EXPECT_THAT(h, HasSubstr("<span class=\"badge bad\">sealed</span>"));
  EXPECT_THAT(h, HasSubstr("VaultRootTokenUsed"));
  EXPECT_THAT(h, HasSubstr("2m ago"));
  EXPECT_THAT(h, HasSubstr("display_name=<code>root</code>"));
  EXPECT_THAT(h, HasSubstr("href=\"https://runbooks/x#compromised\""));
  EXPECT_THAT(h, HasSubstr("/var/log/vault/audit.log"));
  EXPECT_THAT(h, HasSubstr("2.0 KiB"));
  EXPECT_THAT(h, HasSubstr("https://hooks.example/vault"));
  EXPECT_THAT(h, HasSubstr("href=\"/metrics\""));
  EXPECT_THAT(h, Not(HasSubstr("<script")));
  EXPECT_THAT(h, HasSubstr("&lt;script&gt;"));
  EXPECT_THAT(h, HasSubstr("name=\"viewport\""));
}

// Issue 14.8: each behavioural detector's learnt state, in the JSON and on the page.
TEST(StatusBehaviour, EachDetectorsStateInJsonAndPage) {
  auto s = sample();
  s.behaviour = {{"VaultIdentityNewNetwork", 1234, 5, false},
                 {"Mine<script>", 0, 0, true}};
  const auto now = *parse_rfc3339("2026-11-28T12:00:00Z");
  auto j = nlohmann::json::parse(render_status_json(s, now))["data"]["behaviour"]["detectors"];
  ASSERT_EQ(j.size(), 2u);
  EXPECT_EQ(j[0], nlohmann::json::parse(
                      R"({"rule":"VaultIdentityNewNetwork","values":1234,"evicted":5,"learning":false})"));
  EXPECT_EQ(j[1]["learning"], true);
  const auto h = render_status_html(s, now);
  EXPECT_THAT(h, HasSubstr("<h2>Behaviour</h2>"));
  EXPECT_THAT(h, HasSubstr("<td class=\"name\">VaultIdentityNewNetwork</td><td><span class=\"badge ok\">"
                           "detecting</span></td><td>1234</td><td>5</td>"));
  EXPECT_THAT(h, HasSubstr("Mine&lt;script&gt;</td><td><span class=\"badge info\">learning"));
  EXPECT_THAT(h, Not(HasSubstr("Mine<script>")));
  // None in force: an empty list, and the page says why the section is empty.
  s.behaviour.clear();
  EXPECT_EQ(nlohmann::json::parse(render_status_json(s, now))["data"]["behaviour"]["detectors"],
            nlohmann::json::array());
  EXPECT_THAT(render_status_html(s, now), HasSubstr("No behavioural rules"));
}

TEST(StatusHtml, EmptyStatesAreExplained) {
  StatusSnapshot s;
  auto h = render_status_html(s, std::chrono::system_clock::now());
  EXPECT_THAT(h, HasSubstr("No active alerts."));
  EXPECT_THAT(h, HasSubstr("Audit tailing is disabled."));
  EXPECT_THAT(h, HasSubstr("No Alertmanager or webhook configured."));
  EXPECT_THAT(h, HasSubstr("badge muted\">unknown"));
}

}  // namespace
}  // namespace vw::web
