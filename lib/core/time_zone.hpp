#pragma once
// Named time zones from the system's tzdata (/usr/share/zoneinfo), for schedules such as the
// audit filter `outside: "Mon-Fri 07:00-19:00 Europe/Berlin"`.
//
// Hand-written on purpose (a TZif v2+ reader, RFC 8536, plus its POSIX TZ footer):
// - GCC 12's libstdc++ has no std::chrono::tzdb / zoned_time (they arrive with GCC 13/14);
// - localtime_r() converts through the process-global TZ variable: switching zones per rule is
//   neither thread-safe nor cheap (tzset() re-reads the file);
// - Boost 1.81 has no reader of the system's TZif files: Boost.DateTime's tz_database loads its
//   own CSV file (date_time_zonespec.csv, not kept up to date by the OS), and its
//   posix_time_zone throws, and rejects the quoted names ("<-03>3") that half of today's zones
//   use in their footer; Boost.Locale's time zones are ICU's (another copy of the data, and the
//   ICU backend is optional) and only reachable through its calendar/formatting facets.
// A zone is parsed once (at config load); converting an instant is a binary search over its
// transitions, or, past the last transition, the footer's yearly rule (Debian's and Alpine's
// "slim" tzdata end Europe/* tables in 1996 and leave every later change to the footer).
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "core/time.hpp"

namespace vw {

/// Immutable and cheap to copy (shared data): safe to use from any thread.
class TimeZone {
 public:
  /// Where the zones are read from: $TZDIR when set (glibc's variable), else /usr/share/zoneinfo.
  static std::string default_dir();
  /// Loads zone `name` ("Europe/Berlin", "UTC") from `dir`. Errors name the zone and the cause
  /// (unknown zone, not a TZif file, TZif version 1, a footer this reader does not understand).
  static result<TimeZone> load(std::string_view name, const std::string& dir = default_dir());
  /// Parses the bytes of a TZif file (RFC 8536, version 2 or later).
  static result<TimeZone> parse(std::string_view name, std::string_view tzif);

  const std::string& name() const;
  /// Local time minus UTC at instant `t`, in seconds (+3600 for Berlin in winter).
  std::int64_t utc_offset(SysTime t) const;
  /// Same, for seconds since the Unix epoch.
  std::int64_t utc_offset(std::int64_t unix_seconds) const;

  bool operator==(const TimeZone& o) const { return name() == o.name(); }

  struct Data;  // transitions and footer rule (time_zone.cpp)

 private:
  explicit TimeZone(std::shared_ptr<const Data> d) : d_(std::move(d)) {}
  std::shared_ptr<const Data> d_;
};

}  // namespace vw
