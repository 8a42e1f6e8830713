#pragma once
// The audit component the daemon runs: Tailer -> Decoder -> Classifier -> AuditRecorder, and
// every entry that is not skipped handed to a sink as an AuditEvent (the rules engine's input).
// Every other line (undecodable, the test probe, an ignored identity) goes to the activity
// callback instead: the log is alive even when nothing in it is for the rules.
//
// Owns the tailer, decoder, classifier, recorder and the disk monitor of the log's file system; the metrics families belong to telemetry.
// io thread only. start()/stop() like every component; stop() saves the checkpoint.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "audit/audit_metrics.hpp"
#include "audit/classifier.hpp"
#include "audit/decoder.hpp"
#include "audit/disk_monitor.hpp"
#include "audit/tailer.hpp"
#include "core/audit_event.hpp"
#include "core/result.hpp"
#include "net/net.hpp"

namespace spdlog {
class logger;
}

namespace vw::audit {

struct AuditPipelineOptions {
  TailerOptions tailer;
  DiskMonitorOptions disk;  // disk.path "" = tailer.path
  std::string prefix;
  ClassifierOptions classifier;
  std::size_t mount_label_limit = 100;
};

/// Whether the audit log is followed at all: a path set in the config file (`explicit_path`) is
/// followed even before it exists; the built-in default path is only a guess at where Vault
/// logs, followed only when it (or its directory) is there. "" turns tailing off. The
/// audit_silent rule condition depends on the same answer.
bool tailing_enabled(const std::string& path, bool explicit_path);

/// What /api/v1/status shows about the audit log.
using AuditStatus = TailerStatus;

class AuditPipeline {
 public:
  using Sink = std::function<void(const AuditEvent&)>;
  /// A line that did not reach the sink (the sink's events are activity too).
  using Activity = std::function<void()>;
  /// See every entry the sink gets, as the decoder's view (the rotation tracker needs fields the
  /// AuditEvent does not carry, e.g. kv_version); the view is valid only during the call.
  /// `before_sink` runs ahead of the sink and `after_sink` once it returned, for the same entry:
  /// a tap that looks something up in a large table can start the load in the first and use it
  /// in the second, so its cache misses overlap the rules' work instead of adding to it.
  struct ViewTap {
    std::function<void(const AuditEntryView&)> before_sink;
    std::function<void(const AuditEntryView&)> after_sink;
  };

  /// Fails only when a watch glob does not compile (config validation rejects those first).
  static result<std::unique_ptr<AuditPipeline>> create(net::any_io_executor ex,
                                                        AuditPipelineOptions opts, AuditMetrics& m,
                                                        std::shared_ptr<spdlog::logger> log,
                                                        Sink sink, Activity activity = {},
                                                        ViewTap tap = {});
  ~AuditPipeline();

  void start();
  void stop();
  AuditStatus status() const { return tailer_->status(); }

  /// Decodes, classifies, counts and delivers one line (the tailer's sink; public for tests and
  /// benchmarks that feed lines without a file).
  void on_line(std::string_view line);

 private:
  AuditPipeline(AuditPipelineOptions opts, Classifier classifier, AuditMetrics& m,
                std::shared_ptr<spdlog::logger> log, Sink sink, Activity activity, ViewTap tap);

  AuditMetrics& m_;
  std::shared_ptr<spdlog::logger> log_;
  Sink sink_;
  Activity activity_;
  ViewTap tap_;
  Decoder decoder_;
  Classifier classifier_;
  AuditRecorder recorder_;
  std::unique_ptr<Tailer> tailer_;
  std::unique_ptr<DiskMonitor> disk_;
  AuditEntryView view_;
  Classification class_;
  AuditEvent event_;  // reused: materialize() keeps its buffers from line to line
  std::array<prometheus::Counter*, 3> decode_errors_{};
};

}  // namespace vw::audit
