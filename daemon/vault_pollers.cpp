#include "daemon/vault_pollers.hpp"

#include "daemon/options.hpp"
#include "http/client.hpp"

namespace vw::daemon {

result<std::unique_ptr<VaultPollers>> VaultPollers::build(net::any_io_executor ex, const config::VaultConfig& v,
                                                          bool allow_insecure_token_file, vault::PollMetrics& poll,
                                                          Logging& logging, VaultSinks sinks) {
  auto copts = vault_client_options(v);
  if (!copts) return copts.error();
  auto client = http::Client::create(*copts);
  if (!client) return make_error("vault.tls: " + client.error().message);
  auto tokens = vault::TokenSource::open(token_source_options(v, allow_insecure_token_file), logging.get("token"),
                                         std::move(sinks.token_changed));
  if (!tokens) return make_error(tokens.error().message);
  std::optional<vault::KeepFilter> keep;
  if (v.metrics_interval > Duration::zero()) {
    auto k = vault::KeepFilter::compile(v.metrics_keep);
    if (!k) return make_error(k.error().message);
    keep = std::move(*k);
  }
  auto parts = std::make_unique<VaultPollers>();
  parts->tokens = std::move(*tokens);
  vault::TokenSource* ts = parts->tokens.get();
  parts->client = std::make_unique<vault::VaultClient>(std::move(*client), v.namespace_,
                                                       [ts] { return ts->token(); });
  auto& vc = *parts->client;
  parts->health = std::make_unique<vault::HealthPoller>(ex, vc, v.health_interval, poll,
                                                        logging.get("health_poller"), std::move(sinks.health));
  parts->leader = std::make_unique<vault::LeaderPoller>(ex, vc, v.leader_interval, poll,
                                                        logging.get("leader_poller"), std::move(sinks.leader));
  if (keep) {
    parts->vault_metrics = std::make_shared<vault::VaultMetricsCollector>();
    parts->metrics = std::make_unique<vault::MetricsPoller>(
        ex, vc, vault::MetricsPollerOptions{v.metrics_interval, std::move(*keep)}, poll,
        logging.get("metrics_poller"), std::move(sinks.metrics));
  }
  if (v.token_check_interval > Duration::zero())
    parts->token_checker = std::make_unique<vault::TokenChecker>(
        ex, vc, *ts, v.token_check_interval, poll, logging.get("token_checker"), std::move(sinks.token));
  auto watched = watched_secrets(v);
  parts->monitor = std::make_shared<vault::MonitorCollector>(watched);
  if (!watched.empty())
    parts->secrets = std::make_unique<vault::SecretPoller>(ex, vc, *ts, std::move(watched), v.secrets_interval,
                                                           poll, logging.get("secret_poller"),
                                                           std::move(sinks.secret));
  return parts;
}

void VaultPollers::start() {
  health->start();
  leader->start();
  if (metrics) metrics->start();
  if (token_checker) token_checker->start();
  if (secrets) secrets->start();
}

void VaultPollers::stop() {
  if (health) health->stop();
  if (leader) leader->stop();
  if (metrics) metrics->stop();
  if (token_checker) token_checker->stop();
  if (secrets) secrets->stop();
}

void VaultPollers::trigger() {
  if (token_checker) token_checker->trigger();
  if (secrets) secrets->trigger();
}

}  // namespace vw::daemon
