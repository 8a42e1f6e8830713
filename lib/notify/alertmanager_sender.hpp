#pragma once
// Delivery to one Alertmanager: POST {url}/api/v2/alerts with a JSON array of at most 64 alerts
// (Prometheus' batch size up to 3.3), Content-Type application/json, optional basic auth
// (password_file) or bearer token (bearer_token_file), TLS options, one deadline per request.
// Any 2xx is success. Nothing is retried: the rule engine re-sends every firing alert each
// resend_interval with endsAt = now + 4 x resend_interval, so the next re-send carries it again
// (Prometheus' design).
#include <memory>
#include <string>

#include "core/duration.hpp"
#include "http/tls.hpp"
#include "notify/sender.hpp"

namespace vw::notify {

/// One Alertmanager (notify.alertmanagers[] in the config).
struct AlertmanagerOptions {
  std::string url;
  Duration timeout = std::chrono::seconds(10);
  http::TlsClientOptions tls;
  std::string basic_auth_username;
  std::string basic_auth_password_file;
  std::string bearer_token_file;
  bool operator==(const AlertmanagerOptions&) const = default;
};

class AlertmanagerSender final : public Sender {
 public:
  static constexpr std::size_t batch_size = 64;

  /// Fails when the URL, the TLS files or the credential files are unusable (startup problem).
  static result<std::unique_ptr<AlertmanagerSender>> create(const AlertmanagerOptions& cfg,
                                                            const std::string& user_agent);

  const char* kind() const override { return "alertmanager"; }
  bool wants(const AlertNotification&) const override { return true; }
  std::size_t max_batch() const override { return batch_size; }
  bool retries() const override { return false; }
  result<http::Request> build(const std::vector<QueuedNotification>& batch) const override;
  Verdict judge(const http::Outcome& outcome) const override;
  std::shared_ptr<const http::Client> client() const override { return client_; }
  std::string endpoint() const override { return url_; }

 private:
  AlertmanagerSender(AlertmanagerOptions cfg, std::shared_ptr<const http::Client> client)
      : cfg_(std::move(cfg)), url_(cfg_.url), client_(std::move(client)) {}
  AlertmanagerOptions cfg_;
  std::string url_;
  std::shared_ptr<const http::Client> client_;
};

/// The receiver label of an Alertmanager: host:port, plus the path when the URL has one
/// ("am-1.example:9093", "127.0.0.1:9093/prefix"). Stable across config reordering, never
/// secret (URLs with credentials, queries or fragments are rejected by the config).
std::string alertmanager_receiver_label(const http::Url& url);

}  // namespace vw::notify
