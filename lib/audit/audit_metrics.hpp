#pragma once
// SPEC §4.4 audit metrics: the families (built once by build_audit_metrics, for the daemon),
// the label caps that keep their cardinality bounded, and AuditRecorder, which counts one
// classified entry with cached counter pointers so the hot path never builds a label map.
#include <prometheus/collectable.h>
#include <prometheus/counter.h>
#include <prometheus/gauge.h>

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "audit/classifier.hpp"
#include "audit/decoder.hpp"
#include "audit/entry_view.hpp"
#include "metrics/family.hpp"

namespace vw::audit {

/// Admits at most `limit` distinct values of one label; every later new value is exported as
/// "other" (so a flood of new mounts can never grow memory or series). Values once admitted stay
/// admitted. Not thread-safe: io thread only.
class LabelCap {
 public:
  static constexpr std::uint32_t other_id = 0;
  explicit LabelCap(std::size_t limit = 100);
  void set_limit(std::size_t limit) { limit_ = limit; }
  std::size_t limit() const { return limit_; }
  /// The exported id of `value` (admitting it when there is room).
  std::uint32_t id(std::string_view value);
  const std::string& name(std::uint32_t id) const { return names_[id]; }
  std::size_t admitted() const { return names_.size() - 1; }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::size_t limit_;
  std::unordered_map<std::string, std::uint32_t, Hash, std::equal_to<>> ids_;
  std::vector<std::string> names_;  // names_[0] == "other"
};

/// The audit families. Counters whose label values are a closed set (decode reasons, rotation
/// kinds, sensitive kinds) are created at 0 up front so increase() sees their first event.
/// Built once (build_audit_metrics); lives as long as its collectables. Not thread-safe: io thread only.
struct AuditMetrics {
  metrics::CounterFamily& entries;          // vaultwatch_audit_entries_total
  metrics::CounterFamily& root_token_uses;  // ..._root_token_uses_total
  metrics::CounterFamily& sensitive;        // ..._sensitive_operations_total
  metrics::CounterFamily& watched;          // ..._watched_path_requests_total
  metrics::CounterFamily& logins;           // ..._login_total
  metrics::CounterFamily& kv_writes;        // ..._kv_writes_total
  prometheus::Counter& lines;                                // ..._lines_total
  prometheus::Counter& bytes;                                // ..._bytes_total
  metrics::CounterFamily& decode_errors;    // ..._decode_errors_total{reason}
  metrics::CounterFamily& rotations;        // ..._rotations_total{kind}
  prometheus::Gauge& lag_bytes;                              // ..._lag_bytes
  metrics::GaugeFamily& last_entry;         // ..._last_entry_timestamp_seconds
  metrics::GaugeFamily& file_info;          // ..._file_info{path,inode}
  prometheus::Counter& checkpoint_failures;                  // ..._checkpoint_write_failures_total
  prometheus::Counter& open_failures;                        // ..._open_failures_total
  // Audit device health (issue 15); series present only while the tailer / disk monitor runs.
  metrics::GaugeFamily& fs_avail;            // vaultwatch_audit_filesystem_avail_bytes
  metrics::GaugeFamily& fs_size;             // ..._filesystem_size_bytes
  metrics::GaugeFamily& fs_avail_ratio;      // ..._filesystem_avail_ratio
  metrics::GaugeFamily& fs_seconds_to_full;  // ..._filesystem_seconds_to_full
  metrics::GaugeFamily& writer_on_rotated;   // vaultwatch_audit_writer_on_rotated_file

  // Caps shared by every recorder built over these families (a reload builds a new recorder;
  // the series it created before are still there, so the caps must outlive it).
  LabelCap mount_points{100};
  LabelCap mount_types{100};
  // entries_total{type}: Vault's entry type ("request", "response", "kmip-request", ...). Vault
  // has four; the cap only guards against a log that is not Vault's.
  LabelCap entry_types{entry_type_label_limit};
  static constexpr std::size_t entry_type_label_limit = 16;

  prometheus::Counter& decode_error(DecodeError e) {
    return decode_errors.Add({{"reason", to_string(e)}});
  }
};

/// Builds the audit families; `owned` receives the collectables that own them (the daemon
/// registers them with telemetry; tests render them directly). They must outlive the result.
AuditMetrics build_audit_metrics(std::vector<std::shared_ptr<prometheus::Collectable>>& owned);

/// Counts classified entries into AuditMetrics (SPEC §4.4). Caches a pointer per label
/// combination, so a line costs a few integer-keyed lookups and atomic adds, not a label map.
/// Not thread-safe: io thread only.
class AuditRecorder {
 public:
  /// `watch_names[i]` is the `watch` label of the classifier's group i.
  AuditRecorder(AuditMetrics& m, std::size_t mount_label_limit, std::vector<std::string> watch_names);

  /// Counts one entry that was not skipped.
  void record(const AuditEntryView& e, const Classification& c);

  /// Known Vault operations keep their name; none (KMIP entries) is ""; anything else "other".
  static std::uint32_t operation_id(std::string_view op);
  static std::string_view operation_name(std::uint32_t id);

 private:
  prometheus::Counter& cached(std::unordered_map<std::uint64_t, prometheus::Counter*>& cache,
                              std::uint64_t key,
                              const std::function<prometheus::Counter&()>& make);

  AuditMetrics& m_;
  std::vector<std::string> watch_names_;
  std::unordered_map<std::uint64_t, prometheus::Counter*> entries_, watched_, logins_, kv_writes_;
  std::array<prometheus::Counter*, 16> root_{};
  std::uint32_t request_type_id_ = 0, response_type_id_ = 0;
  std::array<prometheus::Counter*, sensitive_kind_count> sensitive_{};
  double last_entry_ = 0;
  prometheus::Gauge* last_entry_gauge_ = nullptr;
  // One-entry memo of the last mount_point / mount_type strings and their ids: consecutive
  // entries usually share them, and this skips hashing the string.
  std::string last_mp_, last_mt_;
  std::uint32_t last_mp_id_ = 0, last_mt_id_ = 0;
  bool have_mp_ = false, have_mt_ = false;
};

}  // namespace vw::audit
