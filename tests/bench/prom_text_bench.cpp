// How long a large sys/metrics body holds the event loop (issue 5): parsing 2 MB whole, one
// 256 KiB slice (what MetricsPoller parses between two yields), republishing the kept families,
// and a scrape's share (Collect + serialize). Run:
//   cmake --build build --target prom_text_bench && build/tests/bench/prom_text_bench
#include <benchmark/benchmark.h>
#include <prometheus/text_serializer.h>

#include "config/load.hpp"
#include "metrics/text_format.hpp"
#include "prom_text/prom_text.hpp"
#include "support/vault_metrics_body.hpp"
#include "vault/republish.hpp"
#include "vault/vault_metrics_collector.hpp"

namespace {

const std::string& body_2mb() {
  static const std::string b = vw::test::synthetic_vault_metrics(2 * 1024 * 1024);
  return b;
}

void BM_ParseWhole2MB(benchmark::State& state) {
  const auto& body = body_2mb();
  for (auto _ : state) {
    auto r = vw::prom_text::parse(body);
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
  state.counters["bytes"] = static_cast<double>(body.size());
}
BENCHMARK(BM_ParseWhole2MB)->Unit(benchmark::kMillisecond);

// The longest stretch the poller holds the loop while parsing: one slice.
void BM_ParseOneSlice256KiB(benchmark::State& state) {
  const auto& body = body_2mb();
  for (auto _ : state) {
    vw::prom_text::Parser p(body);
    p.step(256 * 1024);
    benchmark::DoNotOptimize(p.position());
  }
}
BENCHMARK(BM_ParseOneSlice256KiB)->Unit(benchmark::kMicrosecond);

// Keep filter (default list) + conversion of every kept family, once per poll (the poller does
// it in slices of 4096 samples; this is the whole).
void BM_RepublishDefaultKeep(benchmark::State& state) {
  auto parsed = vw::prom_text::parse(body_2mb());
  auto keep = vw::vault::KeepFilter::compile(vw::config::default_metrics_keep());
  std::size_t n = 0;
  for (auto _ : state) {
    auto r = vw::vault::republish(*parsed, *keep);
    n = r.size();
    benchmark::DoNotOptimize(r);
  }
  state.counters["families"] = static_cast<double>(n);
}
BENCHMARK(BM_RepublishDefaultKeep)->Unit(benchmark::kMillisecond);

// One conversion slice as the poller runs it: families until 4096 samples.
void BM_RepublishOneSlice(benchmark::State& state) {
  auto parsed = vw::prom_text::parse(body_2mb());
  auto keep = vw::vault::KeepFilter::compile(vw::config::default_metrics_keep());
  for (auto _ : state) {
    std::vector<prometheus::MetricFamily> out;
    std::size_t samples = 0;
    for (const auto& f : *parsed) {
      if (!vw::vault::republishable(f, *keep)) continue;
      out.push_back(vw::vault::to_metric_family(f));
      if ((samples += f.samples.size()) >= 4096) break;
    }
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_RepublishOneSlice)->Unit(benchmark::kMicrosecond);

// What a poll of a `bytes`-sized body hands the collector.
vw::vault::MetricsSample republished_sample(std::size_t bytes) {
  const auto body = vw::test::synthetic_vault_metrics(bytes);
  auto parsed = vw::prom_text::parse(body);
  vw::vault::MetricsSample s;
  s.state = vw::vault::MetricsState::available;
  auto keep = vw::vault::KeepFilter::compile(vw::config::default_metrics_keep());
  s.republished = std::make_shared<const std::vector<prometheus::MetricFamily>>(vw::vault::republish(*parsed, *keep));
  return s;
}

// A /metrics scrape's share for a body of Arg KiB: vaultwatch writes the converted families as
// text in place (metrics::render_text over the collector, a TextSource) ...
void BM_ScrapeRepublished(benchmark::State& state) {
  const auto s = republished_sample(static_cast<std::size_t>(state.range(0)) * 1024);
  auto c = std::make_shared<vw::vault::VaultMetricsCollector>();
  c->update(s);
  const std::vector<std::shared_ptr<prometheus::Collectable>> sources{c};
  std::size_t bytes = 0, lines = 0;
  for (auto _ : state) {
    auto text = vw::metrics::render_text(sources, bytes);
    bytes = text.size();
    benchmark::DoNotOptimize(text);
  }
  for (const auto& f : *s.republished) lines += f.metric.size();
  state.counters["bytes"] = static_cast<double>(bytes);
  state.counters["series_groups"] = static_cast<double>(lines);
}
BENCHMARK(BM_ScrapeRepublished)->Arg(128)->Arg(2048)->Unit(benchmark::kMillisecond);

// ... where before it copied them (Collect) and serialized them with prometheus-cpp.
void BM_ScrapeRepublishedPrometheusCpp(benchmark::State& state) {
  const auto s = republished_sample(static_cast<std::size_t>(state.range(0)) * 1024);
  vw::vault::VaultMetricsCollector c;
  c.update(s);
  for (auto _ : state) {
    auto text = prometheus::TextSerializer{}.Serialize(c.Collect());
    benchmark::DoNotOptimize(text);
  }
}
BENCHMARK(BM_ScrapeRepublishedPrometheusCpp)->Arg(128)->Arg(2048)->Unit(benchmark::kMillisecond);

void BM_CollectOnly(benchmark::State& state) {
  auto parsed = vw::prom_text::parse(body_2mb());
  vw::vault::MetricsSample s;
  s.state = vw::vault::MetricsState::available;
  auto keep = vw::vault::KeepFilter::compile(vw::config::default_metrics_keep());
  s.republished = std::make_shared<const std::vector<prometheus::MetricFamily>>(vw::vault::republish(*parsed, *keep));
  vw::vault::VaultMetricsCollector c;
  c.update(s);
  for (auto _ : state) {
    auto f = c.Collect();
    benchmark::DoNotOptimize(f);
  }
}
BENCHMARK(BM_CollectOnly)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
