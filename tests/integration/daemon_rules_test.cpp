// Alert rules through the real binary: a sealed fake Vault makes VaultSealed pending then
// firing in /api/v1/alerts and vaultwatch_alerts; unsealing resolves it; a restart keeps the
// firing alert (same activeAt) without announcing it again; --check-config covers rules.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <fstream>

#include "core/time.hpp"
#include "fake_vault/fake_vault.hpp"
#include "support/daemon_process.hpp"
#include "support/subprocess.hpp"
#include "support/test_support.hpp"

namespace vw::test {
namespace {

using fake::FakeVault;
using fake::VaultState;
using ::testing::HasSubstr;
using ::testing::Not;

const char* const test_rules =
    "rules:\n"
    "  - alert: VaultSealed\n"
    "    health: sealed\n"
    "    for: 3s\n"  // long enough to see `pending` on a loaded machine
    "    labels: {severity: critical}\n"
    "    annotations:\n"
    "      summary: \"Vault {{ $labels.instance }} is sealed ({{ $value }})\"\n";

std::string config_for(const std::string& address, const std::filesystem::path& dir,
                       const std::string& rules_files = "[rules.yaml]") {
  return "vault:\n  address: " + address +
         "\n  health_interval: 100ms\n  leader_interval: 100ms\n  timeout: 500ms\n"
         "audit:\n  path: \"\"\n"
         "notify:\n  external_labels: {instance: vault-1}\n"
         "rules_files: " + rules_files + "\n"
         "state_dir: " + (dir / "state").string() + "\n";
}

nlohmann::json alerts(const Daemon& d) {
  auto r = d.get("/api/v1/alerts");
  if (r.status != 200) return nlohmann::json::array();
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  if (j.is_discarded()) return nlohmann::json::array();
  return j["data"]["alerts"];
}

std::string state_of(const Daemon& d, const std::string& name) {
  for (const auto& a : alerts(d))
    if (a["labels"]["alertname"] == name) return a["state"];
  return "";
}

const std::string sealed_series(const std::string& state) {
  return "vaultwatch_alerts{alertname=\"VaultSealed\",alertstate=\"" + state + "\",severity=\"critical\"}";
}

class DaemonRules : public ::testing::Test {
 protected:
  void SetUp() override {
    vault_.start();
    write_file(dir_ / "rules.yaml", test_rules);
  }
  std::unique_ptr<Daemon> start() {
    return Daemon::start(dir_.path(), {config_for(vault_.address(), dir_.path()), {"--log.level=debug"}});
  }
  TempDir dir_;
  FakeVault vault_;
};

TEST_F(DaemonRules, SealedVaultGoesPendingThenFiringThenResolves) {
  auto d = start();
  ASSERT_TRUE(d);
  ASSERT_TRUE(d->wait_metric("vault_up", 1));
  EXPECT_EQ(alerts(*d).size(), 0u);
  EXPECT_EQ(d->scrape()["vaultwatch_alert_transitions_total{alertname=\"VaultSealed\",to=\"firing\"}"], 0)
      << "transition counters exist from the start";

  vault_.set_state(VaultState::sealed);
  ASSERT_TRUE(wait_until([&] { return state_of(*d, "VaultSealed") == "pending"; }, default_deadline,
                         "VaultSealed pending"));
  EXPECT_EQ(d->scrape()[sealed_series("pending")], 1);
  ASSERT_TRUE(wait_until([&] { return state_of(*d, "VaultSealed") == "firing"; }, default_deadline,
                         "VaultSealed firing"));
  auto m = d->scrape();
  EXPECT_EQ(m[sealed_series("firing")], 1);
  EXPECT_EQ(m.count(sealed_series("pending")), 0u);
  EXPECT_EQ(m["vaultwatch_alert_transitions_total{alertname=\"VaultSealed\",to=\"pending\"}"], 1);
  EXPECT_EQ(m["vaultwatch_alert_transitions_total{alertname=\"VaultSealed\",to=\"firing\"}"], 1);

  auto a = alerts(*d)[0];
  EXPECT_EQ(a["labels"]["instance"], "vault-1") << "external labels join the alert";
  EXPECT_EQ(a["annotations"]["summary"], "Vault vault-1 is sealed (503)");
  EXPECT_EQ(a["value"], 503) << "a JSON number (issue 17.3)";
  const std::string active_at = a["activeAt"];
  const std::string fired_at = a["firedAt"];
  EXPECT_LT(active_at, fired_at);
  ASSERT_TRUE(d->process().wait_for_output(
      "alert notification: status=firing change=true .*alertname=\"VaultSealed\"", default_deadline));

  vault_.set_state(VaultState::active);
  ASSERT_TRUE(wait_until([&] { return alerts(*d).empty(); }, default_deadline, "resolved"));
  m = d->scrape();
  EXPECT_EQ(m.count(sealed_series("firing")), 0u);
  EXPECT_EQ(m["vaultwatch_alert_transitions_total{alertname=\"VaultSealed\",to=\"inactive\"}"], 1);
  ASSERT_TRUE(d->process().wait_for_output(
      "alert notification: status=resolved change=true .*alertname=\"VaultSealed\"", default_deadline));
}

TEST_F(DaemonRules, RestartKeepsTheFiringAlertAndDoesNotAnnounceItAgain) {
  vault_.set_state(VaultState::sealed);
  std::string active_at;
  {
    auto d = start();
    ASSERT_TRUE(d);
    ASSERT_TRUE(wait_until([&] { return state_of(*d, "VaultSealed") == "firing"; }, default_deadline,
                           "VaultSealed firing"));
    active_at = alerts(*d)[0]["activeAt"];
    ASSERT_TRUE(d->process().wait_for_output("alert notification: status=firing change=true", default_deadline));
    EXPECT_EQ(d->stop(), 0);
  }
  ASSERT_TRUE(std::filesystem::exists(dir_ / "state" / "alerts.json"));
  auto d = start();
  ASSERT_TRUE(d);
  ASSERT_TRUE(d->process().wait_for_output("alert state restored: .* active_alerts=1", default_deadline));
  // Firing from the first answer on, with the activeAt of the first run.
  auto a = alerts(*d);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0]["state"], "firing");
  EXPECT_EQ(a[0]["activeAt"], active_at);
  ASSERT_TRUE(d->wait_metric(sealed_series("firing"), 1));
  // Several health polls later, still no new announcement.
  const double polls = d->scrape()["vaultwatch_poll_duration_seconds_count{endpoint=\"health\"}"];
  ASSERT_TRUE(wait_until(
      [&] { return d->scrape()["vaultwatch_poll_duration_seconds_count{endpoint=\"health\"}"] >= polls + 5; },
      default_deadline, "five more health polls"));
  EXPECT_THAT(d->process().output(), Not(HasSubstr("change=true")));
  EXPECT_EQ(d->scrape()["vaultwatch_alert_transitions_total{alertname=\"VaultSealed\",to=\"firing\"}"], 0)
      << "no transition in this run";
}

