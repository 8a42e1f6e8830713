#include "notify/receiver.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <random>

namespace vw::notify {

using SteadyClock = std::chrono::steady_clock;
using SteadyTime = SteadyClock::time_point;

namespace {
const prometheus::Histogram::BucketBoundaries latency_buckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                                 0.5,   1,    2.5,   5,    10};
}

struct Receiver::Core {
  Core(net::any_io_executor ex_, std::unique_ptr<Sender> s, ReceiverOptions o, NotifyMetrics& m,
       std::shared_ptr<spdlog::logger> l)
      : ex(ex_),
        sender(std::move(s)),
        opts(std::move(o)),
        log(std::move(l)),
        queue(opts.queue_capacity),
        wake(ex_),
        spool_timer(ex_),
        metrics(m),
        sent(m.notifications.Add({{"receiver", opts.label}, {"outcome", "sent"}})),
        failed(m.notifications.Add({{"receiver", opts.label}, {"outcome", "failed"}})),
        dropped(m.notifications.Add({{"receiver", opts.label}, {"outcome", "dropped"}})),
        queue_length(m.queue_length.Add({{"receiver", opts.label}})),
        latency(m.latency.Add({{"receiver", opts.label}}, latency_buckets)),
        rng(std::random_device{}()) {
    st.receiver = opts.label;
    st.kind = sender->kind();
    st.endpoint = sender->endpoint();
    st.queue_capacity = queue.capacity();
  }

  net::any_io_executor ex;
  std::unique_ptr<Sender> sender;
  ReceiverOptions opts;
  std::shared_ptr<spdlog::logger> log;
  NotificationQueue queue;
  net::steady_timer wake;         // every wait of the loop; any event cancels it
  net::steady_timer spool_timer;  // debounced spool writes
  NotifyMetrics& metrics;
  prometheus::Counter& sent;
  prometheus::Counter& failed;
  prometheus::Counter& dropped;
  prometheus::Gauge& queue_length;
  prometheus::Histogram& latency;
  std::minstd_rand rng;

  bool started = false;
  bool draining = false;
  bool finished = false;
  bool handed_over = false;  // take_pending(): the successor owns queue and spool file
  SteadyTime drain_deadline = SteadyTime::max();
  SteadyTime retry_at{};
  bool failing = false;      // for logging transitions only
  bool overflowing = false;  // likewise
  bool spool_dirty = false;
  bool spool_armed = false;
  bool spool_on_disk = false;
  ReceiverStatus st;

  void wake_loop() { wake.cancel(); }

  void count_dropped(std::size_t n) {
    if (n == 0) return;
    st.dropped += n;
    if (!series_removed) dropped.Increment(static_cast<double>(n));
  }

  void queue_changed() {
    if (!series_removed) queue_length.Set(static_cast<double>(queue.size()));
    st.queue_length = queue.size();
    if (!opts.spool || finished || handed_over) return;
    if (queue.empty()) {
      // Delivered: the file must not bring these back after a restart.
      spool_dirty = false;
      if (spool_on_disk) write_spool();
      return;
    }
    spool_dirty = true;
    if (spool_armed) return;
    spool_armed = true;
    spool_timer.expires_after(opts.spool_delay);
    spool_timer.async_wait([w = self](const boost::system::error_code& ec) {
      auto c = w.lock();
      if (!c) return;
      c->spool_armed = false;
      if (ec || c->finished || c->handed_over || !c->spool_dirty) return;
      c->write_spool();
    });
  }

  std::weak_ptr<Core> self;  // set by Receiver: a Core is always owned by a shared_ptr
  bool series_removed = false;
  // The request in flight, to cancel when the loop stops waiting for it (stop, drain deadline):
  // an abandoned request would otherwise keep its socket until its own timeout.
  std::shared_ptr<net::cancellation_signal> in_flight_cancel;

  bool write_spool() {
    auto items = queue.snapshot();
    auto r = opts.spool->save(items);
    spool_dirty = false;
    if (!r) {
      log->error("cannot write notification spool: receiver={} err={}", opts.label, r.error().message);
      return false;
    }
    spool_on_disk = !items.empty();
    st.spooled = items.size() - *r;
    if (*r > 0)
      log->warn("notification spool full, oldest not on disk: receiver={} omitted={} file={}", opts.label,
                *r, opts.spool->file().string());
    return true;
  }

  // Webhooks: a notification older than max_retry_duration is not tried any more.
  void expire(SysTime now) {
    std::size_t n = 0;
    while (!queue.waiting().empty() &&
           queue.waiting().front().enqueued_at + opts.max_retry_duration <= now) {
      queue.pop_front();
      ++n;
    }
    if (n == 0) return;
    count_dropped(n);
    log->warn("notifications given up after max_retry_duration: receiver={} count={}", opts.label, n);
    queue_changed();
  }

