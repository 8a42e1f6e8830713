#include "daemon/rotation_service.hpp"

#include <prometheus/client_metric.h>
#include <prometheus/histogram.h>
#include <prometheus/metric_family.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <tuple>
#include <sstream>

#include "audit/audit_metrics.hpp"
#include "rotation/state_codec.hpp"
#include "rules/state_codec.hpp"

namespace vw::daemon {

namespace {

// Write → first read of the new version: from an agent's render interval (seconds) to a
// restart-only consumer picked up at the next deploy (hours to days).
const prometheus::Histogram::BucketBoundaries pickup_buckets{1,    5,    15,   30,    60,    120,   300,
                                                             600,  900,  1800, 3600,  7200,  21600, 86400};

prometheus::Histogram& build_pickup_histogram(telemetry::Telemetry& t) {
  return prometheus::BuildHistogram()
      .Name("vaultwatch_rotation_pickup_seconds")
      .Help("Seconds from a tracked KV v2 secret's write to each due consumer's first read of the new "
            "version (rotation propagation).")
      .Register(t.registry())
      .Add({}, pickup_buckets);
}

}  // namespace

RotationServiceOptions rotation_service_options(const config::Config& c) {
  RotationServiceOptions o;
  for (const auto& g : c.rotation.secrets)
    if (auto compiled = Glob::compile(g)) o.tracker.secrets.push_back(std::move(*compiled));
  o.tracker.consumer_window = c.rotation.consumer_window;
  o.tracker.deadline = c.rotation.deadline;
  o.tracker.consumer_key.clear();
  for (const auto& k : c.rotation.consumer_key)
    if (auto f = rotation::parse_key_field(k)) o.tracker.consumer_key.push_back(*f);
  o.tracker.max_tracked = c.rotation.max_tracked;
  if (!c.state_dir.empty()) o.state_file = (std::filesystem::path(c.state_dir) / "rotation.json").string();
  return o;
}

/// The rotation families computed from the tracker at scrape time (counts are O(pairs), no
/// allocation per consumer): exact at every scrape without a refresh on every read. io thread
/// only, like every Collectable of ours.
class RotationCollector final : public prometheus::Collectable {
 public:
  RotationCollector(const rotation::Tracker* tracker, std::size_t path_limit, std::function<SysTime()> clock)
      : tracker_(tracker), paths_(path_limit), clock_(std::move(clock)) {}

  void retarget(const rotation::Tracker* tracker, std::size_t path_limit) {
    tracker_ = tracker;
    paths_.set_limit(path_limit);
  }
  void count_write_failure() { ++write_failures_; }

  std::vector<prometheus::MetricFamily> Collect() const override {
    using prometheus::ClientMetric;
    using prometheus::MetricFamily;
    using prometheus::MetricType;
    MetricFamily version{"vaultwatch_rotation_secret_version",
                         "Current version of each tracked KV v2 secret (rotation.secrets), as this node's audit log saw it.",
                         MetricType::Gauge, {}};
    MetricFamily written{"vaultwatch_rotation_last_write_timestamp_seconds",
                         "Unix time of the write of each tracked secret's current version (absent until a write is seen).",
                         MetricType::Gauge, {}};
    MetricFamily consumers{"vaultwatch_rotation_consumers",
                           "Consumers of each tracked secret by state: current (read the current version), pending "
                           "(behind, deadline not passed), stale (behind past rotation.deadline).",
                           MetricType::Gauge, {}};
    MetricFamily evicted{"vaultwatch_rotation_evicted_total",
                         "Tracked (secret, consumer) pairs and secrets evicted for rotation.max_tracked.",
                         MetricType::Counter, {}};
    MetricFamily pairs{"vaultwatch_rotation_tracked_pairs", "(secret, consumer) pairs the rotation tracker holds.",
                       MetricType::Gauge, {}};
    MetricFamily failures{"vaultwatch_rotation_state_write_failures_total",
                          "Failed writes of the rotation state file (state_dir/rotation.json).", MetricType::Counter,
                          {}};
    auto gauge = [](const std::string& path, const char* state, double v) {
      ClientMetric m;
      m.label.push_back({"path", path});
      if (state) m.label.push_back({"state", state});
      m.gauge.value = v;
      return m;
    };
    auto counter = [](double v) {
      ClientMetric m;
      m.counter.value = v;
      return m;
    };
    if (tracker_) {
      struct Counts {
        std::size_t current = 0, pending = 0, stale = 0;
      };
      std::map<std::string, Counts> by_label;  // in label order, "other" included
      for (const auto& s : tracker_->counts(clock_())) {
        const auto id = paths_.id(s.path);
        const std::string& label = paths_.name(id);
        auto& c = by_label[label];
        c.current += s.current;
        c.pending += s.pending;
        c.stale += s.stale;
        if (id == audit::LabelCap::other_id) continue;  // no single version for a sum of paths
        version.metric.push_back(gauge(label, nullptr, static_cast<double>(s.version)));
        if (s.written_at) written.metric.push_back(gauge(label, nullptr, to_unix_seconds(*s.written_at)));
      }
      for (const auto& [label, c] : by_label) {
        consumers.metric.push_back(gauge(label, "current", static_cast<double>(c.current)));
        consumers.metric.push_back(gauge(label, "pending", static_cast<double>(c.pending)));
        consumers.metric.push_back(gauge(label, "stale", static_cast<double>(c.stale)));
      }
      evicted.metric.push_back(counter(static_cast<double>(tracker_->evicted())));
      ClientMetric n;
      n.gauge.value = static_cast<double>(tracker_->pairs());
      pairs.metric.push_back(std::move(n));
    }
    failures.metric.push_back(counter(static_cast<double>(write_failures_)));
    std::vector<MetricFamily> out;
    for (auto* f : {&version, &written, &consumers, &evicted, &pairs, &failures})
      if (!f->metric.empty()) out.push_back(std::move(*f));
    return out;
  }

