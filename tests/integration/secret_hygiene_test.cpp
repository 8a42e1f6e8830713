// Secret hygiene (SPEC §8, issue 8): the real daemon is driven through everything that carries a
// secret -- the monitor token (from a file and from $VAULT_TOKEN), audit lines full of
// `hmac-sha256:` values and raw secret values (a device with log_raw), a broken audit line full of
// them, Vault errors (403 on token-bearing requests, 500 bodies that echo the token and data),
// rules that fire on those events with every $event field in their annotations, webhook and
// Alertmanager deliveries, a webhook with an Authorization header and an HMAC signing secret, a
// failing and a successful reload, debug logging in text and JSON -- and then every surface it
// has is searched: /metrics, /api/v1/status, /api/v1/alerts, /, every notification payload and
// every line it wrote to stderr. None may contain a token, an `hmac-sha256:` value or a secret.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <fstream>

#include "core/time.hpp"
#include "fake_vault/fake_vault.hpp"
#include "support/daemon_process.hpp"
#include "support/test_support.hpp"
#include "webhook_sink/webhook_sink.hpp"

namespace vw::test {
namespace {

namespace fs = std::filesystem;
using fake::FakeVault;
using fake::Fault;
using fake::FaultKind;

// What must never come out. Distinct, greppable values.
constexpr const char* file_token = "hvs.CAESIHYGIENEfileTOKENdoNOTleak0123456789ab";
constexpr const char* env_token = "hvs.CAESIHYGIENEenvTOKENdoNOTleak9876543210cd";
constexpr const char* secret_value = "S3cr3t-DB-PASSWORD-doNOTleak-7f3a";
constexpr const char* secret_value_2 = "AKIA-HYGIENE-ACCESS-KEY-doNOTleak";
constexpr const char* hook_auth = "Bearer HOOK-AUTH-HEADER-doNOTleak-55aa";
constexpr const char* hook_hmac_key = "HOOK-HMAC-SIGNING-KEY-doNOTleak-66bb";
constexpr const char* url_password = "URL-PASSWORD-doNOTleak-77cc";
// HMAC'd values as Vault writes them (accessor, client token, request data).
constexpr const char* hmac_accessor =
    "hmac-sha256:aaaa72be607ec28f3ecb6d2a9186e5a01247462b45b631d10f04f194ea97e45";
constexpr const char* hmac_client_token =
    "hmac-sha256:bbbb0be238383cc88490ad99667b51b4419aed94cbd5b6f6d93b9096fe7a69b5";
constexpr const char* hmac_ignored_accessor =
    "hmac-sha256:cccc0000000000000000000000000000000000000000000000000000000000cc";
constexpr const char* hmac_data =
    "hmac-sha256:dddd1111111111111111111111111111111111111111111111111111111111dd";

std::vector<std::string> forbidden() {
  return {file_token,         env_token,   secret_value,  secret_value_2,        hook_auth,
          "HOOK-AUTH-HEADER", hook_hmac_key, url_password, "hmac-sha256:",       hmac_accessor,
          hmac_client_token,  hmac_ignored_accessor, hmac_data,
          // the hex parts alone, in case a prefix was stripped
          "aaaa72be607ec28f3ecb", "bbbb0be238383cc88490", "cccc00000000000000000", "dddd111111111111111"};
}

// Every forbidden value found in `text`, with some context, for the failure message.
testing::AssertionResult clean(const std::string& what, const std::string& text) {
  std::string found;
  for (const auto& f : forbidden()) {
    auto p = text.find(f);
    if (p == std::string::npos) continue;
    const auto from = p > 120 ? p - 120 : 0;
    found += "\n  \"" + f + "\" in: ..." + text.substr(from, 240 + f.size()) + "...";
  }
  if (found.empty()) return testing::AssertionSuccess();
  return testing::AssertionFailure() << what << " leaks:" << found;
}

// One audit request/response pair the way a file device with default HMAC'ing writes it, plus
// raw secret values the way a device with log_raw=true (or hmac_accessor=false) writes them.
std::string audit_pair(const std::string& id, const std::string& path, const std::string& accessor,
                       const std::string& error = "") {
  const std::string auth = "\"auth\":{\"accessor\":\"" + accessor + "\",\"client_token\":\"" +
                           hmac_client_token +
                           "\",\"display_name\":\"approle-payments\",\"entity_id\":\"7d2e90f4-1b8c-3b5e-2a41-"
                           "0f6c1e9d7a11\",\"metadata\":{\"role_name\":\"payments-api\",\"secret_id_accessor\":\"" +
                           hmac_data + "\"},\"policies\":[\"default\",\"payments-read\"],\"token_type\":\"service\"}";
  const std::string req = "\"request\":{\"client_token\":\"" + std::string(hmac_client_token) +
                          "\",\"client_token_accessor\":\"" + accessor + "\",\"id\":\"" + id +
                          "\",\"mount_point\":\"secret/\",\"mount_type\":\"kv\",\"namespace\":{\"id\":\"root\"},"
                          "\"operation\":\"read\",\"path\":\"" + path +
                          "\",\"remote_address\":\"10.20.30.41\",\"data\":{\"password\":\"" + secret_value +
                          "\",\"hmacd\":\"" + hmac_data + "\"},\"headers\":{\"x-vault-token\":[\"" + file_token +
                          "\"]}}";
  const std::string err = error.empty() ? "" : ",\"error\":\"" + error + "\"";
  // Written now: a threshold window counts entries at their own time (rules.md), so a burst
  // stamped long ago would fire and resolve at once.
  const std::string now = vw::format_rfc3339_ms(std::chrono::system_clock::now());
  return "{" + auth + "," + req + err + ",\"time\":\"" + now + "\",\"type\":\"request\"}\n" +
         "{" + auth + "," + req + err + ",\"response\":{\"data\":{\"password\":\"" + secret_value +
         "\",\"aws_secret\":\"" + secret_value_2 + "\",\"token\":\"" + file_token + "\",\"hmacd\":\"" + hmac_data +
         "\"}},\"time\":\"" + now + "\",\"type\":\"response\"}\n";
}

const char* const hygiene_rules =
    "rules:\n"
    "  - alert: AppSecretRead\n"
    "    audit: {path: [\"secret/data/app/**\"]}\n"
    "    labels: {severity: warning}\n"
    "    annotations:\n"
    "      summary: \"{{ $event.display_name }} {{ $event.operation }} {{ $event.path }} from "
    "{{ $event.remote_address }} ({{ $event.policies }}, {{ $event.entity_id }}, {{ $event.mount_point }}, "
    "{{ $event.mount_type }}, {{ $event.namespace }}, {{ $event.type }}, {{ $event.time }}, {{ $count }})\"\n"
    "      description: \"error={{ $event.error }} value={{ $value }}\"\n"
    "  - alert: AppAccessDenied\n"
    "    audit: {error: \"permission denied\", threshold: 1, window: 1m, group_by: [display_name, remote_address, path]}\n"
    "    labels: {severity: critical}\n"
    "    annotations: {summary: \"{{ $labels.display_name }} denied on {{ $labels.path }}: {{ $event.error }}\"}\n"
    "  - alert: MonitorTokenShort\n"
    "    token_ttl: {below: 24h}\n"
    "    labels: {severity: warning}\n"
    "    annotations: {summary: \"token ttl {{ $value }}\"}\n"
    "  - alert: OldSecret\n"
    "    secret_age: {path: \"secret/**\"}\n"
    "    labels: {severity: warning}\n"
    "    annotations: {summary: \"{{ $labels.path }} is {{ $value }}s old\"}\n";

class SecretHygiene : public ::testing::Test {
 protected:
  void SetUp() override {
    sink_.start();
    vault_.start();
    vault_.set_secret("secret/app/db", fake::KvSecret{});  // 2026-01-01: older than max_age
    vault_.deny_path("secret/metadata/app/denied");
    write_file(dir_ / "rules.yaml", hygiene_rules);
    write_file(dir_ / "hook-hmac", std::string(hook_hmac_key) + "\n");
    fs::permissions(dir_ / "hook-hmac", fs::perms::owner_read | fs::perms::owner_write);
    write_file(dir_ / "audit.log", "");
  }

