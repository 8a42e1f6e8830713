#include "metrics/text_format.hpp"

#include <charconv>
#include <algorithm>
#include <cmath>
#include <string_view>

namespace vw::metrics {

namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

void append_escaped(std::string& out, std::string_view s, bool quotes) {
  std::size_t start = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c != '\\' && c != '\n' && !(quotes && c == '"')) continue;
    out.append(s.substr(start, i - start));
    out += '\\';
    out += c == '\n' ? 'n' : c;
    start = i + 1;
  }
  out.append(s.substr(start));
}

void append_uint(std::string& out, std::uint64_t v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}

const char* type_name(MetricType t) {
  switch (t) {
    case MetricType::Counter: return "counter";
    case MetricType::Gauge: return "gauge";
    case MetricType::Summary: return "summary";
    case MetricType::Histogram: return "histogram";
    case MetricType::Untyped: break;
  }
  return "untyped";
}

// `name{labels[,extra_name="extra"]} ` — the part before the value.
void append_head(std::string& out, const MetricFamily& f, const ClientMetric& m, std::string_view suffix,
                 std::string_view extra_name = {}, double extra_value = 0) {
  out += f.name;
  out += suffix;
  if (!m.label.empty() || !extra_name.empty()) {
    out += '{';
    bool first = true;
    for (const auto& l : m.label) {
      if (!first) out += ',';
      first = false;
      out += l.name;
      out += "=\"";
      append_escaped(out, l.value, true);
      out += '"';
    }
    if (!extra_name.empty()) {
      if (!first) out += ',';
      out += extra_name;
      out += "=\"";
      append_value(out, extra_value);
      out += '"';
    }
    out += '}';
  }
  out += ' ';
}

void append_tail(std::string& out, const ClientMetric& m) {
  if (m.timestamp_ms != 0) {
    out += ' ';
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, m.timestamp_ms);
    out.append(buf, end);
  }
  out += '\n';
}

void append_metric(std::string& out, const MetricFamily& f, const ClientMetric& m) {
  switch (f.type) {
    case MetricType::Counter:
      append_head(out, f, m, "");
      append_value(out, m.counter.value);
      append_tail(out, m);
      return;
    case MetricType::Gauge:
      append_head(out, f, m, "");
      append_value(out, m.gauge.value);
      append_tail(out, m);
      return;
    case MetricType::Untyped:
      append_head(out, f, m, "");
      append_value(out, m.untyped.value);
      append_tail(out, m);
      return;
    case MetricType::Summary:
      for (const auto& q : m.summary.quantile) {
        append_head(out, f, m, "", "quantile", q.quantile);
        append_value(out, q.value);
        append_tail(out, m);
      }
      append_head(out, f, m, "_sum");
      append_value(out, m.summary.sample_sum);
      append_tail(out, m);
      append_head(out, f, m, "_count");
      append_uint(out, m.summary.sample_count);
      append_tail(out, m);
      return;
    case MetricType::Histogram: {
      const auto& h = m.histogram;
      for (const auto& b : h.bucket) {
        append_head(out, f, m, "_bucket", "le", b.upper_bound);
        append_uint(out, b.cumulative_count);
        append_tail(out, m);
      }
      if (h.bucket.empty() || !std::isinf(h.bucket.back().upper_bound)) {
        append_head(out, f, m, "_bucket", "le", HUGE_VAL);
        append_uint(out, h.sample_count);
        append_tail(out, m);
      }
      append_head(out, f, m, "_sum");
      append_value(out, h.sample_sum);
      append_tail(out, m);
      append_head(out, f, m, "_count");
      append_uint(out, h.sample_count);
      append_tail(out, m);
      return;
    }
  }
}

}  // namespace

void append_value(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "NaN";
  } else if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
  } else {
    char buf[32];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, end);
  }
}

void append_family(const MetricFamily& f, std::string& out) {
  {
    if (!f.help.empty()) {
      out += "# HELP ";
      out += f.name;
      out += ' ';
      append_escaped(out, f.help, false);
      out += '\n';
    }
    out += "# TYPE ";
    out += f.name;
    out += ' ';
    out += type_name(f.type);
    out += '\n';
    for (const auto& m : f.metric) append_metric(out, f, m);
  }
}

void append_text(const std::vector<MetricFamily>& families, std::string& out) {
  for (const auto& f : families) append_family(f, out);
}

std::string to_text(const std::vector<MetricFamily>& families, std::size_t size_hint) {
  std::string out;
  out.reserve(size_hint + size_hint / 8 + 4096);
  append_text(families, out);
  return out;
}

std::string render_text(const std::vector<std::shared_ptr<prometheus::Collectable>>& sources,
                        std::size_t size_hint) {
  std::vector<MetricFamily> collected;
  std::vector<const TextSource*> text_sources;
  for (const auto& c : sources) {
    if (const auto* t = dynamic_cast<const TextSource*>(c.get())) {
      text_sources.push_back(t);
      continue;
    }
    auto f = c->Collect();
    collected.insert(collected.end(), std::make_move_iterator(f.begin()), std::make_move_iterator(f.end()));
  }
  // Every family's text goes into its own slot first, then the slots are joined in name order:
  // sorting the writers themselves would need them to outlive visit_text.
  struct Slot {
    std::string name;
    std::size_t begin, end;  // range in `scratch`
  };
  std::vector<Slot> slots;
  std::string scratch;
  scratch.reserve(size_hint + size_hint / 8 + 4096);
  for (const auto& f : collected) {
    if (f.metric.empty()) continue;
    const auto begin = scratch.size();
    append_family(f, scratch);
    slots.push_back({f.name, begin, scratch.size()});
  }
  for (const auto* t : text_sources) {
    t->visit_text([&](std::string_view name, const TextSource::Writer& write) {
      const auto begin = scratch.size();
      write(scratch);
      if (scratch.size() != begin) slots.push_back({std::string(name), begin, scratch.size()});
    });
  }
  std::stable_sort(slots.begin(), slots.end(), [](const Slot& a, const Slot& b) { return a.name < b.name; });
  std::string out;
  out.reserve(scratch.size());
  for (const auto& s : slots) out.append(scratch, s.begin, s.end - s.begin);
  return out;
}

}  // namespace vw::metrics