 private:
  const rotation::Tracker* tracker_;
  mutable audit::LabelCap paths_;  // admission happens at scrape time
  std::function<SysTime()> clock_;
  std::uint64_t write_failures_ = 0;
};

RotationService::RotationService(net::any_io_executor ex, telemetry::Telemetry& telemetry,
                                 RotationServiceOptions opts, std::shared_ptr<spdlog::logger> log, Sink sink)
    : ex_(std::move(ex)),
      telemetry_(telemetry),
      opts_(std::move(opts)),
      log_(std::move(log)),
      sink_(std::move(sink)),
      tracker_(opts_.tracker),
      collector_(std::make_shared<RotationCollector>(&tracker_, opts_.path_label_limit, opts_.clock)),
      pickup_(build_pickup_histogram(telemetry)),
      wake_(ex_),
      save_timer_(ex_),
      push_timer_(ex_) {
  telemetry_.add(collector_);
}

RotationService::~RotationService() {
  stop();
  telemetry_.remove(collector_);
}

void RotationService::start() {
  if (running_) return;
  running_ = true;
  restore();
  flush();
}

void RotationService::stop() {
  if (!running_) return;
  running_ = false;
  wake_.cancel();
  save_timer_.cancel();
  push_timer_.cancel();
  save_armed_ = false;
  push_armed_ = false;
  if (dirty_) save();
}

void RotationService::restore() {
  if (opts_.state_file.empty()) return;
  std::ifstream in(opts_.state_file, std::ios::binary);
  if (!in) return;  // first start
  std::stringstream buf;
  buf << in.rdbuf();
  auto st = rotation::decode_state(buf.str());
  if (!st) {
    log_->warn("rotation state not restored, starting empty: file={} error={}", opts_.state_file,
               st.error().message);
    return;
  }
  // Secrets no longer covered by a configured glob are dropped (same rule as reload()).
  rotation::SecretMap kept;
  for (auto& [path, s] : st->secrets) {
    for (const auto& g : opts_.tracker.secrets) {
      if (s.glob == g.pattern()) {
        kept.emplace(path, std::move(s));
        break;
      }
    }
  }
  tracker_.restore(std::move(kept), st->evicted);
  log_->info("rotation state restored: secrets={} pairs={}", tracker_.secrets().size(), tracker_.pairs());
}

void RotationService::reload(RotationServiceOptions next) {
  if (next == opts_) return;
  const bool moved = next.state_file != opts_.state_file;
  // Keep what still matches: a secret whose glob is still configured keeps it; otherwise the
  // first new glob matching its path (or a suffix after a '/': the key carries the namespace
  // path in front of the namespace-relative path the globs are written for) adopts it.
  rotation::SecretMap kept;
  for (const auto& [path, s] : tracker_.secrets()) {
    const Glob* match = nullptr;
    for (const auto& g : next.tracker.secrets)
      if (g.pattern() == s.glob) match = &g;
    for (std::size_t from = 0; !match && from != std::string::npos;) {
      const std::string_view rel = std::string_view(path).substr(from);
      for (const auto& g : next.tracker.secrets)
        if (!match && g.match(rel)) match = &g;
      from = path.find('/', from);
      if (from != std::string::npos) ++from;
    }
    if (!match) continue;
    auto copy = s;
    copy.glob = match->pattern();
    kept.emplace(path, std::move(copy));
  }
  const auto evicted = tracker_.evicted();
  opts_ = std::move(next);
  tracker_ = rotation::Tracker(opts_.tracker);
  tracker_.restore(std::move(kept), evicted);
  collector_->retarget(&tracker_, opts_.path_label_limit);
  log_->info("rotation options reloaded: globs={} secrets kept={} pairs={}", opts_.tracker.secrets.size(),
             tracker_.secrets().size(), tracker_.pairs());
  if (moved && running_) log_->info("rotation state now kept in {}", opts_.state_file);
  dirty_ = true;
  if (running_) {
    schedule_save();
    last_maintenance_ = {};  // the next change under the new options
    flush();
  }
}

void RotationService::on_entry(const audit::AuditEntryView& e) {
  const auto o = tracker_.observe(e);
  if (o.kind == rotation::Observed::Kind::ignored) return;
  if (o.pickup_seconds) pickup_.Observe(*o.pickup_seconds);
  dirty_ = true;
  schedule_save();
  if (o.behind_touched) changed();
}

// Coalesces the rebuild of the rules' input: after the current batch of lines (the tailer hands
// over at most 256 KiB per handler), and at most once per min_push_interval.
void RotationService::changed() {
  if (push_armed_ || !running_) return;
  push_armed_ = true;
  push_timer_.expires_at(std::max(net::steady_timer::clock_type::now(), last_push_ + opts_.min_push_interval));
  push_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || !running_) return;
    push_armed_ = false;
    flush();
  });
}

