#include "core/time_zone.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <optional>

namespace vw {

namespace {

using namespace std::chrono;

// One date rule of a POSIX TZ string: "Jn", "n" or "Mm.w.d", each with an optional "/time".
struct DateRule {
  enum class Kind { julian, zero_based, month_week_day };
  Kind kind = Kind::month_week_day;
  int day = 0;      // Jn: 1..365 (Feb 29 never counted); n: 0..365
  int month = 1;    // Mm.w.d
  int week = 1;     // 1..5, 5 = the last such weekday of the month
  int weekday = 0;  // 0 = Sunday
  std::int64_t time = 2 * 3600;  // local time of day of the change; v3 allows -167h..167h
};

// The POSIX TZ string after the last transition ("CET-1CEST,M3.5.0,M10.5.0/3").
struct Footer {
  bool present = false;
  std::int64_t std_offset = 0;  // local - UTC, seconds
  bool has_dst = false;
  std::int64_t dst_offset = 0;
  DateRule start, end;
};

}  // namespace

struct TimeZone::Data {
  std::string name;
  std::vector<std::int64_t> transitions;  // Unix seconds, ascending
  std::vector<std::int32_t> offsets;      // offset in force from transitions[i] on
  std::int32_t initial = 0;               // before the first transition (time type 0)
  Footer footer;
};

namespace {

// ---- POSIX TZ string (RFC 8536 section 3.3, POSIX.1-2017 section 8.3) -----------------------

class TzStringParser {
 public:
  explicit TzStringParser(std::string_view s) : s_(s) {}

  std::optional<Footer> parse() {
    Footer f;
    f.present = true;
    if (!name()) return std::nullopt;
    auto off = offset(24);
    if (!off) return std::nullopt;
    f.std_offset = -*off;  // POSIX counts west of Greenwich as positive
    if (at_end()) return f;
    if (!name()) return std::nullopt;
    f.has_dst = true;
    f.dst_offset = f.std_offset + 3600;
    if (!at_end() && peek() != ',') {
      auto d = offset(24);
      if (!d) return std::nullopt;
      f.dst_offset = -*d;
    }
    if (at_end()) {
      // No rule: POSIX leaves it to the implementation; glibc and tzcode use the US rule.
      f.start = DateRule{DateRule::Kind::month_week_day, 0, 3, 2, 0, 7200};
      f.end = DateRule{DateRule::Kind::month_week_day, 0, 11, 1, 0, 7200};
      return f;
    }
    if (!eat(',')) return std::nullopt;
    auto st = rule();
    if (!st || !eat(',')) return std::nullopt;
    auto en = rule();
    if (!en || !at_end()) return std::nullopt;
    f.start = *st;
    f.end = *en;
    return f;
  }

 private:
  bool at_end() const { return i_ >= s_.size(); }
  char peek() const { return at_end() ? '\0' : s_[i_]; }
  bool eat(char c) {
    if (peek() != c) return false;
    ++i_;
    return true;
  }
  static bool alpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
  static bool digit(char c) { return c >= '0' && c <= '9'; }

  // "CET" (3+ letters) or "<-03>" / "<+0530>" (quoted: letters, digits, signs).
  bool name() {
    if (eat('<')) {
      std::size_t n = 0;
      while (!at_end() && peek() != '>') ++i_, ++n;
      return n >= 3 && eat('>');
    }
    std::size_t n = 0;
    while (alpha(peek())) ++i_, ++n;
    return n >= 3;
  }

  std::optional<int> number(int max) {
    if (!digit(peek())) return std::nullopt;
    int v = 0;
    while (digit(peek())) {
      v = v * 10 + (s_[i_++] - '0');
      if (v > max) return std::nullopt;
    }
    return v;
  }

  // [+-]hh[:mm[:ss]] in seconds.
  std::optional<std::int64_t> offset(int max_hours) {
    int sign = 1;
    if (eat('-')) sign = -1;
    else eat('+');
    auto h = number(max_hours);
    if (!h) return std::nullopt;
    std::int64_t v = *h * 3600;
    if (eat(':')) {
      auto m = number(59);
      if (!m) return std::nullopt;
      v += *m * 60;
      if (eat(':')) {
        auto sec = number(59);
        if (!sec) return std::nullopt;
        v += *sec;
      }
    }
    return sign * v;
  }

