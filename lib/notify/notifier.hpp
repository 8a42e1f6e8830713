#pragma once
// The notifier: one Receiver per configured Alertmanager and webhook (SPEC §6). notify() hands
// every alert notification to every receiver's own bounded queue and returns; each receiver
// delivers on its own, so a dead or hanging receiver never delays another.
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "core/alert.hpp"
#include "net/net.hpp"
#include "notify/alertmanager_sender.hpp"
#include "notify/backoff.hpp"
#include "notify/metrics.hpp"
#include "notify/receiver.hpp"
#include "notify/webhook_sender.hpp"

namespace spdlog {
class logger;
}

namespace vw::notify {

struct NotifierOptions {
  std::vector<AlertmanagerOptions> alertmanagers;
  std::vector<WebhookOptions> webhooks;
  Labels external_labels;      // added to every notification that lacks the label
  std::size_t queue_capacity = 10000;                   // per receiver
  Duration max_retry_duration = std::chrono::hours(1);  // retrying receivers (webhooks)
  std::string state_dir;       // spools go to <state_dir>/notify/
  std::string external_url;    // webhook `externalURL`: where this vaultwatch is reachable
  std::string user_agent = "vaultwatch";
  std::size_t spool_max_bytes = 16 * 1024 * 1024;  // per webhook
  Duration spool_delay = std::chrono::seconds(1);
  BackoffPolicy backoff;
};

/// Checks what create() would check, without building anything: TLS files, credential files
/// (for --check-config). Each problem names its config path ("notify.webhooks[0]: ...").
std::vector<std::string> check_notify_files(const NotifierOptions& cfg);

/// Owns the receivers. Receiver labels: the webhook's name; an Alertmanager's host:port (plus
/// its path, if any). Not thread-safe: io thread only. The destructor stops everything (and
/// writes the webhook spools) without waiting.
class Notifier {
 public:
  /// Builds every receiver, or fails with every problem found (URLs, TLS, credential files,
  /// duplicate receivers, spool directory).
  static result<std::unique_ptr<Notifier>> create(net::any_io_executor ex, NotifierOptions opts,
                                                  NotifyMetrics& metrics,
                                                  std::shared_ptr<spdlog::logger> log);
  ~Notifier();
  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;

  /// On a reload, before start(): takes the undelivered notifications of `previous`'s receivers
  /// that keep their label, stops `previous` (spooling what webhooks that are gone still held)
  /// and deletes the series of receivers that are gone.
  void take_over(Notifier& previous);
  /// Starts delivering: webhooks first deliver what their spool holds (unless take_over
  /// handed them their predecessor's queue).
  void start();
  /// Queues these notifications on every receiver (after adding external labels and removing
  /// empty ones). Never blocks, never does I/O.
  void notify(const std::vector<AlertNotification>& alerts);
  /// Begins a clean stop: receivers keep delivering for at most `flush`, then stop (webhooks
  /// spool what is left). Returns at once; finished() tells when all are done.
  void shutdown(Duration flush);
  /// Stops now (spools written synchronously). Idempotent.
  void stop();
  bool finished() const;

  std::vector<ReceiverStatus> status() const;

 private:
  Notifier(NotifierOptions opts, std::shared_ptr<spdlog::logger> log)
      : opts_(std::move(opts)), log_(std::move(log)) {}
  NotifierOptions opts_;
  std::shared_ptr<spdlog::logger> log_;
  std::vector<std::unique_ptr<Receiver>> receivers_;
  std::vector<std::vector<QueuedNotification>> handed_over_;  // per receiver, from take_over
  std::vector<bool> has_handover_;
  bool started_ = false;
};

}  // namespace vw::notify
