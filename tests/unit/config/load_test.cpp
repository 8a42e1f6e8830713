#include "config/load.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/test_support.hpp"

namespace vw::config {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

EnvLookup env_of(std::map<std::string, std::string> vars) {
  return [vars](const std::string& k) -> std::optional<std::string> {
    auto it = vars.find(k);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

std::string messages(const LoadResult& r) { return to_string(r.diagnostics); }

TEST(ConfigLoad, BuiltInDefaultsMatchTheSpec) {
  auto r = defaults(env_of({}));
  ASSERT_TRUE(r.ok()) << messages(r);
  const auto& c = r.config;
  EXPECT_EQ(c.vault.address, "https://127.0.0.1:8200");
  EXPECT_EQ(c.vault.timeout, 5s);
  EXPECT_EQ(c.vault.health_interval, 10s);
  EXPECT_EQ(c.vault.metrics_interval, 30s);
  EXPECT_EQ(c.vault.token_check_interval, 5min);
  EXPECT_EQ(c.vault.metrics_keep, default_metrics_keep());
  EXPECT_EQ(c.audit.path, "/var/log/vault/audit.log");
  EXPECT_FALSE(c.audit.path_explicit);
  EXPECT_EQ(c.audit.max_line_bytes, 1024u * 1024u);
  EXPECT_EQ(c.server.listen_address, ":9410");
  EXPECT_EQ(c.state_dir, "/var/lib/vaultwatch");
  EXPECT_EQ(c.notify.resend_interval, 1min);
  EXPECT_EQ(c.notify.queue_capacity, 10000u);
  EXPECT_EQ(c.log.level, "info");
}

TEST(ConfigLoad, VaultEnvironmentVariablesAreTheFallbacks) {
  auto r = defaults(env_of({{"VAULT_ADDR", "https://vault.example:8200"},
                            {"VAULT_CACERT", "/etc/ca.pem"},
                            {"VAULT_CLIENT_CERT", "/c.pem"},
                            {"VAULT_CLIENT_KEY", "/k.pem"},
                            {"VAULT_TLS_SERVER_NAME", "vault.internal"},
                            {"VAULT_SKIP_VERIFY", "true"},
                            {"VAULT_NAMESPACE", "team-a"}}));
  ASSERT_TRUE(r.ok()) << messages(r);
  EXPECT_EQ(r.config.vault.address, "https://vault.example:8200");
  EXPECT_EQ(r.config.vault.tls.ca_file, "/etc/ca.pem");
  EXPECT_EQ(r.config.vault.tls.cert_file, "/c.pem");
  EXPECT_EQ(r.config.vault.tls.key_file, "/k.pem");
  EXPECT_EQ(r.config.vault.tls.server_name, "vault.internal");
  EXPECT_TRUE(r.config.vault.tls.insecure_skip_verify);
  EXPECT_EQ(r.config.vault.namespace_, "team-a");
}

TEST(ConfigLoad, FileValuesOverrideTheEnvironment) {
  auto r = load_string("vault:\n  address: http://10.0.0.1:8200\n  tls: {insecure_skip_verify: false}\n",
                       "c.yaml", env_of({{"VAULT_ADDR", "https://x:1"}, {"VAULT_SKIP_VERIFY", "1"}}));
  ASSERT_TRUE(r.ok()) << messages(r);
  EXPECT_EQ(r.config.vault.address, "http://10.0.0.1:8200");
  EXPECT_FALSE(r.config.vault.tls.insecure_skip_verify);
}

TEST(ConfigLoad, ExpandsEnvironmentReferencesInStrings) {
  auto r = load_string(
      "vault:\n  address: https://${VAULT_HOST}:8200\n  token_file: ${TOKDIR:-/run/agent}/token\n"
      "notify:\n  external_labels: {instance: \"${HOST}\"}\n",
      "c.yaml", env_of({{"VAULT_HOST", "vault-1"}, {"HOST", "node-a"}}));
  ASSERT_TRUE(r.ok()) << messages(r);
  EXPECT_EQ(r.config.vault.address, "https://vault-1:8200");
  EXPECT_EQ(r.config.vault.token_file, "/run/agent/token");
  EXPECT_EQ(r.config.notify.external_labels.at("instance"), "node-a");
}

TEST(ConfigLoad, UnsetEnvironmentVariableIsAnErrorWithItsPosition) {
  auto r = load_string("vault:\n  address: https://${NOPE}:8200\n", "c.yaml", env_of({}));
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].to_string(), "c.yaml:2:12: vault.address: environment variable NOPE is not set");
}

TEST(ConfigLoad, UnknownKeysAreErrorsWithASuggestion) {
  auto r = load_string("vault:\n  adress: https://x:8200\nserver:\n  listen_adress: \":1\"\nbogus: 1\n",
                       "c.yaml", env_of({}));
  ASSERT_EQ(r.diagnostics.size(), 3u) << messages(r);
  EXPECT_EQ(r.diagnostics[0].to_string(), "c.yaml:2:3: vault.adress: unknown key (did you mean \"address\"?)");
  EXPECT_EQ(r.diagnostics[1].to_string(),
            "c.yaml:4:3: server.listen_adress: unknown key (did you mean \"listen_address\"?)");
  EXPECT_EQ(r.diagnostics[2].to_string(), "c.yaml:5:1: bogus: unknown key");
}

TEST(ConfigLoad, ReportsEveryProblemAtOnceWithLineColumnAndPath) {
  const char* yaml = R"(vault:
  address: ftp://vault:21
  timeout: 5 seconds
  health_interval: 0s
  metrics_keep: ["vault_(unclosed"]
  secrets:
    - path: nomount
      max_age: 90d
    - path: secret/x
audit:
  start_at: middle
  max_line_bytes: 12
  watch:
    - name: a
      paths: ["x/***"]
notify:
  alertmanagers:
    - timeout: 1s
  webhooks:
    - name: ops
      url: https://hooks
    - name: ops
      url: https://hooks2
server:
  listen_address: "9410"
log:
  level: verbose
  format: xml
)";
  auto r = load_string(yaml, "bad.yaml", env_of({}));
  const std::string all = messages(r);
  EXPECT_THAT(all, HasSubstr("bad.yaml:2:12: vault.address: scheme must be http or https"));
  EXPECT_THAT(all, HasSubstr("bad.yaml:3:12: vault.timeout: must be a duration like 30s"));
  EXPECT_THAT(all, HasSubstr("bad.yaml:4:20: vault.health_interval: must be greater than 0"));
  EXPECT_THAT(all, HasSubstr("vault.metrics_keep[0]: bad regex"));
  EXPECT_THAT(all, HasSubstr("bad.yaml:7:13: vault.secrets[0].path: must be <mount>/<secret path>"));
  EXPECT_THAT(all, HasSubstr("vault.secrets[1].max_age: is required"));
  EXPECT_THAT(all, HasSubstr("bad.yaml:11:13: audit.start_at: must be end or beginning"));
  EXPECT_THAT(all, HasSubstr("audit.max_line_bytes: must be between 1KiB and 1GiB"));
  EXPECT_THAT(all, HasSubstr("audit.watch[0].paths[0]: bad glob"));
  EXPECT_THAT(all, HasSubstr("notify.alertmanagers[0].url: is required"));
  EXPECT_THAT(all, HasSubstr("notify.webhooks[1].name: duplicate webhook name \"ops\""));
  EXPECT_THAT(all, HasSubstr("server.listen_address: bad listen address"));
  EXPECT_THAT(all, HasSubstr("log.level: must be debug, info, warn or error"));
  EXPECT_THAT(all, HasSubstr("log.format: must be text or json"));
  EXPECT_GE(r.diagnostics.size(), 14u);
}

