#include "core/hash_table.hpp"

#include <cstring>

namespace vw {

std::uint64_t stable_hash(std::string_view s, std::uint64_t seed) {
  // FNV-1a's structure over 8-byte words instead of bytes (a quarter of the multiplications:
  // this runs several times per audit entry), the tail byte by byte; the length goes in first
  // so that "a" and "a\0" differ.
  std::uint64_t h = (0xcbf29ce484222325ULL ^ seed) + s.size();
  std::size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    h = (h ^ w) * 0x100000001b3ULL;
    h ^= h >> 32;
  }
  for (; i < s.size(); ++i) h = (h ^ static_cast<unsigned char>(s[i])) * 0x100000001b3ULL;
  // splitmix64 finaliser
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebULL;
  h ^= h >> 31;
  return h ? h : 1;
}

}  // namespace vw
