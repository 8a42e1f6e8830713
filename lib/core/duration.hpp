#pragma once
// Durations and sizes as operators write them in YAML and on the command line
// ("500ms", "30s", "5m", "1h", "90d", "1h30m"; "64KiB", "1MiB", "512").
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace vw {

using Duration = std::chrono::milliseconds;

/// Parses a Prometheus-style duration: one or more <integer><unit> terms, unit one of
/// ms, s, m, h, d, w, y (y = 365d). "0" alone is accepted. Pure; never throws.
result<Duration> parse_duration(std::string_view text);

/// Formats a duration the way parse_duration reads it, largest units first ("1h30m", "0s").
std::string format_duration(Duration d);

/// Parses a byte size: <integer>[B|KiB|MiB|GiB|KB|MB|GB]. Pure; never throws.
result<std::uint64_t> parse_size(std::string_view text);

}  // namespace vw
