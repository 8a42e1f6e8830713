#pragma once
// What the two behavioural kinds (new_value.cpp, baseline_rate.cpp) share: the audit filters
// and the built-in exclusions, the key of an entry, the rule-wide learning clock, forgetting,
// the persisted blob's framing, and raising an alert with the noise controls (per-key
// cool-down, group_limit).
#include <map>
#include <set>
#include <string>

#include "rules/evaluator.hpp"
#include "rules/learnt_store.hpp"

namespace vw::rules {

/// Owns the rule-wide learning clock, the cool-down and alerting-key sets; the kinds own their
/// tables. Lives as long as its Engine (a reload hands the learnt state to the next one through
/// save_learnt/restore_learnt). io thread only.
class BehaviourEvaluator : public Evaluator {
 public:
  BehaviourEvaluator(const BehaviourCommon& c, Rule r);

  void on_token(const Inputs& in, AlertTable&, SysTime, Transitions&) override;
  void on_audit_event(const AuditEntry& entry, AlertTable& t, SysTime now, Transitions& out) final {
    observe(entry, &t, now, &out);
  }
  void on_audit_history(const AuditEntry& entry, SysTime now) final { observe(entry, nullptr, now, nullptr); }
  /// The entry's key, filters and value once (prepared()), and a prefetch of the slots the
  /// kind's tables will probe for them.
  void prefetch(const AuditEntry& entry) final {
    prepared(entry);
    prefetch_tables();
  }

  // The blob: the kind's header (tag, fingerprint), the rule-wide times, the kind's tables.
  bool save_learnt(std::string& out) const final;
  bool restore_learnt(std::string_view blob, SysTime) final;

 protected:
  /// One entry, live (`t` and `out` set: it may alert) or history (null: it only learns).
  virtual void observe(const AuditEntry& entry, AlertTable* t, SysTime now, Transitions* out) = 0;
  /// The kind's part of the blob: its tag, the settings that make learnt state incompatible, and
  /// its tables (write, read, drop after a bad read, re-apply max_values after a good one).
  virtual std::uint8_t kind_tag() const = 0;
  virtual std::uint64_t fingerprint() const = 0;
  virtual void save_tables(learnt::Writer& w) const = 0;
  virtual bool load_tables(learnt::Reader& r) = 0;
  virtual void clear_tables() = 0;
  virtual void bound() = 0;

  using Secs = learnt::Secs;

  /// What an entry is to the rule, computed once per entry by prepare(): prefetch() and then
  /// observe() of the same entry (AuditEntry::seq) share it. key_/key_hash_ hold its key.
  struct Prepared {
    std::uint64_t seq = 0;
    bool key = false;      // the rule learns from it (eligible, of its types, with a key)
    bool matched = false;  // and the rule's filters match it
    bool value = false;    // and it has a value (new_value)
    std::uint64_t value_hash = 0;
  };
  const Prepared& prepared(const AuditEntry& entry) {
    if (entry.seq == 0 || prep_.seq != entry.seq) {  // seq 0: an entry built by hand (tests)
      prep_ = Prepared{};
      prep_.seq = entry.seq;
      prepare(entry);
    }
    return prep_;
  }
  /// Fills prep_ (and key_/key_hash_) for `entry`.
  virtual void prepare(const AuditEntry& entry) = 0;
  /// Prefetches the table slots prep_ will probe (learnt::Table::prefetch).
  virtual void prefetch_tables() const = 0;
  Prepared prep_;

  /// False for entries no behavioural rule learns from: the UI's own navigation reads
  /// (sys/internal/ui/**: every page view of the web UI makes several), and the daemon's own
  /// token (its polls are not behaviour anyone needs to learn).
  bool eligible(const AuditEvent& e) const;
  /// The rule's filters (`audit:` keys and `not:`).
  bool matches(const AuditEvent& e) const {
    return c_.match.matches(e) && !(c_.exclude && c_.exclude->matches(e));
  }
  /// The entry's key into key_ and its hash into key_hash_: the first non-empty of the listed
  /// fields. False when all are empty (unauthenticated requests: nothing to learn about).
  bool read_key(const AuditEntry& entry);
  /// Moves the rule-wide clock (learnt_stats().learning) and forgets what was not seen for
  /// forget_after, at most every forget_after/16 of entry time.
  void note_time(Secs at);
  /// Drops entries not seen for forget_after at `at` (each kind its own tables).
  virtual void forget(Secs cutoff) = 0;
  bool forgotten(Secs last, Secs at) const { return std::chrono::seconds(at - std::min(at, last)) > c_.forget_after; }
  Secs learn_secs() const;

  /// An alert for key_ at the entry's time, unless the key is cooling down. More than
  /// group_limit keys alerting at once fold into key="other".
  void raise(const AuditEntry& entry, double value, const Labels& extra, AlertTable& t, SysTime now,
             Transitions& out);

  // Rule-wide times and counters, in the blob after the kind's header.
  void save_common(learnt::Writer& w) const;
  bool load_common(learnt::Reader& r);
  /// The kind's settings that make learnt state incompatible when they change.
  std::uint64_t settings_fingerprint(const std::string& kind_settings) const;
  /// Learning: less than `learn` between the first entry seen and the later of `now` and the
  /// latest entry (history read by `baseline build` counts as time learnt).
  LearntStats stats(std::uint64_t values, SysTime now) const;

  BehaviourCommon c_;
  std::string key_;  // scratch: the current entry's key
  std::uint64_t key_hash_ = 0;
  std::uint64_t evicted_ = 0;
  std::uint64_t updates_ = 0;

 private:
  Secs first_ = 0;   // earliest entry time seen (0: none yet)
  Secs latest_ = 0;  // latest entry time seen
  Secs next_forget_ = 0;
  std::string own_entity_, own_display_name_;  // the monitor token's identity
  std::map<std::string, Secs> cooling_;        // key -> until (bounded: pruned when large)
  std::set<std::string> alerting_;             // keys with their own alert instance
};

}  // namespace vw::rules
