#include "notify/webhook_sender.hpp"

#include <boost/url/parse.hpp>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "notify/payload.hpp"

namespace vw::notify {

std::string hmac_sha256_signature(std::string_view secret, std::string_view body) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), mac, &len);
  static constexpr char hex[] = "0123456789abcdef";
  std::string out = "sha256=";
  for (unsigned i = 0; i < len; ++i) {
    out.push_back(hex[mac[i] >> 4]);
    out.push_back(hex[mac[i] & 0xF]);
  }
  return out;
}

result<std::unique_ptr<WebhookSender>> WebhookSender::create(const WebhookOptions& cfg,
                                                             std::string external_url,
                                                             const std::string& user_agent) {
  auto url = http::parse_url(cfg.url);
  if (!url) return url.error();
  // http::parse_url decodes the path and drops a trailing '/'; a webhook gets its path back
  // exactly as configured (some receivers route on the trailing slash or on %2F).
  auto raw = boost::urls::parse_absolute_uri(cfg.url);
  std::string target = raw ? std::string(raw->encoded_path()) : url->path;
  if (target.empty()) target.push_back('/');
  if (!cfg.hmac_secret_file.empty()) {
    if (auto s = read_secret_file(cfg.hmac_secret_file); !s) return s.error();
  }
  http::ClientOptions o;
  o.base = *url;
  o.base.path.clear();  // webhooks have no tls block in the config: the system trust store
  o.timeout = cfg.timeout;
  o.body_limit = 64 * 1024;  // we read the status; the body only for a log line
  o.user_agent = user_agent;
  auto client = http::Client::create(std::move(o));
  if (!client) return client.error();
  return std::unique_ptr<WebhookSender>(new WebhookSender(
      cfg, std::move(external_url), std::move(target), url->origin(),
      std::shared_ptr<const http::Client>(std::move(*client))));
}

bool WebhookSender::wants(const AlertNotification& n) const {
  // Firing: state changes and re-sends. Resolved: once, at the change, if wanted (the rule
  // engine may keep re-sending resolved alerts for Alertmanager's sake; a webhook would see
  // each as a new notification).
  if (!n.resolved) return true;
  return n.state_change && cfg_.send_resolved;
}

result<http::Request> WebhookSender::build(const std::vector<QueuedNotification>& batch) const {
  std::vector<AlertNotification> alerts;
  alerts.reserve(batch.size());
  for (const auto& q : batch) alerts.push_back(q.alert);
  WebhookMessageOptions mo;
  mo.receiver = cfg_.name;
  mo.external_url = external_url_;
  mo.max_alerts = cfg_.max_alerts;
  http::Request r;
  r.method = boost::beast::http::verb::post;
  r.target = target_;
  r.body = webhook_body(mo, alerts, alerts.empty() ? Labels{} : alerts.front().labels);
  r.headers.emplace_back("Content-Type", "application/json");
  for (const auto& [k, v] : cfg_.headers) r.headers.emplace_back(k, v);
  if (!cfg_.hmac_secret_file.empty()) {
    auto secret = read_secret_file(cfg_.hmac_secret_file);
    if (!secret) return secret.error();
    r.headers.emplace_back(std::string(signature_header), hmac_sha256_signature(secret->reveal(), r.body));
  }
  return r;
}

Verdict WebhookSender::judge(const http::Outcome& o) const {
  if (!o) return Verdict::retry;  // no answer: timeout, refused, TLS, broken response
  if (o->status >= 200 && o->status < 300) return Verdict::delivered;
  if (o->status >= 500) return Verdict::retry;
  return Verdict::reject;
}

}  // namespace vw::notify
