#include "telemetry/telemetry.hpp"

#include <algorithm>

#include "core/version.hpp"
#include "metrics/text_format.hpp"

namespace vw::telemetry {

namespace {

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
      self_(build_self(*registry_)),
      leader_(build_leader(*registry_)) {
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
  auto text = metrics::render_text(collectables_, last_render_size_);
  last_render_size_ = text.size();
  return text;
}

std::vector<prometheus::MetricFamily> Telemetry::collect() const {
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
  return families;
}

}  // namespace vw::telemetry