  std::string config(const std::string& token_line, const std::string& log_format,
                     const std::string& extra_notify = "") const {
    return "vault:\n  address: " + vault_.address() + "\n" + token_line +
           "  health_interval: 100ms\n  leader_interval: 100ms\n  timeout: 1s\n"
           "  metrics_interval: 100ms\n  token_check_interval: 100ms\n  secrets_interval: 100ms\n"
           "  secrets:\n    - {path: secret/app/db, max_age: 1h}\n    - {path: secret/app/denied, max_age: 1h}\n"
           "audit:\n  path: " + (dir_ / "audit.log").string() +
           "\n  start_at: beginning\n"
           "  ignore: {accessors: [\"" + hmac_ignored_accessor + "\"]}\n"
           "  watch:\n    - {name: app, paths: [\"secret/data/app/**\"]}\n"
           "rules_files: [rules.yaml]\n"
           "notify:\n  external_labels: {instance: vault-1}\n  resend_interval: 1s\n"
           "  alertmanagers:\n    - {url: \"" + sink_.url("/am") + "\"}\n"
           "  webhooks:\n    - name: ops\n      url: \"" + sink_.url("/hook") + "\"\n"
           "      headers: {Authorization: \"" + hook_auth + "\"}\n"
           "      hmac_secret_file: " + (dir_ / "hook-hmac").string() + "\n" + extra_notify +
           "state_dir: " + (dir_ / "state").string() + "\n"
           "log: {level: debug, format: " + log_format + "}\n";
  }

