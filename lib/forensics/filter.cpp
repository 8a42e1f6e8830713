#include "forensics/filter.hpp"

#include <algorithm>
#include <cstring>

#include "audit/classifier.hpp"
#include "core/duration.hpp"

namespace vw::forensics {

namespace {

bool contains(std::string_view hay, std::string_view needle) {
  return memmem(hay.data(), hay.size(), needle.data(), needle.size()) != nullptr;
}

// Whether the line has a "\u" escape, which could encode any character of a needle. Lines with
// one are rare (Vault's Go encoder writes \u003c, \u003e, \u0026 for <, >, &), so checking this
// only for lines the needles rejected keeps the pre-filter exact at almost no cost.
bool has_unicode_escape(std::string_view line) {
  const char* p = line.data();
  const char* end = p + line.size();
  while (p < end) {
    auto* bs = static_cast<const char*>(std::memchr(p, '\\', static_cast<std::size_t>(end - p)));
    if (bs == nullptr || bs + 1 >= end) return false;
    if (bs[1] == 'u') return true;
    p = bs + 2;  // skips the escaped character, so "\\u" (an escaped backslash, then u) is no hit
  }
  return false;
}

template <class T>
bool any_equal(const std::vector<T>& set, std::string_view v) {
  return std::any_of(set.begin(), set.end(), [&](const T& s) { return s == v; });
}

}  // namespace

std::string prefilter_needle(std::string_view literal) {
  std::string_view best;
  std::size_t i = 0;
  while (i < literal.size()) {
    auto bad = [](char c) {
      return c == '/' || c == '"' || c == '\\' || c == '*' || static_cast<unsigned char>(c) < 0x20;
    };
    while (i < literal.size() && bad(literal[i])) ++i;
    std::size_t j = i;
    while (j < literal.size() && !bad(literal[j])) ++j;
    if (j - i > best.size()) best = literal.substr(i, j - i);
    i = j;
  }
  return std::string(best);
}

result<SysTime> parse_time_bound(std::string_view text, SysTime now) {
  if (auto t = parse_rfc3339(text)) return *t;
  if (text.size() == 10 && text[4] == '-' && text[7] == '-') {
    if (auto t = parse_rfc3339(std::string(text) + "T00:00:00Z")) return *t;
  }
  if (auto d = parse_duration(text)) return now - *d;
  // Not `"\"" + std::string(text)`: GCC 12 at -O3 reports a false -Wrestrict in libstdc++'s
  // operator+(const char*, std::string&&) (GCC bug 105329).
  return make_error(std::string(1, '"').append(text) +
                    "\" is not a time: use RFC 3339 (2026-11-28T10:00:00Z), a date (2026-11-28) "
                    "or a duration before now (30m, 24h, 7d)");
}

result<Filter> Filter::create(const FilterOptions& o, SysTime now) {
  Filter f;
  for (const auto& p : o.paths) {
    auto g = Glob::compile(p);
    if (!g) return make_error("--path: " + g.error().message);
    f.globs_.push_back(std::move(*g));
  }
  for (const auto& r : o.remotes) {
    auto c = IpNetwork::parse(r, IpNetwork::HostBits::allow);
    if (!c) return make_error("--remote: " + c.error().message);
    f.remotes_.push_back(std::move(*c));
  }
  if (!o.since.empty()) {
    auto t = parse_time_bound(o.since, now);
    if (!t) return make_error("--since: " + t.error().message);
    f.since_ = *t;
  }
  if (!o.until.empty()) {
    auto t = parse_time_bound(o.until, now);
    if (!t) return make_error("--until: " + t.error().message);
    f.until_ = *t;
  }
  f.operations_ = o.operations;
  f.identities_ = o.identities;
  f.policies_ = o.policies;
  f.errors_only_ = o.errors_only;
  f.type_ = o.type;

  // One needle group per flag whose every value yields a literal (a value without one, like
  // --path '**', means that flag cannot reject a raw line).
  auto add_group = [&](const std::vector<std::string>& values) {
    if (values.empty()) return;
    std::vector<std::string> group;
    for (const auto& v : values) {
      auto n = prefilter_needle(v);
      if (n.empty()) return;
      group.push_back(std::move(n));
    }
    f.needle_groups_.push_back(std::move(group));
  };
  add_group(o.paths);
  add_group(o.identities);
  add_group(o.policies);
  return f;
}

bool Filter::may_match(std::string_view line) const {
  for (const auto& group : needle_groups_) {
    bool hit = false;
    for (const auto& n : group) {
      if (contains(line, n)) {
        hit = true;
        break;
      }
    }
    if (!hit) return has_unicode_escape(line);
  }
  return true;
}

bool Filter::matches(const audit::AuditEntryView& e) const {
  if (type_ && e.type != *type_) return false;
  if (since_ && e.time < *since_) return false;
  if (until_ && e.time > *until_) return false;
  if (errors_only_ && e.error.empty() && !e.response_error) return false;
  if (!operations_.empty() && !any_equal(operations_, e.operation)) return false;
  // An entry without a path (KMIP) is on no path, not even "**".
  if (!globs_.empty() && (e.path.empty() || !match_any(globs_, e.path))) return false;
  if (!policies_.empty()) {
    bool hit = std::any_of(e.policies.begin(), e.policies.end(),
                           [&](std::string_view p) { return any_equal(policies_, p); });
    if (!hit) return false;
  }
  if (!identities_.empty()) {
    bool hit = (!e.display_name.empty() && any_equal(identities_, e.display_name)) ||
               (!e.entity_id.empty() && any_equal(identities_, e.entity_id)) ||
               std::any_of(e.metadata.begin(), e.metadata.end(),
                           [&](const auto& kv) { return any_equal(identities_, kv.second); });
    if (!hit) return false;
  }
  if (!remotes_.empty()) {
    auto a = IpAddress::from_remote_address(e.remote_address);
    if (!a) return false;
    bool hit = std::any_of(remotes_.begin(), remotes_.end(),
                           [&](const IpNetwork& c) { return c.contains(*a); });
    if (!hit) return false;
  }
  return true;
}

}  // namespace vw::forensics