  std::optional<DateRule> rule() {
    DateRule r;
    if (eat('J')) {
      auto d = number(365);
      if (!d || *d < 1) return std::nullopt;
      r.kind = DateRule::Kind::julian;
      r.day = *d;
    } else if (eat('M')) {
      auto m = number(12);
      if (!m || *m < 1 || !eat('.')) return std::nullopt;
      auto w = number(5);
      if (!w || *w < 1 || !eat('.')) return std::nullopt;
      auto d = number(6);
      if (!d) return std::nullopt;
      r.kind = DateRule::Kind::month_week_day;
      r.month = *m;
      r.week = *w;
      r.weekday = *d;
    } else {
      auto d = number(365);
      if (!d) return std::nullopt;
      r.kind = DateRule::Kind::zero_based;
      r.day = *d;
    }
    if (eat('/')) {
      auto t = offset(167);  // RFC 8536 3.3.1: -167..167 hours
      if (!t) return std::nullopt;
      r.time = *t;
    }
    return r;
  }

  std::string_view s_;
  std::size_t i_ = 0;
};

// Unix seconds of local midnight (as if UTC) of the rule's day in year y.
std::int64_t rule_day_seconds(const DateRule& r, int y) {
  const year yr{y};
  sys_days day;
  switch (r.kind) {
    case DateRule::Kind::julian: {
      int n = r.day - 1;  // Jn never counts Feb 29
      if (yr.is_leap() && r.day >= 60) ++n;
      day = sys_days{yr / January / 1} + days{n};
      break;
    }
    case DateRule::Kind::zero_based:
      day = sys_days{yr / January / 1} + days{r.day};
      break;
    case DateRule::Kind::month_week_day: {
      const month m{static_cast<unsigned>(r.month)};
      const weekday wd{static_cast<unsigned>(r.weekday)};
      if (r.week == 5) day = sys_days{yr / m / wd[last]};
      else day = sys_days{yr / m / wd[static_cast<unsigned>(r.week)]};
      break;
    }
  }
  return duration_cast<seconds>(day.time_since_epoch()).count();
}

std::int64_t footer_offset(const Footer& f, std::int64_t t) {
  if (!f.has_dst) return f.std_offset;
  // The year of standard local time; changes never happen near New Year, so this picks the
  // right pair of changes on both hemispheres.
  const auto local_day = floor<days>(sys_seconds{seconds{t + f.std_offset}});
  const int y = static_cast<int>(year_month_day{local_day}.year());
  // Each change happens at a local time read on the clock in force just before it.
  const std::int64_t start = rule_day_seconds(f.start, y) + f.start.time - f.std_offset;
  const std::int64_t end = rule_day_seconds(f.end, y) + f.end.time - f.dst_offset;
  const bool dst = start < end ? (t >= start && t < end)    // northern hemisphere
                               : (t < end || t >= start);  // southern: DST spans New Year
  return dst ? f.dst_offset : f.std_offset;
}

// ---- TZif (RFC 8536) ----------------------------------------------------------------------

class Bytes {
 public:
  explicit Bytes(std::string_view b) : b_(b) {}
  bool have(std::size_t n) const { return b_.size() - i_ >= n; }
  std::size_t pos() const { return i_; }
  void skip(std::size_t n) { i_ += n; }
  std::uint32_t u32() {
    std::uint32_t v = 0;
    for (int k = 0; k < 4; ++k) v = (v << 8) | static_cast<unsigned char>(b_[i_++]);
    return v;
  }
  std::int64_t i64() {
    std::uint64_t v = 0;
    for (int k = 0; k < 8; ++k) v = (v << 8) | static_cast<unsigned char>(b_[i_++]);
    return static_cast<std::int64_t>(v);
  }
  unsigned char u8() { return static_cast<unsigned char>(b_[i_++]); }
  std::string_view rest() const { return b_.substr(i_); }

 private:
  std::string_view b_;
  std::size_t i_ = 0;
};

struct Header {
  char version = 0;
  std::uint32_t isutcnt = 0, isstdcnt = 0, leapcnt = 0, timecnt = 0, typecnt = 0, charcnt = 0;
};

std::optional<Header> header(Bytes& b) {
  if (!b.have(44) || b.rest().substr(0, 4) != "TZif") return std::nullopt;
  Header h;
  b.skip(4);
  h.version = static_cast<char>(b.u8());
  b.skip(15);
  h.isutcnt = b.u32();
  h.isstdcnt = b.u32();
  h.leapcnt = b.u32();
  h.timecnt = b.u32();
  h.typecnt = b.u32();
  h.charcnt = b.u32();
  return h;
}

bool valid_zone_name(std::string_view n) {
  if (n.empty() || n.front() == '/' || n.back() == '/') return false;
  for (char c : n) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '/' || c == '_' || c == '-' || c == '+';
    if (!ok) return false;
  }
  // No "." at all, so no ".." either: a name cannot leave the zoneinfo directory.
  return n.find("//") == std::string_view::npos;
}

}  // namespace

std::string TimeZone::default_dir() {
  const char* d = std::getenv("TZDIR");
  return d && *d ? std::string(d) : std::string("/usr/share/zoneinfo");
}

