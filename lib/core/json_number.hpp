#pragma once
// Integers out of JSON documents that someone else wrote (a Vault node, a proxy in front of
// it, a state file a disk or a person damaged). nlohmann's get<Int>() static_casts whatever
// number it holds: a float outside Int's range (1e30 as "server_time_utc") is undefined
// behaviour, a large unsigned silently wraps. These helpers range-check instead.
// Header-only and templated on the JSON type so vw::core does not link nlohmann_json.
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

namespace vw {

// The number in j as Int: integers in range, floats finite and in range (truncated toward
// zero, as a C++ conversion would); anything else (not a number, NaN, out of range) is nullopt.
template <class Int, class Json>
std::optional<Int> json_integer(const Json& j) {
  static_assert(std::numeric_limits<Int>::is_integer);
  if (j.is_number_unsigned()) {
    const auto v = j.template get<std::uint64_t>();
    if (std::in_range<Int>(v)) return static_cast<Int>(v);
    return std::nullopt;
  }
  if (j.is_number_integer()) {
    const auto v = j.template get<std::int64_t>();
    if (std::in_range<Int>(v)) return static_cast<Int>(v);
    return std::nullopt;
  }
  if (j.is_number_float()) {
    const double d = j.template get<double>();
    // 2^digits is exactly representable as a double, so both bounds are exact.
    const double hi = std::ldexp(1.0, std::numeric_limits<Int>::digits);
    const double lo = std::numeric_limits<Int>::is_signed ? -hi : -1.0;
    const bool lo_ok = std::numeric_limits<Int>::is_signed ? d >= lo : d > lo;
    if (std::isfinite(d) && lo_ok && d < hi) return static_cast<Int>(d);
  }
  return std::nullopt;
}

// The same for documents we wrote ourselves (state files): a value that is not an Int in
// range is a damaged file, reported by the caller's catch with the key's name.
// Key is an object key or an array index.
template <class Int, class Json, class Key>
Int require_integer(const Json& j, const Key& key) {
  if (auto v = json_integer<Int>(j.at(key))) return *v;
  if constexpr (std::is_integral_v<Key>)
    throw std::out_of_range("element " + std::to_string(key) + " is not an integer in range");
  else
    throw std::out_of_range(std::string(key) + " is not an integer in range");
}

}  // namespace vw
