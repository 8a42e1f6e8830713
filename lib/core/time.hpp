#pragma once
// Wall-clock time points and their RFC 3339 text forms (Vault, Alertmanager and the audit log
// all speak RFC 3339). Time is always a parameter: nothing here reads the clock except now().
#include <chrono>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace vw {

using SysTime = std::chrono::system_clock::time_point;

/// "2026-11-28T12:01:48.632Z": UTC, millisecond precision (what Prometheus sends Alertmanager).
std::string format_rfc3339_ms(SysTime t);

/// Parses RFC 3339 with 0-9 fraction digits and Z or a numeric offset
/// ("2020-02-07T17:45:04.153356834Z", "2020-05-28T13:40:18-05:00"). Pure; never throws.
result<SysTime> parse_rfc3339(std::string_view text);

/// Seconds since the Unix epoch as a double (the unit of *_timestamp_seconds metrics).
inline double to_unix_seconds(SysTime t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}

inline SysTime from_unix_seconds(double s) {
  return SysTime{std::chrono::duration_cast<SysTime::duration>(std::chrono::duration<double>(s))};
}

}  // namespace vw
