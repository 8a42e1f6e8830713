#pragma once
// Where the configuration becomes each component's Options: the one place that reads
// config::Config on behalf of lib/ (every lib/ component takes its own <Component>Options and
// never includes lib/config). Pure functions of the config, plus the process environment
// ($VAULT_TOKEN, $CREDENTIALS_DIRECTORY) and the host name where noted.
#include <string>
#include <vector>

#include "audit/pipeline.hpp"
#include "config/rules_config.hpp"
#include "config/web_config.hpp"
#include "core/result.hpp"
#include "http/client.hpp"
#include "http/server.hpp"
#include "notify/notifier.hpp"
#include "rules/rule_manager.hpp"
#include "vault/secret_poller.hpp"
#include "vault/token_source.hpp"
#include "web/web_security.hpp"

namespace vw::daemon {

/// Where the monitor token comes from: vault.token_file, $VAULT_TOKEN, $CREDENTIALS_DIRECTORY.
vault::TokenSourceOptions token_source_options(const config::VaultConfig& v, bool allow_insecure_token_file);
/// TLS of an outgoing connection (vault.tls, notify.alertmanagers[].tls).
http::TlsClientOptions tls_client_options(const config::TlsClientConfig& t);
/// The Vault HTTP client: base URL (fails naming vault.address), TLS, timeout, User-Agent.
result<http::ClientOptions> vault_client_options(const config::VaultConfig& v);
/// vault.secrets as the secret poller takes them.
std::vector<vault::WatchedSecret> watched_secrets(const config::VaultConfig& v);

/// The audit pipeline; the checkpoint goes to <state_dir>/audit.checkpoint ("" state_dir: none).
/// Whether the pipeline runs at all is audit::tailing_enabled(audit.path, audit.path_explicit).
audit::AuditPipelineOptions audit_pipeline_options(const config::Config& c);

/// The notifier; `external_url` is the webhook payload's externalURL (see external_url()).
notify::NotifierOptions notifier_options(const config::Config& c, std::string external_url = {});

/// The rule manager; `generator_url` is each alert's generatorURL (see generator_url()).
rules::RuleManagerOptions rule_manager_options(const config::ConfigWithRules& c, std::string generator_url);

/// The web config file as lib/web applies it.
web::WebOptions web_options(const config::WebConfig& w);
/// Reads a web config file with lib/config (every problem, one per line) into web::WebOptions.
web::WebConfigReader web_config_reader();

/// The exposition server's address and limits (middleware and TLS are App's wiring).
http::ServerOptions server_options(const config::ServerConfig& s);

/// Where this vaultwatch answers, in the form Alertmanager uses for its own default
/// (http://<hostname>:<port>): the webhook payload's externalURL.
std::string external_url(unsigned short port);
/// The alerts' generatorURL: http://<hostname>:<port>/api/v1/alerts.
std::string generator_url(unsigned short port);

/// "vaultwatch/<version>", the User-Agent of every outgoing request.
std::string user_agent();

}  // namespace vw::daemon
