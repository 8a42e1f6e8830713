#include "audit/pipeline.hpp"

#include <spdlog/spdlog.h>

#include <filesystem>

namespace vw::audit {

namespace {

std::vector<std::string> watch_names(const Classifier& c) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < c.watch_count(); ++i) out.push_back(c.watch_name(i));
  return out;
}

}  // namespace

result<std::unique_ptr<AuditPipeline>> AuditPipeline::create(net::any_io_executor ex,
                                                             AuditPipelineOptions opts,
                                                             AuditMetrics& m,
                                                             std::shared_ptr<spdlog::logger> log,
                                                             Sink sink, Activity activity, ViewTap tap) {
  auto classifier = Classifier::create(opts.classifier);
  if (!classifier) return classifier.error();
  auto tailer_opts = opts.tailer;
  auto disk_opts = opts.disk;
  if (disk_opts.path.empty()) disk_opts.path = tailer_opts.path;
  std::unique_ptr<AuditPipeline> p(
      new AuditPipeline(std::move(opts), std::move(*classifier), m, log, std::move(sink), std::move(activity), std::move(tap)));
  p->tailer_ = std::make_unique<Tailer>(ex, std::move(tailer_opts), m, std::move(log),
                                        [raw = p.get()](std::string_view line) { raw->on_line(line); });
  p->disk_ = std::make_unique<DiskMonitor>(ex, std::move(disk_opts), m, p->log_);
  return p;
}

AuditPipeline::AuditPipeline(AuditPipelineOptions opts, Classifier classifier, AuditMetrics& m,
                             std::shared_ptr<spdlog::logger> log, Sink sink, Activity activity, ViewTap tap)
    : m_(m),
      log_(std::move(log)),
      sink_(std::move(sink)),
      activity_(std::move(activity)),
      tap_(std::move(tap)),
      decoder_(std::move(opts.prefix)),
      classifier_(std::move(classifier)),
      recorder_(m, opts.mount_label_limit, watch_names(classifier_)) {
  for (auto e : {DecodeError::bad_json, DecodeError::too_long, DecodeError::missing_field})
    decode_errors_[static_cast<std::size_t>(e)] = &m_.decode_error(e);
}

AuditPipeline::~AuditPipeline() { stop(); }

void AuditPipeline::start() {
  tailer_->start();
  disk_->start();
}

void AuditPipeline::stop() {
  if (tailer_) tailer_->stop();
  if (disk_) disk_->stop();
}

void AuditPipeline::on_line(std::string_view line) {
  if (auto err = decoder_.decode_padded(line, view_)) {
    decode_errors_[static_cast<std::size_t>(*err)]->Increment();
    // Never the line itself above debug: it carries HMACs and identities.
    if (log_->should_log(spdlog::level::debug))
      log_->debug("audit line rejected: reason={} bytes={}", to_string(*err), line.size());
    if (activity_) activity_();
    return;
  }
  classifier_.classify(view_, class_);
  if (class_.skip != Skip::none) {
    if (activity_) activity_();
    return;
  }
  recorder_.record(view_, class_);
  if (tap_.before_sink) tap_.before_sink(view_);
  if (sink_) {
    materialize(view_, event_);
    sink_(event_);
  }
  if (tap_.after_sink) tap_.after_sink(view_);
}

bool tailing_enabled(const std::string& path, bool explicit_path) {
  if (path.empty()) return false;
  std::error_code ec;
  return explicit_path || std::filesystem::exists(path, ec) ||
         std::filesystem::is_directory(std::filesystem::path(path).parent_path(), ec);
}

}  // namespace vw::audit