TEST(ConfigLoad, TypeMismatchesNameTheKey) {
  auto r = load_string("vault: [1, 2]\naudit:\n  ignore:\n    display_names: {a: b}\n", "c.yaml", env_of({}));
  EXPECT_THAT(messages(r), HasSubstr("c.yaml:1:8: vault: must be a mapping"));
  EXPECT_THAT(messages(r), HasSubstr("audit.ignore.display_names: must be a list of strings"));
}

TEST(ConfigLoad, YamlSyntaxErrorHasAPosition) {
  auto r = load_string("vault:\n  address: [unclosed\n", "c.yaml", env_of({}));
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_THAT(r.diagnostics[0].to_string(), HasSubstr("c.yaml:"));
  EXPECT_THAT(r.diagnostics[0].to_string(), HasSubstr("YAML syntax error"));
}

TEST(ConfigLoad, DuplicateKeysAreErrors) {
  auto r = load_string("state_dir: /a\nstate_dir: /b\n", "c.yaml", env_of({}));
  EXPECT_THAT(messages(r), HasSubstr("c.yaml:2:1: state_dir: duplicate key"));
}

TEST(ConfigLoad, MissingFileIsADiagnostic) {
  auto r = load_file("/nonexistent/vaultwatch.yaml", env_of({}));
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_THAT(r.diagnostics[0].to_string(), HasSubstr("/nonexistent/vaultwatch.yaml: cannot read"));
}

