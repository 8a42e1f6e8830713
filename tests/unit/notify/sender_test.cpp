// What each sender puts on the wire and how it reads answers (pure parts, no sockets).
#include <gtest/gtest.h>

#include "notify/alertmanager_sender.hpp"
#include "notify/fingerprint.hpp"
#include "notify/payload.hpp"
#include "notify/webhook_sender.hpp"
#include "support/test_support.hpp"

namespace vw::notify {
namespace {

std::string header(const http::Request& r, std::string_view name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return "<none>";
}

QueuedNotification q(bool resolved = false, bool state_change = true) {
  QueuedNotification n;
  n.alert.labels = {{"alertname", "VaultSealed"}, {"instance", "vault-1"}};
  n.alert.annotations = {{"summary", "sealed"}};
  n.alert.starts_at = *parse_rfc3339("2026-11-28T11:58:38Z");
  n.alert.ends_at = *parse_rfc3339("2026-11-28T12:02:38Z");
  n.alert.resolved = resolved;
  n.alert.state_change = state_change;
  n.fingerprint = fingerprint(n.alert.labels);
  return n;
}

http::Outcome status(unsigned s) {
  http::Response r;
  r.status = s;
  return r;
}

TEST(WebhookSender, SendsFiringAlwaysAndResolvedOnceWhenAsked) {
  WebhookOptions c{.name = "ops", .url = "http://127.0.0.1:1/hook"};
  auto on = WebhookSender::create(c, "", "ua");
  ASSERT_TRUE(on);
  c.send_resolved = false;
  auto off = WebhookSender::create(c, "", "ua");
  ASSERT_TRUE(off);
  struct Case {
    bool resolved, state_change, with_send_resolved, without;
  } cases[] = {
      {false, true, true, true},    // newly firing
      {false, false, true, true},   // re-send of a firing alert
      {true, true, true, false},    // resolved now
      {true, false, false, false},  // re-send of a resolved alert (for Alertmanager only)
  };
  for (const auto& k : cases) {
    EXPECT_EQ((*on)->wants(q(k.resolved, k.state_change).alert), k.with_send_resolved);
    EXPECT_EQ((*off)->wants(q(k.resolved, k.state_change).alert), k.without);
  }
}

TEST(WebhookSender, RetriesServerErrorsAndNetworkFailuresButNotClientErrors) {
  auto s = WebhookSender::create({.name = "ops", .url = "http://127.0.0.1:1/"}, "", "ua");
  ASSERT_TRUE(s);
  EXPECT_EQ((*s)->judge(status(200)), Verdict::delivered);
  EXPECT_EQ((*s)->judge(status(204)), Verdict::delivered);
  EXPECT_EQ((*s)->judge(status(500)), Verdict::retry);
  EXPECT_EQ((*s)->judge(status(503)), Verdict::retry);
  EXPECT_EQ((*s)->judge(status(400)), Verdict::reject);
  EXPECT_EQ((*s)->judge(status(404)), Verdict::reject);
  EXPECT_EQ((*s)->judge(status(429)), Verdict::reject);
  EXPECT_EQ((*s)->judge(status(302)), Verdict::reject);
  EXPECT_EQ((*s)->judge(http::Failure{http::FailureKind::connect, "refused"}), Verdict::retry);
  EXPECT_EQ((*s)->judge(http::Failure{http::FailureKind::timeout, "deadline"}), Verdict::retry);
}

TEST(WebhookSender, BuildsTheV4MessageWithHeadersAndSignature) {
  test::TempDir dir;
  test::write_file(dir / "secret", "s3cret\n");
  WebhookOptions c{.name = "ops", .url = "https://hooks.example:8443/services/T0/B1/xyz/"};
  c.headers = {{"X-Team", "vault"}, {"Authorization", "Bearer abc"}};
  c.hmac_secret_file = (dir / "secret").string();
  auto s = WebhookSender::create(c, "http://vw-1:9410", "vaultwatch/1");
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ((*s)->endpoint(), "https://hooks.example:8443") << "never the path: it may hold a token";
  auto r = (*s)->build({q()});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->method, boost::beast::http::verb::post);
  EXPECT_EQ(r->target, "/services/T0/B1/xyz/") << "path kept exactly, trailing slash included";
  EXPECT_EQ(header(*r, "Content-Type"), "application/json");
  EXPECT_EQ(header(*r, "X-Team"), "vault");
  EXPECT_EQ(header(*r, "Authorization"), "Bearer abc");
  EXPECT_EQ(header(*r, "X-Vaultwatch-Signature"), hmac_sha256_signature("s3cret", r->body));
  auto a = q().alert;
  EXPECT_EQ(r->body, webhook_body({"ops", "http://vw-1:9410", 0}, std::span(&a, 1), a.labels));
  // The secret file is read per request: a rotation applies to the next one.
  test::write_file(dir / "secret", "rotated");
  auto r2 = (*s)->build({q()});
  ASSERT_TRUE(r2);
  EXPECT_EQ(header(*r2, "X-Vaultwatch-Signature"), hmac_sha256_signature("rotated", r2->body));
  std::filesystem::remove(dir / "secret");
  EXPECT_FALSE((*s)->build({q()}));
}

TEST(WebhookSender, RootUrlPostsToSlash) {
  auto s = WebhookSender::create({.name = "ops", .url = "http://127.0.0.1:9"}, "", "ua");
  ASSERT_TRUE(s);
  EXPECT_EQ((*s)->build({q()})->target, "/");
}

TEST(WebhookSender, UnreadableSecretFileIsAStartupError) {
  WebhookOptions c{.name = "ops", .url = "http://127.0.0.1:9/"};
  c.hmac_secret_file = "/nonexistent/secret";
  auto s = WebhookSender::create(c, "", "ua");
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("/nonexistent/secret"), std::string::npos);
}

