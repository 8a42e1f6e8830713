#pragma once
// Rotation propagation (issue 13): from the audit stream alone, which version of each watched
// KV v2 secret every consumer last read, and whether it picked up the newest one in time.
//
// What it sees: response entries (they carry the version numbers, which Vault never HMACs) of
// KV v2 writes (response.data.version), reads (response.data.metadata.version: the version
// served, so an explicit ?version=N read of an old version shows as one), deletes, undeletes,
// destroys and metadata deletes. A failed call (error, or an error body) changes nothing.
//
// Model, per secret: the current version, when and by whom it was written. Per (secret,
// consumer): the last read's time, version and remote address. At a write of version V every
// consumer that read the secret within `consumer_window` before it is due to read >= V within
// `deadline`; its state is then
//   current  it last read a version >= the current one;
//   pending  it has not, and its deadline has not passed;
//   stale    it has not, and its deadline has passed.
// A consumer whose last read is older than `consumer_window` (measured from `now`) is no longer
// a consumer: it is not counted, and expire() drops it. The deadline of a consumer runs from the
// first write it missed (two rotations in quick succession do not extend the grace of a
// consumer still on the version before both). A read of an older version than the current one
// (explicit ?version=N) makes a consumer behind again, due since the current version's write.
// While the current version is deleted (DELETE on <mount>/data/<p>) no consumer can read it, so
// none becomes stale until the next write or an undelete. delete/destroy of explicit versions
// change nothing here: Vault HMACs the version list of the request body (its numbers are
// json.Number, a string), so the versions are not known.
//
// Time is each entry's own `time` (a replayed log gives the answers it gave live); `now` is a
// parameter of every query. Memory is bounded: at most `max_tracked` pairs and `max_tracked`
// secrets; beyond that the ones read longest ago are evicted (in batches of 1/64) and counted.
//
// Pure (no I/O, no clock, no metrics) and single-threaded: io thread only in the daemon.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "audit/entry_view.hpp"
#include "core/duration.hpp"
#include "core/glob.hpp"
#include "core/hash_table.hpp"
#include "core/rotation_status.hpp"
#include "core/time.hpp"
#include "rotation/kv_op.hpp"

namespace vw::rotation {

/// Which field of an entry names a consumer (`rotation.consumer_key`, first non-empty wins).
enum class KeyField { entity_id, display_name, remote_address };
std::optional<KeyField> parse_key_field(std::string_view text);
const char* to_string(KeyField f);

struct Options {
  /// KV v2 data paths as Vault logs them, namespace-relative ("secret/data/payments/**").
  /// Empty: nothing is tracked.
  std::vector<Glob> secrets;
  Duration consumer_window = std::chrono::hours(24 * 7);
  Duration deadline = std::chrono::minutes(15);
  std::vector<KeyField> consumer_key{KeyField::entity_id, KeyField::display_name};
  std::size_t max_tracked = 100000;
  bool operator==(const Options&) const = default;
};

/// One consumer of one secret, as stored (also the persisted form).
struct Consumer {
  std::string remote_address;      // of the last read
  std::int64_t last_read_ns = 0;   // unix ns
  std::int64_t picked_up_ns = 0;   // first read of >= the current version since its write; 0 none
  std::int64_t behind_since_ns = 0;  // first missed write (or stale read); 0 = not behind
  /// 32 bits (saturating at 2^32 - 1: four billion writes of one secret): with `due` beside it,
  /// a Consumer is 64 bytes and its map node falls into malloc's 112-byte class, not 128.
  std::uint32_t last_version = 0;
  bool due = false;  // was a consumer when the current version was written
  bool operator==(const Consumer&) const = default;
};

// Heterogeneous lookup (find by string_view, no std::string built per entry). noexcept, so
// libstdc++ does not store each node's hash: the reads go through the tracker's pair index, the
// map is looked up only to insert, and the 8 bytes make a node 16 bytes larger in malloc's
// rounding (issue 13's ~200 B per pair).
struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};
using ConsumerMap = std::unordered_map<std::string, Consumer, StringHash, std::equal_to<>>;

/// One secret, as stored (also the persisted form).
struct Secret {
  std::string glob;               // the configured glob it matched (first match)
  std::uint64_t version = 0;      // current version (0 = not known yet)
  std::int64_t written_at_ns = 0; // 0 = not seen written (version learnt from a read)
  std::string writer;             // consumer key of the writer ("" unknown)
  bool write_seen = false;        // the current version's write entry itself was seen
  bool deleted = false;           // the current version is soft-deleted
  std::int64_t last_seen_ns = 0;  // last entry about this secret (eviction order)
  ConsumerMap consumers;
  bool operator==(const Secret&) const = default;
};

using SecretMap = std::unordered_map<std::string, Secret, StringHash, std::equal_to<>>;

/// What one entry did.
struct Observed {
  enum class Kind { ignored, write, read, deleted, undeleted, forgotten } kind = Kind::ignored;
  std::string_view path;  // the secret's key (valid until the next call), "" when ignored
  /// A due consumer's first read of the new version: seconds since the write.
  std::optional<double> pickup_seconds;
  /// The set of consumers behind the current version with a deadline (behind()) may have
  /// changed: a write, a delete/undelete, a forgotten secret, an eviction, or a read by a
  /// consumer that is or was behind. False for the common read of a current consumer, so the
  /// daemon rebuilds its alert input only when it can differ.
  bool behind_touched = false;
};