TEST_F(DaemonRules, MetricRulesReadOurOwnFamilies) {
  write_file(dir_ / "rules.yaml",
             "rules:\n"
             "  - alert: VaultDown\n"
             "    metric: {name: vault_up, op: \"==\", threshold: 0}\n"
             "    labels: {severity: critical}\n"
             "    annotations: {summary: \"vault_up is {{ $value }}\"}\n");
  auto d = start();
  ASSERT_TRUE(d);
  ASSERT_TRUE(d->wait_metric("vault_up", 1));
  vault_.set_state(VaultState::sealed);
  ASSERT_TRUE(wait_until([&] { return state_of(*d, "VaultDown") == "firing"; }, default_deadline,
                         "VaultDown firing"));
  EXPECT_EQ(alerts(*d)[0]["annotations"]["summary"], "vault_up is 0");
  vault_.set_state(VaultState::active);
  ASSERT_TRUE(wait_until([&] { return alerts(*d).empty(); }, default_deadline, "resolved"));
}

// How many rules of config/rules.yaml are in force by default (the counts below follow it as
// rules are added): all but VaultOffHoursAccess, inactive until behaviour.working_hours is set.
std::size_t builtin_count() {
  const std::string y = read_file(VW_SOURCE_DIR "/config/rules.yaml");
  std::size_t k = 0;
  for (std::size_t at = 0; (at = y.find("\n  - alert: ", at)) != std::string::npos; ++at) ++k;
  return k - 1;
}