void RotationService::flush() {
  last_push_ = net::steady_timer::clock_type::now();
  const auto now = opts_.clock();
  // Expiring and finding the next time-driven change are two more passes over every pair: done
  // at most every maintenance_interval while entries flow (the rules need neither: the
  // observation leaves aged-out consumers out, and the evaluator wakes at each deadline itself).
  if (last_push_ >= last_maintenance_ + opts_.maintenance_interval) {
    last_maintenance_ = last_push_;
    tracker_.expire(now);  // aged-out consumers go (they are no consumers any more)
    schedule_wake(now);
  }
  if (sink_) sink_(observation(now));
}

void RotationService::schedule_wake(SysTime now) {
  wake_.cancel();
  auto next = tracker_.next_change(now);
  if (!next) return;
  wake_.expires_after(std::chrono::duration_cast<net::steady_timer::duration>(*next - now) +
                      std::chrono::milliseconds(1));
  wake_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || !running_) return;
    last_maintenance_ = {};  // expire and reschedule now
    flush();
  });
}

rules::RotationObservation RotationService::observation(SysTime now) const {
  rules::RotationObservation out;
  const auto window = opts_.tracker.consumer_window;
  for (auto& s : tracker_.behind(now)) {
    rules::RotationSecret rs;
    rs.path = std::move(s.path);
    rs.version = s.version;
    rs.deleted = s.deleted;
    for (auto& c : s.consumers) {
      if (!c.deadline) continue;
      rs.behind.push_back({std::move(c.identity), std::move(c.remote_address), c.last_version, c.last_read,
                           *c.deadline, c.last_read + window});
    }
    if (!rs.behind.empty()) out.secrets.push_back(std::move(rs));
  }
  return out;
}

void RotationService::schedule_save() {
  if (opts_.state_file.empty() || save_armed_ || !running_) return;
  save_armed_ = true;
  save_timer_.expires_after(opts_.save_delay);
  save_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    save_armed_ = false;
    if (dirty_) save();
  });
}

void RotationService::save() {
  if (opts_.state_file.empty()) return;
  // rules::write_file_atomic: tmp + fsync + rename + fsync of the directory, mode 0600 (the
  // alert state's writer: a crash leaves the old or the new file, never half of one).
  auto r = rules::write_file_atomic(opts_.state_file, rotation::encode_state(tracker_));
  if (!r) {
    collector_->count_write_failure();
    if (r.error().message != last_save_error_)
      log_->error("rotation state not saved: file={} error={}", opts_.state_file, r.error().message);
    last_save_error_ = r.error().message;
    schedule_save();  // retried; dirty_ stays set
    return;
  }
  if (!last_save_error_.empty()) log_->info("rotation state saved again: file={}", opts_.state_file);
  last_save_error_.clear();
  dirty_ = false;
}

std::string RotationService::api_json() const {
  return rotation::rotation_api_json(tracker_.status(opts_.clock()), tracker_.pairs(), tracker_.evicted());
}

std::vector<rotation::SecretStatus> RotationService::status() const { return tracker_.status(opts_.clock()); }

web::RotationStatus rotation_view(const RotationService* r) {
  web::RotationStatus out;
  if (!r || !r->enabled()) return out;
  out.enabled = true;
  auto all = r->status();
  out.secrets_total = all.size();
  // Secrets with stale consumers first (by how many), then pending, then by path.
  std::stable_sort(all.begin(), all.end(), [](const auto& a, const auto& b) {
    return std::tie(b.stale, b.pending) < std::tie(a.stale, a.pending);
  });
  for (auto& s : all) {
    out.pairs += s.consumers.size();
    if (out.secrets.size() == web::RotationStatus::max_secrets) continue;
    // Tracker::status lists stale, then pending, then current: the page shows the behind ones.
    auto end = std::find_if(s.consumers.begin(), s.consumers.end(),
                            [](const auto& c) { return c.state == rotation::State::current; });
    if (end - s.consumers.begin() > static_cast<std::ptrdiff_t>(web::RotationStatus::max_listed))
      end = s.consumers.begin() + static_cast<std::ptrdiff_t>(web::RotationStatus::max_listed);
    s.consumers.erase(end, s.consumers.end());
    out.secrets.push_back(std::move(s));
  }
  return out;
}

}  // namespace vw::daemon