result<TimeZone> TimeZone::load(std::string_view name, const std::string& dir) {
  const std::string n(name);
  if (!valid_zone_name(name))
    return make_error("bad time zone name \"" + n + "\" (a tzdata name like Europe/Berlin or UTC)");
  const std::string path = dir + "/" + n;
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return make_error("unknown time zone \"" + n + "\" (no " + path +
                      "; names as in tzdata, e.g. Europe/Berlin, America/New_York, UTC)");
  constexpr std::size_t max_size = 1 << 20;  // real zones are < 4 KiB; a directory reads as error
  std::string bytes;
  bytes.resize(max_size);
  in.read(bytes.data(), static_cast<std::streamsize>(max_size));
  if (in.bad()) return make_error("time zone \"" + n + "\": cannot read " + path);
  bytes.resize(static_cast<std::size_t>(in.gcount()));
  return parse(name, bytes);
}

result<TimeZone> TimeZone::parse(std::string_view name, std::string_view tzif) {
  const std::string n(name);
  auto bad = [&](const std::string& why) {
    return make_error("time zone \"" + n + "\": " + why);
  };
  Bytes b(tzif);
  auto h1 = header(b);
  if (!h1) return bad("not a TZif file");
  if (h1->version == '\0') return bad("TZif version 1 file (needs version 2 or later)");
  const std::uint64_t v1_size = std::uint64_t{h1->timecnt} * 5 + std::uint64_t{h1->typecnt} * 6 +
                                h1->charcnt + std::uint64_t{h1->leapcnt} * 8 + h1->isstdcnt +
                                h1->isutcnt;
  if (!b.have(v1_size)) return bad("truncated TZif file");
  b.skip(v1_size);
  auto h = header(b);
  if (!h) return bad("truncated TZif file (no version 2 header)");
  if (h->leapcnt != 0)
    return bad("leap-second (\"right/\") zones are not supported: use the zone without right/");
  if (h->typecnt == 0) return bad("TZif file without local time types");
  const std::uint64_t size = std::uint64_t{h->timecnt} * 9 + std::uint64_t{h->typecnt} * 6 +
                             h->charcnt + h->isstdcnt + h->isutcnt;
  if (!b.have(size)) return bad("truncated TZif file");

  auto d = std::make_shared<Data>();
  d->name = n;
  d->transitions.reserve(h->timecnt);
  for (std::uint32_t i = 0; i < h->timecnt; ++i) {
    d->transitions.push_back(b.i64());
    if (i > 0 && d->transitions[i] <= d->transitions[i - 1]) return bad("transitions out of order");
  }
  std::vector<unsigned char> idx;
  idx.reserve(h->timecnt);
  for (std::uint32_t i = 0; i < h->timecnt; ++i) {
    idx.push_back(b.u8());
    if (idx.back() >= h->typecnt) return bad("transition to an unknown local time type");
  }
  std::vector<std::int32_t> utoff;
  for (std::uint32_t i = 0; i < h->typecnt; ++i) {
    utoff.push_back(static_cast<std::int32_t>(b.u32()));
    b.skip(2);  // isdst, desigidx: a schedule needs only the offset
  }
  b.skip(std::size_t{h->charcnt} + h->isstdcnt + h->isutcnt);
  d->initial = utoff[0];
  for (auto i : idx) d->offsets.push_back(utoff[i]);

  // Footer: "\n" TZ-string "\n"; an empty string means "no rule beyond the table".
  auto rest = b.rest();
  if (rest.size() < 2 || rest.front() != '\n') return bad("TZif file without its footer");
  auto nl = rest.find('\n', 1);
  if (nl == std::string_view::npos) return bad("TZif footer without its final newline");
  auto tz = rest.substr(1, nl - 1);
  if (!tz.empty()) {
    auto f = TzStringParser(tz).parse();
    if (!f) return bad("footer \"" + std::string(tz) + "\" is not a POSIX TZ string this reader understands");
    d->footer = *f;
  }
  return TimeZone(std::move(d));
}

const std::string& TimeZone::name() const { return d_->name; }

std::int64_t TimeZone::utc_offset(SysTime t) const {
  return utc_offset(floor<seconds>(t).time_since_epoch().count());
}

std::int64_t TimeZone::utc_offset(std::int64_t t) const {
  const auto& tr = d_->transitions;
  if (tr.empty() || t > tr.back()) {
    if (d_->footer.present) return footer_offset(d_->footer, t);
    return tr.empty() ? d_->initial : d_->offsets.back();
  }
  if (t < tr.front()) return d_->initial;
  // The last transition at or before t.
  auto it = std::upper_bound(tr.begin(), tr.end(), t);
  return d_->offsets[static_cast<std::size_t>(std::distance(tr.begin(), it)) - 1];
}

}  // namespace vw
