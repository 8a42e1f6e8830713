#include "core/duration.hpp"

#include <charconv>
#include <limits>

namespace vw {
namespace {

struct Unit {
  std::string_view name;
  std::int64_t ms;
};
// Longest names first so "ms" is not read as "m" followed by garbage.
constexpr Unit duration_units[] = {
    {"ms", 1},
    {"s", 1000},
    {"m", 60 * 1000},
    {"h", 3600 * 1000},
    {"d", 86400LL * 1000},
    {"w", 7 * 86400LL * 1000},
    {"y", 365 * 86400LL * 1000},
};

constexpr std::int64_t max_duration_ms = 100 * 365 * 86400LL * 1000;

}  // namespace

result<Duration> parse_duration(std::string_view text) {
  const auto bad = [&] {
    return make_error("must be a duration like 30s, 5m, 1h or 90d, got \"" + std::string(text) +
                      "\"");
  };
  if (text.empty()) return bad();
  if (text == "0") return Duration{0};
  std::int64_t total = 0;
  std::string_view rest = text;
  while (!rest.empty()) {
    std::int64_t n = 0;
    auto [p, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), n);
    if (ec != std::errc{} || n < 0) return bad();
    rest.remove_prefix(static_cast<std::size_t>(p - rest.data()));
    const Unit* unit = nullptr;
    for (const auto& u : duration_units) {
      if (rest.starts_with(u.name)) {
        unit = &u;
        break;
      }
    }
    if (unit == nullptr) return bad();
    rest.remove_prefix(unit->name.size());
    // Checked before adding (signed overflow is undefined), and capped well below what a
    // timer can hold: Asio converts to steady_clock nanoseconds and adds "now", so anything
    // near 292 years would overflow there and fire at once, in a loop.
    if (n > max_duration_ms / unit->ms || n * unit->ms > max_duration_ms - total)
      return make_error("must be at most 100y (a duration that long is surely a typo), got \"" +
                        std::string(text) + "\"");
    total += n * unit->ms;
  }
  return Duration{total};
}

std::string format_duration(Duration d) {
  std::int64_t ms = d.count();
  if (ms == 0) return "0s";
  std::string out;
  if (ms < 0) {
    out += '-';
    ms = -ms;
  }
  constexpr Unit parts[] = {{"d", 86400LL * 1000}, {"h", 3600 * 1000}, {"m", 60 * 1000},
                            {"s", 1000},           {"ms", 1}};
  for (const auto& u : parts) {
    if (ms >= u.ms) {
      out += std::to_string(ms / u.ms);
      out += u.name;
      ms %= u.ms;
    }
  }
  return out;
}

result<std::uint64_t> parse_size(std::string_view text) {
  const auto bad = [&] {
    return make_error("must be a size like 64KiB or 1MiB, got \"" + std::string(text) + "\"");
  };
  std::uint64_t n = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc{}) return bad();
  std::string_view unit(p, static_cast<std::size_t>(text.data() + text.size() - p));
  std::uint64_t mult = 0;
  if (unit.empty() || unit == "B") mult = 1;
  else if (unit == "KiB") mult = 1ULL << 10;
  else if (unit == "MiB") mult = 1ULL << 20;
  else if (unit == "GiB") mult = 1ULL << 30;
  else if (unit == "KB") mult = 1000;
  else if (unit == "MB") mult = 1000 * 1000;
  else if (unit == "GB") mult = 1000 * 1000 * 1000;
  else return bad();
  if (n > std::numeric_limits<std::uint64_t>::max() / mult) return bad();
  return n * mult;
}

}  // namespace vw
