// metrics::Family: the text it writes is what Collect() returns through the generic writer, and
// render_text merges text-native and Collect()-only sources in name order.
#include "metrics/family.hpp"

#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include "metrics/text_format.hpp"
#include "prom_text/prom_text.hpp"

namespace vw::metrics {
namespace {

std::string visit(const TextSource& t) {
  std::string out;
  t.visit_text([&](std::string_view, const TextSource::Writer& w) { w(out); });
  return out;
}

TEST(MetricsFamily, AddFindsOrCreatesAndTextMatchesCollect) {
  CounterFamily f("x_total", "Help \\ with\nnewline.");
  auto& a = f.Add({{"mount_point", "kv/"}, {"type", "request"}});
  auto& b = f.Add({{"mount_point", "a\"b\\c\nd"}, {"type", "response"}});
  EXPECT_EQ(&a, &f.Add({{"type", "request"}, {"mount_point", "kv/"}}));  // label order irrelevant
  a.Increment(3);
  b.Increment(0.5);
  EXPECT_EQ(f.size(), 2u);
  const auto text = visit(f);
  EXPECT_EQ(text,
            "# HELP x_total Help \\\\ with\\nnewline.\n"
            "# TYPE x_total counter\n"
            "x_total{mount_point=\"a\\\"b\\\\c\\nd\",type=\"response\"} 0.5\n"
            "x_total{mount_point=\"kv/\",type=\"request\"} 3\n");
  EXPECT_EQ(text, to_text(f.Collect()));
  auto parsed = prom_text::parse(text);
  ASSERT_TRUE(parsed);
  ASSERT_EQ(parsed->size(), 1u);
  EXPECT_EQ(*(*parsed)[0].samples[0].label("mount_point"), "a\"b\\c\nd");
}

TEST(MetricsFamily, GaugeRemoveAndEmpty) {
  GaugeFamily g("g", "G.");
  EXPECT_EQ(visit(g), "");  // no series, no HELP/TYPE
  EXPECT_TRUE(g.Collect().empty());
  auto& s = g.Add({});
  s.Set(-1.5);
  EXPECT_EQ(visit(g), "# HELP g G.\n# TYPE g gauge\ng -1.5\n");
  g.Remove(&s);
  g.Remove(&s);  // unknown now: ignored
  EXPECT_EQ(visit(g), "");
  EXPECT_THROW(g.Add({{"bad-label", "x"}}), std::invalid_argument);
  EXPECT_THROW(GaugeFamily("bad name", ""), std::invalid_argument);
}

TEST(MetricsFamily, RenderTextMergesSourcesByName) {
  auto reg = std::make_shared<prometheus::Registry>();
  prometheus::BuildGauge().Name("b_gauge").Help("B.").Register(*reg).Add({}).Set(2);
  prometheus::BuildGauge().Name("d_empty").Help("D.").Register(*reg);  // no series: left out
  auto a = std::make_shared<CounterFamily>("a_total", "A.");
  a->Add({}).Increment();
  auto c = std::make_shared<CounterFamily>("c_total", "C.");
  c->Add({{"k", "v"}});
  auto e = std::make_shared<GaugeFamily>("e", "E.");  // empty: left out
  const std::vector<std::shared_ptr<prometheus::Collectable>> sources{c, reg, a, e};
  EXPECT_EQ(render_text(sources),
            "# HELP a_total A.\n# TYPE a_total counter\na_total 1\n"
            "# HELP b_gauge B.\n# TYPE b_gauge gauge\nb_gauge 2\n"
            "# HELP c_total C.\n# TYPE c_total counter\nc_total{k=\"v\"} 0\n");
}

}  // namespace
}  // namespace vw::metrics
