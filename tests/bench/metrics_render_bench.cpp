// A /metrics scrape's CPU cost with ~5 000 series (SPEC §9: p99 ≤ 10 ms): vaultwatch's text
// writer (metrics::render_text over text-native families) against prometheus-cpp's Collect +
// TextSerializer on the same registry contents, and the gzip step Prometheus' Accept-Encoding
// triggers. Run:
//   cmake --build build --target metrics_render_bench && build/tests/bench/metrics_render_bench
#include <benchmark/benchmark.h>
#include <prometheus/counter.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include "http/gzip.hpp"
#include "audit/audit_metrics.hpp"
#include "telemetry/telemetry.hpp"

namespace {

constexpr const char* ops[] = {"read", "list", "update", "create", "delete"};
constexpr const char* outcomes[] = {"ok", "error", "permission_denied"};

// 5 000 series shaped like vaultwatch_audit_entries_total with many mounts: 200 mounts ×
// {request,response} × 5 operations × ~2.5 outcomes, plus 250 kv_writes series.
template <typename Family>
void fill(Family& entries, Family& kv_writes) {
  int n = 0;
  for (int m = 0; n < 4750; ++m)
    for (const char* type : {"request", "response"})
      for (const char* op : ops)
        for (const char* outcome : outcomes) {
          if (n >= 4750 || (outcome[0] == 'e' && m % 2)) continue;
          entries
              .Add({{"type", type}, {"operation", op}, {"mount_type", "kv"},
                    {"mount_point", "kv-" + std::to_string(m) + "/"}, {"outcome", outcome}})
              .Increment(n++ * 7.0);
        }
  for (int m = 0; m < 250; ++m) kv_writes.Add({{"mount_point", "kv-" + std::to_string(m) + "/"}}).Increment(m);
}

vw::telemetry::Telemetry& telemetry() {
  static vw::telemetry::Telemetry t = [] {
    vw::telemetry::Telemetry t;
    std::vector<std::shared_ptr<prometheus::Collectable>> families;
    auto audit = vw::audit::build_audit_metrics(families);
    for (auto& f : families) t.add(std::move(f));
    fill(audit.entries, audit.kv_writes);
    return t;
  }();
  return t;
}

void BM_RenderVaultwatch(benchmark::State& state) {
  auto& t = telemetry();
  std::size_t bytes = 0;
  for (auto _ : state) {
    auto text = t.render();
    bytes = text.size();
    benchmark::DoNotOptimize(text);
  }
  state.counters["bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_RenderVaultwatch)->Unit(benchmark::kMillisecond);

// The same series in a prometheus-cpp registry, serialized the library's way (what /metrics
// cost before the text-native families).
void BM_RenderPrometheusCpp(benchmark::State& state) {
  prometheus::Registry r;
  auto& entries = prometheus::BuildCounter().Name("vaultwatch_audit_entries_total").Help("h").Register(r);
  auto& kv = prometheus::BuildCounter().Name("vaultwatch_audit_kv_writes_total").Help("h").Register(r);
  fill(entries, kv);
  std::size_t bytes = 0;
  for (auto _ : state) {
    auto text = prometheus::TextSerializer{}.Serialize(r.Collect());
    bytes = text.size();
    benchmark::DoNotOptimize(text);
  }
  state.counters["bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_RenderPrometheusCpp)->Unit(benchmark::kMillisecond);

void BM_Gzip(benchmark::State& state) {
  const auto text = telemetry().render();
  std::size_t bytes = 0;
  for (auto _ : state) {
    auto gz = vw::http::gzip_compress(text);
    bytes = gz.size();
    benchmark::DoNotOptimize(gz);
  }
  state.counters["bytes"] = static_cast<double>(bytes);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_Gzip)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
