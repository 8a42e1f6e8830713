#include "core/time.hpp"

#include <cstdio>

namespace vw {
namespace {

// Parses exactly n ASCII digits at s[pos], advancing pos. Returns -1 on a non-digit.
int digits(std::string_view s, std::size_t& pos, int n) {
  if (pos + static_cast<std::size_t>(n) > s.size()) return -1;
  int v = 0;
  for (int i = 0; i < n; ++i) {
    char c = s[pos++];
    if (c < '0' || c > '9') return -1;
    v = v * 10 + (c - '0');
  }
  return v;
}

bool expect(std::string_view s, std::size_t& pos, char c) {
  if (pos < s.size() && (s[pos] == c || (c == 'T' && (s[pos] == 't' || s[pos] == ' ')))) {
    ++pos;
    return true;
  }
  return false;
}

}  // namespace

std::string format_rfc3339_ms(SysTime t) {
  using namespace std::chrono;
  auto ms = floor<milliseconds>(t);
  auto day = floor<days>(ms);
  year_month_day ymd{day};
  hh_mm_ss hms{ms - day};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02ld:%02ld:%02ld.%03ldZ", int(ymd.year()),
                unsigned(ymd.month()), unsigned(ymd.day()), long(hms.hours().count()),
                long(hms.minutes().count()), long(hms.seconds().count()),
                long(hms.subseconds().count()));
  return buf;
}

result<SysTime> parse_rfc3339(std::string_view s) {
  using namespace std::chrono;
  const auto bad = [&] {
    return make_error("not an RFC 3339 time: \"" + std::string(s.substr(0, 64)) + "\"");
  };
  std::size_t pos = 0;
  int y = digits(s, pos, 4);
  if (y < 0 || !expect(s, pos, '-')) return bad();
  int mo = digits(s, pos, 2);
  if (mo < 1 || mo > 12 || !expect(s, pos, '-')) return bad();
  int d = digits(s, pos, 2);
  if (d < 1 || d > 31 || !expect(s, pos, 'T')) return bad();
  int h = digits(s, pos, 2);
  if (h < 0 || h > 23 || !expect(s, pos, ':')) return bad();
  int mi = digits(s, pos, 2);
  if (mi < 0 || mi > 59 || !expect(s, pos, ':')) return bad();
  int sec = digits(s, pos, 2);
  if (sec < 0 || sec > 60) return bad();
  std::int64_t nanos = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int n = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (n < 9) {
        nanos = nanos * 10 + (s[pos] - '0');
        ++n;
      }
      ++pos;
    }
    if (n == 0) return bad();
    for (; n < 9; ++n) nanos *= 10;
  }
  int offset_min = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int sign = s[pos] == '-' ? -1 : 1;
    ++pos;
    int oh = digits(s, pos, 2);
    if (oh < 0 || !expect(s, pos, ':')) return bad();
    int om = digits(s, pos, 2);
    if (om < 0) return bad();
    offset_min = sign * (oh * 60 + om);
  } else {
    return bad();
  }
  if (pos != s.size()) return bad();
  year_month_day ymd{year{y}, month{unsigned(mo)}, day{unsigned(d)}};
  if (!ymd.ok()) return bad();
  auto tp = sys_days{ymd} + hours{h} + minutes{mi} + seconds{sec} - minutes{offset_min};
  // SysTime counts nanoseconds in 64 bits (years ~1678..2262): anything outside would overflow.
  constexpr auto lo = duration_cast<seconds>(SysTime::duration::min()) + seconds{1};
  constexpr auto hi = duration_cast<seconds>(SysTime::duration::max()) - seconds{1};
  if (tp.time_since_epoch() < lo || tp.time_since_epoch() > hi) return bad();
  return SysTime{duration_cast<SysTime::duration>(tp.time_since_epoch() + nanoseconds{nanos})};
}

}  // namespace vw