TEST_F(DaemonRules, BuiltInRulesAreTheDefault) {
  auto d = Daemon::start(dir_.path(), {config_for(vault_.address(), dir_.path(), "[]")});
  ASSERT_TRUE(d);
  ASSERT_TRUE(d->process().wait_for_output("alert rules loaded: rules=" + std::to_string(builtin_count()),
                                           default_deadline));
  auto m = d->scrape();
  for (const char* name : {"VaultSealed", "VaultRootTokenUsed", "VaultAuditLogSilent",
                           "VaultMonitorTokenExpiring"})
    EXPECT_EQ(m.count(std::string("vaultwatch_alert_transitions_total{alertname=\"") + name +
                      "\",to=\"firing\"}"),
              1u)
        << name;
}

// Issue 17.1: the first rules file of one's own used to switch every built-in rule off.
TEST_F(DaemonRules, OwnRulesFilesKeepTheBuiltInRulesOn) {
  write_file(dir_ / "mine.yaml", "rules:\n  - alert: MyStandby\n    health: standby\n");
  auto d = Daemon::start(dir_.path(), {config_for(vault_.address(), dir_.path(), "[mine.yaml]")});
  ASSERT_TRUE(d);
  ASSERT_TRUE(d->process().wait_for_output("alert rules loaded: rules=" + std::to_string(builtin_count() + 1),
                                           default_deadline));
  ASSERT_TRUE(d->process().wait_for_output("rule set <built-in>: " + std::to_string(builtin_count()) + " rules",
                                           default_deadline));
  ASSERT_TRUE(d->process().wait_for_output("rule set .*mine.yaml: 1 rule", default_deadline));
  auto m = d->scrape();
  for (const char* name : {"MyStandby", "VaultSealed", "VaultRootTokenUsed", "VaultAuditDeviceChanged"})
    EXPECT_EQ(m.count(std::string("vaultwatch_alert_transitions_total{alertname=\"") + name + "\",to=\"firing\"}"), 1u)
        << name;
}

std::string root_entry(vw::SysTime t, const std::string& path, const std::string& policy = "root",
                       const std::string& remote = "10.1.2.3", const std::string& display_name = "app") {
  return R"({"time":")" + format_rfc3339_ms(t) +
         R"(","type":"request","auth":{"client_token":"hmac-sha256:aa11","accessor":"hmac-sha256:bb22",)"
         R"("display_name":")" + display_name + R"(","policies":[")" + policy + R"("],"token_policies":[")" + policy +
         R"("],"token_type":"service"},)"
         R"("request":{"id":"r-1","operation":"read","mount_point":"secret/","mount_type":"kv",)"
         R"("client_token":"hmac-sha256:aa11","path":")" +
         path + R"(","remote_address":")" + remote + R"(","namespace":{"id":"root"}}})" "\n";
}

// Ten to eight days before `now`, one read a day by each of two identities, each from its own
// network: history long enough for the behavioural rules' 7-day learning.
std::string history(vw::SysTime now) {
  std::string archive;
  for (int d = 10; d >= 8; --d) {
    archive += root_entry(now - d * 24h, "secret/data/app/db", "default", "10.1.2.3", "app");
    archive += root_entry(now - d * 24h, "secret/data/other/db", "default", "10.9.0.4", "other");
  }
  return archive;
}

std::string audit_config(const std::string& address, const std::filesystem::path& dir, const std::string& start_at) {
  return "vault:\n  address: " + address +
         "\n  health_interval: 100ms\n  leader_interval: 100ms\n  timeout: 500ms\n"
         "audit:\n  path: " + (dir / "audit.log").string() + "\n  start_at: " + start_at + "\n"
         "rules_files: []\n"
         "state_dir: " + (dir / "state").string() + "\n";
}

