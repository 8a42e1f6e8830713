#include "vault/poll_loop.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include <random>

namespace vw::vault {

PollMetrics build_poll_metrics(prometheus::Registry& r) {
  return PollMetrics{
      prometheus::BuildHistogram()
          .Name("vaultwatch_poll_duration_seconds")
          .Help("Duration of Vault polls, by endpoint (health, leader, metrics, token, secrets).")
          .Register(r),
      prometheus::BuildCounter()
          .Name("vaultwatch_poll_errors_total")
          .Help("Failed Vault polls by endpoint and reason (timeout, connect, tls, http_status, bad_body).")
          .Register(r),
      prometheus::BuildGauge()
          .Name("vaultwatch_last_successful_poll_timestamp_seconds")
          .Help("Unix time of the last successful poll, by endpoint.")
          .Register(r),
  };
}

void PollMetrics::record(const std::string& endpoint, double seconds,
                         const std::string& error_reason, double now_unix, unsigned http_status,
                         const std::string& error) {
  auto& rec = records[endpoint];
  rec.endpoint = endpoint;
  rec.last_attempt = from_unix_seconds(now_unix);
  rec.http_status = http_status;
  rec.error = error_reason.empty() ? std::string() : (error.empty() ? error_reason : error);
  rec.error_reason = error_reason;
  if (error_reason.empty()) rec.last_success = rec.last_attempt;
  static const prometheus::Histogram::BucketBoundaries buckets = {
      0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  duration.Add({{"endpoint", endpoint}}, buckets).Observe(seconds);
  if (error_reason.empty()) {
    last_success.Add({{"endpoint", endpoint}}).Set(now_unix);
  } else {
    errors.Add({{"endpoint", endpoint}, {"reason", error_reason}}).Increment();
  }
}

PollLoop::PollLoop(net::any_io_executor ex, std::string name, Duration interval,
                   std::shared_ptr<spdlog::logger> log, Once once)
    : ex_(ex),
      name_(std::move(name)),
      interval_(interval),
      log_(std::move(log)),
      once_(std::move(once)),
      timer_(ex) {}

PollLoop::~PollLoop() { stop(); }

void PollLoop::start() {
  if (!*stopped_) return;
  stopped_ = std::make_shared<bool>(false);
  net::co_spawn(ex_, run(stopped_), [log = log_, name = name_](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      log->critical("poll loop ended unexpectedly: poller={} err={}", name, ex.what());
    }
  });
}

void PollLoop::stop() {
  *stopped_ = true;
  timer_.cancel();
}

void PollLoop::trigger() { timer_.cancel(); }

net::awaitable<void> PollLoop::run(std::shared_ptr<bool> stopped) {
  // `stopped` is shared with this frame so that the loop can tell, after any suspension, whether
  // its owner asked it to end (and `this` may be gone) without touching *this first.
  std::minstd_rand rng(std::random_device{}());
  while (!*stopped) {
    // Copy: once_ lives in *this, which may die while the poll is suspended.
    auto once = once_;
    try {
      co_await once(stopped);
    } catch (const std::exception& e) {
      if (*stopped) co_return;
      log_->error("poll failed with an internal error: poller={} err={}", name_, e.what());
    }
    if (*stopped) co_return;
    auto jitter = Duration(std::uniform_int_distribution<std::int64_t>(
        0, std::max<std::int64_t>(1, interval_.count() / 20))(rng));
    timer_.expires_after(interval_ + jitter);
    co_await timer_.async_wait(net::as_tuple(net::use_awaitable));
  }
}

}  // namespace vw::vault
