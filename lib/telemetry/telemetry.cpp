#include "telemetry/telemetry.hpp"

#include <prometheus/histogram.h>

#include <algorithm>

#include "core/version.hpp"
#include "metrics/family.hpp"
#include "metrics/text_format.hpp"

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

// The audit families are text-native (metrics::Family): with many mounts they are most of the
// series of a scrape. They are owned by `owned` (Telemetry's collectables).
audit::AuditMetrics build_audit(std::vector<std::shared_ptr<prometheus::Collectable>>& owned) {
  auto counter = [&owned](const char* name, const char* help) -> metrics::CounterFamily& {
    auto f = std::make_shared<metrics::CounterFamily>(name, help);
    owned.push_back(f);
    return *f;
  };
  auto gauge = [&owned](const char* name, const char* help) -> metrics::GaugeFamily& {
    auto f = std::make_shared<metrics::GaugeFamily>(name, help);
    owned.push_back(f);
    return *f;
  };
  audit::AuditMetrics m{
      counter("vaultwatch_audit_entries_total",
              "Audit entries (request and response halves) by type, operation, mount and outcome."),
      counter("vaultwatch_audit_root_token_uses_total",
              "API calls made with a root token (policies contain root), by operation."),
      counter("vaultwatch_audit_sensitive_operations_total",
              "Security-sensitive API calls by kind (root generation, seal, audit/policy/auth/mount changes, ...)."),
      counter("vaultwatch_audit_watched_path_requests_total",
              "API calls on the paths of each audit.watch group, by operation and outcome."),
      counter("vaultwatch_audit_login_total", "Logins by auth method type and outcome."),
      counter("vaultwatch_audit_kv_writes_total", "KV secret writes (new versions) by mount point."),
      counter("vaultwatch_audit_lines_total", "Lines read from the audit log.").Add({}),
      counter("vaultwatch_audit_bytes_total", "Bytes read from the audit log.").Add({}),
      counter("vaultwatch_audit_decode_errors_total",
              "Audit lines skipped, by reason (bad_json, too_long, missing_field)."),
      counter("vaultwatch_audit_rotations_total",
              "Audit log rotations followed, by kind (rename, truncate, recreate)."),
      gauge("vaultwatch_audit_lag_bytes", "Audit log bytes written but not read yet.").Add({}),
      gauge("vaultwatch_audit_last_entry_timestamp_seconds",
            "The time field of the newest audit entry read."),
      gauge("vaultwatch_audit_file_info", "The audit log file being followed; always 1."),
      counter("vaultwatch_audit_checkpoint_write_failures_total",
              "Failed writes of the audit checkpoint to state_dir.")
          .Add({}),
      counter("vaultwatch_audit_open_failures_total",
              "Failed attempts to open the audit log that exists (permission denied, not a "
              "regular file); retried every second.")
          .Add({}),
      gauge("vaultwatch_audit_filesystem_avail_bytes",
            "Bytes an unprivileged writer may still use on the audit log's file system."),
      gauge("vaultwatch_audit_filesystem_size_bytes", "Size of the audit log's file system."),
      gauge("vaultwatch_audit_filesystem_avail_ratio",
            "Available bytes / size of the audit log's file system (0..1)."),
      gauge("vaultwatch_audit_filesystem_seconds_to_full",
            "Seconds until the audit log's file system is full at the current rate (linear fit "
            "over audit.disk_forecast_window); +Inf while free space is not shrinking."),
      gauge("vaultwatch_audit_writer_on_rotated_file",
            "1 while Vault still writes to a rotated-away audit log and the file at audit.path "
            "stays absent or empty beyond audit.reopen_grace (send SIGHUP)."),
  };
  for (const char* reason : {"bad_json", "too_long", "missing_field"})
    m.decode_errors.Add({{"reason", reason}});
  for (const char* kind : {"rename", "truncate", "recreate"}) m.rotations.Add({{"kind", kind}});
  for (std::size_t k = 1; k < audit::sensitive_kind_count; ++k)
    m.sensitive.Add({{"kind", audit::to_string(static_cast<audit::SensitiveKind>(k))}});
  return m;
}

}  // namespace

Telemetry::Telemetry()
    : registry_(std::make_shared<prometheus::Registry>()),
      poll_(build_poll(*registry_)),
      self_(build_self(*registry_)),
      leader_(build_leader(*registry_)),
      audit_(build_audit(collectables_)),
      notify_(notify::build_notify_metrics(*registry_)) {
  collectables_.push_back(registry_);  // after the audit families: their order does not matter
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