// Issue 17.2: `start_at: beginning` over six-day-old entries used to page VaultRootTokenUsed
// with activeAt = now.
TEST_F(DaemonRules, HistoryReadFromTheBeginningDoesNotPage) {
  const auto now = std::chrono::system_clock::now();
  write_file(dir_ / "audit.log", root_entry(now - 6 * 24h, "secret/data/old"));
  auto d = Daemon::start(dir_.path(), {audit_config(vault_.address(), dir_.path(), "beginning")});
  ASSERT_TRUE(d);
  ASSERT_TRUE(d->wait_metric("vaultwatch_audit_entries_too_old_total", 1));
  ASSERT_TRUE(d->process().wait_for_output("audit entries older than 15m raise no alerts", default_deadline));
  EXPECT_EQ(state_of(*d, "VaultRootTokenUsed"), "");
  // A live entry still pages, at its own time.
  {
    std::ofstream out(dir_ / "audit.log", std::ios::binary | std::ios::app);
    out << root_entry(std::chrono::system_clock::now(), "secret/data/new");
  }
  ASSERT_TRUE(wait_until([&] { return state_of(*d, "VaultRootTokenUsed") == "firing"; }, default_deadline,
                         "VaultRootTokenUsed firing"));
  EXPECT_EQ(alerts(*d)[0]["lastEvent"]["path"], "secret/data/new");
}

// Issue 17.2: what was written while vaultwatch was down is delivered, marked late, with its
// real time.
TEST_F(DaemonRules, BacklogWrittenWhileDownIsDeliveredMarkedLate) {
  write_file(dir_ / "audit.log", root_entry(std::chrono::system_clock::now(), "secret/data/app", "default"));
  {
    auto d = Daemon::start(dir_.path(), {audit_config(vault_.address(), dir_.path(), "end")});
    ASSERT_TRUE(d);
    ASSERT_TRUE(wait_until([&] { return std::filesystem::exists(dir_ / "state" / "alerts.json") &&
                                        std::filesystem::exists(dir_ / "state" / "audit.checkpoint"); },
                           default_deadline, "state files"));
    EXPECT_EQ(d->stop(), 0);
  }
  // As if that run had stopped an hour ago, and Vault had written a root-token read since.
  const auto now = std::chrono::system_clock::now();
  auto state = nlohmann::json::parse(read_file(dir_ / "state" / "alerts.json"));
  state["saved_at"] = format_rfc3339_ms(now - 1h);
  write_file(dir_ / "state" / "alerts.json", state.dump());
  {
    std::ofstream out(dir_ / "audit.log", std::ios::binary | std::ios::app);
    out << root_entry(now - 30min, "secret/data/while-down");
  }
  auto d = Daemon::start(dir_.path(), {audit_config(vault_.address(), dir_.path(), "end")});
  ASSERT_TRUE(d);
  ASSERT_TRUE(wait_until([&] { return state_of(*d, "VaultRootTokenUsed") == "firing"; }, default_deadline,
                         "VaultRootTokenUsed firing"));
  auto a = alerts(*d)[0];
  EXPECT_EQ(a["annotations"]["late"], "true");
  EXPECT_EQ(a["activeAt"], format_rfc3339_ms(now - 30min)) << "its real time";
  EXPECT_EQ(d->scrape()["vaultwatch_audit_entries_late_total"], 1);
}

