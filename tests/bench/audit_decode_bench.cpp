// Decode + classify throughput (SPEC §9: audit decode alone >= 1 GB/s). The input is a log made
// by tests/tools/gen_audit.py (realistic Vault entries, both key layouts), or the file named by
// $VW_BENCH_AUDIT_FILE. Bytes/s counts every byte of every line, newline included.
#include <benchmark/benchmark.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "audit/classifier.hpp"
#include "audit/decoder.hpp"
#include "audit/pipeline.hpp"
#include "daemon/rotation_service.hpp"
#include "config/rules_config.hpp"
#include "rules/engine.hpp"

namespace {

using namespace vw::audit;

struct Corpus {
  std::string buf;  // the whole log, followed by line_padding bytes
  std::vector<std::string_view> lines;
  std::size_t bytes = 0;
};

// "old"/"new": gen_audit.py's mix; "rotation": gen_rotation_audit.py (KV v2 reads and rotations
// of 12 secrets by 40 consumers, new layout), what the rotation tracker works hardest on.
std::string generate(const std::string& layout) {
  const std::string cmd =
      layout == "rotation"
          ? std::string("python3 " VW_SOURCE_DIR "/tests/tools/gen_rotation_audit.py --events 10000 --seed 7 --layout new")
          : "python3 " VW_SOURCE_DIR "/tests/tools/gen_audit.py --entries 20000 --seed 7 --root-every 500 --layout " + layout;
  std::string out;
  if (FILE* p = ::popen(cmd.c_str(), "r")) {
    char b[65536];
    for (std::size_t n; (n = std::fread(b, 1, sizeof b, p)) > 0;) out.append(b, n);
    ::pclose(p);
  }
  return out;
}

const Corpus& corpus(const std::string& layout) {
  static std::map<std::string, Corpus> cache;
  auto& c = cache[layout];
  if (!c.lines.empty()) return c;
  const char* file = std::getenv("VW_BENCH_AUDIT_FILE");
  if (file && *file) {
    std::ifstream in(file, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    c.buf = ss.str();
  } else {
    c.buf = generate(layout);
  }
  c.bytes = c.buf.size();
  c.buf.append(line_padding, ' ');
  std::string_view all(c.buf.data(), c.bytes);
  while (!all.empty()) {
    auto nl = all.find('\n');
    if (nl == std::string_view::npos) break;
    c.lines.push_back(all.substr(0, nl));
    all.remove_prefix(nl + 1);
  }
  if (c.lines.empty()) std::fprintf(stderr, "no input: is python3 installed?\n");
  return c;
}

Classifier classifier() {
  ClassifierOptions o;
  o.watch = {{"cwiq-shared", {"secret/data/cwiq/shared/**"}}, {"policies", {"sys/policies/**"}}};
  o.ignore_display_names = {"vaultwatch"};
  return *Classifier::create(o);
}

void report(benchmark::State& state, const Corpus& c) {
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * c.bytes));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * c.lines.size()));
  state.SetLabel(decoder_kernel());
}

void BM_Decode(benchmark::State& state, std::string layout) {
  const auto& c = corpus(layout);
  Decoder d;
  AuditEntryView v;
  std::size_t errors = 0;
  for (auto _ : state) {
    for (auto l : c.lines) errors += d.decode_padded(l, v).has_value();
    benchmark::DoNotOptimize(v);
  }
  if (errors) state.SkipWithError("decode errors");
  report(state, c);
}

void BM_DecodeClassify(benchmark::State& state, std::string layout) {
  const auto& c = corpus(layout);
  Decoder d;
  auto cl = classifier();
  AuditEntryView v;
  Classification k;
  for (auto _ : state) {
    for (auto l : c.lines) {
      if (!d.decode_padded(l, v)) cl.classify(v, k);
    }
    benchmark::DoNotOptimize(k);
  }
  report(state, c);
}

// The daemon's audit pipeline without a file: the benchmark hands lines to on_line().
struct BenchPipeline {
  vw::net::io_context io;
  std::vector<std::shared_ptr<prometheus::Collectable>> families;
  vw::audit::AuditMetrics metrics = vw::audit::build_audit_metrics(families);
  std::size_t delivered = 0;
  std::unique_ptr<AuditPipeline> pipeline;

  /// `sink` empty: the events are counted (no rules).
  explicit BenchPipeline(AuditPipeline::ViewTap tap = {}, AuditPipeline::Sink sink = {}) {
    AuditPipelineOptions o;
    o.tailer.path = "/nonexistent/bench.log";
    o.classifier.watch = {{"cwiq-shared", {"secret/data/cwiq/shared/**"}}};
    if (!sink) sink = [this](const vw::AuditEvent& e) { delivered += e.path.size(); };
    pipeline = std::move(*AuditPipeline::create(io.get_executor(), o, metrics, std::make_shared<spdlog::logger>("bench"),
                                                std::move(sink), {}, std::move(tap)));
  }
};

// Everything the daemon does per line: decode, classify, count into the Prometheus families,
// materialise the AuditEvent for the rules sink.
void BM_Pipeline(benchmark::State& state, std::string layout) {
  const auto& c = corpus(layout);
  BenchPipeline b;
  for (auto _ : state) {
    for (auto l : c.lines) b.pipeline->on_line(l);
  }
  benchmark::DoNotOptimize(b.delivered);
  report(state, c);
}