TEST(ConfigLoad, EmptyFileMeansDefaults) {
  auto r = load_string("", "c.yaml", env_of({}));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.config.server.listen_address, ":9410");
}

TEST(ConfigLoad, ShippedExampleConfigIsValid) {
  auto r = load_file(std::string(VW_SOURCE_DIR) + "/config/vaultwatch.yaml", env_of({}));
  ASSERT_TRUE(r.ok()) << messages(r);
  EXPECT_EQ(r.config.audit.path, "/data/vault/logs/vault-audit.log");
  ASSERT_EQ(r.config.vault.secrets.size(), 1u);
  EXPECT_EQ(r.config.vault.secrets[0].max_age, 90 * 24h);
  EXPECT_EQ(r.config.notify.alertmanagers.size(), 1u);
  EXPECT_EQ(r.config.audit.watch.at(0).name, "cwiq-shared");
}

}  // namespace
}  // namespace vw::config

namespace vw::config {
namespace {

TEST(ConfigLoad, AWatchedSecretListedTwiceIsAnError) {
  const char* yaml = "vault:\n  secrets:\n    - {path: secret/app/db, max_age: 90d}\n    - {path: secret/app/db, max_age: 30d}\n";
  auto r = load_string(yaml, "dup.yaml", [](const std::string&) { return std::optional<std::string>{}; });
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].to_string(), "dup.yaml:4:14: vault.secrets[1].path: is listed twice: \"secret/app/db\"");
}

TEST(ConfigLoad, AuditDeviceHealthKeys) {
  auto none = [](const std::string&) { return std::optional<std::string>{}; };
  auto d = defaults(none);
  EXPECT_EQ(d.config.audit.disk_forecast_window, 1h);
  EXPECT_EQ(d.config.audit.reopen_grace, 1min);
  auto ok = load_string("audit:\n  disk_forecast_window: 2h\n  reopen_grace: 5m\n", "ok.yaml", none);
  ASSERT_TRUE(ok.ok()) << messages(ok);
  EXPECT_EQ(ok.config.audit.disk_forecast_window, 2h);
  EXPECT_EQ(ok.config.audit.reopen_grace, 5min);
  auto bad = load_string("audit:\n  disk_forecast_window: 1s\n  reopen_grace: 0s\n", "bad.yaml", none);
  const std::string all = messages(bad);
  EXPECT_THAT(all, HasSubstr("bad.yaml:2:25: audit.disk_forecast_window: must be between 2s and 7d"));
  EXPECT_THAT(all, HasSubstr("bad.yaml:3:17: audit.reopen_grace: must be greater than 0"));
}

}  // namespace
}  // namespace vw::config

namespace vw::config {
namespace {

TEST(ConfigLoad, ADirectoryIsNotAnEmptyConfig) {
  test::TempDir dir;
  auto r = load_file(dir.path().string(), [](const std::string&) { return std::optional<std::string>{}; });
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_THAT(r.diagnostics[0].to_string(), ::testing::HasSubstr("cannot read: is a directory"));
}

TEST(ConfigLoad, ValuesMustBeUtf8WithoutNul) {
  auto none = [](const std::string&) { return std::optional<std::string>{}; };
  struct Case {
    std::string yaml, want;
  } cases[] = {
      {"notify:\n  external_labels: {cluster: \"a\xe9\"}\n", "notify.external_labels.cluster: is not valid UTF-8"},
      {"log: {level: \"\xc0\xaf\"}\n", "log.level: is not valid UTF-8"},             // overlong '/'
      {"state_dir: \"/x\xed\xa0\x80\"\n", "state_dir: is not valid UTF-8"},           // a surrogate
      {"state_dir: \"/x\\0y\"\n", "state_dir: contains a NUL character"},
  };
  for (const auto& c : cases) {
    auto r = load_string(c.yaml, "c.yaml", none);
    ASSERT_FALSE(r.ok()) << c.yaml;
    EXPECT_THAT(r.diagnostics[0].to_string(), ::testing::HasSubstr(c.want));
  }
  auto ok = load_string("notify:\n  external_labels: {cluster: \"caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x94\x92\"}\n", "c.yaml", none);
  EXPECT_TRUE(ok.ok());
}

}  // namespace
}  // namespace vw::config
