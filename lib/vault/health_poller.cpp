#include "vault/health_poller.hpp"

#include <spdlog/spdlog.h>

namespace vw::vault {

const char* poll_error_reason(http::FailureKind k) {
  switch (k) {
    case http::FailureKind::timeout: return "timeout";
    case http::FailureKind::connect: return "connect";
    case http::FailureKind::tls: return "tls";
    case http::FailureKind::protocol:
    case http::FailureKind::body_too_large: return "bad_body";
  }
  return "bad_body";
}

namespace {

bool is_vault_health_code(unsigned s) {
  switch (s) {
    case 200: case 429: case 472: case 473: case 474: case 501: case 503: case 530: return true;
    default: return false;
  }
}

}  // namespace

HealthSample make_health_sample(const http::Outcome& outcome, SysTime now) {
  HealthSample s;
  s.at = now;
  if (!outcome) {
    s.error = outcome.error().message;
    s.error_reason = poll_error_reason(outcome.error().kind);
    return s;
  }
  s.status = outcome->status;
  auto body = decode_health(outcome->body);
  if (body) {
    s.body = std::move(*body);
    return s;
  }
  s.error = "HTTP " + std::to_string(s.status) + ": " + body.error().message;
  s.error_reason = is_vault_health_code(s.status) ? "bad_body" : "http_status";
  return s;
}

LeaderSample make_leader_sample(const http::Outcome& outcome, SysTime now) {
  LeaderSample s;
  s.at = now;
  if (!outcome) {
    s.error = outcome.error().message;
    s.error_reason = poll_error_reason(outcome.error().kind);
    return s;
  }
  s.status = outcome->status;
  if (s.status != 200) {
    s.error = "HTTP " + std::to_string(s.status);
    s.error_reason = "http_status";
    return s;
  }
  auto body = decode_leader(outcome->body);
  if (!body) {
    s.error = body.error().message;
    s.error_reason = "bad_body";
    return s;
  }
  s.body = std::move(*body);
  return s;
}

HealthPoller::HealthPoller(net::any_io_executor ex, const VaultClient& vault, Duration interval,
                           PollMetrics& metrics, std::shared_ptr<spdlog::logger> log, Sink sink)
    : vault_(vault),
      metrics_(metrics),
      log_(std::move(log)),
      sink_(std::move(sink)),
      loop_(ex, "health", interval, log_,
            [this](PollLoop::StopFlag stopped) { return once(std::move(stopped)); }) {}

net::awaitable<void> HealthPoller::once(PollLoop::StopFlag stopped) {
  const auto t0 = std::chrono::steady_clock::now();
  // The token (when there is one) makes Vault skip redaction of version and cluster_name.
  auto outcome = co_await vault_.get("sys/health", true);
  if (*stopped) co_return;
  const auto now = std::chrono::system_clock::now();
  auto sample = make_health_sample(outcome, now);
  metrics_.record("health", std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(),
                  sample.error_reason, to_unix_seconds(now), sample.status, sample.error);
  const auto state = sample.state();
  if (state != last_state_) {
    if (state == NodeState::unreachable)
      log_->warn("vault state changed: from={} to={} address={} err={}", to_string(last_state_),
                 to_string(state), vault_.address().origin(), sample.error);
    else
      log_->info("vault state changed: from={} to={} status={} version={}", to_string(last_state_),
                 to_string(state), sample.status, sample.body->version);
    last_state_ = state;
  } else if (!sample.error.empty() && sample.error != last_error_) {
    log_->warn("health poll failed: address={} err={}", vault_.address().origin(), sample.error);
  }
  last_error_ = sample.error;
  sink_(sample);
}

LeaderPoller::LeaderPoller(net::any_io_executor ex, const VaultClient& vault, Duration interval,
                           PollMetrics& metrics, std::shared_ptr<spdlog::logger> log, Sink sink)
    : vault_(vault),
      metrics_(metrics),
      log_(std::move(log)),
      sink_(std::move(sink)),
      loop_(ex, "leader", interval, log_,
            [this](PollLoop::StopFlag stopped) { return once(std::move(stopped)); }) {}

net::awaitable<void> LeaderPoller::once(PollLoop::StopFlag stopped) {
  const auto t0 = std::chrono::steady_clock::now();
  auto outcome = co_await vault_.get("sys/leader", true);
  if (*stopped) co_return;
  const auto now = std::chrono::system_clock::now();
  auto sample = make_leader_sample(outcome, now);
  metrics_.record("leader", std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(),
                  sample.error_reason, to_unix_seconds(now), sample.status, sample.error);
  if (sample.error != last_error_ && !sample.error.empty())
    log_->debug("leader poll failed: err={}", sample.error);
  last_error_ = sample.error;
  sink_(sample);
}

}  // namespace vw::vault