/// One write's outcome, closed when the next write of the secret arrives, the secret is
/// deleted, or finish() is called (offline CLI).
struct WriteReport {
  std::string path;
  std::uint64_t version = 0;
  SysTime written_at{};
  std::string writer;
  /// Consumers due at the write plus those that read it afterwards, in identity order.
  std::vector<ConsumerStatus> consumers;
};

class Tracker {
 public:
  using ReportSink = std::function<void(const WriteReport&)>;
  explicit Tracker(Options opts, ReportSink on_report = {});
  // Movable, not copyable: the pair index points into the maps' nodes (a move keeps the nodes).
  Tracker(Tracker&&) = default;
  Tracker& operator=(Tracker&&) = default;
  Tracker(const Tracker&) = delete;
  Tracker& operator=(const Tracker&) = delete;

  /// Feeds one decoded entry (request entries and non-KV entries are ignored cheaply).
  Observed observe(const audit::AuditEntryView& e);
  /// Optional first half of observe() of the same entry (the same view object, nothing else
  /// called in between): works out what a read will look up and starts loading the pair's index
  /// slot. The daemon calls it before the rules see the entry and observe() after them, so the
  /// slot's cache miss overlaps the rules' work; observe() alone gives the same result.
  void prepare(const audit::AuditEntryView& e);

  /// Drops consumers whose last read is older than consumer_window before `now`.
  void expire(SysTime now);
  /// Closes every open write report (offline CLI, at the end of the input).
  void finish();

  /// Every secret with its consumers' states at `now` (aged-out consumers left out).
  std::vector<SecretStatus> status(SysTime now) const;
  /// Like status(), but only secrets with a consumer behind the current version with a deadline
  /// (stale, or pending with one), and in `consumers` only those; the counts cover every
  /// consumer. Cheaper than status() when most consumers are current (what the alert rule needs).
  std::vector<SecretStatus> behind(SysTime now) const;
  /// Like status() without any consumer list: the counts only (metrics).
  std::vector<SecretStatus> counts(SysTime now) const;
  /// The earliest time after `now` at which some consumer's state changes by time alone (a
  /// deadline passes, a last read ages out): the daemon re-evaluates then.
  std::optional<SysTime> next_change(SysTime now) const;

  std::uint64_t evicted() const { return evicted_; }
  std::size_t pairs() const { return pairs_; }
  const Options& options() const { return opts_; }

  /// The stored state, for persistence; restore() replaces it (pairs beyond max_tracked evicted).
  const SecretMap& secrets() const { return secrets_; }
  void restore(SecretMap secrets, std::uint64_t evicted);

 private:
  Observed observe_entry(const audit::AuditEntryView& e);
  Secret* secret_for(const audit::AuditEntryView& e, const KvRef& ref, bool create);
  bool apply_write(std::string_view key, Secret& s, std::uint64_t version, std::int64_t t,
                   std::string_view writer, bool write_seen);
  void close_report(std::string_view key, const Secret& s);
  std::string_view consumer_key(const audit::AuditEntryView& e) const;
  void evict_pairs(const Consumer* keep);
  void evict_secrets(const Secret* keep);
  ConsumerStatus consumer_status(const std::string& id, const Consumer& c, const Secret& s,
                                 std::int64_t now) const;
  State state_of(const Consumer& c, const Secret& s, std::int64_t now) const;
  enum class Listing { all, behind, none };
  std::vector<SecretStatus> list(SysTime now, Listing which) const;

  /// The index key of a (secret, consumer) pair.
  static std::uint64_t pair_hash(const Secret* secret, std::string_view id);
  /// Rebuilds the pair index after consumers or secrets were erased (batches: eviction, expiry,
  /// a metadata delete, restore): O(pairs), as rare as those.
  void reindex();

  Options opts_;
  ReportSink on_report_;
  SecretMap secrets_;
  // (secret, consumer) -> its Consumer, by a 64-bit hash of both: a read of a known pair is one
  // probe into a flat array (vw::HashTable) and one access to the Consumer, where the per-secret
  // map costs a bucket, the node before, the node and the identity's own allocation (four
  // dependent cache misses once the audit stream has pushed the tables out of cache: measured
  // as the tracker's main cost on a log where most readers are distinct). Two pairs with equal
  // hashes would share a Consumer: with n pairs the chance for a new pair is n / 2^64 (5e-15 at
  // 100 000), the same bet as the learnt store's. 16-byte slots at up to 80 % load (not the
  // table's default 75 %): at max_tracked 100 000 that is 2^17 slots, 21 B per pair, where 75 %
  // would double it (the budget is ~200 B per pair in all).
  struct PairRef {
    Consumer* consumer = nullptr;
  };
  HashTable<PairRef, 80> index_;
  // What prepare() worked out for `view` (observe() of the same entry takes it, once).
  struct Prepared {
    const audit::AuditEntryView* view = nullptr;
    KvRef ref;
    Secret* secret = nullptr;  // a read of a tracked secret: key_ holds its key
    std::uint64_t pair = 0;    // and pair_hash(secret, consumer)
  };
  Prepared prepared_;
  std::size_t pairs_ = 0;
  std::uint64_t evicted_ = 0;
  std::uint64_t evicted_seen_ = 0;  // evicted_ when observe() last returned
  std::string key_;  // scratch: namespace path + data path
};

}  // namespace vw::rotation
