// baseline_rate: per key, the matching entries in the current `bucket` (aligned to the epoch,
// at the entries' own times) against the key's own baseline; fires as soon as the count
// exceeds max(min_count, factor x baseline), mid-bucket, never while the key is learning (its
// first matching entry less than `learn` ago).
//
// The baseline is an exponentially weighted mean of the key's past buckets (empty ones count
// as 0) with a memory of about `learn` (alpha = 2 / (learn/bucket + 1)), bias-corrected for
// keys younger than that (as Adam's moment estimates: divided by 1 - (1-alpha)^n after n
// buckets), so that it is a mean from the first bucket on. It costs 24 bytes per key. No
// hour-of-week seasonality: 168 slots per key, each needing weeks of data, for a detector whose
// conservative factor (10x) already sits well above the day/night ratio of human and batch
// traffic (typically 3-5x); the min_count floor keeps quiet keys from alerting on a handful
// of requests.
#include <cmath>

#include "behaviour.hpp"

namespace vw::rules {

namespace {

struct KeyRate {
  learnt::Secs first = 0;   // first matching entry: learning starts here
  learnt::Secs last = 0;    // last matching entry
  std::uint32_t bucket = 0;  // index of the current bucket (entry time / bucket)
  std::uint32_t count = 0;   // matching entries in it
  float ewma = 0;            // of the past buckets' counts, not bias-corrected
  std::uint32_t first_bucket = 0;
};

constexpr std::uint8_t baseline_rate_tag = 2;

class BaselineRateEvaluator final : public BehaviourEvaluator {
 public:
  BaselineRateEvaluator(const BaselineRateCond& c, Rule r)
      : BehaviourEvaluator(c.common, std::move(r)),
        c_rate_(c),
        bucket_(static_cast<Secs>(std::max<std::int64_t>(
            1, std::chrono::duration_cast<std::chrono::seconds>(c.bucket).count()))),
        alpha_(2.0 / (std::max(1.0, std::chrono::duration<double>(c.common.learn).count() / bucket_) + 1.0)) {}

  std::optional<LearntStats> learnt_stats(SysTime now) const override { return stats(keys_.size(), now); }

 private:
  std::uint8_t kind_tag() const override { return baseline_rate_tag; }
  void save_tables(learnt::Writer& w) const override { keys_.save(w); }
  bool load_tables(learnt::Reader& r) override { return keys_.load(r); }
  void clear_tables() override { keys_.clear(); }
  std::uint64_t fingerprint() const override {
    return settings_fingerprint("baseline_rate:" + std::to_string(bucket_));
  }

  /// The baseline of `k` for its current bucket: the bias-corrected mean of its past buckets.
  double baseline(const KeyRate& k) const {
    const auto n = k.bucket - k.first_bucket;
    if (n == 0) return 0;
    return k.ewma / (1.0 - std::pow(1.0 - alpha_, n));
  }

  void prepare(const AuditEntry& entry) override {
    const AuditEvent& e = entry.event;
    prep_.key = prep_.matched = eligible(e) && matches(e) && read_key(entry);
  }

  void prefetch_tables() const override {
    if (prep_.key) keys_.prefetch(key_hash_);
  }

  void observe(const AuditEntry& entry, AlertTable* t, SysTime now, Transitions* out) override {
    if (!prepared(entry).key) return;
    const Secs at = learnt::secs(entry.at);
    note_time(at);
    const std::uint32_t b = at / bucket_;
    auto [k, fresh] = keys_.insert(key_hash_);
    if (fresh || forgotten(k->last, at)) *k = KeyRate{at, at, b, 0, 0, b};
    ++updates_;
    k->last = std::max(k->last, at);
    if (b < k->bucket) return;  // an entry of a bucket already closed (out of order): ignored
    if (b > k->bucket) {
      // Close the current bucket, then the empty ones up to b.
      const double keep = 1.0 - alpha_;
      double m = keep * k->ewma + alpha_ * k->count;
      m *= std::pow(keep, b - k->bucket - 1);
      k->ewma = static_cast<float>(m);
      k->bucket = b;
      k->count = 0;
    }
    ++k->count;
    const KeyRate snap = *k;
    bound();
    if (!t || at - std::min(at, snap.first) < learn_secs()) return;
    const double base = baseline(snap);
    const double limit = std::max(static_cast<double>(c_rate_.min_count), c_rate_.factor * base);
    // Once per bucket: when the count crosses the limit.
    if (!(snap.count > limit && snap.count - 1 <= limit)) return;
    const Labels extra{{"key", key_},
                       {"count", std::to_string(snap.count)},
                       {"baseline", format_value(std::round(base * 100) / 100)},
                       {"limit", format_value(std::round(limit * 100) / 100)},
                       {"bucket", format_duration(c_rate_.bucket)},
                       {"bucket_start", format_rfc3339_ms(learnt::time_of(snap.bucket * bucket_))}};
    raise(entry, snap.count, extra, *t, now, *out);
  }

  void bound() override {
    const std::size_t max = c_.max_values;
    if (keys_.size() > max) {
      evicted_ += keys_.evict_oldest(max - max / 16);
      ++updates_;
    }
  }

  void forget(Secs cutoff) override {
    if (keys_.retain([&](const KeyRate& k) { return k.last >= cutoff; })) ++updates_;
  }

  BaselineRateCond c_rate_;
  Secs bucket_;
  double alpha_;
  learnt::Table<KeyRate> keys_;
};

}  // namespace

std::unique_ptr<Evaluator> make_evaluator(const BaselineRateCond& c, Rule rule) {
  return std::make_unique<BaselineRateEvaluator>(c, std::move(rule));
}

}  // namespace vw::rules