// Issue 14.7: with behaviour.working_hours set, the built-in VaultOffHoursAccess fires for a
// human token used outside them (at the entry's own time), and not for a machine identity.
TEST_F(DaemonRules, HumanTokenOutsideWorkingHoursFiresTheOffHoursRule) {
  const auto now = std::chrono::system_clock::now();
  // Working hours: one minute, six hours from now, every day (UTC): now is outside them.
  auto hhmm = [](vw::SysTime t) { return format_rfc3339_ms(t).substr(11, 5); };  // UTC HH:MM
  const std::string hours = "Mon-Sun " + hhmm(now + 6h) + "-" + hhmm(now + 6h + 1min) + " UTC";
  write_file(dir_ / "audit.log", root_entry(now, "secret/data/app", "default", "10.1.2.3", "approle") +
                                     root_entry(now, "secret/data/x", "default", "10.1.2.3", "userpass-alice"));
  auto d = Daemon::start(dir_.path(), {audit_config(vault_.address(), dir_.path(), "beginning") +
                                       "behaviour: {working_hours: \"" + hours + "\"}\n"});
  ASSERT_TRUE(d);
  ASSERT_TRUE(wait_until([&] { return state_of(*d, "VaultOffHoursAccess") == "firing"; }, default_deadline,
                         "VaultOffHoursAccess firing"));
  std::vector<std::string> who;
  for (const auto& a : alerts(*d))
    if (a["labels"]["alertname"] == "VaultOffHoursAccess") who.push_back(a["labels"]["display_name"]);
  EXPECT_EQ(who, std::vector<std::string>{"userpass-alice"}) << "approle works around the clock";
  // Issue 14.8: the built-in detectors' state, in the API and on the page (one history-free
  // day: every one still learning).
  auto status = nlohmann::json::parse(d->get("/api/v1/status").body);
  bool seen = false;
  for (const auto& det : status["data"]["behaviour"]["detectors"])
    if (det["rule"] == "VaultIdentityNewNetwork") {
      seen = true;
      EXPECT_EQ(det["learning"], true);
      EXPECT_GE(det["values"].get<int>(), 1) << "the two identities' network";
    }
  EXPECT_TRUE(seen) << status.dump();
  EXPECT_THAT(d->get("/").body, HasSubstr("<td class=\"name\">VaultIdentityNewNetwork</td><td><span class=\"badge info\">learning"));
}

// Issue 14: the built-in VaultIdentityNewNetwork learns from an archive read as history, alerts
// on a live entry from a new network and not on a known one, and a restart keeps what it learnt.
TEST_F(DaemonRules, NewNetworkLearntFromHistoryAlertsLiveAndSurvivesARestart) {
  const auto now = std::chrono::system_clock::now();
  write_file(dir_ / "audit.log", history(now));
  auto append = [&](const std::string& line) {
    std::ofstream out(dir_ / "audit.log", std::ios::binary | std::ios::app);
    out << line;
  };
  auto alert_for = [](const Daemon& d, const std::string& key) {
    for (const auto& a : alerts(d))
      if (a["labels"]["alertname"] == "VaultIdentityNewNetwork" && a["labels"]["key"] == key) return a;
    return nlohmann::json();
  };
  const std::string learning = "vaultwatch_behaviour_learning{rule=\"VaultIdentityNewNetwork\"}";
  {
    auto d = Daemon::start(dir_.path(), {audit_config(vault_.address(), dir_.path(), "beginning")});
    ASSERT_TRUE(d);
    ASSERT_TRUE(d->wait_metric("vaultwatch_audit_entries_too_old_total", 6));
    ASSERT_TRUE(d->wait_metric(learning, 0)) << "the first entry is 10 days old, learn is 7d";
    append(root_entry(std::chrono::system_clock::now(), "secret/data/app/db", "default", "10.1.2.77", "app"));
    append(root_entry(std::chrono::system_clock::now(), "secret/data/other/db", "default", "203.0.113.5", "other"));
    ASSERT_TRUE(wait_until([&] { return !alert_for(*d, "other").is_null(); }, default_deadline,
                           "VaultIdentityNewNetwork for other"));
    const auto a = alert_for(*d, "other");
    EXPECT_EQ(a["state"], "firing");
    EXPECT_EQ(a["annotations"]["value"], "203.0.113.0/24");
    EXPECT_EQ(a["annotations"]["remote_address"], "203.0.113.5");
    // Learnt times are kept in whole seconds.
    EXPECT_EQ(a["annotations"]["key_first_seen"],
              format_rfc3339_ms(std::chrono::floor<std::chrono::seconds>(now - 10 * 24h)));
    EXPECT_TRUE(alert_for(*d, "app").is_null()) << "10.1.2.77 is in the /24 app was learnt from";
    EXPECT_EQ(d->stop(), 0);
  }
  ASSERT_TRUE(std::filesystem::exists(dir_ / "state" / "learnt" / "VaultIdentityNewNetwork.bin"));
  // After a restart: the known network stays quiet (it would fire first, and the cool-down
  // would keep the second alert's value from showing), a new one fires at once (a key that
  // had been forgotten would be learning).
  auto d = Daemon::start(dir_.path(), {audit_config(vault_.address(), dir_.path(), "beginning")});
  ASSERT_TRUE(d);
  ASSERT_TRUE(d->wait_metric(learning, 0));
  append(root_entry(std::chrono::system_clock::now(), "secret/data/app/db", "default", "10.1.2.99", "app"));
  append(root_entry(std::chrono::system_clock::now(), "secret/data/app/db", "default", "198.51.100.1", "app"));
  ASSERT_TRUE(wait_until([&] { return !alert_for(*d, "app").is_null(); }, default_deadline,
                         "VaultIdentityNewNetwork for app"));
  EXPECT_EQ(alert_for(*d, "app")["annotations"]["value"], "198.51.100.0/24");
}

