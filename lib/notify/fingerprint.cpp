#include "notify/fingerprint.hpp"

#include <cstdio>

namespace vw::notify {

namespace {
constexpr std::uint64_t fnv_offset = 14695981039346656037ULL;
constexpr std::uint64_t fnv_prime = 1099511628211ULL;
constexpr unsigned char separator = 0xFF;  // model.SeparatorByte: never valid inside UTF-8

std::uint64_t add(std::uint64_t h, const std::string& s) {
  for (unsigned char c : s) {
    h ^= c;
    h *= fnv_prime;
  }
  return h;
}

std::uint64_t add_byte(std::uint64_t h, unsigned char c) {
  h ^= c;
  h *= fnv_prime;
  return h;
}
}  // namespace

std::uint64_t fingerprint(const Labels& labels) {
  // Labels is a std::map: iteration is already in byte order of the names, as sort.Sort on
  // model.LabelNames gives.
  std::uint64_t h = fnv_offset;
  for (const auto& [name, value] : labels) {
    h = add_byte(add(h, name), separator);
    h = add_byte(add(h, value), separator);
  }
  return h;
}

std::string fingerprint_hex(std::uint64_t fp) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(fp));
  return buf;
}

}  // namespace vw::notify
