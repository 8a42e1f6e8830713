// A hand-written parser: the format is small and line-based, prometheus-cpp has no parser (it
// only serializes), and a hand-rolled one lets us parse a large body in slices between which
// the event loop runs. It follows prometheus/common expfmt's TextParser rules (text.go), which
// is what produced Vault's output in the first place.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

#include "prom_text/prom_text.hpp"

namespace vw::prom_text {

const char* to_string(MetricType t) {
  switch (t) {
    case MetricType::counter: return "counter";
    case MetricType::gauge: return "gauge";
    case MetricType::summary: return "summary";
    case MetricType::histogram: return "histogram";
    case MetricType::untyped: return "untyped";
  }
  return "untyped";
}

const char* to_string(Suffix s) {
  switch (s) {
    case Suffix::none: return "";
    case Suffix::sum: return "_sum";
    case Suffix::count: return "_count";
    case Suffix::bucket: return "_bucket";
  }
  return "";
}

const std::string* Sample::label(std::string_view name) const {
  for (const auto& l : labels)
    if (l.name == name) return &l.value;
  return nullptr;
}

bool Sample::operator==(const Sample& o) const {
  const bool same_value = value == o.value || (std::isnan(value) && std::isnan(o.value));
  return suffix == o.suffix && labels == o.labels && same_value && timestamp_ms == o.timestamp_ms;
}

namespace {

bool is_blank(char c) { return c == ' ' || c == '\t'; }

std::string_view skip_blanks(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size() && is_blank(s[i])) ++i;
  return s.substr(i);
}

bool name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':'; }
bool name_char(char c) { return name_start(c) || (c >= '0' && c <= '9'); }
bool label_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool label_char(char c) { return label_start(c) || (c >= '0' && c <= '9'); }

// Reads a metric name at the start of `s`; empty when there is none.
std::string_view read_metric_name(std::string_view s) {
  if (s.empty() || !name_start(s[0])) return {};
  std::size_t i = 1;
  while (i < s.size() && name_char(s[i])) ++i;
  return s.substr(0, i);
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::string unescape_help(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      if (s[i + 1] == '\\') {
        out += '\\';
        ++i;
        continue;
      }
      if (s[i + 1] == 'n') {
        out += '\n';
        ++i;
        continue;
      }
    }
    // Any other backslash is kept as written (expfmt would reject it; keeping it loses nothing,
    // and escape_help() writes it back out validly).
    out += s[i];
  }
  return out;
}

}  // namespace

std::optional<double> parse_value(std::string_view t) {
  if (t.empty()) return std::nullopt;
  std::string_view body = t;
  bool negative = false;
  if (body[0] == '+' || body[0] == '-') {
    negative = body[0] == '-';
    body.remove_prefix(1);
  }
  if (iequals(body, "inf") || iequals(body, "infinity"))
    return negative ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
  if (iequals(body, "nan")) return std::numeric_limits<double>::quiet_NaN();
  if (body.empty() || body[0] == '+' || body[0] == '-') return std::nullopt;
  double v = 0;
  auto [end, ec] = std::from_chars(body.data(), body.data() + body.size(), v);
  if (end != body.data() + body.size()) return std::nullopt;
  if (ec == std::errc::result_out_of_range) {
    // Go's ParseFloat returns ±Inf (with an error expfmt ignores only for huge values) and 0 for
    // underflow; follow the sign and magnitude rather than fail the whole exposition.
    v = std::strtod(std::string(body).c_str(), nullptr);
  } else if (ec != std::errc()) {
    return std::nullopt;
  }
  return negative ? -v : v;
}

bool Parser::fail(std::string why) {
  if (!error_) error_ = Error{"line " + std::to_string(line_no_) + ": " + std::move(why)};
  return false;
}

bool Parser::step(std::size_t max_bytes) {
  if (error_) return false;
  const std::size_t stop_at = pos_ + std::max<std::size_t>(max_bytes, 1);
  while (pos_ < body_.size() && pos_ < stop_at) {
    const char* start = body_.data() + pos_;
    const void* nl = std::memchr(start, '\n', body_.size() - pos_);
    const std::size_t len = nl ? static_cast<const char*>(nl) - start : body_.size() - pos_;
    std::string_view l(start, len);
    pos_ += len + (nl ? 1 : 0);
    ++line_no_;
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    if (!line(l)) return false;
  }
  return pos_ < body_.size();
}

result<std::vector<Family>> Parser::finish() && {
  while (step(std::numeric_limits<std::size_t>::max() / 2)) {}
  if (error_) return *error_;
  return std::move(families_);
}

bool Parser::line(std::string_view l) {
  l = skip_blanks(l);
  if (l.empty()) return true;
  if (l[0] == '#') return comment(l.substr(1));
  return sample(l);
}

Family& Parser::family_for(std::string_view name, bool& created) {
  created = false;
  if (auto it = index_.find(name); it != index_.end()) return families_[it->second];
  created = true;
  index_.emplace(std::string(name), families_.size());
  families_.push_back(Family{std::string(name), {}, MetricType::untyped, {}});
  state_.push_back({});
  return families_.back();
}

