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

#include "core/hash_table.hpp"
#include "core/time.hpp"

namespace vw::rules::learnt {

using Secs = std::uint32_t;
Secs secs(SysTime t);
SysTime time_of(Secs s);

/// vw::stable_hash (never 0; little-endian word reads: blobs record their byte order).
inline std::uint64_t hash(std::string_view s, std::uint64_t seed = 0) { return stable_hash(s, seed); }

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

/// hash -> P (vw::HashTable), P a small trivially copyable struct with a `Secs last` member
/// (when the entry was last seen: eviction and forgetting use it).
template <typename P>
using Table = HashTable<P>;

}  // namespace vw::rules::learnt
