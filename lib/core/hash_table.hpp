#pragma once
// An open-addressing hash table keyed by 64-bit hashes (linear probing, power-of-two capacity,
// grown at MaxLoadPercent, 75 % unless said), each slot the hash and a small trivially copyable
// payload side by side.
// Written by hand rather than boost::unordered_flat_map<std::uint64_t, P> for two things the
// Boost table does not give: a lookup is one probe into one array (Boost's keeps its metadata
// groups apart from its elements: two cache misses on a table the audit stream has pushed out
// of cache), and prefetch(h) starts loading that slot before the lookup is due (Boost has no
// such call). Users: the behavioural rules' learnt values (rules/learnt_store.hpp) and the
// rotation tracker's pair index.
//
// The caller chooses the hashes (stable_hash below); two keys with the same 64-bit hash are one
// entry: with n entries, a new key meets an existing hash with probability n / 2^64.
//
// Not thread-safe.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace vw {

/// FNV-1a 64 (over 8-byte words) of `s`, started from `seed`, then splitmix64's finaliser.
/// Never 0 (0 marks an empty slot of HashTable). Stable across compilers and releases (persisted
/// state keys on it; std::hash is neither); not keyed. Little-endian word reads.
std::uint64_t stable_hash(std::string_view s, std::uint64_t seed = 0);

/// hash (never 0) -> P, where P is a small trivially copyable struct; evict_oldest() needs a
/// `last` member in P (when the entry was last seen).
template <typename P, unsigned MaxLoadPercent = 75>
class HashTable {
 public:
  static_assert(std::is_trivially_copyable_v<P>);
  static_assert(MaxLoadPercent >= 50 && MaxLoadPercent <= 90);
  struct Slot {
    std::uint64_t h = 0;  // 0: empty
    P p{};
  };

  std::size_t size() const { return size_; }
  std::size_t bytes() const { return slots_.capacity() * sizeof(Slot); }

  /// Starts loading the slot a probe for `h` reads first: a probe issued a little later is then
  /// a cache hit.
  void prefetch(std::uint64_t h) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[h & mask_]);
  }

  P* find(std::uint64_t h) {
    if (slots_.empty()) return nullptr;
    for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
      if (slots_[i].h == h) return &slots_[i].p;
      if (slots_[i].h == 0) return nullptr;
    }
  }

  /// The entry for `h` and true when it was created (value-initialised).
  std::pair<P*, bool> insert(std::uint64_t h) {
    if ((size_ + 1) * 100 > slots_.size() * MaxLoadPercent) rehash(std::max<std::size_t>(16, slots_.size() * 2));
    for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
      if (slots_[i].h == h) return {&slots_[i].p, false};
      if (slots_[i].h == 0) {
        slots_[i].h = h;
        slots_[i].p = P{};
        ++size_;
        return {&slots_[i].p, true};
      }
    }
  }

  /// Keeps the entries for which keep(p) holds; returns how many were dropped.
  template <typename Keep>
  std::size_t retain(Keep keep) {
    std::vector<Slot> kept;
    kept.reserve(size_);
    for (const auto& s : slots_)
      if (s.h && keep(s.p)) kept.push_back(s);
    const std::size_t dropped = size_ - kept.size();
    if (dropped) rebuild(kept);
    return dropped;
  }

  /// Drops the least recently seen entries until `target` are left; returns how many were
  /// dropped. Entries last seen in the same second as the cut-off are dropped in table order.
  std::size_t evict_oldest(std::size_t target) {
    if (size_ <= target) return 0;
    std::vector<Slot> kept;
    kept.reserve(size_);
    for (const auto& s : slots_)
      if (s.h) kept.push_back(s);
    std::nth_element(kept.begin(), kept.begin() + static_cast<std::ptrdiff_t>(target), kept.end(),
                     [](const Slot& a, const Slot& b) { return a.p.last > b.p.last; });
    kept.resize(target);
    const std::size_t dropped = size_ - target;
    rebuild(kept);
    return dropped;
  }

  template <typename F>
  void for_each(F f) const {
    for (const auto& s : slots_)
      if (s.h) f(s.h, s.p);
  }

  template <typename Writer>
  void save(Writer& w) const {
    w.put(static_cast<std::uint64_t>(size_));
    for_each([&](std::uint64_t h, const P& p) {
      w.put(h);
      w.put(p);
    });
  }

  template <typename Reader>
  bool load(Reader& r) {
    std::uint64_t n = 0;
    if (!r.get(n) || n > r.left() / (sizeof(std::uint64_t) + sizeof(P))) return false;
    clear();
    for (std::uint64_t i = 0; i < n; ++i) {
      std::uint64_t h = 0;
      P p{};
      if (!r.get(h) || !r.get(p) || h == 0) return false;
      *insert(h).first = p;
    }
    return true;
  }

  /// Empties the table at the smallest capacity that holds `n` entries under the maximum load:
  /// inserting them after does not grow it (a rebuild of a known size).
  void reset(std::size_t n) {
    std::size_t cap = 16;
    while (n * 100 > cap * MaxLoadPercent) cap *= 2;
    std::vector<Slot>(cap).swap(slots_);
    mask_ = cap - 1;
    size_ = 0;
  }

  void clear() {
    slots_.clear();
    slots_.shrink_to_fit();
    size_ = 0;
    mask_ = 0;
  }

 private:
  void place(const Slot& s) {
    for (std::size_t i = s.h & mask_;; i = (i + 1) & mask_)
      if (slots_[i].h == 0) {
        slots_[i] = s;
        return;
      }
  }
  void rehash(std::size_t capacity) {
    std::vector<Slot> old(capacity);
    old.swap(slots_);
    mask_ = capacity - 1;
    for (const auto& s : old)
      if (s.h) place(s);
  }
  /// Back to the smallest capacity that holds `kept` under the maximum load.
  void rebuild(const std::vector<Slot>& kept) {
    reset(kept.size());
    size_ = kept.size();
    for (const auto& s : kept) place(s);
  }

  std::vector<Slot> slots_;
  std::size_t size_ = 0;
  std::size_t mask_ = 0;
};

}  // namespace vw