  void complete(const http::Outcome& out, SteadyClock::duration took) {
    latency.Observe(std::chrono::duration<double>(took).count());
    const auto now = std::chrono::system_clock::now();
    const std::size_t n = queue.in_flight().size();
    st.last_attempt = now;
    Verdict v = sender->judge(out);
    if (v == Verdict::retry && !sender->retries()) v = Verdict::reject;
    if (v == Verdict::delivered) {
      sent.Increment(static_cast<double>(n));
      st.sent += n;
      st.last_success = now;
      st.last_outcome = "sent";
      st.consecutive_failures = 0;
      retry_at = {};
      queue.finish();
      if (failing) log->info("notification delivery recovered: receiver={}", opts.label);
      failing = false;
      queue_changed();
      return;
    }
    failed.Increment(static_cast<double>(n));
    st.failed += n;
    st.last_outcome = "failed";
    st.last_error = describe(out);
    if (v == Verdict::retry) {
      ++st.consecutive_failures;
      const double u = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
      const Duration delay = backoff_delay(opts.backoff, st.consecutive_failures, u);
      retry_at = SteadyClock::now() + delay;
      const auto oldest = queue.in_flight().front().enqueued_at;
      if (!failing)
        log->warn("notification delivery failing, retrying with backoff: receiver={} endpoint={} err={}",
                  opts.label, st.endpoint, st.last_error);
      else
        log->debug("notification attempt failed: receiver={} err={} retry_in={}ms", opts.label,
                   st.last_error, delay.count());
      failing = true;
      if (now + delay >= oldest + opts.max_retry_duration) {
        count_dropped(n);
        queue.finish();
        log->warn("notification given up after max_retry_duration: receiver={} err={}", opts.label,
                  st.last_error);
      } else {
        count_dropped(queue.put_back());
      }
    } else if (sender->retries()) {
      // A webhook's 4xx: the receiver is up but will not take this one; trying again would
      // only repeat the answer.
      count_dropped(n);
      queue.finish();
      log->warn("notification rejected, not retried: receiver={} err={}", opts.label, st.last_error);
    } else {
      // Alertmanager: not retried here; the rule engine's next re-send carries the alerts again.
      queue.finish();
      if (!failing)
        log->warn("notification delivery failing: receiver={} endpoint={} err={}", opts.label,
                  st.endpoint, st.last_error);
      else
        log->debug("notification attempt failed: receiver={} err={}", opts.label, st.last_error);
      failing = true;
    }
    queue_changed();
  }

  void finish() {
    if (finished) return;
    finished = true;
    wake.cancel();
    spool_timer.cancel();
    if (auto sig = std::exchange(in_flight_cancel, nullptr)) {
      // Emitted from a handler, never inline: co_spawn (Asio 1.81) forwards a cancellation with
      // dispatch(), which runs inline only inside the io_context; posted from outside, it could
      // run after the request finished and touch co_spawn's state that is gone by then.
      net::post(ex, [sig] { sig->emit(net::cancellation_type::terminal); });
    }
    if (handed_over) return;
    if (opts.spool) {
      if (!write_spool()) {
        count_dropped(queue.size());  // nothing else will deliver them
      } else if (!queue.empty()) {
        log->info("undelivered notifications spooled: receiver={} count={} file={}", opts.label,
                  queue.size(), opts.spool->file().string());
      }
    } else if (!queue.empty()) {
      count_dropped(queue.size());
      log->warn("notifications not delivered before stop: receiver={} count={}", opts.label, queue.size());
      queue.drain();
    }
  }
};

