#pragma once
// How one kind of receiver talks to its endpoint. Two implementations: AlertmanagerSender
// (POST /api/v2/alerts, batches, no retries) and WebhookSender (Alertmanager's webhook v4
// message, one alert per POST, retries with backoff, spool). The Receiver runs the queue and
// the delivery loop and asks its Sender what to send and what an answer means.
#include <memory>
#include <string>
#include <vector>

#include "core/redact.hpp"
#include "core/result.hpp"
#include "http/client.hpp"
#include "notify/queue.hpp"

namespace vw::notify {

/// What an attempt's outcome means for the batch.
enum class Verdict {
  delivered,  // 2xx
  retry,      // worth another try later (webhooks: 5xx, no answer)
  reject,     // final failure (webhooks: any other status; Alertmanager: anything but 2xx)
};

class Sender {
 public:
  virtual ~Sender() = default;
  /// "alertmanager" or "webhook".
  virtual const char* kind() const = 0;
  /// Whether this receiver delivers the notification at all.
  virtual bool wants(const AlertNotification& n) const = 0;
  /// Notifications per request.
  virtual std::size_t max_batch() const = 0;
  /// True: failed attempts are retried with backoff, and undelivered notifications are spooled.
  virtual bool retries() const = 0;
  /// The request for a batch. An error (e.g. an unreadable credential file) counts as a failed
  /// attempt that is worth retrying.
  virtual result<http::Request> build(const std::vector<QueuedNotification>& batch) const = 0;
  virtual Verdict judge(const http::Outcome& outcome) const = 0;
  virtual std::shared_ptr<const http::Client> client() const = 0;
  /// Where it sends, safe to log and show: Alertmanager's URL; only scheme://host:port of a
  /// webhook (webhook paths often embed a token).
  virtual std::string endpoint() const = 0;
};

/// The content of a credential file (password_file, bearer_token_file, hmac_secret_file) with
/// surrounding whitespace trimmed, as Prometheus' HTTP client reads such files. Read on every
/// request, so a rotated file takes effect without a reload.
result<Secret> read_secret_file(const std::string& path);

/// "HTTP 503: <first 200 bytes of the body>" or "<kind>: <message>" for a log line / status.
std::string describe(const http::Outcome& outcome);

}  // namespace vw::notify
