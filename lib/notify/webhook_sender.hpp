#pragma once
// Delivery to one webhook: Alertmanager 0.25's webhook v4 message, one alert instance per POST
// (its own group: groupKey and groupLabels are the alert's full label set, what Alertmanager
// sends with `group_by: ['...']`), so a receiver written for Alertmanager works unchanged and
// can deduplicate on groupKey + fingerprint across vaultwatch instances. Firing alerts (state
// changes and periodic re-sends) always; resolved ones once, when send_resolved. Custom
// headers; with hmac_secret_file, `X-Vaultwatch-Signature: sha256=<hex HMAC-SHA256 of the
// body>`. 2xx is success, 5xx and network errors are retried (the Receiver backs off), other
// statuses (4xx) are final — Alertmanager's own webhook retry rule.
#include <map>
#include <memory>
#include <string>

#include "core/duration.hpp"
#include "notify/sender.hpp"

namespace vw::notify {

/// One webhook (notify.webhooks[] in the config).
struct WebhookOptions {
  std::string name;
  std::string url;
  bool send_resolved = true;
  Duration timeout = std::chrono::seconds(10);
  std::map<std::string, std::string> headers;
  std::string hmac_secret_file;
  std::size_t max_alerts = 0;  // 0 = all
  bool operator==(const WebhookOptions&) const = default;
};

class WebhookSender final : public Sender {
 public:
  static constexpr std::string_view signature_header = "X-Vaultwatch-Signature";

  /// Fails when the URL, its TLS context or the HMAC secret file are unusable.
  static result<std::unique_ptr<WebhookSender>> create(const WebhookOptions& cfg,
                                                       std::string external_url,
                                                       const std::string& user_agent);

  const char* kind() const override { return "webhook"; }
  bool wants(const AlertNotification& n) const override;
  std::size_t max_batch() const override { return 1; }
  bool retries() const override { return true; }
  result<http::Request> build(const std::vector<QueuedNotification>& batch) const override;
  Verdict judge(const http::Outcome& outcome) const override;
  std::shared_ptr<const http::Client> client() const override { return client_; }
  std::string endpoint() const override { return origin_; }

 private:
  WebhookSender(WebhookOptions cfg, std::string external_url, std::string target,
                std::string origin, std::shared_ptr<const http::Client> client)
      : cfg_(std::move(cfg)),
        external_url_(std::move(external_url)),
        target_(std::move(target)),
        origin_(std::move(origin)),
        client_(std::move(client)) {}
  WebhookOptions cfg_;
  std::string external_url_;
  std::string target_;  // the URL's path exactly as written (percent-encoding, trailing '/')
  std::string origin_;
  std::shared_ptr<const http::Client> client_;
};

/// "sha256=<lowercase hex HMAC-SHA256(secret, body)>".
std::string hmac_sha256_signature(std::string_view secret, std::string_view body);

}  // namespace vw::notify