bool Parser::comment(std::string_view l) {
  l = skip_blanks(l);
  const bool help = l.starts_with("HELP") && (l.size() == 4 || is_blank(l[4]));
  const bool type = l.starts_with("TYPE") && (l.size() == 4 || is_blank(l[4]));
  if (!help && !type) return true;  // any other comment is ignored
  l = skip_blanks(l.substr(4));
  auto name = read_metric_name(l);
  if (name.empty()) return fail(std::string(help ? "HELP" : "TYPE") + " line without a valid metric name");
  l = l.substr(name.size());
  if (!l.empty() && !is_blank(l[0])) return fail("invalid metric name in " + std::string(help ? "HELP" : "TYPE") + " line");
  l = skip_blanks(l);
  bool created = false;
  Family& f = family_for(name, created);
  const std::size_t idx = &f - families_.data();
  State& st = state_[idx];
  if (help) {
    if (st.has_help) return fail("second HELP line for metric " + f.name);
    st.has_help = true;
    f.help = unescape_help(l);
    return true;
  }
  if (st.has_type) return fail("second TYPE line for metric " + f.name);
  if (!f.samples.empty()) return fail("TYPE line for metric " + f.name + " after its samples");
  while (!l.empty() && is_blank(l.back())) l.remove_suffix(1);
  static constexpr std::pair<std::string_view, MetricType> types[] = {
      {"counter", MetricType::counter},     {"gauge", MetricType::gauge},
      {"summary", MetricType::summary},     {"histogram", MetricType::histogram},
      {"untyped", MetricType::untyped}};
  for (const auto& [word, t] : types) {
    if (iequals(l, word)) {
      f.type = t;
      st.has_type = true;
      return true;
    }
  }
  return fail("unknown metric type \"" + std::string(l) + "\" for metric " + f.name);
}

bool Parser::sample(std::string_view l) {
  auto name = read_metric_name(l);
  if (name.empty()) return fail("invalid metric name");
  l = skip_blanks(l.substr(name.size()));

  // Which family and which of its lines this is. The family of the previous sample is checked
  // first: samples of a family are contiguous, so this avoids a hash lookup per line.
  Family* fam = nullptr;
  Suffix suffix = Suffix::none;
  auto try_family = [&](std::size_t idx) {
    Family& f = families_[idx];
    if (name == f.name) {
      fam = &f;
      suffix = Suffix::none;
      return true;
    }
    if ((f.type != MetricType::summary && f.type != MetricType::histogram) || !name.starts_with(f.name))
      return false;
    auto rest = name.substr(f.name.size());
    if (rest == "_sum") suffix = Suffix::sum;
    else if (rest == "_count") suffix = Suffix::count;
    else if (rest == "_bucket" && f.type == MetricType::histogram) suffix = Suffix::bucket;
    else return false;
    fam = &f;
    return true;
  };
  if (current_ >= families_.size() || !try_family(current_)) {
    for (std::string_view sfx : {std::string_view("_sum"), std::string_view("_count"), std::string_view("_bucket")}) {
      if (!name.ends_with(sfx)) continue;
      if (auto it = index_.find(name.substr(0, name.size() - sfx.size())); it != index_.end() && try_family(it->second)) {
        current_ = it->second;
        break;
      }
    }
    if (!fam) {
      bool created = false;
      fam = &family_for(name, created);
      current_ = fam - families_.data();
      suffix = Suffix::none;
    }
  }

  Sample s;
  s.suffix = suffix;
  if (!l.empty() && l[0] == '{') {
    l.remove_prefix(1);
    for (;;) {
      l = skip_blanks(l);
      if (l.empty()) return fail("unterminated label set");
      if (l[0] == '}') {
        l.remove_prefix(1);
        break;
      }
      if (!label_start(l[0])) return fail("invalid label name");
      std::size_t i = 1;
      while (i < l.size() && label_char(l[i])) ++i;
      Label lab;
      lab.name.assign(l.data(), i);
      l = skip_blanks(l.substr(i));
      if (l.empty() || l[0] != '=') return fail("expected '=' after label name " + lab.name);
      l = skip_blanks(l.substr(1));
      if (l.empty() || l[0] != '"') return fail("expected '\"' to open the value of label " + lab.name);
      l.remove_prefix(1);
      // Fast path: no escapes before the closing quote.
      std::size_t j = 0;
      while (j < l.size() && l[j] != '"' && l[j] != '\\') ++j;
      lab.value.assign(l.data(), j);
      while (j < l.size() && l[j] != '"') {
        // l[j] == '\\'
        if (j + 1 >= l.size()) return fail("unterminated value of label " + lab.name);
        const char e = l[j + 1];
        if (e == '\\') lab.value += '\\';
        else if (e == '"') lab.value += '"';
        else if (e == 'n') lab.value += '\n';
        else return fail("invalid escape sequence '\\" + std::string(1, e) + "' in label " + lab.name);
        j += 2;
        std::size_t k = j;
        while (k < l.size() && l[k] != '"' && l[k] != '\\') ++k;
        lab.value.append(l.data() + j, k - j);
        j = k;
      }
      if (j >= l.size()) return fail("unterminated value of label " + lab.name);
      l = skip_blanks(l.substr(j + 1));
      for (const auto& other : s.labels)
        if (other.name == lab.name) return fail("duplicate label name " + lab.name);
      s.labels.push_back(std::move(lab));
      if (!l.empty() && l[0] == ',') {
        l.remove_prefix(1);
        continue;
      }
      if (!l.empty() && l[0] == '}') {
        l.remove_prefix(1);
        break;
      }
      return fail("expected ',' or '}' after a label value");
    }
    l = skip_blanks(l);
  }

  std::size_t vend = 0;
  while (vend < l.size() && !is_blank(l[vend])) ++vend;
  if (vend == 0) return fail("missing value for metric " + std::string(name));
  auto v = parse_value(l.substr(0, vend));
  if (!v) return fail("invalid value \"" + std::string(l.substr(0, vend)) + "\" for metric " + std::string(name));
  s.value = *v;
  l = skip_blanks(l.substr(vend));
  if (!l.empty()) {
    std::size_t tend = 0;
    while (tend < l.size() && !is_blank(l[tend])) ++tend;
    std::int64_t ts = 0;
    auto [p, ec] = std::from_chars(l.data(), l.data() + tend, ts);
    if (ec != std::errc() || p != l.data() + tend) return fail("invalid timestamp for metric " + std::string(name));
    s.timestamp_ms = ts;
    if (!skip_blanks(l.substr(tend)).empty()) return fail("unexpected text after the timestamp");
  }

  if (fam->type == MetricType::summary && suffix == Suffix::none) {
    const auto* q = s.label("quantile");
    if (!q || !parse_value(*q)) return fail("summary " + fam->name + " sample without a valid quantile label");
  }
  if (fam->type == MetricType::histogram) {
    if (suffix == Suffix::none) return fail("histogram " + fam->name + " sample without _bucket, _sum or _count");
    if (suffix == Suffix::bucket) {
      const auto* le = s.label("le");
      if (!le || !parse_value(*le)) return fail("histogram " + fam->name + " bucket without a valid le label");
    }
  }
  fam->samples.push_back(std::move(s));
  return true;
}

