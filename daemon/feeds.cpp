#include "daemon/feeds.hpp"

#include <spdlog/spdlog.h>

namespace vw::daemon {

rules::HealthObservation health_observation(const vault::HealthSample& s) {
  rules::HealthObservation h;
  h.state = s.state();
  h.status = s.status;
  if (s.body) {
    h.version = s.body->version;
    if (s.body->server_time_utc != 0)
      h.skew_seconds = static_cast<double>(s.body->server_time_utc) - to_unix_seconds(s.at);
  }
  return h;
}

rules::LeaderObservation leader_observation(const vault::LeaderSample& s) {
  return {s.body ? s.body->leader_address : std::string()};
}

std::vector<rules::MetricSample> vault_metric_samples(const vault::MetricsSample& s,
                                                      const std::set<std::string>& wanted) {
  std::vector<rules::MetricSample> out;
  if (!s.families) return out;
  for (const auto& f : *s.families) {
    for (const auto& sm : f.samples) {
      auto name = f.sample_name(sm);
      if (!wanted.count(name)) continue;
      Labels labels;
      for (const auto& l : sm.labels) labels[l.name] = l.value;
      out.push_back({std::move(name), std::move(labels), sm.value});
    }
  }
  return out;
}

std::optional<rules::TokenTtl> token_ttl(const vault::TokenSample& s) {
  switch (s.state) {
    case vault::TokenState::valid:
      return rules::TokenTtl{
          true,
          s.expires ? std::optional<Duration>(std::chrono::duration_cast<Duration>(*s.expires - s.at))
                    : std::nullopt,
          s.entity_id, s.display_name};
    case vault::TokenState::rejected:
      return rules::TokenTtl{false, Duration{0}};
    default:
      return std::nullopt;
  }
}

std::vector<rules::SecretAge> SecretAges::update(const vault::SecretSample& s) {
  samples_[s.path] = s;
  std::vector<rules::SecretAge> ages;
  for (const auto& [path, sample] : samples_)
    if (sample.version_created) ages.push_back({path, *sample.version_created, sample.max_age});
  return ages;
}

void log_notifications(spdlog::logger& log, const std::vector<AlertNotification>& n) {
  if (!log.should_log(spdlog::level::debug)) return;
  for (const auto& a : n) {
    std::string labels;
    for (const auto& [k, v] : a.labels) labels += (labels.empty() ? "" : ",") + k + "=\"" + v + "\"";
    log.debug("alert notification: status={} change={} starts_at={} ends_at={} labels={{{}}}",
              a.resolved ? "resolved" : "firing", a.state_change, format_rfc3339_ms(a.starts_at),
              format_rfc3339_ms(a.ends_at), labels);
  }
}

}  // namespace vw::daemon
