#pragma once
// What the rule engine is fed, from what the Vault pollers sample: each sample converted into
// the observation lib/rules reads (lib/rules depends on core only, so the conversion is here, at
// the edge). Pure functions, except SecretAges, which keeps the latest sample per watched secret,
// and the debug log of what the rules hand to the notifier.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/alert.hpp"
#include "rules/observations.hpp"
#include "vault/health.hpp"
#include "vault/metrics_poller.hpp"
#include "vault/secret_poller.hpp"
#include "vault/token_checker.hpp"

namespace spdlog {
class logger;
}

namespace vw::daemon {

/// One sys/health poll: node state, status, version and clock skew against local time.
rules::HealthObservation health_observation(const vault::HealthSample& s);
/// One sys/leader poll: the leader's address ("" when none).
rules::LeaderObservation leader_observation(const vault::LeaderSample& s);
/// The samples of Vault's sys/metrics families that metric rules read (full sample names, e.g.
/// vault_audit_log_request_failure or vault_core_handle_request_count). Empty while Vault's
/// telemetry is unavailable (standby, sealed, disabled): metric alerts then resolve rather than
/// hold on to stale values.
std::vector<rules::MetricSample> vault_metric_samples(const vault::MetricsSample& s,
                                                      const std::set<std::string>& wanted);
/// The monitor token's lookup: nullopt when there is nothing new to evaluate (no token, or Vault
/// cannot say right now).
std::optional<rules::TokenTtl> token_ttl(const vault::TokenSample& s);

/// Logs each notification the rule manager hands to the notifier, at debug level.
void log_notifications(spdlog::logger& log, const std::vector<AlertNotification>& n);

/// The latest sample per watched secret: the rules get a full snapshot of the secrets whose age
/// is known on every sample. clear() when the secret poller is replaced (reload).
class SecretAges {
 public:
  std::vector<rules::SecretAge> update(const vault::SecretSample& s);
  void clear() { samples_.clear(); }

 private:
  std::map<std::string, vault::SecretSample> samples_;  // by path; bounded by vault.secrets
};

}  // namespace vw::daemon
