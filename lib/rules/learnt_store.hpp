#pragma once
// The compact memory of the behavioural rules (issue 14): what was seen, as a 64-bit hash, and
// when, in an open-addressing table (linear probing, power-of-two capacity, grown at 3/4 load).
// A learnt value costs one 16-byte slot at a load between 3/8 and 3/4: 21-43 bytes; a
// std::unordered_set<std::string> of the same values costs 70-120.
//
// Why a hash instead of the text is safe enough: a new (key, value) pair is missed only when
// its hash equals one already learnt; with n learnt values that happens with probability
// n / 2^64 per new pair (5e-14 at a million values): far below the other ways a detector can be
// wrong. The hash is FNV-1a (simple, stable across compilers and releases, which persisted
// state needs; std::hash is neither) with a splitmix64 finaliser so that linear probing sees
// well-spread low bits; it reads 8-byte words where FNV reads bytes, for speed. It is not keyed: someone who controls both the identity and the value
// and knows this code could in principle craft a collision; the values are Vault paths and
// networks an attacker rarely chooses freely.
//
// Times are seconds since the epoch in 32 bits (good until 2106): half the size of a
// time_point, and a second is the resolution the detectors need.
//
// Pure, not thread-safe (io thread only, like the evaluators that own the tables).
#include <algorithm>
#include <limits>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/time.hpp"

namespace vw::rules::learnt {

using Secs = std::uint32_t;
Secs secs(SysTime t);
SysTime time_of(Secs s);

/// FNV-1a 64 (over 8-byte words) of `s`, started from `seed`, then splitmix64's finaliser.
/// Never 0 (0 marks an empty slot). Little-endian word reads: blobs record their byte order.
std::uint64_t hash(std::string_view s, std::uint64_t seed = 0);

/// Appends fixed-size little-endian-agnostic raw values to a blob (the blob records the byte
/// order it was written with and is refused on another: state_dir never moves between hosts of
/// different endianness in practice, and refusing only means learning afresh).
class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) {}
  template <typename T>
  void put(const T& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    out_.append(reinterpret_cast<const char*>(&v), sizeof v);
  }
  std::string& out() { return out_; }

 private:
  std::string& out_;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  template <typename T>
  bool get(T& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    if (in_.size() - pos_ < sizeof v) return false;
    std::memcpy(&v, in_.data() + pos_, sizeof v);
    pos_ += sizeof v;
    return true;
  }
  std::size_t left() const { return in_.size() - pos_; }

 private:
  std::string_view in_;
  std::size_t pos_ = 0;
};

/// Frames a kind's payload: magic, format version, byte order, kind, settings fingerprint,
/// payload, checksum. open() checks all of them and returns the payload.
void begin_blob(std::string& out, std::uint8_t kind, std::uint64_t settings);
void end_blob(std::string& out, std::size_t start);
/// The payload of a blob written by begin_blob/end_blob for `kind` and `settings`; nullopt when
/// it is not one (other version, kind or settings, truncated, checksum mismatch).
std::optional<std::string_view> open_blob(std::string_view blob, std::uint8_t kind, std::uint64_t settings);

/// hash -> P, where P is a small trivially copyable struct with a `Secs last` member (when the
/// entry was last seen: eviction and forgetting use it).
template <typename P>
class Table {
 public:
  static_assert(std::is_trivially_copyable_v<P>);
  struct Slot {
    std::uint64_t h = 0;  // 0: empty
    P p{};
  };

  std::size_t size() const { return size_; }
  std::size_t bytes() const { return slots_.capacity() * sizeof(Slot); }

  /// Starts loading the slot a probe for `h` reads first: a probe issued a little later is then
  /// a cache hit (Evaluator::prefetch).
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
    if ((size_ + 1) * 4 > slots_.size() * 3) rehash(std::max<std::size_t>(16, slots_.size() * 2));
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

  void save(Writer& w) const {
    w.put(static_cast<std::uint64_t>(size_));
    for_each([&](std::uint64_t h, const P& p) {
      w.put(h);
      w.put(p);
    });
  }

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
  /// Back to the smallest capacity that holds `kept` under 3/4 load.
  void rebuild(const std::vector<Slot>& kept) {
    std::size_t cap = 16;
    while (kept.size() * 4 > cap * 3) cap *= 2;
    std::vector<Slot>(cap).swap(slots_);
    mask_ = cap - 1;
    size_ = kept.size();
    for (const auto& s : kept) place(s);
  }

  std::vector<Slot> slots_;
  std::size_t size_ = 0;
  std::size_t mask_ = 0;
};

}  // namespace vw::rules::learnt
