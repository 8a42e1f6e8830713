#pragma once
// Weekly schedules in a named time zone, as written in rules: the audit filter
// `outside: "Mon-Fri 07:00-19:00 Europe/Berlin"` matches entries whose own `time` falls outside.
//
//   schedule := window { ";" window } zone
//   window   := days time-range          "Mon-Fri 07:00-19:00", "Sat,Sun 10:00-14:00"
//   days     := day-or-range { "," day-or-range }   Mon Tue Wed Thu Fri Sat Sun (any case);
//               a range may wrap ("Fri-Mon")
//   time-range := HH:MM "-" HH:MM        start inclusive, end exclusive (24:00 = end of day);
//               an end at or before the start runs over midnight into the next day
//               ("Mon-Fri 22:00-06:00": Friday 22:00 until Saturday 06:00 is inside)
//   zone     := a tzdata name (Europe/Berlin, America/New_York, UTC)
//
// Several windows: "Mon-Fri 07:00-19:00; Sat 09:00-13:00 Europe/Berlin". One zone for all.
// Minute resolution: compiled into one bit per minute of the week, so a lookup is a UTC offset
// (core/time_zone.hpp) plus a bit test.
#include <bitset>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "core/time.hpp"
#include "core/time_zone.hpp"

namespace vw {

/// Immutable, cheap to copy (shared data).
class WeeklySchedule {
 public:
  static constexpr std::size_t minutes_per_week = 7 * 24 * 60;

  /// Errors say which part is wrong ("unknown day \"Mnd\" ...", "unknown time zone ...").
  static result<WeeklySchedule> parse(std::string_view text,
                                      const std::string& zoneinfo_dir = TimeZone::default_dir());

  /// True when local time at `t` (in the schedule's zone) falls inside one of its windows.
  bool contains(SysTime t) const;
  const std::string& text() const { return text_; }
  const TimeZone& zone() const { return zone_; }
  bool operator==(const WeeklySchedule& o) const { return text_ == o.text_; }

 private:
  WeeklySchedule(std::string text, TimeZone zone,
                 std::shared_ptr<const std::bitset<minutes_per_week>> minutes)
      : text_(std::move(text)), zone_(std::move(zone)), minutes_(std::move(minutes)) {}
  std::string text_;
  TimeZone zone_;
  std::shared_ptr<const std::bitset<minutes_per_week>> minutes_;  // Monday 00:00 = bit 0
};

}  // namespace vw