namespace {

net::awaitable<void> sleep_until(Receiver::Core& c, SteadyTime t) {
  c.wake.expires_at(t);
  co_await c.wake.async_wait(net::as_tuple(net::use_awaitable));
}

using Slot = std::optional<http::Outcome>;

// One request, run apart from the loop so that the loop can stop waiting for it (stop, drain
// deadline) without waiting for its timeout; finish() then cancels it. It tells the loop it
// finished by cancelling the loop's wait.
net::awaitable<void> perform(std::shared_ptr<const http::Client> client, http::Request req,
                             std::shared_ptr<Slot> slot, std::weak_ptr<Receiver::Core> core) {
  *slot = co_await client->request(std::move(req));
  if (auto c = core.lock()) c->wake_loop();
}

net::awaitable<void> run(std::shared_ptr<Receiver::Core> c) {
  // `c` keeps the state alive while the loop runs; the Receiver may be gone after any
  // suspension, which is what `finished` tells.
  auto ex = co_await net::this_coro::executor;
  for (;;) {
    if (c->finished) co_return;
    const auto now = SteadyClock::now();
    if (c->draining && (c->queue.empty() || now >= c->drain_deadline || c->retry_at > now)) {
      c->finish();
      co_return;
    }
    if (c->queue.empty()) {
      co_await sleep_until(*c, c->drain_deadline);
      continue;
    }
    if (c->retry_at > now) {
      co_await sleep_until(*c, c->retry_at);
      continue;
    }
    if (c->sender->retries()) {
      c->expire(std::chrono::system_clock::now());
      if (c->queue.empty()) continue;
    }
    const auto& batch = c->queue.take(c->sender->max_batch());
    auto req = c->sender->build(batch);
    const auto t0 = SteadyClock::now();
    http::Outcome out = http::Failure{http::FailureKind::protocol, ""};
    if (!req) {
      out = http::Failure{http::FailureKind::protocol, "cannot build request: " + req.error().message};
    } else {
      auto slot = std::make_shared<Slot>();
      auto cancel = std::make_shared<net::cancellation_signal>();
      c->in_flight_cancel = cancel;
      net::co_spawn(ex, perform(c->sender->client(), std::move(*req), slot, c),
                    net::bind_cancellation_slot(cancel->slot(), [slot, cancel, w = std::weak_ptr<Receiver::Core>(c)](
                                                                    std::exception_ptr e) {
                      if (!e || *slot) return;
                      std::string what = "unknown";
                      try {
                        std::rethrow_exception(e);
                      } catch (const std::exception& ex) {
                        what = ex.what();
                      }
                      *slot = http::Failure{http::FailureKind::protocol, "internal error: " + what};
                      if (auto core = w.lock()) core->wake_loop();
                    }));
      while (!*slot && !c->finished && !(c->draining && SteadyClock::now() >= c->drain_deadline))
        co_await sleep_until(*c, c->drain_deadline);
      if (c->finished) co_return;
      if (!*slot) {  // drain deadline with the request still out: cancel it, keep its batch
        c->finish();
        co_return;
      }
      c->in_flight_cancel.reset();
      out = std::move(**slot);
    }
    c->complete(out, SteadyClock::now() - t0);
  }
}

}  // namespace

Receiver::Receiver(net::any_io_executor ex, std::unique_ptr<Sender> sender, ReceiverOptions opts,
                   NotifyMetrics& metrics, std::shared_ptr<spdlog::logger> log)
    : core_(std::make_shared<Core>(ex, std::move(sender), std::move(opts), metrics, std::move(log))) {
  core_->self = core_;
  core_->queue_changed();
}

Receiver::~Receiver() { stop(); }

void Receiver::start(std::vector<QueuedNotification> initial) {
  auto& c = *core_;
  if (c.started || c.finished) return;
  c.started = true;
  if (c.opts.spool) {
    std::error_code ec;
    c.spool_on_disk = std::filesystem::exists(c.opts.spool->file(), ec);
  }
  // Ahead of anything pushed before start().
  auto later = c.queue.drain();
  std::size_t dropped = 0;
  for (auto& n : initial) dropped += c.queue.push(std::move(n), false);
  for (auto& n : later) dropped += c.queue.push(std::move(n), c.sender->retries());
  c.count_dropped(dropped);
  c.queue_changed();
  net::co_spawn(c.ex, run(core_), [log = c.log, label = c.opts.label](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      log->critical("notification loop ended unexpectedly: receiver={} err={}", label, ex.what());
    }
  });
}

void Receiver::push(const QueuedNotification& n) {
  auto& c = *core_;
  if (!c.sender->wants(n.alert)) return;
  if (c.finished) {
    c.count_dropped(1);
    return;
  }
  const std::size_t d = c.queue.push(n, c.sender->retries());
  if (d > 0) {
    c.count_dropped(d);
    if (!c.overflowing)
      c.log->warn("notification queue full, dropping the oldest: receiver={} capacity={}", c.opts.label,
                  c.queue.capacity());
    c.overflowing = true;
  } else if (c.queue.size() < c.queue.capacity() / 2) {
    c.overflowing = false;
  }
  c.queue_changed();
  c.wake_loop();
}

void Receiver::shutdown(SteadyTime deadline) {
  auto& c = *core_;
  if (c.finished) return;
  if (!c.started) {
    c.finish();
    return;
  }
  c.draining = true;
  c.drain_deadline = std::min(c.drain_deadline, deadline);
  c.wake_loop();
}

void Receiver::stop() { core_->finish(); }

std::vector<QueuedNotification> Receiver::take_pending() {
  auto& c = *core_;
  c.handed_over = true;
  auto items = c.queue.drain();
  c.queue_changed();
  return items;
}

void Receiver::remove_series() {
  auto& c = *core_;
  if (c.series_removed) return;
  c.series_removed = true;
  c.metrics.notifications.Remove(&c.sent);
  c.metrics.notifications.Remove(&c.failed);
  c.metrics.notifications.Remove(&c.dropped);
  c.metrics.queue_length.Remove(&c.queue_length);
  c.metrics.latency.Remove(&c.latency);
}

ReceiverStatus Receiver::status() const { return core_->st; }
const std::string& Receiver::label() const { return core_->opts.label; }
const char* Receiver::kind() const { return core_->sender->kind(); }
bool Receiver::finished() const { return core_->finished; }

}  // namespace vw::notify
