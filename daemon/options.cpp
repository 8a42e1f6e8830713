#include "daemon/options.hpp"

#include <boost/asio/ip/host_name.hpp>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "core/version.hpp"
#include "config/web_config.hpp"
#include "core/url.hpp"

namespace vw::daemon {

vault::TokenSourceOptions token_source_options(const config::VaultConfig& v, bool allow_insecure_token_file) {
  vault::TokenSourceOptions o;
  o.token_file = v.token_file;
  o.allow_insecure_token_file = allow_insecure_token_file;
  if (const char* t = std::getenv("VAULT_TOKEN"); t && *t) o.env_token = t;
  if (const char* d = std::getenv("CREDENTIALS_DIRECTORY"); d && *d) o.credentials_directory = d;
  return o;
}

http::TlsClientOptions tls_client_options(const config::TlsClientConfig& t) {
  http::TlsClientOptions o;
  o.ca_file = t.ca_file;
  o.cert_file = t.cert_file;
  o.key_file = t.key_file;
  o.server_name = t.server_name;
  o.insecure_skip_verify = t.insecure_skip_verify;
  return o;
}

result<http::ClientOptions> vault_client_options(const config::VaultConfig& v) {
  auto url = parse_url(v.address);
  if (!url) return make_error("vault.address: " + url.error().message);
  http::ClientOptions o;
  o.base = *url;
  o.tls = tls_client_options(v.tls);
  o.timeout = v.timeout;
  o.user_agent = user_agent();
  return o;
}

std::vector<vault::WatchedSecret> watched_secrets(const config::VaultConfig& v) {
  std::vector<vault::WatchedSecret> out;
  for (const auto& w : v.secrets) out.push_back({w.path, w.max_age});
  return out;
}

audit::AuditPipelineOptions audit_pipeline_options(const config::Config& c) {
  const auto& a = c.audit;
  audit::AuditPipelineOptions o;
  o.tailer.path = a.path;
  o.tailer.start_at_end = a.start_at == config::AuditConfig::StartAt::end;
  o.tailer.max_line_bytes = a.max_line_bytes;
  if (!c.state_dir.empty())
    o.tailer.checkpoint_file = (std::filesystem::path(c.state_dir) / "audit.checkpoint").string();
  o.prefix = a.prefix;
  o.classifier.ignore_display_names = a.ignore_display_names;
  o.classifier.ignore_accessors = a.ignore_accessors;
  for (const auto& w : a.watch) o.classifier.watch.push_back({w.name, w.paths});
  o.mount_label_limit = a.mount_label_limit;
  o.tailer.reopen_grace = a.reopen_grace;
  o.disk.window = a.disk_forecast_window;
  return o;
}

notify::NotifierOptions notifier_options(const config::Config& c, std::string external_url) {
  notify::NotifierOptions o;
  const auto& n = c.notify;
  for (const auto& a : n.alertmanagers)
    o.alertmanagers.push_back({a.url, a.timeout, tls_client_options(a.tls), a.basic_auth_username,
                               a.basic_auth_password_file, a.bearer_token_file});
  for (const auto& w : n.webhooks)
    o.webhooks.push_back({w.name, w.url, w.send_resolved, w.timeout, w.headers, w.hmac_secret_file, w.max_alerts});
  o.external_labels = n.external_labels;
  o.queue_capacity = n.queue_capacity;
  o.max_retry_duration = n.max_retry_duration;
  o.state_dir = c.state_dir;
  o.external_url = std::move(external_url);
  o.user_agent = user_agent();
  return o;
}

rules::RuleManagerOptions rule_manager_options(const config::ConfigWithRules& c, std::string generator_url) {
  rules::RuleManagerOptions o;
  o.rules = c.rules;
  o.engine.external_labels = c.notify.external_labels;
  o.engine.resend_interval = c.notify.resend_interval;
  o.engine.audit_enabled = audit::tailing_enabled(c.audit.path, c.audit.path_explicit);
  o.engine.audit_max_age = c.audit.alert_max_age;
  o.engine.generator_url = std::move(generator_url);
  o.state_file = c.state_dir.empty() ? std::string() : c.state_dir + "/alerts.json";
  return o;
}

web::WebOptions web_options(const config::WebConfig& w) {
  web::WebOptions o;
  o.tls = w.tls;
  o.headers = w.headers;
  o.basic_auth_users = w.basic_auth_users;
  o.rate_limit = {w.rate_limit.interval, w.rate_limit.burst};
  return o;
}

web::WebConfigReader web_config_reader() {
  return [](const std::string& path) -> result<web::WebOptions> {
    auto parsed = config::load_web_config(path);
    if (parsed.ok()) return web_options(parsed.config);
    std::string why = config::to_string(parsed.diagnostics);
    while (!why.empty() && why.back() == '\n') why.pop_back();
    return make_error(std::move(why));
  };
}

http::ServerOptions server_options(const config::ServerConfig& s) {
  http::ServerOptions o;
  o.listen_address = s.listen_address;
  o.limits.max_connections = s.max_connections;
  return o;
}

std::string external_url(unsigned short port) {
  char host[256] = "localhost";
  ::gethostname(host, sizeof host - 1);
  return "http://" + std::string(host) + ":" + std::to_string(port);
}

std::string generator_url(unsigned short port) {
  return "http://" + boost::asio::ip::host_name() + ":" + std::to_string(port) + "/api/v1/alerts";
}

std::string user_agent() { return std::string("vaultwatch/") + vw::version; }

}  // namespace vw::daemon
