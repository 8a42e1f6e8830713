#include "core/schedule.hpp"

#include <array>
#include <cctype>
#include <optional>
#include <vector>

namespace vw {

namespace {

constexpr std::array<std::string_view, 7> day_names = {"mon", "tue", "wed", "thu",
                                                        "fri", "sat", "sun"};
constexpr const char* day_list = "Mon, Tue, Wed, Thu, Fri, Sat, Sun";

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  for (;;) {
    auto p = s.find(sep);
    out.push_back(trim(s.substr(0, p)));
    if (p == std::string_view::npos) return out;
    s.remove_prefix(p + 1);
  }
}

std::vector<std::string_view> words(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    std::size_t j = i;
    while (j < s.size() && !std::isspace(static_cast<unsigned char>(s[j]))) ++j;
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

std::optional<int> day_index(std::string_view d) {
  if (d.size() != 3) return std::nullopt;
  std::string lower;
  for (char c : d) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (std::size_t i = 0; i < day_names.size(); ++i)
    if (lower == day_names[i]) return static_cast<int>(i);
  return std::nullopt;
}

// "Mon-Fri", "Sat,Sun", "Mon,Wed-Fri" -> a set of weekdays (0 = Monday).
result<std::array<bool, 7>> parse_days(std::string_view s) {
  std::array<bool, 7> on{};
  for (auto part : split(s, ',')) {
    auto dash = part.find('-');
    auto a = day_index(trim(part.substr(0, dash)));
    auto b = dash == std::string_view::npos ? a : day_index(trim(part.substr(dash + 1)));
    if (!a || !b)
      return make_error("unknown day in \"" + std::string(part) + "\" (days are " + day_list +
                        "; ranges like Mon-Fri, lists like Sat,Sun)");
    for (int d = *a;; d = (d + 1) % 7) {  // a range may wrap: Fri-Mon
      on[static_cast<std::size_t>(d)] = true;
      if (d == *b) break;
    }
  }
  return on;
}

// "07:00" -> minutes since midnight; 24:00 only as an end.
std::optional<int> parse_hhmm(std::string_view s, bool end) {
  if (s.size() != 5 || s[2] != ':') return std::nullopt;
  for (std::size_t i : {0u, 1u, 3u, 4u})
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
  int h = (s[0] - '0') * 10 + (s[1] - '0');
  int m = (s[3] - '0') * 10 + (s[4] - '0');
  if (m > 59) return std::nullopt;
  if (h == 24 && m == 0 && end) return 24 * 60;
  if (h > 23) return std::nullopt;
  return h * 60 + m;
}

}  // namespace

result<WeeklySchedule> WeeklySchedule::parse(std::string_view text, const std::string& zoneinfo_dir) {
  const std::string all(text);
  auto w = words(text);
  if (w.size() < 3)
    return make_error("\"" + all +
                      "\" is not a schedule (days, hours and a time zone, e.g. \"Mon-Fri "
                      "07:00-19:00 Europe/Berlin\")");
  auto zone = TimeZone::load(w.back(), zoneinfo_dir);
  if (!zone) return zone.error();
  // Everything before the zone: windows separated by ';'.
  auto body = trim(text.substr(0, static_cast<std::size_t>(w.back().data() - text.data())));
  auto bits = std::make_shared<std::bitset<minutes_per_week>>();
  for (auto window : split(body, ';')) {
    auto parts = words(window);
    if (parts.size() != 2)
      return make_error("window \"" + std::string(window) +
                        "\" must be days and hours, e.g. \"Mon-Fri 07:00-19:00\" (windows are "
                        "separated by ';', the time zone comes last)");
    auto days = parse_days(parts[0]);
    if (!days) return days.error();
    auto dash = parts[1].find('-');
    std::optional<int> from, to;
    if (dash != std::string_view::npos) {
      from = parse_hhmm(parts[1].substr(0, dash), false);
      to = parse_hhmm(parts[1].substr(dash + 1), true);
    }
    if (!from || !to)
      return make_error("bad hours \"" + std::string(parts[1]) +
                        "\" (HH:MM-HH:MM, end exclusive, e.g. 07:00-19:00; 22:00-06:00 runs "
                        "over midnight)");
    if (*from == *to)
      return make_error("hours \"" + std::string(parts[1]) +
                        "\" are empty (start = end); a whole day is 00:00-24:00");
    // End at or before start: the window runs into the next day (Sunday wraps to Monday).
    const int length = *to > *from ? *to - *from : *to + 24 * 60 - *from;
    for (std::size_t d = 0; d < 7; ++d) {
      if (!(*days)[d]) continue;
      const int begin = static_cast<int>(d) * 24 * 60 + *from;
      for (int m = 0; m < length; ++m)
        bits->set(static_cast<std::size_t>(begin + m) % minutes_per_week);
    }
  }
  return WeeklySchedule(all, std::move(*zone), std::move(bits));
}

bool WeeklySchedule::contains(SysTime t) const {
  const std::int64_t utc = std::chrono::floor<std::chrono::seconds>(t).time_since_epoch().count();
  const std::int64_t local = utc + zone_.utc_offset(utc);
  std::int64_t day = local / 86400;
  std::int64_t sec = local % 86400;
  if (sec < 0) sec += 86400, --day;
  // 1970-01-01 was a Thursday (index 3 with Monday = 0).
  const std::int64_t weekday = ((day + 3) % 7 + 7) % 7;
  return minutes_->test(static_cast<std::size_t>(weekday * 24 * 60 + sec / 60));
}

}  // namespace vw