  void append_audit(const std::string& text) {
    std::ofstream out(dir_ / "audit.log", std::ios::app | std::ios::binary);
    out << text;
  }

  // Feeds every kind of audit line, then waits until the daemon read them all and the rules fired.
  void feed_audit(const Daemon& d, int round) {
    const std::string r = std::to_string(round);
    append_audit(audit_pair("11111111-0000-0000-0000-00000000000" + r, "secret/data/app/db", hmac_accessor));
    append_audit(audit_pair("22222222-0000-0000-0000-00000000000" + r, "secret/data/app/other", hmac_accessor,
                            "permission denied"));
    append_audit(audit_pair("33333333-0000-0000-0000-00000000000" + r, "secret/data/app/ignored",
                            hmac_ignored_accessor));
    // A line that is not JSON (cut off mid-way) and one that is JSON but not an audit entry, both
    // full of secrets: a decode error must not quote them.
    append_audit("{\"auth\":{\"client_token\":\"" + std::string(hmac_client_token) + "\",\"token\":\"" +
                 file_token + "\"},\"request\":{\"data\":{\"password\":\"" + secret_value + "\"\n");
    append_audit("{\"password\":\"" + std::string(secret_value) + "\",\"accessor\":\"" + hmac_accessor + "\"}\n");
    ASSERT_TRUE(d.wait_metric("vaultwatch_audit_lag_bytes", 0));
  }

  // Asserts every surface of `d` is clean, including everything delivered so far.
  void expect_clean(const Daemon& d) {
    for (const std::string path : {"/metrics", "/api/v1/status", "/api/v1/alerts", "/", "/healthz", "/readyz"}) {
      auto r = d.get(path);
      EXPECT_EQ(r.status, 200) << path;
      EXPECT_TRUE(clean("GET " + path, r.body));
    }
    for (const auto& req : sink_.requests()) {
      EXPECT_TRUE(clean("notification to " + req.target, req.body));
    }
    EXPECT_TRUE(clean("daemon output", const_cast<Daemon&>(d).process().output()));
  }

