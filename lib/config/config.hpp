#pragma once
// The configuration as plain values (SPEC §2). Only lib/config sees YAML; every other component
// receives the sub-struct it needs, by value. Defaults here are the documented defaults.
// Depends on core only: the alert rules read from the same files are added by vw::rules_config
// (config/rules_config.hpp), the web config file is config/web_config.hpp.
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/duration.hpp"

namespace vw::config {

using namespace std::chrono_literals;

/// TLS for an outgoing connection (vault.tls, notify.alertmanagers[].tls); the daemon turns it
/// into http::TlsClientOptions.
struct TlsClientConfig {
  std::string ca_file;      // "" = system trust store
  std::string cert_file;    // client certificate (mTLS), optional
  std::string key_file;
  std::string server_name;  // SNI and verification name; "" = the URL's host
  bool insecure_skip_verify = false;
  bool operator==(const TlsClientConfig&) const = default;
};

struct WatchedSecret {
  std::string path;  // "<mount>/<secret path>", e.g. secret/cwiq/shared/billing/database
  Duration max_age{0};
  bool operator==(const WatchedSecret&) const = default;
};

struct VaultConfig {
  std::string address = "https://127.0.0.1:8200";  // default $VAULT_ADDR
  TlsClientConfig tls;                               // defaults from $VAULT_CACERT etc.
  std::string token_file;
  std::string namespace_;                            // YAML key `namespace`
  Duration timeout = 5s;
  Duration health_interval = 10s;
  Duration leader_interval = 10s;
  Duration metrics_interval = 30s;                   // 0 disables
  std::vector<std::string> metrics_keep;             // regexes; default: default_metrics_keep()
  Duration token_check_interval = 5min;              // 0 disables
  std::vector<WatchedSecret> secrets;
  Duration secrets_interval = 10min;
  bool operator==(const VaultConfig&) const = default;
};

/// SPEC §4.3 default keep list.
std::vector<std::string> default_metrics_keep();

struct AuditWatch {
  std::string name;
  std::vector<std::string> paths;  // globs: '*' within a segment, '**' across
  bool operator==(const AuditWatch&) const = default;
};

struct AuditConfig {
  std::string path = "/var/log/vault/audit.log";  // "" disables the tailer
  bool path_explicit = false;                      // false: built-in default, used only if present
  std::string prefix;
  enum class StartAt { end, beginning } start_at = StartAt::end;
  std::uint64_t max_line_bytes = 1024 * 1024;
  std::vector<std::string> ignore_display_names;
  std::vector<std::string> ignore_accessors;
  std::size_t mount_label_limit = 100;
  std::vector<AuditWatch> watch;
  Duration disk_forecast_window = std::chrono::hours(1);  // fit window of seconds_to_full
  Duration reopen_grace = std::chrono::minutes(1);        // writer on a rotated file beyond this
  /// Entries read more than this after their `time` raise no alert unless written while
  /// vaultwatch was down (then alerted, marked late); 0 = no limit. rules::EngineOptions.
  Duration alert_max_age = 15min;
  bool operator==(const AuditConfig&) const = default;
};

/// `rotation:` (issue 13): which KV v2 secrets' rotations are followed to their consumers.
struct RotationConfig {
  std::vector<std::string> secrets;  // KV v2 data path globs (namespace-relative); empty = off
  Duration consumer_window = 7 * 24h;
  Duration deadline = 15min;
  std::vector<std::string> consumer_key = {"entity_id", "display_name"};
  std::size_t max_tracked = 100000;
  bool operator==(const RotationConfig&) const = default;
};

struct AlertmanagerConfig {
  std::string url;
  Duration timeout = 10s;
  TlsClientConfig tls;
  std::string basic_auth_username;
  std::string basic_auth_password_file;
  std::string bearer_token_file;
  bool operator==(const AlertmanagerConfig&) const = default;
};

struct WebhookConfig {
  std::string name;
  std::string url;
  bool send_resolved = true;
  Duration timeout = 10s;
  std::map<std::string, std::string> headers;
  std::string hmac_secret_file;
  std::size_t max_alerts = 0;  // 0 = all
  bool operator==(const WebhookConfig&) const = default;
};

struct NotifyConfig {
  std::map<std::string, std::string> external_labels;
  Duration resend_interval = 1min;
  std::vector<AlertmanagerConfig> alertmanagers;
  std::vector<WebhookConfig> webhooks;
  std::size_t queue_capacity = 10000;
  Duration max_retry_duration = 1h;
  bool operator==(const NotifyConfig&) const = default;
};

struct ServerConfig {
  std::string listen_address = ":9410";
  std::string web_config_file;
  std::string telemetry_path = "/metrics";  // --web.telemetry-path
  std::size_t max_connections = 256;
  bool operator==(const ServerConfig&) const = default;
};

struct LogConfig {
  std::string level = "info";   // debug|info|warn|error
  std::string format = "text";  // text|json
  bool operator==(const LogConfig&) const = default;
};

/// `builtin_rules:` — the built-in rule set (config/rules.yaml, compiled in) is on unless
/// turned off here, as a whole or by alert name.
struct BuiltinRulesConfig {
  bool enabled = true;
  std::vector<std::string> disable;  // built-in alert names left out
  bool operator==(const BuiltinRulesConfig&) const = default;
};

/// `behaviour:` — settings of the behavioural rules.
struct BehaviourConfig {
  /// The team's working hours ("Mon-Fri 07:00-19:00 Europe/Berlin", core/schedule.hpp); what
  /// `outside: working_hours` in a rule stands for. "" = not set: every rule using it (the
  /// built-in VaultOffHoursAccess, yours) is inactive, and --check-config says so.
  std::string working_hours;
  bool operator==(const BehaviourConfig&) const = default;
};

/// One source of alert rules and what it contributes to the rules in force.
struct RuleSet {
  std::string source;        // a rules file, the config file (inline `rules:`), or "<built-in>"
  std::size_t rules = 0;     // rules in force from it
  bool enabled = true;       // the built-in set: false when builtin_rules.enabled is false
  std::vector<std::string> disabled;  // the built-in set: left out by builtin_rules.disable
  std::vector<std::string> replaced;  // the built-in set: replaced by a rule of the same name
  std::vector<std::string> inactive;  // need behaviour.working_hours, which is unset
  bool operator==(const RuleSet&) const = default;
};

/// "<built-in>: 20 rules (disabled: VaultHighMemory)": how --check-config and the start-up log
/// name a rule set.
std::string describe(const RuleSet& s);

struct Config {
  std::string source;  // the file it was loaded from, "" for built-in defaults
  VaultConfig vault;
  AuditConfig audit;
  RotationConfig rotation;
  std::vector<std::string> rules_files = {"/etc/vaultwatch/rules.d/*.yaml"};
  BuiltinRulesConfig builtin_rules;
  BehaviourConfig behaviour;
  // The rules in force and where they came from are config::ConfigWithRules's
  // (config/rules_config.hpp): lib/config itself depends on core only.
  NotifyConfig notify;
  ServerConfig server;
  std::string state_dir = "/var/lib/vaultwatch";
  LogConfig log;
  bool operator==(const Config&) const = default;
};

}  // namespace vw::config
