#include "audit/audit_metrics.hpp"

namespace vw::audit {

namespace {

// Vault's operation names (sdk/logical/request.go); anything else is exported as "other" so a
// malformed or hostile line cannot mint series. Entries without an operation (KMIP) get "", like
// the mount labels of entries without a mount.
constexpr std::array<std::string_view, 15> operations = {
    "other",  "create", "read",   "update", "patch",  "delete",      "list",
    "help",   "alias-lookahead", "resolve-role", "header", "revoke", "renew", "rollback", ""};
static_assert(operations.size() <= 16, "operation ids are 4 bits in the counter keys below");

}  // namespace

LabelCap::LabelCap(std::size_t limit) : limit_(limit) { names_.emplace_back("other"); }

std::uint32_t LabelCap::id(std::string_view value) {
  if (value == "other") return other_id;
  if (auto it = ids_.find(value); it != ids_.end()) return it->second;
  if (names_.size() - 1 >= limit_) return other_id;
  auto id = static_cast<std::uint32_t>(names_.size());
  names_.emplace_back(value);
  ids_.emplace(std::string(value), id);
  return id;
}

std::uint32_t AuditRecorder::operation_id(std::string_view op) {
  for (std::uint32_t i = 1; i < operations.size(); ++i)
    if (operations[i] == op) return i;
  return 0;
}

std::string_view AuditRecorder::operation_name(std::uint32_t id) {
  return id < operations.size() ? operations[id] : operations[0];
}

AuditRecorder::AuditRecorder(AuditMetrics& m, std::size_t mount_label_limit,
                             std::vector<std::string> watch_names)
    : m_(m), watch_names_(std::move(watch_names)) {
  m_.mount_points.set_limit(mount_label_limit);
  m_.mount_types.set_limit(mount_label_limit);
  // Admitted first, so the cap can never turn them into "other"; and compared without hashing.
  request_type_id_ = m_.entry_types.id("request");
  response_type_id_ = m_.entry_types.id("response");
}

prometheus::Counter& AuditRecorder::cached(
    std::unordered_map<std::uint64_t, prometheus::Counter*>& cache, std::uint64_t key,
    const std::function<prometheus::Counter&()>& make) {
  auto it = cache.find(key);
  if (it != cache.end()) return *it->second;
  auto& c = make();
  cache.emplace(key, &c);
  return c;
}

void AuditRecorder::record(const AuditEntryView& e, const Classification& c) {
  const std::uint32_t op = operation_id(e.operation);
  if (!have_mp_ || e.mount_point != last_mp_) {
    last_mp_.assign(e.mount_point);
    last_mp_id_ = m_.mount_points.id(e.mount_point);
    have_mp_ = true;
  }
  if (!have_mt_ || e.mount_type != last_mt_) {
    last_mt_.assign(e.mount_type);
    last_mt_id_ = m_.mount_types.id(e.mount_type);
    have_mt_ = true;
  }
  const std::uint32_t mp = last_mp_id_, mt = last_mt_id_;
  const std::uint32_t ty = e.type_name == "request"    ? request_type_id_
                           : e.type_name == "response" ? response_type_id_
                                                       : m_.entry_types.id(e.type_name);
  const auto outcome = static_cast<std::uint64_t>(c.outcome);

  // Mount label ids are below 2^14 (mount_label_limit <= 10000), type ids below 2^5,
  // operations below 2^4, outcomes below 2^2.
  const std::uint64_t ekey = outcome | std::uint64_t{op} << 2 | std::uint64_t{ty} << 6 |
                             std::uint64_t{mt} << 12 | std::uint64_t{mp} << 28;
  cached(entries_, ekey, [&]() -> prometheus::Counter& {
    return m_.entries.Add({{"type", m_.entry_types.name(ty)},
                           {"operation", std::string(operation_name(op))},
                           {"mount_type", m_.mount_types.name(mt)},
                           {"mount_point", m_.mount_points.name(mp)},
                           {"outcome", to_string(c.outcome)}});
  }).Increment();

  const double t = to_unix_seconds(e.time);
  if (t > last_entry_) {
    last_entry_ = t;
    if (!last_entry_gauge_) last_entry_gauge_ = &m_.last_entry.Add({});
    last_entry_gauge_->Set(t);
  }

  if (c.root_token) {
    auto*& r = root_[op];
    if (!r) r = &m_.root_token_uses.Add({{"operation", std::string(operation_name(op))}});
    r->Increment();
  }
  if (c.sensitive != SensitiveKind::none) {
    auto*& s = sensitive_[static_cast<std::size_t>(c.sensitive)];
    if (!s) s = &m_.sensitive.Add({{"kind", to_string(c.sensitive)}});
    s->Increment();
  }
  for (std::uint32_t w : c.watches) {
    if (w >= watch_names_.size()) continue;
    cached(watched_, std::uint64_t{w} | std::uint64_t{op} << 32 | outcome << 40,
           [&]() -> prometheus::Counter& {
             return m_.watched.Add({{"watch", watch_names_[w]},
                                    {"operation", std::string(operation_name(op))},
                                    {"outcome", to_string(c.outcome)}});
           })
        .Increment();
  }
  if (c.kv_write) {
    cached(kv_writes_, mp, [&]() -> prometheus::Counter& {
      return m_.kv_writes.Add({{"mount_point", m_.mount_points.name(mp)}});
    }).Increment();
  }
  if (c.login) {
    cached(logins_, std::uint64_t{mt} | outcome << 32, [&]() -> prometheus::Counter& {
      return m_.logins.Add({{"mount_type", m_.mount_types.name(mt)}, {"outcome", to_string(c.outcome)}});
    }).Increment();
  }
}

// The audit families are text-native (metrics::Family): with many mounts they are most of the
// series of a scrape.
AuditMetrics build_audit_metrics(std::vector<std::shared_ptr<prometheus::Collectable>>& owned) {
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
  AuditMetrics m{
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
  for (std::size_t k = 1; k < sensitive_kind_count; ++k)
    m.sensitive.Add({{"kind", to_string(static_cast<SensitiveKind>(k))}});
  return m;
}

}  // namespace vw::audit