result<std::vector<Family>> parse(std::string_view body) { return Parser(body).finish(); }

std::string escape_help(std::string_view help) {
  std::string out;
  out.reserve(help.size());
  for (char c : help) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string normalise_hostname_prefix(std::vector<Family>& families) {
  // The Go runtime gauges every Vault node emits every second (vault/core_metrics.go via
  // go-metrics' runtime stats): a reliable anchor to learn the hostname from.
  static constexpr std::string_view anchors[] = {
      "_runtime_alloc_bytes",  "_runtime_num_goroutines", "_runtime_sys_bytes",
      "_runtime_heap_objects", "_runtime_malloc_count",   "_runtime_free_count",
      "_runtime_total_gc_runs", "_runtime_total_gc_pause_ns"};
  constexpr std::string_view service = "vault_";
  std::string host;
  for (auto anchor : anchors) {
    for (const auto& f : families) {
      if (f.type != MetricType::gauge || !f.name.starts_with(service) || !f.name.ends_with(anchor)) continue;
      if (f.name.size() <= service.size() + anchor.size()) continue;  // the unprefixed gauge
      host = f.name.substr(service.size(), f.name.size() - service.size() - anchor.size());
      break;
    }
    if (!host.empty()) break;
  }
  if (host.empty()) return host;

  const std::string prefix = std::string(service) + host + "_";
  std::unordered_map<std::string, std::size_t> by_name;
  for (std::size_t i = 0; i < families.size(); ++i) by_name.emplace(families[i].name, i);
  std::vector<bool> drop(families.size(), false);
  for (std::size_t i = 0; i < families.size(); ++i) {
    Family& f = families[i];
    if (f.type != MetricType::gauge || !f.name.starts_with(prefix) || f.name.size() == prefix.size()) continue;
    std::string renamed = std::string(service) + f.name.substr(prefix.size());
    if (auto it = by_name.find(renamed); it != by_name.end() && it->second != i) {
      Family& into = families[it->second];
      if (into.type == MetricType::gauge) {
        for (auto& s : f.samples) into.samples.push_back(std::move(s));
      }
      // A family of another type under that name cannot take gauge samples: the prefixed
      // family is dropped rather than exported under a name that collides.
      drop[i] = true;
      continue;
    }
    by_name.erase(f.name);
    if (f.help == f.name) f.help = renamed;
    f.name = std::move(renamed);
    by_name.emplace(f.name, i);
  }
  std::size_t out = 0;
  for (std::size_t i = 0; i < families.size(); ++i) {
    if (drop[i]) continue;
    if (out != i) families[out] = std::move(families[i]);
    ++out;
  }
  families.resize(out);
  return host;
}

}  // namespace vw::prom_text
