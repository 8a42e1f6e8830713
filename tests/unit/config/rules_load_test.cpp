// Loading alert rules: inline `rules:`, `rules_files`, the built-in set, and every validation
// error with its file, line, column and YAML path.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/builtin_rules.hpp"
#include "config/rules_config.hpp"
#include "support/test_support.hpp"

namespace vw::config {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

EnvLookup no_env() {
  return [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
}

std::string messages(const FullLoadResult& r) { return to_string(r.diagnostics); }

FullLoadResult load_rules(const std::string& rules_yaml, const std::string& extra = "") {
  // Without the built-in set, so that the rules read are exactly these.
  // (last, so that the line numbers of the rules stay as written)
  return load_string_with_rules("rules_files: []\n" + extra + "rules:\n" + rules_yaml +
                                    (rules_yaml.ends_with('\n') ? "" : "\n") + "builtin_rules: {enabled: false}\n",
                                "c.yaml", no_env());
}

// How many rules config/rules.yaml has (the counts below follow it as rules are added).
// The built-in rules in force by default: every one of config/rules.yaml but VaultOffHoursAccess,
// inactive until behaviour.working_hours is set.
std::size_t builtin_count() {
  static const std::size_t n = [] {
    std::size_t k = 0;
    std::string_view y = builtin_rules_yaml();
    for (std::size_t at = 0; (at = y.find("\n  - alert: ", at)) != std::string_view::npos; ++at) ++k;
    return k - 1;
  }();
  return n;
}
// describe() of the built-in set with working hours unset; `notes` are the ones before that.
std::string builtin_set(std::size_t n, const std::string& notes = "") {
  return "<built-in>: " + std::to_string(n) + " rules (" + (notes.empty() ? "" : notes + "; ") +
         "inactive until behaviour.working_hours is set: VaultOffHoursAccess)";
}

const rules::Rule* rule(const ConfigWithRules& c, const std::string& name) {
  for (const auto& r : c.rules)
    if (r.alert == name) return &r;
  return nullptr;
}

TEST(RulesLoad, BuiltInRulesAreTheDefaultAndMatchTheSpec) {
  auto r = defaults_with_rules(no_env());
  ASSERT_TRUE(r.ok()) << messages(r);
  ASSERT_EQ(r.config.rule_sets.size(), 1u);
  EXPECT_EQ(r.config.rule_sets[0].source, "<built-in>");
  EXPECT_EQ(r.config.rule_sets[0].rules, builtin_count());
  struct Row {
    std::string alert;
    rules::ConditionKind kind;
    Duration for_;
    std::string severity;
  } spec[] = {
      {"VaultUnreachable", rules::ConditionKind::health, 1min, "critical"},
      {"VaultSealed", rules::ConditionKind::health, 30s, "critical"},
      {"VaultUninitialized", rules::ConditionKind::health, 5min, "critical"},
      {"VaultHAUnhealthy", rules::ConditionKind::health, 1min, "warning"},
      {"VaultRemovedFromCluster", rules::ConditionKind::health, 0s, "critical"},
      {"VaultLeaderChanged", rules::ConditionKind::health, 0s, "info"},
      {"VaultVersionChanged", rules::ConditionKind::health, 0s, "info"},
      {"VaultClockSkew", rules::ConditionKind::health, 5min, "warning"},
      {"VaultRootTokenUsed", rules::ConditionKind::audit, 0s, "critical"},
      {"VaultRootTokenGenerated", rules::ConditionKind::audit, 0s, "critical"},
      {"VaultAuditDeviceChanged", rules::ConditionKind::audit, 0s, "critical"},
      {"VaultPolicyChanged", rules::ConditionKind::audit, 0s, "warning"},
      {"VaultAuthMethodChanged", rules::ConditionKind::audit, 0s, "warning"},
      {"VaultMassRevocation", rules::ConditionKind::audit, 0s, "critical"},
      {"VaultRawStorageAccess", rules::ConditionKind::audit, 0s, "critical"},
      {"VaultPermissionDeniedSpike", rules::ConditionKind::audit, 0s, "warning"},
      {"VaultAuditLogSilent", rules::ConditionKind::audit_silent, 0s, "warning"},
      {"VaultAuditDiskFillingUp", rules::ConditionKind::metric, 5min, "warning"},
      {"VaultAuditDiskAlmostFull", rules::ConditionKind::metric, 1min, "critical"},
      {"VaultAuditNotReopened", rules::ConditionKind::metric, 0s, "critical"},
      {"VaultAuditWriteFailures", rules::ConditionKind::metric, 5min, "critical"},
      {"VaultHighMemory", rules::ConditionKind::metric, 10min, "warning"},
      {"VaultIdentityNewNetwork", rules::ConditionKind::new_value, 0s, "warning"},
      {"VaultIdentityNewPathPrefix", rules::ConditionKind::new_value, 0s, "info"},
      {"VaultIdentityRateAboveBaseline", rules::ConditionKind::baseline_rate, 0s, "warning"},
      {"VaultIdentityFirstSensitiveOperation", rules::ConditionKind::new_value, 0s, "warning"},
      {"VaultSecretRotationOverdue", rules::ConditionKind::secret_age, 0s, "warning"},
      {"VaultSecretRotationNotPropagated", rules::ConditionKind::rotation, 0s, "warning"},
      {"VaultMonitorTokenExpiring", rules::ConditionKind::token_ttl, 0s, "warning"},
  };
  ASSERT_EQ(r.config.rules.size(), std::size(spec));
  for (std::size_t i = 0; i < std::size(spec); ++i) {
    const auto& want = spec[i];
    const auto& got = r.config.rules[i];
    SCOPED_TRACE(want.alert);
    EXPECT_EQ(got.alert, want.alert);
    EXPECT_EQ(rules::kind_of(got.condition), want.kind);
    EXPECT_EQ(got.for_, want.for_);
    EXPECT_EQ(got.labels.at("severity"), want.severity);
    for (const char* a : {"summary", "description", "runbook_url"}) EXPECT_TRUE(got.annotations.count(a)) << a;
    EXPECT_THAT(got.annotations.at("runbook_url").source(),
                HasSubstr("file:///usr/share/doc/vaultwatch/RUNBOOK.md#"));
  }
  const auto& c = r.config;
  EXPECT_EQ(rule(c, "VaultLeaderChanged")->keep_firing_for, 10min);
  EXPECT_EQ(rule(c, "VaultVersionChanged")->keep_firing_for, 1h);
  EXPECT_EQ(rule(c, "VaultRootTokenUsed")->keep_firing_for, 15min);
  EXPECT_EQ(std::get<rules::HealthCond>(rule(c, "VaultClockSkew")->condition).above, 5s);
  const auto& pd = std::get<rules::AuditCond>(rule(c, "VaultPermissionDeniedSpike")->condition);
  EXPECT_EQ(pd.threshold, 20u);
  EXPECT_EQ(pd.window, 5min);
  EXPECT_EQ(pd.group_by, std::vector<std::string>{"display_name"});
  const auto& wf = std::get<rules::MetricCond>(rule(c, "VaultAuditWriteFailures")->condition);
  EXPECT_EQ(wf.rate_over, 5min);
  EXPECT_EQ(wf.threshold, 0);
  EXPECT_EQ(std::get<rules::MetricCond>(rule(c, "VaultHighMemory")->condition).threshold, 2147483648.0);
  EXPECT_EQ(std::get<rules::TokenTtlCond>(rule(c, "VaultMonitorTokenExpiring")->condition).below, 24h);
  EXPECT_EQ(std::get<rules::AuditSilentCond>(rule(c, "VaultAuditLogSilent")->condition).after, 15min);
}

TEST(RulesLoad, EveryRunbookUrlPointsAtASectionOfTheRunbook) {
  auto r = defaults_with_rules(no_env());
  ASSERT_TRUE(r.ok()) << messages(r);
  const auto runbook = vw::test::read_file(VW_SOURCE_DIR "/deploy/RUNBOOK.md");
  for (const auto& x : r.config.rules) {
    const auto& url = x.annotations.at("runbook_url").source();
    const auto anchor = url.substr(url.find('#') + 1);
    EXPECT_THAT(runbook, HasSubstr("<a id=\"" + anchor + "\"></a>")) << x.alert;
  }
}

TEST(RulesLoad, RunbookBaseComesFromTheEnvironment) {
  auto r = defaults_with_rules([](const std::string& k) -> std::optional<std::string> {
    if (k == "VAULTWATCH_RUNBOOK_URL") return "https://wiki.example/vaultwatch/RUNBOOK.md";
    return std::nullopt;
  });
  ASSERT_TRUE(r.ok()) << messages(r);
  EXPECT_EQ(rule(r.config, "VaultSealed")->annotations.at("runbook_url").source(),
            "https://wiki.example/vaultwatch/RUNBOOK.md#vault-sealed");
}

TEST(RulesLoad, BuiltInFileIsTheRepositoryFile) {
  EXPECT_EQ(std::string(builtin_rules_yaml()), vw::test::read_file(VW_SOURCE_DIR "/config/rules.yaml"));
}

TEST(RulesLoad, InlineRulesAreReadAsWritten) {
  auto r = load_rules(
      "  - alert: Custom\n"
      "    health: {clock_skew: {above: 2s}}\n"
      "    for: 1m\n"
      "    labels: {severity: page, team: vault}\n"
      "    annotations:\n"
      "      summary: \"skew {{ $value }} on {{ $labels.instance }}\"\n",
      "notify: {external_labels: {instance: vault-1}}\n");
  ASSERT_TRUE(r.ok()) << messages(r);
  ASSERT_EQ(r.config.rules.size(), 1u);
  const auto& x = r.config.rules[0];
  EXPECT_EQ(x.alert, "Custom");
  EXPECT_EQ(std::get<rules::HealthCond>(x.condition).above, 2s);
  EXPECT_EQ(x.for_, 1min);
  EXPECT_EQ(x.keep_firing_for, 0s);
  EXPECT_EQ(x.labels, (Labels{{"severity", "page"}, {"team", "vault"}}));
}

TEST(RulesLoad, EveryConditionKind) {
  auto r = load_rules(
      "  - alert: A\n    health: sealed\n"
      "  - alert: B\n    metric: {name: vault_runtime_alloc_bytes, match: {cluster: c}, match_re: {host: \"v-.*\"}, op: \">=\", threshold: 1.5e9}\n"
      "  - alert: C\n"
      "    audit:\n"
      "      type: [request, response]\n"
      "      path: [\"secret/data/**\"]\n"
      "      operation: [read]\n"
      "      policy: root\n"
      "      error: denied\n"
      "      display_name: \"approle-*\"\n"
      "      mount_type: kv\n"
      "      remote: [10.0.0.0/8, \"2001:db8::/32\"]\n"
      "      namespace: team-a\n"
      "      not: {display_name: vaultwatch}\n"
      "      threshold: 5\n"
      "      window: 1m\n"
      "      group_by: [display_name, remote_address]\n"
      "      group_limit: 10\n"
      "    for: 30s\n"
      "    annotations: {d: \"{{ $count }} by {{ $labels.display_name }} {{ $event.entity_id }}\"}\n"
      "  - alert: D\n    audit_silent: 20m\n"
      "  - alert: E\n    secret_age: {path: \"secret/cwiq/**\"}\n    annotations: {s: \"{{ $labels.path }}\"}\n"
      "  - alert: F\n    token_ttl: {below: 12h}\n"
      "  - alert: G\n    secret_age:\n");
  ASSERT_TRUE(r.ok()) << messages(r);
  ASSERT_EQ(r.config.rules.size(), 7u);
  const auto& m = std::get<rules::MetricCond>(r.config.rules[1].condition);
  EXPECT_EQ(m.op, rules::CompareOp::ge);
  EXPECT_EQ(m.threshold, 1.5e9);
  EXPECT_TRUE(m.match_re.at("host").match("v-1"));
  const auto& a = std::get<rules::AuditCond>(r.config.rules[2].condition);
  EXPECT_EQ(a.match.types.size(), 2u);
  EXPECT_EQ(a.match.remotes.size(), 2u);
  ASSERT_TRUE(a.exclude);
  EXPECT_EQ(a.exclude->display_names.size(), 1u);
  EXPECT_TRUE(a.exclude->types.empty()) << "`not` has no default type";
  EXPECT_EQ(a.group_limit, 10u);
  EXPECT_EQ(r.config.rules[2].keep_firing_for, 15min);
  EXPECT_EQ(std::get<rules::AuditSilentCond>(r.config.rules[3].condition).after, 20min);
  EXPECT_EQ(std::get<rules::TokenTtlCond>(r.config.rules[5].condition).below, 12h);
  EXPECT_TRUE(std::get<rules::SecretAgeCond>(r.config.rules[6].condition).paths.empty());
}

TEST(RulesLoad, BehaviouralKinds) {
  auto r = load_rules(
      "  - alert: A\n"
      "    new_value:\n"
      "      path: [\"secret/**\"]\n"
      "      not: {display_name: vaultwatch}\n"
      "      key: role\n"
      "      value: [path_prefix:3, operation]\n"
      "      learn: 1d\n"
      "      forget_after: 2d\n"
      "      max_values: 1000\n"
      "      cooldown: 10m\n"
      "      group_limit: 5\n"
      "    annotations: {d: \"{{ $labels.key }} {{ $event.path }} {{ $value | humanizeDuration }}\"}\n"
      "  - alert: B\n"
      "    baseline_rate: {bucket: 1m, learn: 1h, factor: 4, min_count: 20}\n");
  ASSERT_TRUE(r.ok()) << messages(r);
  const auto& a = std::get<rules::NewValueCond>(r.config.rules[0].condition);
  EXPECT_EQ(a.common.match.types, std::vector<AuditEvent::Type>{AuditEvent::Type::request});
  EXPECT_EQ(a.common.match.paths.size(), 1u);
  ASSERT_TRUE(a.common.exclude);
  EXPECT_EQ(a.common.key, std::vector<rules::AuditField>{rules::AuditField{rules::AuditField::Kind::role}});
  ASSERT_EQ(a.value.size(), 2u);
  EXPECT_EQ(rules::to_string(a.value[0]), "path_prefix:3");
  EXPECT_EQ(a.common.learn, 24h);
  EXPECT_EQ(a.common.forget_after, 48h);
  EXPECT_EQ(a.common.max_values, 1000u);
  EXPECT_EQ(a.common.cooldown, 10min);
  EXPECT_EQ(a.common.group_limit, 5u);
  EXPECT_EQ(r.config.rules[0].keep_firing_for, 15min);
  const auto& b = std::get<rules::BaselineRateCond>(r.config.rules[1].condition);
  EXPECT_EQ(b.bucket, 1min);
  EXPECT_EQ(b.factor, 4);
  EXPECT_EQ(b.min_count, 20u);
  EXPECT_EQ(rules::to_string(b.common.key[0]), "entity_id") << "default key: entity_id, then display_name";
}

TEST(RulesLoad, AuditRulesCountRequestsUnlessTypeIsGiven) {
  auto r = load_rules("  - alert: A\n    audit: {policy: root}\n");
  ASSERT_TRUE(r.ok()) << messages(r);
  EXPECT_EQ(std::get<rules::AuditCond>(r.config.rules[0].condition).match.types,
            std::vector<AuditEvent::Type>{AuditEvent::Type::request});
}

// Every validation error, with the position and YAML path it is reported at.
TEST(RulesLoad, ReportsEveryProblemWithItsPosition) {
  struct Case {
    std::string name;
    std::string yaml;  // rules list items
    std::string expected;  // "line:col: path: message fragment"
  } cases[] = {
      {"unknown key", "  - alert: A\n    health: sealed\n    fro: 1m\n",
       "c.yaml:5:5: rules[0].fro: unknown key (did you mean \"for\"?)"},
      {"bad for", "  - alert: A\n    health: sealed\n    for: 30\n",
       "c.yaml:5:10: rules[0].for: must be a duration like 30s"},
      {"bad keep_firing_for", "  - alert: A\n    health: sealed\n    keep_firing_for: soon\n",
       "c.yaml:5:22: rules[0].keep_firing_for: must be a duration"},
      {"bad window", "  - alert: A\n    audit: {threshold: 2, window: 5 min}\n",
       "rules[0].audit.window: must be a duration"},
      {"bad regex", "  - alert: A\n    metric: {name: x, threshold: 1, match_re: {host: \"(\"}}\n",
       "c.yaml:4:54: rules[0].metric.match_re.host: bad regex \"(\""},
      {"bad glob", "  - alert: A\n    audit: {path: [\"ok/*\", \"sys/***\"]}\n",
       "c.yaml:4:28: rules[0].audit.path[1]: bad glob \"sys/***\""},
      {"bad cidr", "  - alert: A\n    audit: {remote: 10.0.0.0/33}\n",
       "c.yaml:4:21: rules[0].audit.remote[0]: bad CIDR \"10.0.0.0/33\""},
      {"cidr host bits", "  - alert: A\n    audit: {remote: [10.1.2.3/8]}\n",
       "rules[0].audit.remote[0]: bad CIDR \"10.1.2.3/8\": host bits are set"},
      {"unknown variable", "  - alert: A\n    health: sealed\n    annotations: {s: \"{{ $valeu }}\"}\n",
       "c.yaml:5:22: rules[0].annotations.s: unknown template variable {{ $valeu }}"},
      {"unknown event field", "  - alert: A\n    audit: {policy: root}\n    annotations: {s: \"{{ $event.accessor }}\"}\n",
       "rules[0].annotations.s: unknown template variable {{ $event.accessor }}"},
      {"unknown label", "  - alert: A\n    health: sealed\n    annotations: {s: \"{{ $labels.instance }}\"}\n",
       "rules[0].annotations.s: unknown template variable {{ $labels.instance }}: this alert's labels are alertname"},
      {"event in health rule", "  - alert: A\n    health: sealed\n    annotations: {s: \"{{ $event.path }}\"}\n",
       "rules[0].annotations.s: {{ $event.path }}: $event is only available in audit rules"},
      {"count in health rule", "  - alert: A\n    health: sealed\n    annotations: {s: \"{{ $count }}\"}\n",
       "$count is only available in audit rules"},
      {"no condition", "  - alert: A\n    for: 1m\n",
       "c.yaml:3:5: rules[0]: needs one condition: health, metric, audit, audit_silent, secret_age, token_ttl, "
       "new_value or baseline_rate"},
      {"unknown behaviour field", "  - alert: A\n    new_value: {key: [entity_id, accessor], value: path}\n",
       "c.yaml:4:34: rules[0].new_value.key[1]: unknown field \"accessor\" (one of display_name, entity_id"},
      {"path_prefix without n", "  - alert: A\n    new_value: {value: path_prefix}\n",
       "rules[0].new_value.value[0]: unknown field \"path_prefix\""},
      {"new_value without value", "  - alert: A\n    new_value: {learn: 1d}\n",
       "rules[0].new_value.value: is required"},
      {"forget before learnt", "  - alert: A\n    new_value: {value: path, learn: 7d, forget_after: 1d}\n",
       "rules[0].new_value.forget_after: must not be shorter than learn"},
      {"behaviour filters checked", "  - alert: A\n    new_value: {value: path, operation: write}\n",
       "rules[0].new_value.operation[0]: unknown operation \"write\""},
      {"behaviour unknown key", "  - alert: A\n    baseline_rate: {window: 5m}\n",
       "rules[0].baseline_rate.window: unknown key"},
      {"bucket too long", "  - alert: A\n    baseline_rate: {bucket: 2d, learn: 7d}\n",
       "rules[0].baseline_rate.bucket: must be between 1s and 24h"},
      {"factor below 1", "  - alert: A\n    baseline_rate: {factor: 0.5}\n",
       "rules[0].baseline_rate.factor: must be at least 1"},
      {"for on behaviour", "  - alert: A\n    new_value: {value: path}\n    for: 1m\n",
       "rules[0].for: new_value and baseline_rate hold only at the instant"},
      {"key label on behaviour", "  - alert: A\n    new_value: {value: path}\n    labels: {key: x}\n",
       "rules[0].labels.key: \"key\" is the label of each alerting key"},
      {"two conditions", "  - alert: A\n    health: sealed\n    audit: {policy: root}\n",
       "c.yaml:5:12: rules[0].audit: a rule has exactly one condition; this one also has health"},
      {"missing alert", "  - health: sealed\n", "c.yaml:3:5: rules[0].alert: is required"},
      {"bad alert name", "  - alert: Vault-Sealed\n    health: sealed\n",
       "c.yaml:3:12: rules[0].alert: \"Vault-Sealed\" is not a valid alert name"},
      {"unknown health", "  - alert: A\n    health: frozen\n",
       "c.yaml:4:13: rules[0].health: unknown health condition \"frozen\""},
      {"clock_skew without bound", "  - alert: A\n    health: clock_skew\n",
       "rules[0].health: clock_skew needs a bound"},
      {"clock_skew missing above", "  - alert: A\n    health: {clock_skew: {below: 5s}}\n",
       "rules[0].health.clock_skew.below: unknown key"},
      {"health params", "  - alert: A\n    health: {sealed: {above: 1s}}\n",
       "rules[0].health.sealed: takes no parameters"},
      {"threshold without window", "  - alert: A\n    audit: {policy: root, threshold: 5}\n",
       "rules[0].audit.threshold: a threshold above 1 needs a window"},
      {"for on instant audit", "  - alert: A\n    audit: {policy: root}\n    for: 1m\n",
       "c.yaml:5:10: rules[0].for: an audit rule without a window holds only at the instant"},
      {"for on change event", "  - alert: A\n    health: leader_changed\n    for: 1m\n",
       "rules[0].for: leader_changed and version_changed hold only at the poll"},
      {"bad group_by", "  - alert: A\n    audit: {group_by: [display_name, accessor]}\n",
       "rules[0].audit.group_by[1]: cannot group by \"accessor\""},
      {"group_by twice", "  - alert: A\n    audit: {group_by: [path, path]}\n",
       "rules[0].audit.group_by[1]: \"path\" is listed twice"},
      {"group_by and label", "  - alert: A\n    audit: {group_by: [path]}\n    labels: {path: x}\n",
       "rules[0].labels.path: \"path\" is also in group_by"},
      {"bad type", "  - alert: A\n    audit: {type: both}\n",
       "rules[0].audit.type[0]: must be request or response"},
      {"bad operation", "  - alert: A\n    audit: {operation: [write]}\n",
       "rules[0].audit.operation[0]: unknown operation \"write\""},
      {"empty not", "  - alert: A\n    audit: {policy: root, not: {}}\n",
       "rules[0].audit.not: must set at least one matcher"},
      {"threshold in not", "  - alert: A\n    audit: {policy: root, not: {threshold: 2}}\n",
       "rules[0].audit.not.threshold: unknown key"},
      {"group_limit", "  - alert: A\n    audit: {group_by: [path], group_limit: 0}\n",
       "rules[0].audit.group_limit: must be between 1 and 10000"},
      {"templated label", "  - alert: A\n    health: sealed\n    labels: {who: \"{{ $value }}\"}\n",
       "rules[0].labels.who: label values are not templated"},
      {"alertname label", "  - alert: A\n    health: sealed\n    labels: {alertname: B}\n",
       "rules[0].labels.alertname: alertname is set from `alert`"},
      {"bad label name", "  - alert: A\n    health: sealed\n    labels: {a-b: x}\n",
       "rules[0].labels.a-b: not a valid label name"},
      {"metric without name", "  - alert: A\n    metric: {threshold: 1}\n", "rules[0].metric.name: is required"},
      {"metric without threshold", "  - alert: A\n    metric: {name: x}\n",
       "rules[0].metric.threshold: is required"},
      {"metric bad threshold", "  - alert: A\n    metric: {name: x, threshold: lots}\n",
       "rules[0].metric.threshold: must be a number"},
      {"metric bad op", "  - alert: A\n    metric: {name: x, threshold: 1, op: \"=>\"}\n",
       "rules[0].metric.op: must be one of > >= < <= == !="},
      {"metric bad name", "  - alert: A\n    metric: {name: vault-x, threshold: 1}\n",
       "rules[0].metric.name: \"vault-x\" is not a valid metric name"},
      {"token_ttl without below", "  - alert: A\n    token_ttl: {}\n", "rules[0].token_ttl.below: is required"},
      {"audit_silent zero", "  - alert: A\n    audit_silent: 0s\n", "rules[0].audit_silent: must be greater than 0"},
      {"audit_silent empty", "  - alert: A\n    audit_silent:\n", "rules[0].audit_silent: needs a duration"},
      {"secret bad glob", "  - alert: A\n    secret_age: {path: \"***\"}\n", "rules[0].secret_age.path[0]: bad glob"},
      {"rule not a mapping", "  - VaultSealed\n", "c.yaml:3:5: rules[0]: must be a mapping"},
      {"duplicate", "  - alert: A\n    health: sealed\n  - alert: A\n    health: standby\n",
       "c.yaml:5:12: rules[1].alert: duplicate alert name \"A\" (first defined at c.yaml:3)"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto r = load_rules(c.yaml);
    EXPECT_FALSE(r.ok());
    EXPECT_THAT(messages(r), HasSubstr(c.expected));
  }
}

TEST(RulesLoad, OutsideTakesAScheduleInEveryAuditFilter) {
  auto r = load_rules(
      "  - alert: NightAdmin\n"
      "    audit:\n"
      "      policy: admin\n"
      "      outside: \"Mon-Fri 07:00-19:00; Sat 09:00-13:00 America/New_York\"\n"
      "      not: {outside: \"Mon-Sun 00:00-01:00 UTC\"}\n");
  ASSERT_TRUE(r.ok()) << messages(r);
  const auto& a = std::get<rules::AuditCond>(rule(r.config, "NightAdmin")->condition);
  ASSERT_TRUE(a.match.outside && a.exclude && a.exclude->outside);
  EXPECT_EQ(a.match.outside->zone().name(), "America/New_York");
  AuditEvent e;
  e.policies = {"admin"};
  e.time = parse_rfc3339("2026-12-05T19:00:00Z").value();  // Saturday 14:00 EST: outside
  EXPECT_TRUE(a.match.matches(e));
  e.time = parse_rfc3339("2026-12-05T14:30:00Z").value();  // Saturday 09:30 EST: inside
  EXPECT_FALSE(a.match.matches(e));
  e.time = SysTime{};  // no time: never "outside"
  EXPECT_FALSE(a.match.matches(e));
}

TEST(RulesLoad, OutsideErrorsNameTheFileLineAndProblem) {
  auto r = load_rules(
      "  - alert: A\n"
      "    audit: {outside: \"Mon-Fry 07:00-19:00 UTC\"}\n"
      "  - alert: B\n"
      "    audit: {outside: \"Mon-Fri 7-19 UTC\"}\n"
      "  - alert: C\n"
      "    audit: {outside: \"Mon-Fri 07:00-19:00 Europe/Berln\"}\n"
      "  - alert: D\n"
      "    audit: {outside: \"Mon-Fri 07:00-19:00\"}\n");
  const auto m = messages(r);
  EXPECT_THAT(m, HasSubstr("c.yaml:4:22: rules[0].audit.outside: unknown day in \"Mon-Fry\""));
  EXPECT_THAT(m, HasSubstr("c.yaml:6:22: rules[1].audit.outside: bad hours \"7-19\""));
  EXPECT_THAT(m, HasSubstr("c.yaml:8:22: rules[2].audit.outside: unknown time zone \"Europe/Berln\""));
  EXPECT_THAT(m, HasSubstr("c.yaml:10:22: rules[3].audit.outside: \"Mon-Fri 07:00-19:00\" is not a schedule (days, hours and a time zone"));
}

TEST(RulesLoad, RulesMustBeAList) {
  auto r = load_string_with_rules("rules: {alert: A}\n", "c.yaml", no_env());
  EXPECT_THAT(messages(r), HasSubstr("c.yaml:1:8: rules: must be a list of rules"));
}

class RulesFiles : public ::testing::Test {
 protected:
  vw::test::TempDir dir_;
  FullLoadResult load(const std::string& yaml) {
    auto cfg = dir_ / "vaultwatch.yaml";
    vw::test::write_file(cfg, yaml);
    return load_file_with_rules(cfg.string(), no_env());
  }
};

TEST_F(RulesFiles, GlobsAreRelativeToTheConfigFile) {
  std::filesystem::create_directories(dir_ / "rules.d");
  vw::test::write_file(dir_ / "rules.d" / "a.yaml", "rules:\n  - alert: A\n    health: sealed\n");
  vw::test::write_file(dir_ / "rules.d" / "b.yaml", "- alert: B\n  health: standby\n");
  vw::test::write_file(dir_ / "rules.d" / "ignored.txt", "not yaml: [");
  auto r = load("rules_files: [\"rules.d/*.yaml\"]\nrules:\n  - alert: Inline\n    health: removed\n");
  ASSERT_TRUE(r.ok()) << messages(r);
  std::vector<std::string> names;
  for (const auto& x : r.config.rules) names.push_back(x.alert);
  ASSERT_EQ(names.size(), builtin_count() + 3);
  EXPECT_EQ(std::vector<std::string>(names.end() - 3, names.end()), (std::vector<std::string>{"Inline", "A", "B"}))
      << "the built-in set first, then yours in order";
  ASSERT_EQ(r.config.rule_sets.size(), 4u);
  EXPECT_EQ(describe(r.config.rule_sets[0]), builtin_set(builtin_count()));
  EXPECT_EQ(describe(r.config.rule_sets[1]), (dir_ / "vaultwatch.yaml").string() + ": 1 rule");
  EXPECT_EQ(describe(r.config.rule_sets[2]), (dir_ / "rules.d" / "a.yaml").string() + ": 1 rule");
}

TEST_F(RulesFiles, NothingMatchedMeansTheBuiltInSet) {
  auto r = load("rules_files: [\"rules.d/*.yaml\"]\n");
  ASSERT_TRUE(r.ok()) << messages(r);
  EXPECT_EQ(r.config.rules.size(), builtin_count());
  ASSERT_EQ(r.config.rule_sets.size(), 1u);
  EXPECT_EQ(r.config.rule_sets[0].source, "<built-in>");
}

// Issue 17.1: the first custom rule used to switch off every built-in rule without a word.
TEST_F(RulesFiles, OwnRulesFilesKeepTheBuiltInSet) {
  vw::test::write_file(dir_ / "none.yaml", "rules: []\n");
  vw::test::write_file(dir_ / "mine.yaml", "rules:\n  - alert: Mine\n    health: standby\n");
  auto r = load("rules_files: [none.yaml, mine.yaml]\n");
  ASSERT_TRUE(r.ok()) << messages(r);
  EXPECT_EQ(r.config.rules.size(), builtin_count() + 1);
  ASSERT_EQ(r.config.rule_sets.size(), 3u);
  EXPECT_EQ(describe(r.config.rule_sets[0]), builtin_set(builtin_count()));
  EXPECT_EQ(describe(r.config.rule_sets[1]), (dir_ / "none.yaml").string() + ": 0 rules");
  auto inline_only = load("rules_files: []\nrules:\n  - alert: Mine\n    health: standby\n");
  ASSERT_TRUE(inline_only.ok()) << messages(inline_only);
  EXPECT_EQ(inline_only.config.rules.size(), builtin_count() + 1);
}

// Issue 14.7: the off-hours rule needs the team's hours; without them it is read (so that
// builtin_rules.disable may name it) but not run.
TEST_F(RulesFiles, OffHoursRuleRunsOnlyOnceWorkingHoursAreSet) {
  auto unset = load("rules_files: []\n");
  ASSERT_TRUE(unset.ok()) << messages(unset);
  EXPECT_EQ(rule(unset.config, "VaultOffHoursAccess"), nullptr);
  EXPECT_EQ(unset.config.rule_sets[0].inactive, std::vector<std::string>{"VaultOffHoursAccess"});
  auto disabled = load("rules_files: []\nbuiltin_rules: {disable: [VaultOffHoursAccess]}\n");
  ASSERT_TRUE(disabled.ok()) << messages(disabled);

  auto set = load("rules_files: []\nbehaviour:\n  working_hours: \"Mon-Fri 07:00-19:00 Europe/Berlin\"\n");
  ASSERT_TRUE(set.ok()) << messages(set);
  EXPECT_EQ(describe(set.config.rule_sets[0]), "<built-in>: " + std::to_string(builtin_count() + 1) + " rules");
  const auto* off = rule(set.config, "VaultOffHoursAccess");
  ASSERT_NE(off, nullptr);
  const auto& a = std::get<rules::AuditCond>(off->condition);
  ASSERT_TRUE(a.match.outside);
  EXPECT_EQ(a.match.outside->text(), "Mon-Fri 07:00-19:00 Europe/Berlin");
  EXPECT_EQ(off->labels.at("severity"), "warning");
  AuditEvent e;
  e.display_name = "userpass-alice";
  e.path = "secret/data/x";
  e.time = parse_rfc3339("2026-12-05T02:00:00Z").value();  // Saturday 03:00 in Berlin
  EXPECT_TRUE(a.match.matches(e));
  e.time = parse_rfc3339("2026-12-07T09:00:00Z").value();  // Monday 10:00
  EXPECT_FALSE(a.match.matches(e));
  e.time = parse_rfc3339("2026-12-05T02:00:00Z").value();
  e.display_name = "approle";  // machines work at night
  EXPECT_FALSE(a.match.matches(e));

  // Yours may use the same hours, but only when they are set.
  const std::string mine = "rules_files: []\nrules:\n  - alert: Mine\n    audit: {policy: admin, outside: working_hours}\n";
  auto ok = load(mine + "behaviour: {working_hours: \"Mon-Fri 07:00-19:00 UTC\"}\n");
  ASSERT_TRUE(ok.ok()) << messages(ok);
  EXPECT_EQ(std::get<rules::AuditCond>(rule(ok.config, "Mine")->condition).match.outside->text(),
            "Mon-Fri 07:00-19:00 UTC");
  // Unset: yours is inactive too (a copy of config/rules.yaml in rules.d must load), and said so.
  auto unset_mine = load(mine);
  ASSERT_TRUE(unset_mine.ok()) << messages(unset_mine);
  EXPECT_EQ(rule(unset_mine.config, "Mine"), nullptr);
  EXPECT_EQ(describe(unset_mine.config.rule_sets[1]),
            (dir_ / "vaultwatch.yaml").string() + ": 0 rules (inactive until behaviour.working_hours is set: Mine)");
  vw::test::write_file(dir_ / "copy.yaml", vw::test::read_file(VW_SOURCE_DIR "/config/rules.yaml"));
  auto copy = load("rules_files: [copy.yaml]\n");
  ASSERT_TRUE(copy.ok()) << messages(copy);
  EXPECT_EQ(copy.config.rules.size(), builtin_count());
  auto bad = load("behaviour:\n  working_hours: \"Mon-Fri 07:00-19:00 Europe/Berln\"\n");
  EXPECT_THAT(messages(bad), HasSubstr("vaultwatch.yaml:2:18: behaviour.working_hours: unknown time zone \"Europe/Berln\""));
}

TEST_F(RulesFiles, BuiltInRulesTurnedOffAsAWholeOrByName) {
  auto off = load("builtin_rules: {enabled: false}\nrules:\n  - alert: Mine\n    health: standby\n");
  ASSERT_TRUE(off.ok()) << messages(off);
  ASSERT_EQ(off.config.rules.size(), 1u);
  EXPECT_EQ(describe(off.config.rule_sets[0]), "<built-in>: off (builtin_rules.enabled: false)");
  auto some = load("builtin_rules:\n  disable: [VaultHighMemory, VaultClockSkew]\n");
  ASSERT_TRUE(some.ok()) << messages(some);
  EXPECT_EQ(some.config.rules.size(), builtin_count() - 2);
  EXPECT_EQ(rule(some.config, "VaultHighMemory"), nullptr);
  EXPECT_NE(rule(some.config, "VaultSealed"), nullptr);
  EXPECT_EQ(describe(some.config.rule_sets[0]),
            builtin_set(builtin_count() - 2, "disabled: VaultClockSkew, VaultHighMemory"));
}

TEST_F(RulesFiles, UnknownBuiltInNamesAreReportedWithFileAndLine) {
  auto r = load("builtin_rules:\n  disable:\n    - VaultHighMemory\n    - VaultHighMemmory\n");
  EXPECT_THAT(messages(r), HasSubstr("vaultwatch.yaml:4:7: builtin_rules.disable[1]: no built-in rule named "
                                     "\"VaultHighMemmory\" (built-in rules: VaultUnreachable, "));
  auto typo = load("builtin_rules: {enable: false}\n");
  EXPECT_THAT(messages(typo), HasSubstr("builtin_rules.enable: unknown key"));
  auto both = load("builtin_rules: {enabled: false}\nrules_files: [builtin]\n");
  EXPECT_THAT(messages(both), HasSubstr("vaultwatch.yaml:2:15: rules_files[0]: lists builtin, but "
                                        "builtin_rules.enabled is false"));
}

// A copy of config/rules.yaml edited in rules.d (what the docs used to advise) keeps working.
TEST_F(RulesFiles, OwnRuleWithABuiltInNameReplacesIt) {
  vw::test::write_file(dir_ / "mine.yaml",
                       "rules:\n  - alert: VaultSealed\n    health: sealed\n    for: 2m\n");
  auto r = load("rules_files: [mine.yaml]\n");
  ASSERT_TRUE(r.ok()) << messages(r);
  EXPECT_EQ(r.config.rules.size(), builtin_count());
  EXPECT_EQ(rule(r.config, "VaultSealed")->for_, 2min);
  EXPECT_EQ(describe(r.config.rule_sets[0]), builtin_set(builtin_count() - 1, "replaced by yours: VaultSealed"));
}

TEST_F(RulesFiles, BuiltinEntryKeepsTheDefaultsNextToOwnRules) {
  vw::test::write_file(dir_ / "mine.yaml", "rules:\n  - alert: Mine\n    health: standby\n");
  auto r = load("rules_files: [builtin, mine.yaml]\n");
  ASSERT_TRUE(r.ok()) << messages(r);
  EXPECT_EQ(r.config.rules.size(), builtin_count() + 1);
}

TEST_F(RulesFiles, DuplicatesAcrossFilesAndMissingFiles) {
  vw::test::write_file(dir_ / "mine.yaml", "rules:\n  - alert: VaultSealed\n    health: sealed\n");
  vw::test::write_file(dir_ / "again.yaml", "rules:\n  - alert: VaultSealed\n    health: sealed\n");
  auto r = load("rules_files:\n  - builtin\n  - mine.yaml\n  - missing.yaml\n  - again.yaml\n");
  const auto text = messages(r);
  EXPECT_THAT(text, HasSubstr((dir_ / "again.yaml").string() +
                              ":2:12: rules[0].alert: duplicate alert name \"VaultSealed\" (first defined at " +
                              (dir_ / "mine.yaml").string() + ":2)"));
  EXPECT_THAT(text, HasSubstr("vaultwatch.yaml:4:5: rules_files[2]: no such file: " +
                              (dir_ / "missing.yaml").string()));
}

TEST_F(RulesFiles, ProblemsInsideARulesFileNameThatFile) {
  vw::test::write_file(dir_ / "bad.yaml", "rules:\n  - alert: A\n    health: sealed\n    for: 1 minute\n");
  vw::test::write_file(dir_ / "syntax.yaml", "rules: [\n");
  vw::test::write_file(dir_ / "shape.yaml", "groups: []\n");
  auto r = load("rules_files: [bad.yaml, syntax.yaml, shape.yaml]\n");
  const auto text = messages(r);
  EXPECT_THAT(text, HasSubstr((dir_ / "bad.yaml").string() + ":4:10: rules[0].for: must be a duration"));
  EXPECT_THAT(text, HasSubstr((dir_ / "syntax.yaml").string() + ":2:1: YAML syntax error"));
  EXPECT_THAT(text, HasSubstr((dir_ / "shape.yaml").string() + ":1:1: groups: unknown key"));
}

TEST_F(RulesFiles, TemplatesAreCheckedAgainstExternalLabels) {
  auto ok = load("notify: {external_labels: {instance: vault-1}}\nrules_files: []\nrules:\n"
                 "  - alert: A\n    health: sealed\n    annotations: {s: \"{{ $labels.instance }}\"}\n");
  EXPECT_TRUE(ok.ok()) << messages(ok);
}

}  // namespace
}  // namespace vw::config