TEST(HmacSignature, IsHexHmacSha256) {
  // RFC 4231 test case 2.
  EXPECT_EQ(hmac_sha256_signature("Jefe", "what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(AlertmanagerSender, PostsBatchesToApiV2WithAuth) {
  test::TempDir dir;
  test::write_file(dir / "pw", "  hunter2 \n");
  test::write_file(dir / "token", "tok-123\n");
  AlertmanagerOptions c{.url = "http://am-1.example:9093/prefix/"};
  c.basic_auth_username = "vw";
  c.basic_auth_password_file = (dir / "pw").string();
  auto s = AlertmanagerSender::create(c, "vaultwatch/1");
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ((*s)->max_batch(), 64u);
  EXPECT_FALSE((*s)->retries());
  auto r = (*s)->build({q(), q(true)});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->target, "/api/v2/alerts");  // the client prepends /prefix
  EXPECT_EQ((*s)->client()->base().path, "/prefix");
  EXPECT_EQ(header(*r, "Content-Type"), "application/json");
  EXPECT_EQ(header(*r, "Authorization"), "Basic dnc6aHVudGVyMg==");  // vw:hunter2
  std::vector<AlertNotification> alerts = {q().alert, q(true).alert};
  EXPECT_EQ(r->body, alertmanager_body(alerts));

  AlertmanagerOptions b{.url = "http://am-1.example:9093"};
  b.bearer_token_file = (dir / "token").string();
  auto sb = AlertmanagerSender::create(b, "ua");
  ASSERT_TRUE(sb);
  EXPECT_EQ(header(*(*sb)->build({q()}), "Authorization"), "Bearer tok-123");
  EXPECT_EQ((*sb)->judge(status(200)), Verdict::delivered);
  EXPECT_EQ((*sb)->judge(status(500)), Verdict::reject) << "not retried: the next re-send carries it";
  EXPECT_EQ((*sb)->judge(status(400)), Verdict::reject);
}

TEST(AlertmanagerSender, ReceiverLabelIsHostPortAndPath) {
  EXPECT_EQ(alertmanager_receiver_label(*http::parse_url("http://am-1.example:9093")), "am-1.example:9093");
  EXPECT_EQ(alertmanager_receiver_label(*http::parse_url("https://am")), "am:443");
  EXPECT_EQ(alertmanager_receiver_label(*http::parse_url("http://127.0.0.1:9093/am/")), "127.0.0.1:9093/am");
  EXPECT_EQ(alertmanager_receiver_label(*http::parse_url("http://[::1]:9093")), "[::1]:9093");
}

}  // namespace
}  // namespace vw::notify
