#include "notify/alertmanager_sender.hpp"

#include <openssl/evp.h>

#include "notify/payload.hpp"

namespace vw::notify {

namespace {

std::string base64(std::string_view in) {
  std::string out(4 * ((in.size() + 2) / 3), '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(in.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

}  // namespace

std::string alertmanager_receiver_label(const http::Url& url) {
  std::string host = url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host;
  return host + ":" + url.port + url.path;
}

result<std::unique_ptr<AlertmanagerSender>> AlertmanagerSender::create(
    const AlertmanagerOptions& cfg, const std::string& user_agent) {
  auto url = http::parse_url(cfg.url);
  if (!url) return url.error();
  for (const auto* f : {&cfg.basic_auth_password_file, &cfg.bearer_token_file}) {
    if (f->empty()) continue;
    if (auto s = read_secret_file(*f); !s) return s.error();
  }
  http::ClientOptions o;
  o.base = *url;
  o.tls = cfg.tls;
  o.timeout = cfg.timeout;
  o.body_limit = 64 * 1024;  // Alertmanager answers with an empty body or a short error
  o.user_agent = user_agent;
  auto client = http::Client::create(std::move(o));
  if (!client) return client.error();
  return std::unique_ptr<AlertmanagerSender>(
      new AlertmanagerSender(cfg, std::shared_ptr<const http::Client>(std::move(*client))));
}

result<http::Request> AlertmanagerSender::build(const std::vector<QueuedNotification>& batch) const {
  std::vector<AlertNotification> alerts;
  alerts.reserve(batch.size());
  for (const auto& q : batch) alerts.push_back(q.alert);
  http::Request r;
  r.method = boost::beast::http::verb::post;
  r.target = "/api/v2/alerts";  // appended to the URL's own path (a path prefix works)
  r.headers.emplace_back("Content-Type", "application/json");
  if (!cfg_.bearer_token_file.empty()) {
    auto t = read_secret_file(cfg_.bearer_token_file);
    if (!t) return t.error();
    r.headers.emplace_back("Authorization", "Bearer " + t->reveal());
  } else if (!cfg_.basic_auth_username.empty()) {
    std::string password;
    if (!cfg_.basic_auth_password_file.empty()) {
      auto p = read_secret_file(cfg_.basic_auth_password_file);
      if (!p) return p.error();
      password = p->reveal();
    }
    r.headers.emplace_back("Authorization", "Basic " + base64(cfg_.basic_auth_username + ":" + password));
  }
  r.body = alertmanager_body(alerts);
  return r;
}

Verdict AlertmanagerSender::judge(const http::Outcome& o) const {
  if (o && o->status >= 200 && o->status < 300) return Verdict::delivered;
  return Verdict::reject;
}

}  // namespace vw::notify
