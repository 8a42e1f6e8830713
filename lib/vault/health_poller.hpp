#pragma once
// Pollers for GET /v1/sys/health and GET /v1/sys/leader.
#include <functional>
#include <memory>

#include "vault/health.hpp"
#include "vault/poll_loop.hpp"
#include "vault/vault_client.hpp"

namespace vw::vault {

/// The poll-error reason for a failed request (SPEC §4.1: timeout, connect, tls, bad_body).
const char* poll_error_reason(http::FailureKind k);

/// Builds a HealthSample from one request outcome. Pure (the clock reading is a parameter).
HealthSample make_health_sample(const http::Outcome& outcome, SysTime now);
LeaderSample make_leader_sample(const http::Outcome& outcome, SysTime now);

/// Polls sys/health every interval and hands each HealthSample to the sink. Sends no
/// `standbyok`/`*code` parameters: Vault's own status codes are the data. Logs transitions of
/// the node state, not every poll. io thread only; stop() idempotent.
class HealthPoller {
 public:
  using Sink = std::function<void(const HealthSample&)>;
  HealthPoller(net::any_io_executor ex, const VaultClient& vault, Duration interval,
               PollMetrics& metrics, std::shared_ptr<spdlog::logger> log, Sink sink);
  void start() { loop_.start(); }
  void stop() { loop_.stop(); }

 private:
  net::awaitable<void> once(PollLoop::StopFlag stopped);
  const VaultClient& vault_;  // not owned; outlives this
  PollMetrics& metrics_;
  std::shared_ptr<spdlog::logger> log_;
  Sink sink_;
  NodeState last_state_ = NodeState::unknown;
  std::string last_error_;
  PollLoop loop_;  // last: destroyed (and stopped) first
};

/// Polls sys/leader every interval. A sealed or non-HA node answering with an error is a
/// sample without a body, not a failure worth logging each time.
class LeaderPoller {
 public:
  using Sink = std::function<void(const LeaderSample&)>;
  LeaderPoller(net::any_io_executor ex, const VaultClient& vault, Duration interval,
               PollMetrics& metrics, std::shared_ptr<spdlog::logger> log, Sink sink);
  void start() { loop_.start(); }
  void stop() { loop_.stop(); }

 private:
  net::awaitable<void> once(PollLoop::StopFlag stopped);
  const VaultClient& vault_;
  PollMetrics& metrics_;
  std::shared_ptr<spdlog::logger> log_;
  Sink sink_;
  std::string last_error_;
  PollLoop loop_;
};

}  // namespace vw::vault
