// Delivery latency of the notifier alone (not a test; prints figures): notify() of one alert →
// the webhook receiver has read the whole POST (tests/webhook_sink records the arrival time on
// its own thread). One notification at a time, so this is latency, not throughput. With
// --faults, a webhook that never answers and an Alertmanager that refuses connections are
// configured too: the measured webhook must not notice them.
//   notify_bench [--count=N] [--faults]
#include <boost/asio/io_context.hpp>
#include <prometheus/registry.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "notify/notifier.hpp"
#include "webhook_sink/webhook_sink.hpp"

using namespace std::chrono_literals;

int main(int argc, char** argv) {
  int count = 2000;
  bool faults = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.starts_with("--count=")) count = std::stoi(a.substr(8));
    else if (a == "--faults") faults = true;
    else {
      std::fprintf(stderr, "usage: notify_bench [--count=N] [--faults]\n");
      return 2;
    }
  }
  vw::test::WebhookSink sink;
  sink.set_reply("/hang", {.hang = true});
  sink.start();
  auto state = std::filesystem::temp_directory_path() / ("notify_bench." + std::to_string(::getpid()));
  std::filesystem::create_directories(state);

  boost::asio::io_context ioc{1};
  prometheus::Registry registry;
  auto metrics = vw::notify::build_notify_metrics(registry);
  vw::notify::NotifierOptions o;
  o.state_dir = state.string();
  o.external_url = "http://bench:9410";
  vw::notify::WebhookOptions hook;
  hook.name = "bench";
  hook.url = sink.url("/hook");
  o.webhooks = {hook};
  if (faults) {
    vw::notify::WebhookOptions hanging;
    hanging.name = "hanging";
    hanging.url = sink.url("/hang");
    hanging.timeout = 60s;
    o.webhooks.push_back(hanging);
    vw::notify::AlertmanagerOptions dead;
    dead.url = "http://127.0.0.1:1";
    o.alertmanagers = {dead};
  }
  auto log = std::make_shared<spdlog::logger>("bench", std::make_shared<spdlog::sinks::null_sink_mt>());
  auto n = vw::notify::Notifier::create(ioc.get_executor(), o, metrics, log);
  if (!n) {
    std::fprintf(stderr, "%s\n", n.error().message.c_str());
    return 1;
  }
  auto& notifier = **n;
  notifier.start();

  std::vector<double> ms;
  ms.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    vw::AlertNotification a;
    a.labels = {{"alertname", "BenchAlert"}, {"path", "secret/data/bench/" + std::to_string(i)}};
    a.annotations = {{"summary", "bench " + std::to_string(i)}};
    a.starts_at = std::chrono::system_clock::now();
    a.ends_at = a.starts_at + 4min;
    const auto before = sink.count("/hook");
    const auto t0 = std::chrono::system_clock::now();
    notifier.notify({a});
    const auto give_up = std::chrono::steady_clock::now() + 10s;
    while (sink.count("/hook") == before) {
      if (std::chrono::steady_clock::now() > give_up) {
        std::fprintf(stderr, "notification %d not received\n", i);
        return 1;
      }
      ioc.run_for(1ms);
    }
    ms.push_back(std::chrono::duration<double, std::milli>(sink.requests("/hook").back().received - t0).count());
    if (sink.count("/hook") > 512) sink.clear();
  }
  notifier.stop();
  sink.release_hangs();
  std::sort(ms.begin(), ms.end());
  auto q = [&](double p) { return ms[std::min(ms.size() - 1, static_cast<std::size_t>(p * ms.size()))]; };
  std::printf("notify() -> webhook POST received, %d notifications%s: p50 %.3f ms, p90 %.3f ms, "
              "p99 %.3f ms, max %.3f ms\n",
              count, faults ? " (with a hanging webhook and a dead Alertmanager)" : "", q(0.5), q(0.9),
              q(0.99), ms.back());
  std::filesystem::remove_all(state);
  return 0;
}
