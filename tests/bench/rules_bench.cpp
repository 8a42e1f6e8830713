// The cost of evaluating the built-in rule set per audit entry (the rules half of the SPEC §9
// "audit line appended -> webhook POST" budget and of the ingest budget). Not a test: run
//   build/tests/bench/rules_bench
#include <benchmark/benchmark.h>

#include <fstream>
#include <string>

#include "config/rules_config.hpp"
#include "rules/engine.hpp"

namespace {

using namespace std::chrono_literals;
using vw::AuditEvent;

std::vector<vw::rules::Rule> builtin() {
  auto r = vw::config::defaults_with_rules([](const std::string&) -> std::optional<std::string> { return std::nullopt; });
  if (!r.ok()) std::abort();
  return r.config.rules;
}

AuditEvent kv_read(int i) {
  AuditEvent e;
  e.type = AuditEvent::Type::request;
  e.operation = "read";
  e.path = "secret/data/cwiq/shared/app-" + std::to_string(i % 50) + "/database";
  e.mount_point = "secret/";
  e.mount_type = "kv";
  e.display_name = "approle";
  e.policies = {"default", "app"};
  e.remote_address = "10.0.3.17";
  return e;
}

// The common case: an entry no rule matches (all 24 built-in rules are tried).
void BM_EntryMatchingNoRule(benchmark::State& state) {
  vw::rules::Engine engine(builtin(), {});
  auto now = std::chrono::system_clock::now();
  std::vector<AuditEvent> events;
  for (int i = 0; i < 64; ++i) events.push_back(kv_read(i));
  std::size_t i = 0;
  for (auto _ : state) {
    auto t = engine.observe(events[i++ & 63], now);
    benchmark::DoNotOptimize(t);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_EntryMatchingNoRule);

// A root-token entry: VaultRootTokenUsed matches, its firing alert is updated and its
// annotations re-rendered, and the notifications due are collected (what the RuleManager does).
void BM_RootTokenEntry(benchmark::State& state) {
  vw::rules::Engine engine(builtin(), {});
  auto now = std::chrono::system_clock::now();
  AuditEvent e = kv_read(1);
  e.policies = {"root"};
  e.display_name = "root";
  for (auto _ : state) {
    now += 1ms;
    auto t = engine.observe(e, now);
    auto n = engine.collect_notifications(now);
    benchmark::DoNotOptimize(t);
    benchmark::DoNotOptimize(n);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_RootTokenEntry);

// A permission-denied flood from many identities: windows, group_by and the 100-instance cap.
void BM_PermissionDeniedFlood(benchmark::State& state) {
  vw::rules::Engine engine(builtin(), {});
  auto now = std::chrono::system_clock::now();
  std::vector<AuditEvent> events;
  for (int i = 0; i < 1000; ++i) {
    auto e = kv_read(i);
    e.display_name = "approle-" + std::to_string(i % 250);
    e.error = "permission denied";
    events.push_back(e);
  }
  std::size_t i = 0;
  for (auto _ : state) {
    now += 100us;
    auto t = engine.observe(events[i++ % events.size()], now);
    benchmark::DoNotOptimize(t);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_PermissionDeniedFlood);

// ---- behavioural rules (issue 14) -----------------------------------------------------------

std::vector<vw::rules::Rule> builtin_without_behaviour() {
  auto rules = builtin();
  std::erase_if(rules, [](const vw::rules::Rule& r) { return vw::rules::behaviour_of(r.condition) != nullptr; });
  return rules;
}

// A realistic live mix: 500 identities, each from its own few networks and app paths, read as
// they are written. arg 0: the built-in set without the four behavioural rules; 1: with them.
void BM_LiveMix(benchmark::State& state) {
  vw::rules::Engine engine(state.range(0) ? builtin() : builtin_without_behaviour(), {});
  auto now = std::chrono::system_clock::now();
  std::vector<AuditEvent> events;
  for (int i = 0; i < 4096; ++i) {
    auto e = kv_read(i);
    e.display_name = "approle-" + std::to_string(i % 500);
    e.entity_id = "ent-" + std::to_string(i % 500);
    e.remote_address = "10." + std::to_string(i % 500 / 250) + "." + std::to_string(i % 250) + "." + std::to_string(i % 7);
    events.push_back(std::move(e));
  }
  std::size_t i = 0;
  for (auto _ : state) {
    now += 100us;
    auto& e = events[i++ & 4095];
    e.time = now;
    auto t = engine.observe(e, now);
    benchmark::DoNotOptimize(t);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_LiveMix)->Arg(0)->Arg(1);

long rss_kib() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return 0;
}

// Memory per learnt value (issue 14: 1 000 000 values <= 64 MB RSS): one new_value rule learns
// 1 000 keys x 1 000 networks; the RSS growth is reported per value and the run fails above
// the budget.
void BM_LearntMemory(benchmark::State& state) {
  for (auto _ : state) {
    const long before = rss_kib();
    vw::rules::NewValueCond c;
    c.common.match.types = {AuditEvent::Type::request};
    c.common.max_values = 2'000'000;
    vw::rules::Rule r;
    r.alert = "NewNetwork";
    r.condition = c;
    vw::rules::Engine engine({r}, {});
    const auto t0 = std::chrono::system_clock::now() - 1h;
    AuditEvent e = kv_read(0);
    for (int k = 0; k < 1000; ++k) {
      e.entity_id = "ent-" + std::to_string(k);
      for (int v = 0; v < 1000; ++v) {
        e.remote_address = std::to_string(1 + v / 250) + "." + std::to_string(v % 250) + "." + std::to_string(k % 250) + ".1";
        e.time = t0;  // all learning: nothing fires
        engine.observe(e, t0);
      }
    }
    const long after = rss_kib();
    const auto values = engine.learnt_stats(t0).at("NewNetwork").values;
    const double mib = static_cast<double>(after - before) / 1024;
    state.counters["values"] = static_cast<double>(values);
    state.counters["rss_MiB"] = mib;
    state.counters["bytes_per_value"] = (after - before) * 1024.0 / static_cast<double>(values);
    if (values < 1'000'000 || mib > 64) state.SkipWithError("over the 64 MB budget for 1 000 000 values");
  }
}
BENCHMARK(BM_LearntMemory)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
