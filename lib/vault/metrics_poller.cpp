#include "vault/metrics_poller.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include "vault/health_poller.hpp"

namespace vw::vault {

const char* to_string(MetricsState s) {
  switch (s) {
    case MetricsState::unknown: return "";
    case MetricsState::available: return "";
    case MetricsState::standby: return "standby";
    case MetricsState::disabled: return "disabled";
    case MetricsState::forbidden: return "forbidden";
    case MetricsState::sealed: return "sealed";
    case MetricsState::error: return "error";
  }
  return "error";
}

MetricsSample classify_metrics_response(const http::Outcome& outcome, SysTime now) {
  MetricsSample s;
  s.at = now;
  if (!outcome) {
    s.state = MetricsState::error;
    s.error = outcome.error().message;
    s.error_reason = poll_error_reason(outcome.error().kind);
    return s;
  }
  const auto& r = *outcome;
  s.status = r.status;
  if (r.status == 200) {
    s.state = MetricsState::available;
    return s;
  }
  // Through the authenticated path a (non-performance) standby cannot check tokens and
  // redirects to the active node (hashicorp/vault#24401); following it would republish the
  // active node's telemetry as this node's. Any redirect is read as "standby".
  if (r.status >= 300 && r.status < 400) {
    s.state = MetricsState::standby;
    return s;
  }
  // Without a telemetry stanza (or prometheus_retention_time = 0) Vault answers exactly this.
  if (r.status == 400 && r.body.find("prometheus is not enabled") != std::string::npos) {
    s.state = MetricsState::disabled;
    return s;
  }
  if (r.status == 403) {
    s.state = MetricsState::forbidden;
    return s;
  }
  if (r.status == 503 && r.body.find("Vault is sealed") != std::string::npos) {
    s.state = MetricsState::sealed;
    return s;
  }
  s.state = MetricsState::error;
  s.error_reason = "http_status";
  s.error = "HTTP " + std::to_string(r.status);
  // Vault's text/plain 400s name the problem ("no prometheus metrics could be decoded: ...");
  // keep the first line, bounded, for the log. A body may echo the request (a proxy's error
  // page, a debug build): tokens and HMACs are cut out (SPEC §8).
  if (!r.body.empty())
    s.error += ": " + redact_text(std::string_view(r.body).substr(0, std::min<std::size_t>(r.body.find('\n'), 200)));
  return s;
}

MetricsPoller::MetricsPoller(net::any_io_executor ex, const VaultClient& vault, MetricsPollerOptions opts,
                             PollMetrics& metrics, std::shared_ptr<spdlog::logger> log, Sink sink)
    : ex_(ex),
      vault_(vault),
      opts_(opts),
      metrics_(metrics),
      log_(std::move(log)),
      sink_(std::move(sink)),
      loop_(ex, "metrics", opts.interval, log_,
            [this](PollLoop::StopFlag stopped) { return once(std::move(stopped)); }) {}

net::awaitable<void> MetricsPoller::once(PollLoop::StopFlag stopped) {
  const auto t0 = std::chrono::steady_clock::now();
  auto outcome = co_await vault_.get("sys/metrics?format=prometheus", true);
  if (*stopped) co_return;
  auto sample = classify_metrics_response(outcome, std::chrono::system_clock::now());
  if (!sample.error.empty()) sample.error = vault_.redact(sample.error);  // also our own token
  if (sample.state == MetricsState::available) {
    // The body lives in this coroutine frame while the parser walks it slice by slice; between
    // slices other handlers (scrapes, audit lines) run.
    const std::string body = std::move(outcome->body);
    prom_text::Parser parser(body);
    while (parser.step(opts_.parse_slice_bytes)) {
      co_await net::post(ex_, net::use_awaitable);
      if (*stopped) co_return;
    }
    auto families = std::move(parser).finish();
    if (!families) {
      sample.state = MetricsState::error;
      sample.error_reason = "bad_body";
      sample.error = vault_.redact("sys/metrics body is not Prometheus text: " + families.error().message);
    } else {
      sample.hostname_prefix = prom_text::normalise_hostname_prefix(*families);
      auto all = std::make_shared<const std::vector<prom_text::Family>>(std::move(*families));
      auto republished = std::make_shared<std::vector<prometheus::MetricFamily>>();
      std::size_t converted = 0;
      for (const auto& f : *all) {
        if (!republishable(f, opts_.keep)) continue;
        republished->push_back(to_metric_family(f));
        converted += f.samples.size();
        if (converted >= opts_.convert_slice_samples) {
          converted = 0;
          co_await net::post(ex_, net::use_awaitable);
          if (*stopped) co_return;
        }
      }
      sample.families = std::move(all);
      sample.republished = std::move(republished);
    }
  }
  const auto now = std::chrono::system_clock::now();
  metrics_.record("metrics", std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(),
                  sample.error_reason, to_unix_seconds(now), sample.status,
                  sample.state == MetricsState::available ? std::string() : sample.error);
  log_transition(sample);
  sink_(sample);
}

void MetricsPoller::log_transition(const MetricsSample& s) {
  if (s.state != last_state_) {
    const char* from = last_state_ == MetricsState::unknown ? "unknown"
                       : last_state_ == MetricsState::available ? "available"
                                                                 : to_string(last_state_);
    switch (s.state) {
      case MetricsState::available:
        log_->info("vault telemetry available: from={} families={}", from, s.families ? s.families->size() : 0);
        break;
      case MetricsState::standby:
        log_->info("vault telemetry unavailable: from={} reason=standby status={} (a standby redirects "
                   "authenticated sys/metrics to the active node; set unauthenticated_metrics_access "
                   "in the listener's telemetry block to read every node)",
                   from, s.status);
        break;
      case MetricsState::disabled:
        log_->warn("vault telemetry unavailable: from={} reason=disabled (Vault says \"prometheus is not "
                   "enabled\": set telemetry.prometheus_retention_time)",
                   from);
        break;
      case MetricsState::forbidden:
        log_->warn("vault telemetry unavailable: from={} reason=forbidden status=403 (the monitor token "
                   "needs read on sys/metrics, see deploy/vault-policy.hcl)",
                   from);
        break;
      case MetricsState::sealed:
        log_->info("vault telemetry unavailable: from={} reason=sealed", from);
        break;
      case MetricsState::error:
        log_->warn("vault telemetry unavailable: from={} reason=error address={} err={}", from,
                   vault_.address().origin(), s.error);
        break;
      case MetricsState::unknown: break;
    }
    last_state_ = s.state;
  } else if (s.state == MetricsState::error && s.error != last_error_) {
    log_->debug("sys/metrics poll failed: err={}", s.error);
  }
  if (s.state == MetricsState::available && s.hostname_prefix != last_host_) {
    if (!s.hostname_prefix.empty())
      log_->info("vault gauges carry the hostname prefix \"{}\"; republishing them without it "
                 "(set telemetry.disable_hostname = true in Vault to avoid it)",
                 s.hostname_prefix);
    last_host_ = s.hostname_prefix;
  }
  last_error_ = s.error;
}

}  // namespace vw::vault