TEST_F(DaemonRules, ReloadSwapsRulesAndKeepsTheStateOfThoseThatStay) {
  vault_.set_state(VaultState::sealed);
  auto d = start();
  ASSERT_TRUE(d);
  ASSERT_TRUE(wait_until([&] { return state_of(*d, "VaultSealed") == "firing"; }, default_deadline,
                         "VaultSealed firing"));
  const std::string active_at = alerts(*d)[0]["activeAt"];
  write_file(dir_ / "rules.yaml", std::string(test_rules) +
                                      "  - alert: VaultNotActive\n"
                                      "    health: not_active\n"
                                      "    labels: {severity: warning}\n");
  auto r = d->get("/-/reload", HttpOptions{.method = "POST"});
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_TRUE(wait_until([&] { return state_of(*d, "VaultNotActive") == "firing"; }, default_deadline,
                         "VaultNotActive firing"));
  for (const auto& a : alerts(*d)) {
    if (a["labels"]["alertname"] == "VaultSealed") {
      EXPECT_EQ(a["activeAt"], active_at);
    }
  }
  // A broken rules file is rejected and the rules in force stay.
  write_file(dir_ / "rules.yaml", "rules:\n  - alert: X\n    health: frozen\n");
  r = d->get("/-/reload", HttpOptions{.method = "POST"});
  EXPECT_EQ(r.status, 500);
  auto answer = nlohmann::json::parse(r.body);
  EXPECT_EQ(answer["status"], "error");
  EXPECT_THAT(answer["error"].get<std::string>(), HasSubstr("unknown health condition \"frozen\""));
  EXPECT_EQ(state_of(*d, "VaultSealed"), "firing");
}

CommandResult vaultwatch(std::vector<std::string> args) {
  args.insert(args.begin(), daemon_binary());
  return run_command(args, {}, std::chrono::seconds(20));
}

TEST(DaemonRulesCli, CheckConfigPassesOnTheShippedRulesFile) {
  TempDir dir;
  write_file(dir / "c.yaml", "rules_files: [\"" VW_SOURCE_DIR "/config/rules.yaml\"]\n");
  auto r = vaultwatch({"--check-config", "--config.file=" + (dir / "c.yaml").string()});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("configuration is valid (" + std::to_string(builtin_count()) +
                                  " alert rules from <built-in>, " VW_SOURCE_DIR
                                  "/config/rules.yaml)"));
  EXPECT_THAT(r.output, HasSubstr("rule set <built-in>: 0 rules (replaced by yours: VaultUnreachable, "));
  EXPECT_THAT(r.output, HasSubstr("rule set " VW_SOURCE_DIR "/config/rules.yaml: " + std::to_string(builtin_count()) +
                                  " rules"));
}

