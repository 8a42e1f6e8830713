// new_value: the first time a (key, value) pair is seen (e.g. an identity from a network it
// never came from), once the key has been known for `learn`. Learning is per key, from the
// key's first sighting in any entry (so an identity that has been around for weeks alerts on
// its first new network, and one created today learns first), at the entries' own times (so a
// replayed archive counts as history). Every pair is remembered forget_after after it was last
// seen; at most max_values pairs (and as many keys), the least recently seen evicted first.
#include <algorithm>

#include "behaviour.hpp"

namespace vw::rules {

namespace {

struct KeyEntry {
  learnt::Secs first = 0;  // first sighting (the key's learning starts here)
  learnt::Secs last = 0;
};
struct ValueEntry {
  learnt::Secs last = 0;
};

constexpr std::uint8_t new_value_tag = 1;

class NewValueEvaluator final : public BehaviourEvaluator {
 public:
  NewValueEvaluator(const NewValueCond& c, Rule r) : BehaviourEvaluator(c.common, std::move(r)), value_fields_(c.value) {
    value_.reserve(128);
  }

  std::optional<LearntStats> learnt_stats(SysTime now) const override { return stats(values_.size(), now); }

 private:
  std::uint8_t kind_tag() const override { return new_value_tag; }
  void save_tables(learnt::Writer& w) const override {
    keys_.save(w);
    values_.save(w);
  }
  bool load_tables(learnt::Reader& r) override { return keys_.load(r) && values_.load(r); }
  void clear_tables() override {
    keys_.clear();
    values_.clear();
  }
  std::uint64_t fingerprint() const override {
    std::string s = "new_value:";
    for (const auto& f : value_fields_) s += to_string(f) + ",";
    return settings_fingerprint(s);
  }

  void prepare(const AuditEntry& entry) override {
    const AuditEvent& e = entry.event;
    // A request and its response are one sighting: the key's clock counts the rule's types.
    const auto& types = c_.match.types;
    if (!types.empty() && std::find(types.begin(), types.end(), e.type) == types.end()) return;
    if (!eligible(e) || !read_key(entry)) return;
    prep_.key = true;
    prep_.matched = matches(e);
    // No value: e.g. no remote address (internal requests).
    if (prep_.matched && (prep_.value = read_value(e))) prep_.value_hash = learnt::hash(value_, key_hash_);
  }

  void prefetch_tables() const override {
    if (prep_.key) keys_.prefetch(key_hash_);
    if (prep_.value) values_.prefetch(prep_.value_hash);
  }

  void observe(const AuditEntry& entry, AlertTable* t, SysTime now, Transitions* out) override {
    const AuditEvent& e = entry.event;
    const Prepared& p = prepared(entry);
    if (!p.key) return;
    const Secs at = learnt::secs(entry.at);
    note_time(at);
    const std::uint64_t kh = key_hash_;
    auto [k, new_key] = keys_.insert(kh);
    // A key not seen for forget_after is a new key again: it learns afresh.
    if (new_key || forgotten(k->last, at)) {
      *k = KeyEntry{at, at};
      ++updates_;
    }
    k->first = std::min(k->first, at);
    k->last = std::max(k->last, at);
    const Secs key_first = k->first;
    if (!p.matched) {
      bound();
      return;
    }
    if (!p.value) return;
    auto [v, new_value] = values_.insert(p.value_hash);
    const bool seen = !new_value && !forgotten(v->last, at);
    if (seen && v->last >= at) return;  // nothing to learn (the hot path for known pairs)
    v->last = std::max(v->last, at);
    ++updates_;
    if (seen) return;
    bound();
    if (!t || at - std::min(at, key_first) < learn_secs()) return;
    const auto key_age = std::chrono::seconds(at - key_first);
    std::string shown;
    for (const auto& f : value_fields_) {
      if (!shown.empty()) shown += ' ';
      append_audit_field(e, f, shown);
    }
    const Labels extra{{"value", shown},
                       {"key", key_},
                       {"key_first_seen", format_rfc3339_ms(learnt::time_of(key_first))},
                       {"remote_address", e.remote_address}};
    raise(entry, static_cast<double>(key_age.count()), extra, *t, now, *out);
  }

  /// The entry's value into value_ as it is hashed; false when it has none. remote_network is
  /// its masked address bytes rather than its text (written by hand: IpNetwork's text costs an
  /// inet_ntop and an allocation per entry, and only an alert shows it).
  bool read_value(const AuditEvent& e) {
    value_.clear();
    bool any = false;
    for (const auto& f : value_fields_) {
      const auto before = value_.size();
      if (f.kind == AuditField::Kind::remote_network) {
        if (auto a = IpAddress::from_remote_address(e.remote_address)) {
          const std::size_t n = a->is_v4() ? 4 : 16, keep = a->is_v4() ? 3 : 8;  // /24, /64
          value_ += a->is_v4() ? '4' : '6';
          value_.append(reinterpret_cast<const char*>(a->bytes()), keep);
          value_.append(n - keep, '\0');
        }
      } else {
        append_audit_field(e, f, value_);
      }
      any = any || value_.size() != before;
      value_ += '\x1f';  // unit separator: cannot occur in the fields
    }
    return any;
  }

  /// max_values: the least recently seen go first, 1/16 at a time (a full sort per new value
  /// would be O(n) each; this is O(1) amortised).
  void bound() override {
    const std::size_t max = c_.max_values;
    const std::size_t target = max - max / 16;
    if (values_.size() > max) {
      evicted_ += values_.evict_oldest(target);
      ++updates_;
    }
    if (keys_.size() > max) {
      keys_.evict_oldest(target);
      ++updates_;
    }
  }

  void forget(Secs cutoff) override {
    auto old = [&](const auto& p) { return p.last >= cutoff; };
    if (values_.retain(old) + keys_.retain(old)) ++updates_;
  }

  std::vector<AuditField> value_fields_;
  std::string value_;  // scratch
  learnt::Table<KeyEntry> keys_;
  learnt::Table<ValueEntry> values_;
};

}  // namespace

std::unique_ptr<Evaluator> make_evaluator(const NewValueCond& c, Rule rule) {
  return std::make_unique<NewValueEvaluator>(c, std::move(rule));
}

}  // namespace vw::rules
