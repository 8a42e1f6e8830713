// The /metrics writer: exact text for each metric type and escape, and the same samples as
// prometheus-cpp's TextSerializer when both are read back by our (independent) exposition parser.
#include "metrics/text_format.hpp"

#include <gtest/gtest.h>
#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/summary.h>
#include <prometheus/text_serializer.h>

#include <cmath>
#include <limits>
#include <map>

#include "prom_text/prom_text.hpp"

namespace vw::metrics {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

MetricFamily family(std::string name, std::string help, MetricType type, std::vector<ClientMetric> m) {
  return MetricFamily{std::move(name), std::move(help), type, std::move(m)};
}

ClientMetric gauge(double v, std::vector<ClientMetric::Label> labels = {}) {
  ClientMetric m;
  m.label = std::move(labels);
  m.gauge.value = v;
  return m;
}

std::string value(double v) {
  std::string s;
  append_value(s, v);
  return s;
}

TEST(TextFormat, Values) {
  EXPECT_EQ(value(0), "0");
  EXPECT_EQ(value(1), "1");
  EXPECT_EQ(value(-2.5), "-2.5");
  EXPECT_EQ(value(0.1), "0.1");
  EXPECT_EQ(value(1764345600.123), "1764345600.123");
  EXPECT_EQ(value(std::numeric_limits<double>::quiet_NaN()), "NaN");
  EXPECT_EQ(value(HUGE_VAL), "+Inf");
  EXPECT_EQ(value(-HUGE_VAL), "-Inf");
  // Shortest round trip: every double reads back to itself.
  for (double v : {1e-300, 123456789.0, 0.30000000000000004, 9007199254740993.0, 5e-324}) {
    EXPECT_EQ(std::strtod(value(v).c_str(), nullptr), v) << value(v);
  }
}

TEST(TextFormat, GaugeCounterUntypedWithEscapes) {
  std::vector<MetricFamily> fs;
  fs.push_back(family("a_total", "Help with \\ backslash\nand newline \"quotes stay\".", MetricType::Counter, {}));
  fs[0].metric.emplace_back();
  fs[0].metric[0].counter.value = 3;
  fs[0].metric[0].label = {{"path", "a\\b\"c\nd"}, {"x", ""}};
  fs.push_back(family("b", "", MetricType::Gauge, {gauge(0.5)}));
  fs.push_back(family("c", "u", MetricType::Untyped, {}));
  fs[2].metric.emplace_back();
  fs[2].metric[0].untyped.value = 7;
  fs[2].metric[0].timestamp_ms = 1700000000000;
  EXPECT_EQ(to_text(fs),
            "# HELP a_total Help with \\\\ backslash\\nand newline \"quotes stay\".\n"
            "# TYPE a_total counter\n"
            "a_total{path=\"a\\\\b\\\"c\\nd\",x=\"\"} 3\n"
            "# TYPE b gauge\n"
            "b 0.5\n"
            "# HELP c u\n"
            "# TYPE c untyped\n"
            "c 7 1700000000000\n");
}

TEST(TextFormat, SummaryAndHistogram) {
  ClientMetric s;
  s.label = {{"op", "get"}};
  s.summary.sample_count = 2;
  s.summary.sample_sum = 1.5;
  s.summary.quantile = {{0.5, std::numeric_limits<double>::quiet_NaN()}, {0.99, 1}};
  ClientMetric h;
  h.histogram.sample_count = 4;
  h.histogram.sample_sum = 0.25;
  h.histogram.bucket = {{1, 0.005}, {3, 0.1}};  // no +Inf bucket: the writer adds it
  ClientMetric h2 = h;
  h2.label = {{"k", "v"}};
  h2.histogram.bucket.push_back({4, HUGE_VAL});  // already has +Inf: not repeated
  std::vector<MetricFamily> fs{family("s", "S", MetricType::Summary, {s}),
                               family("h", "H", MetricType::Histogram, {h, h2})};
  EXPECT_EQ(to_text(fs),
            "# HELP s S\n# TYPE s summary\n"
            "s{op=\"get\",quantile=\"0.5\"} NaN\n"
            "s{op=\"get\",quantile=\"0.99\"} 1\n"
            "s_sum{op=\"get\"} 1.5\n"
            "s_count{op=\"get\"} 2\n"
            "# HELP h H\n# TYPE h histogram\n"
            "h_bucket{le=\"0.005\"} 1\n"
            "h_bucket{le=\"0.1\"} 3\n"
            "h_bucket{le=\"+Inf\"} 4\n"
            "h_sum 0.25\n"
            "h_count 4\n"
            "h_bucket{k=\"v\",le=\"0.005\"} 1\n"
            "h_bucket{k=\"v\",le=\"0.1\"} 3\n"
            "h_bucket{k=\"v\",le=\"+Inf\"} 4\n"
            "h_sum{k=\"v\"} 0.25\n"
            "h_count{k=\"v\"} 4\n");
}

// The same registry through prometheus-cpp's serializer and ours, read back by lib/prom_text:
// identical families, samples and values (HELP differs only where prometheus-cpp fails to escape).
TEST(TextFormat, SameSamplesAsPrometheusCpp) {
  prometheus::Registry r;
  auto& c = prometheus::BuildCounter().Name("x_requests_total").Help("Requests.").Register(r);
  for (int i = 0; i < 50; ++i) c.Add({{"path", "p/" + std::to_string(i)}, {"q", "a\"b\\c"}}).Increment(i * 1.25);
  auto& g = prometheus::BuildGauge().Name("x_temperature").Help("T.").Register(r);
  g.Add({{"room", "1"}}).Set(-273.15);
  g.Add({{"room", "2"}}).Set(1e21);
  g.Add({{"room", "3"}}).Set(std::numeric_limits<double>::quiet_NaN());
  g.Add({{"room", "4"}}).Set(-HUGE_VAL);
  auto& hf = prometheus::BuildHistogram().Name("x_duration_seconds").Help("D.").Register(r);
  auto& h = hf.Add({{"ep", "health"}}, prometheus::Histogram::BucketBoundaries{0.001, 0.01, 0.1, 1});
  for (double v : {0.0005, 0.003, 0.2, 5.0}) h.Observe(v);
  auto& sf = prometheus::BuildSummary().Name("x_size_bytes").Help("S.").Register(r);
  auto& s = sf.Add({}, prometheus::Summary::Quantiles{{0.5, 0.05}, {0.9, 0.01}});
  for (double v : {1.0, 2.0, 3.0}) s.Observe(v);

  const auto families = r.Collect();
  auto ours = prom_text::parse(to_text(families));
  auto theirs = prom_text::parse(prometheus::TextSerializer{}.Serialize(families));
  ASSERT_TRUE(ours) << ours.error().message;
  ASSERT_TRUE(theirs) << theirs.error().message;
  ASSERT_EQ(ours->size(), 4u);
  // prometheus-cpp writes a histogram's _count and _sum before its buckets: compare by series.
  auto series = [](const std::vector<prom_text::Family>& fs) {
    std::map<std::string, std::string> out;
    for (const auto& f : fs) {
      out["# " + f.name] = std::string(prom_text::to_string(f.type)) + " " + f.help;
      for (const auto& smp : f.samples) {
        std::string key = f.sample_name(smp);
        for (const auto& l : smp.labels) key += "," + l.name + "=" + l.value;
        out[key] = std::isnan(smp.value) ? "NaN" : std::to_string(smp.value);
      }
    }
    return out;
  };
  EXPECT_EQ(series(*ours), series(*theirs));
  EXPECT_EQ(series(*ours).size(), 4u /*family heads*/ + 50 + 4 + (5 + 2) + (2 + 2));
}

}  // namespace
}  // namespace vw::metrics