  TempDir dir_;
  FakeVault vault_;
  WebhookSink sink_;
};

TEST_F(SecretHygiene, TokenFileAuditErrorsRulesDeliveriesAndReloadsLeakNothing) {
  // The token is not known to Vault yet: lookup-self, sys/metrics and KV metadata get 403s.
  write_file(dir_ / "token", std::string(file_token) + "\n");
  fs::permissions(dir_ / "token", fs::perms::owner_read | fs::perms::owner_write);
  const std::string token_line = "  token_file: " + (dir_ / "token").string() + "\n";
  auto d = Daemon::start(dir_.path(), {config(token_line, "text"), {"--log.level=debug"}});
  ASSERT_TRUE(d);
  ASSERT_TRUE(wait_until([&] { return vault_.request_count("/v1/auth/token/lookup-self") >= 2; },
                         default_deadline, "lookup-self attempts with the unknown token"));

  // Vault (or a proxy in front of it) answers 500 with a body that echoes what the request
  // carried: the token header, and an HMAC'd accessor. (The daemon sends Vault nothing else; a
  // body quoting some other secret the daemon never had is indistinguishable from text.)
  const std::string echo = std::string("internal error: request headers {X-Vault-Token: [") + file_token +
                           "]} accessor " + hmac_accessor + "\n{\"errors\":[\"" + file_token + "\"]}";
  vault_.set_fault(Fault{FaultKind::error500, "", std::chrono::milliseconds(0), 30, echo});
  ASSERT_TRUE(wait_until([&] { return vault_.request_count("/v1/") >= 40; }, default_deadline, "500s served"));
  vault_.clear_fault();

  // Now Vault knows the token: it works, its short TTL fires MonitorTokenShort.
  vault_.add_token(file_token, std::chrono::hours(1));
  feed_audit(*d, 1);
  ASSERT_TRUE(sink_.wait_count("/hook", 1, default_deadline));
  ASSERT_TRUE(sink_.wait_count("/am/api/v2/alerts", 1, default_deadline));
  ASSERT_TRUE(wait_until([&] {
    auto a = d->get("/api/v1/alerts").body;
    return a.find("AppSecretRead") != std::string::npos && a.find("AppAccessDenied") != std::string::npos &&
           a.find("MonitorTokenShort") != std::string::npos && a.find("OldSecret") != std::string::npos;
  }, default_deadline, "all four rules active"));
  expect_clean(*d);

  // A failing reload: the new file is wrong in ways whose diagnostics could quote values (a URL
  // with a password in it, an unknown key next to a secret header).
  write_file(dir_ / "vaultwatch.yaml",
             config(token_line, "json",
                    "    - name: broken\n      url: \"ftp://ops:" + std::string(url_password) +
                        "@hooks.example/x\"\n      headers: {X-Key: \"" + secret_value_2 + "\"}\n      bogus: \"" +
                        secret_value + "\"\n"));
  auto bad = d->get("/-/reload", {.method = "POST"});
  EXPECT_EQ(bad.status, 500) << bad.body;
  EXPECT_TRUE(clean("failed reload answer", bad.body));
  ASSERT_TRUE(d->wait_metric("vaultwatch_config_last_reload_successful", 0));
  expect_clean(*d);

  // A successful reload switches to JSON logs; everything again, now logged as JSON.
  write_file(dir_ / "vaultwatch.yaml", config(token_line, "json"));
  auto good = d->get("/-/reload", {.method = "POST"});
  EXPECT_EQ(good.status, 200) << good.body;
  ASSERT_TRUE(d->wait_metric("vaultwatch_config_last_reload_successful", 1));
  vault_.set_fault(Fault{FaultKind::error500, "", std::chrono::milliseconds(0), 10, echo});
  ASSERT_TRUE(wait_until([&] { return vault_.request_count("/v1/") >= 80; }, default_deadline, "more 500s"));
  vault_.clear_fault();
  const auto delivered = sink_.count("/hook");
  feed_audit(*d, 2);
  ASSERT_TRUE(sink_.wait_count("/hook", delivered + 1, default_deadline));
  ASSERT_THAT(d->process().output(), ::testing::HasSubstr("{\"")) << "JSON log lines after the reload";
  expect_clean(*d);
  EXPECT_EQ(d->stop(), 0);
  EXPECT_TRUE(clean("daemon output after stop", d->process().output()));
  // The token did go to Vault (the test would be vacuous otherwise).
  bool sent = false;
  for (const auto& r : vault_.requests())
    sent = sent || (r.headers.count("x-vault-token") && r.headers.at("x-vault-token") == file_token);
  EXPECT_TRUE(sent);
  EXPECT_GE(sink_.count("/hook"), 2u);
}

TEST_F(SecretHygiene, EnvTokenRejectedThenAcceptedWithJsonLogsLeaksNothing) {
  auto d = Daemon::start(dir_.path(), {config("", "json"), {"--log.level=debug"}, {{"VAULT_TOKEN", env_token}}});
  ASSERT_TRUE(d);
  ASSERT_TRUE(wait_until([&] { return vault_.request_count("/v1/auth/token/lookup-self") >= 2; },
                         default_deadline, "lookup-self attempts with the unknown token"));
  const std::string echo = std::string("{\"errors\":[\"token ") + env_token + " denied\"]}";
  vault_.set_fault(Fault{FaultKind::error500, "token", std::chrono::milliseconds(0), 3, echo});
  vault_.add_token(env_token, std::chrono::hours(1));
  feed_audit(*d, 3);
  ASSERT_TRUE(sink_.wait_count("/hook", 1, default_deadline));
  ASSERT_TRUE(wait_until([&] { return d->get("/api/v1/alerts").body.find("MonitorTokenShort") != std::string::npos; },
                         default_deadline, "MonitorTokenShort active"));
  expect_clean(*d);
  EXPECT_EQ(d->stop(), 0);
  EXPECT_TRUE(clean("daemon output after stop", d->process().output()));
  bool sent = false;
  for (const auto& r : vault_.requests())
    sent = sent || (r.headers.count("x-vault-token") && r.headers.at("x-vault-token") == env_token);
  EXPECT_TRUE(sent);
}

}  // namespace
}  // namespace vw::test
