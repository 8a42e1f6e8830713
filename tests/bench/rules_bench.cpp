// The cost of evaluating the built-in rule set per audit entry (the rules half of the SPEC §9
// "audit line appended -> webhook POST" budget and of the ingest budget). Not a test: run
//   build/tests/bench/rules_bench
#include <benchmark/benchmark.h>

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

}  // namespace

BENCHMARK_MAIN();
