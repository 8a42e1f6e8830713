#include "telemetry/telemetry.hpp"

#include <prometheus/histogram.h>
#include <prometheus/text_serializer.h>

#include <algorithm>

#include "core/version.hpp"

namespace vw::telemetry {

namespace {

vault::PollMetrics build_poll(prometheus::Registry& r) {
  return vault::PollMetrics{
      prometheus::BuildHistogram()
          .Name("vaultwatch_poll_duration_seconds")
          .Help("Duration of Vault polls, by endpoint (health, leader, metrics, token, secrets).")
          .Register(r),
      prometheus::BuildCounter()
          .Name("vaultwatch_poll_errors_total")
          .Help("Failed Vault polls by endpoint and reason (timeout, connect, tls, http_status, bad_body).")
          .Register(r),
      prometheus::BuildGauge()
          .Name("vaultwatch_last_successful_poll_timestamp_seconds")
          .Help("Unix time of the last successful poll, by endpoint.")
          .Register(r),
  };
}

SelfMetrics build_self(prometheus::Registry& r) {
  auto& ok = prometheus::BuildGauge()
                 .Name("vaultwatch_config_last_reload_successful")
                 .Help("1 if the last configuration load succeeded.")
                 .Register(r)
                 .Add({});
  auto& ts = prometheus::BuildGauge()
                 .Name("vaultwatch_config_last_reload_success_timestamp_seconds")
                 .Help("Unix time of the last successful configuration load.")
                 .Register(r)
                 .Add({});
  prometheus::BuildGauge()
      .Name("vaultwatch_build_info")
      .Help("Build information; always 1.")
      .Register(r)
      .Add({{"version", vw::version}, {"revision", vw::revision}})
      .Set(1);
  return SelfMetrics{ok, ts};
}

LeaderMetrics build_leader(prometheus::Registry& r) {
  return LeaderMetrics{
      prometheus::BuildCounter()
          .Name("vaultwatch_leader_changes_total")
          .Help("Times the leader_address reported by sys/leader changed.")
          .Register(r)
          .Add({}),
      prometheus::BuildGauge()
          .Name("vaultwatch_last_leader_change_timestamp_seconds")
          .Help("Unix time of the last observed leader change; 0 if none seen.")
          .Register(r)
          .Add({}),
  };
}

}  // namespace

Telemetry::Telemetry()
    : registry_(std::make_shared<prometheus::Registry>()),
      poll_(build_poll(*registry_)),
      self_(build_self(*registry_)),
      leader_(build_leader(*registry_)),
      notify_(notify::build_notify_metrics(*registry_)) {
  collectables_.push_back(registry_);
  collectables_.push_back(make_process_collector());
}

void Telemetry::add(std::shared_ptr<prometheus::Collectable> c) {
  collectables_.push_back(std::move(c));
}

void Telemetry::remove(const std::shared_ptr<prometheus::Collectable>& c) {
  std::erase(collectables_, c);
}

std::string Telemetry::render() const {
  std::vector<prometheus::MetricFamily> families;
  for (const auto& c : collectables_) {
    auto f = c->Collect();
    families.insert(families.end(), std::make_move_iterator(f.begin()),
                    std::make_move_iterator(f.end()));
  }
  // Families with no children would print a HELP/TYPE with no samples; drop them.
  std::erase_if(families, [](const auto& f) { return f.metric.empty(); });
  std::stable_sort(families.begin(), families.end(),
                   [](const auto& a, const auto& b) { return a.name < b.name; });
  return prometheus::TextSerializer{}.Serialize(families);
}

}  // namespace vw::telemetry