// The pipeline with rotation tracking on (issue 13: >= 90 % of the ingest speed without it):
// every entry also goes through the daemon's RotationService (tracker, pickup histogram, the
// coalesced rebuild of the rules' input; the io_context runs every 256 lines, as between the
// tailer's chunks). `tracked` false: the same with rotation.secrets empty (the tap returns at once).
// `with_rules`: the pipeline feeds the rule engine with every built-in rule (as
// BM_PipelineRules/1), the daemon's whole ingest; without, the bare pipeline, where the
// tracker's cost is compared with the least work (the conservative ratio).
void pipeline_rotation(benchmark::State& state, const std::string& layout, bool tracked, bool with_rules) {
  const auto& c = corpus(layout);
  std::optional<vw::rules::Engine> engine;
  if (with_rules)
    engine.emplace(vw::config::defaults_with_rules([](const std::string&) -> std::optional<std::string> {
                     return std::nullopt;
                   }).config.rules,
                   vw::rules::EngineOptions{});
  std::size_t transitions = 0, pushes = 0;
  vw::daemon::RotationService* rotation = nullptr;
  AuditPipeline::Sink sink;
  if (engine) sink = [&](const vw::AuditEvent& e) { transitions += engine->observe(e, e.time).size(); };
  // As the daemon wires it (app_components.cpp): prepare before the sink, the entry after it.
  BenchPipeline b({[&](const AuditEntryView& v) { rotation->prepare(v); },
                   [&](const AuditEntryView& v) { rotation->on_entry(v); }},
                  std::move(sink));
  vw::telemetry::Telemetry telemetry;
  vw::daemon::RotationServiceOptions ro;
  if (tracked)
    for (const char* g : {"secret/data/**", "team/kv/data/**"}) ro.tracker.secrets.push_back(*vw::Glob::compile(g));
  vw::daemon::RotationService service(b.io.get_executor(), telemetry, ro, std::make_shared<spdlog::logger>("bench"),
                                      [&](const vw::rules::RotationObservation& o) {
                                        ++pushes;
                                        if (engine) transitions += engine->observe(o, vw::SysTime::clock::now()).size();
                                      });
  rotation = &service;
  service.start();
  for (auto _ : state) {
    std::size_t n = 0;
    for (auto l : c.lines) {
      b.pipeline->on_line(l);
      if (++n % 256 == 0) b.io.poll();
    }
    b.io.poll();
  }
  benchmark::DoNotOptimize(b.delivered);
  benchmark::DoNotOptimize(transitions);
  state.counters["pushes"] = static_cast<double>(pushes);
  report(state, c);
}

void BM_PipelineRotation(benchmark::State& state, std::string layout, bool tracked) {
  pipeline_rotation(state, layout, tracked, false);
}
void BM_PipelineRulesRotation(benchmark::State& state, std::string layout, bool tracked) {
  pipeline_rotation(state, layout, tracked, true);
}

// Ingest with the rules (issue 14: the built-in set with its four behavioural rules must keep
// >= 80 % of the ingest rate without them): the pipeline above feeding the rule engine, each
// entry evaluated at its own time (live). arg 0: built-in rules without the behavioural ones;
// 1: all built-in rules.
void BM_PipelineRules(benchmark::State& state) {
  const auto& c = corpus("new");
  auto defaults = vw::config::defaults_with_rules([](const std::string&) -> std::optional<std::string> { return std::nullopt; });
  auto rules = defaults.config.rules;
  if (state.range(0) == 0)
    std::erase_if(rules, [](const vw::rules::Rule& r) { return vw::rules::behaviour_of(r.condition) != nullptr; });
  vw::rules::Engine engine(rules, {});
  vw::net::io_context io;
  std::vector<std::shared_ptr<prometheus::Collectable>> families;
  auto metrics = vw::audit::build_audit_metrics(families);
  AuditPipelineOptions o;
  o.tailer.path = "/nonexistent/bench.log";
  o.classifier.watch = {{"cwiq-shared", {"secret/data/cwiq/shared/**"}}};
  std::size_t transitions = 0;
  auto p = AuditPipeline::create(io.get_executor(), o, metrics, std::make_shared<spdlog::logger>("bench"),
                                 [&](const vw::AuditEvent& e) { transitions += engine.observe(e, e.time).size(); });
  for (auto _ : state) {
    for (auto l : c.lines) (*p)->on_line(l);
  }
  benchmark::DoNotOptimize(transitions);
  report(state, c);
}

}  // namespace

BENCHMARK_CAPTURE(BM_Pipeline, rotation_log, std::string("rotation"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_PipelineRotation, rotation_log_off, std::string("rotation"), false)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_PipelineRotation, rotation_log_on, std::string("rotation"), true)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_PipelineRotation, new_layout_off, std::string("new"), false)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_PipelineRotation, new_layout_on, std::string("new"), true)->Unit(benchmark::kMillisecond);

BENCHMARK_CAPTURE(BM_PipelineRulesRotation, new_layout_off, std::string("new"), false)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_PipelineRulesRotation, new_layout_on, std::string("new"), true)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PipelineRules)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Decode, old_layout, std::string("old"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Decode, new_layout, std::string("new"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_DecodeClassify, old_layout, std::string("old"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_DecodeClassify, new_layout, std::string("new"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Pipeline, old_layout, std::string("old"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Pipeline, new_layout, std::string("new"))->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
