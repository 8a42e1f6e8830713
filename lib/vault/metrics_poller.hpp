#pragma once
// Poller for GET /v1/sys/metrics?format=prometheus (SPEC §4.3).
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <prometheus/metric_family.h>

#include "core/time.hpp"
#include "prom_text/prom_text.hpp"
#include "vault/poll_loop.hpp"
#include "vault/republish.hpp"
#include "vault/vault_client.hpp"

namespace vw::vault {

/// What the last sys/metrics poll says. Everything but `available` means "no telemetry from
/// this node right now"; only `error` is a failed poll (vaultwatch_poll_errors_total).
enum class MetricsState {
  unknown,    // no poll finished yet
  available,  // 200 with a parsable exposition
  standby,    // 307: a standby redirects authenticated sys/metrics to the active node
  disabled,   // 400 "prometheus is not enabled" (no telemetry.prometheus_retention_time)
  forbidden,  // 403: no token, or its policy lacks read on sys/metrics
  sealed,     // 503 "Vault is sealed"
  error,      // no answer, another status, or a body that does not parse
};
/// The `reason` label value of vaultwatch_vault_metrics_available ("" for available/unknown).
const char* to_string(MetricsState s);

struct MetricsSample {
  SysTime at{};
  MetricsState state = MetricsState::unknown;
  unsigned status = 0;  // HTTP status, 0 when there was no answer
  /// Every family of the exposition (not only the kept ones; rules may use any), hostname
  /// prefix already normalised away. Set only when available; shared, never mutated.
  std::shared_ptr<const std::vector<prom_text::Family>> families;
  /// The families vault.metrics_keep selects, converted for the exposition. Set only when
  /// available; shared, never mutated.
  std::shared_ptr<const std::vector<prometheus::MetricFamily>> republished;
  std::string hostname_prefix;  // the hostname part that was removed, "" when none
  std::string error;            // for logs; never contains a header value
  std::string error_reason;     // vaultwatch_poll_errors_total reason, "" unless state == error
};

/// Classifies an answer to sys/metrics?format=prometheus without parsing the body: a 200 is
/// `available` (the caller parses and may still turn it into a bad_body error). Pure.
MetricsSample classify_metrics_response(const http::Outcome& outcome, SysTime now);

struct MetricsPollerOptions {
  Duration interval{30000};
  KeepFilter keep;  // vault.metrics_keep
  /// The body is parsed in slices of this many bytes, and the kept families converted in slices
  /// of this many samples, with the event loop running in between: a multi-megabyte exposition
  /// never holds the loop for more than one slice (about 1 ms each, see docs/telemetry.md).
  std::size_t parse_slice_bytes = 256 * 1024;
  std::size_t convert_slice_samples = 4096;
};

/// Polls sys/metrics every interval with the monitor token when there is one (Vault ignores it
/// when the listener allows unauthenticated metrics access) and hands every MetricsSample to
/// the sink. Never follows the standby's 307 (the active node's metrics are not this node's).
/// Logs each state transition once, not each poll. io thread only; stop() idempotent.
class MetricsPoller {
 public:
  using Sink = std::function<void(const MetricsSample&)>;
  MetricsPoller(net::any_io_executor ex, const VaultClient& vault, MetricsPollerOptions opts,
                PollMetrics& metrics, std::shared_ptr<spdlog::logger> log, Sink sink);
  void start() { loop_.start(); }
  void stop() { loop_.stop(); }

 private:
  net::awaitable<void> once(PollLoop::StopFlag stopped);
  void log_transition(const MetricsSample& s);
  net::any_io_executor ex_;
  const VaultClient& vault_;  // not owned; outlives this
  MetricsPollerOptions opts_;
  PollMetrics& metrics_;
  std::shared_ptr<spdlog::logger> log_;
  Sink sink_;
  MetricsState last_state_ = MetricsState::unknown;
  std::string last_error_;
  std::string last_host_;
  PollLoop loop_;  // last: destroyed (and stopped) first
};

}  // namespace vw::vault