TEST(DaemonRulesCli, CheckConfigReportsRuleProblemsWithFileLineAndPath) {
  TempDir dir;
  write_file(dir / "r.yaml",
             "rules:\n"
             "  - alert: A\n"
             "    health: sealed\n"
             "    for: 30\n"
             "  - alert: B\n"
             "    audit: {remote: 10.0.0.0/40}\n"
             "    annotations: {s: \"{{ $labels.nope }}\"}\n");
  write_file(dir / "c.yaml", "rules_files: [r.yaml]\nrules:\n  - alert: A\n    health: standby\n");
  auto r = vaultwatch({"--check-config", "--config.file=" + (dir / "c.yaml").string()});
  EXPECT_EQ(r.exit_code, 78);
  const auto f = (dir / "r.yaml").string();
  EXPECT_THAT(r.output, HasSubstr(f + ":2:12: rules[0].alert: duplicate alert name \"A\""));
  EXPECT_THAT(r.output, HasSubstr(f + ":4:10: rules[0].for: must be a duration like 30s"));
  EXPECT_THAT(r.output, HasSubstr(f + ":6:21: rules[1].audit.remote[0]: bad CIDR"));
  EXPECT_THAT(r.output, HasSubstr(f + ":7:22: rules[1].annotations.s: unknown template variable"));
}

// Issue 14.4: `baseline build` learns an archive into state_dir with the daemon stopped; the
// daemon then starts knowing it: no alert for a network of the archive, one for a new network;
// and the command refuses to write while the daemon runs.
TEST_F(DaemonRules, BaselineBuildLearnsAnArchiveTheDaemonThenKnows) {
  const auto now = std::chrono::system_clock::now();
  write_file(dir_ / "archive.log", history(now));
  write_file(dir_ / "audit.log", "");
  const std::string config = audit_config(vault_.address(), dir_.path(), "beginning");
  write_file(dir_ / "vaultwatch.yaml", config);
  auto built = vaultwatch({"baseline", "build", "--config.file=" + (dir_ / "vaultwatch.yaml").string(),
                           (dir_ / "archive.log").string()});
  ASSERT_EQ(built.exit_code, 0) << built.output;
  EXPECT_THAT(built.output, HasSubstr("6 entries fed"));
  EXPECT_THAT(built.output, HasSubstr("VaultIdentityNewNetwork: 2 values learnt"));
  ASSERT_TRUE(std::filesystem::exists(dir_ / "state" / "learnt" / "VaultIdentityNewNetwork.bin"));

  auto d = Daemon::start(dir_.path(), {config});
  ASSERT_TRUE(d);
  ASSERT_TRUE(d->wait_metric("vaultwatch_behaviour_learning{rule=\"VaultIdentityNewNetwork\"}", 0))
      << "restored: ten days of history, learn is 7d";
  auto again = vaultwatch({"baseline", "build", "--config.file=" + (dir_ / "vaultwatch.yaml").string(),
                           (dir_ / "archive.log").string()});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_THAT(again.output, HasSubstr("is in use by a running vaultwatch"));

  auto new_network = [&](const std::string& key) {
    for (const auto& a : alerts(*d))
      if (a["labels"]["alertname"] == "VaultIdentityNewNetwork" && a["labels"]["key"] == key) return true;
    return false;
  };
  {
    std::ofstream out(dir_ / "audit.log", std::ios::binary | std::ios::app);
    out << root_entry(std::chrono::system_clock::now(), "secret/data/app/db", "default", "10.1.2.77", "app")
        << root_entry(std::chrono::system_clock::now(), "secret/data/other/db", "default", "203.0.113.5", "other");
  }
  ASSERT_TRUE(wait_until([&] { return new_network("other"); }, default_deadline, "alert for other's new network"));
  EXPECT_FALSE(new_network("app")) << "10.1.2.77 is in the /24 the archive taught (read before other's line)";
}

}  // namespace
}  // namespace vw::test
