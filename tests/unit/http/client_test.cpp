#include "http/client.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include "fake_vault/fake_vault.hpp"
#include "support/pki.hpp"
#include "support/test_support.hpp"

namespace vw::http {
namespace {

using namespace std::chrono_literals;

Outcome run(ClientOptions o, std::string target) {
  auto c = Client::create(o);
  if (!c) throw std::runtime_error(c.error().message);
  boost::asio::io_context ioc;
  std::optional<Outcome> out;
  Request r;
  r.target = std::move(target);
  boost::asio::co_spawn(ioc, (*c)->request(r), [&](std::exception_ptr e, Outcome o2) {
    if (e) std::rethrow_exception(e);
    out = std::move(o2);
  });
  ioc.run();
  return *out;
}

ClientOptions opts_for(const fake::FakeVault& v, std::chrono::milliseconds timeout = 2s) {
  ClientOptions o;
  o.base = *parse_url(v.address());
  o.timeout = timeout;
  return o;
}

TEST(HttpClient, GetsStatusAndBodyAndNeverFollowsRedirects) {
  fake::FakeVault v;
  v.start();
  auto ok = run(opts_for(v), "/v1/sys/health");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200u);
  EXPECT_NE(ok->body.find("\"initialized\":true"), std::string::npos);
  v.set_state(fake::VaultState::standby);
  v.set_metrics_mode(fake::MetricsMode::authenticated);
  auto redirect = run(opts_for(v), "/v1/sys/metrics?format=prometheus");
  ASSERT_TRUE(redirect);
  EXPECT_EQ(redirect->status, 307u);
  EXPECT_FALSE(redirect->header("location").empty());
}

TEST(HttpClient, ConnectionRefusedIsConnect) {
  unsigned short port;
  {
    fake::FakeVault v;
    v.start();
    port = v.port();
  }
  ClientOptions o;
  o.base = *parse_url("http://127.0.0.1:" + std::to_string(port));
  auto r = run(o, "/v1/sys/health");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, FailureKind::connect);
}

TEST(HttpClient, HangingServerIsATimeoutWithinTheDeadline) {
  fake::FakeVault v;
  v.start();
  v.set_fault({fake::FaultKind::hang, "", 0ms, -1});
  auto t0 = std::chrono::steady_clock::now();
  auto r = run(opts_for(v, 300ms), "/v1/sys/health");
  auto took = std::chrono::steady_clock::now() - t0;
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, FailureKind::timeout);
  EXPECT_LT(took, 5s);
}

TEST(HttpClient, GarbageAndTruncatedBodiesAreProtocolErrors) {
  fake::FakeVault v;
  v.start();
  v.set_fault({fake::FaultKind::garbage, "", 0ms, 1});
  auto g = run(opts_for(v), "/v1/sys/health");
  ASSERT_FALSE(g);
  EXPECT_EQ(g.error().kind, FailureKind::protocol);
  v.set_fault({fake::FaultKind::close_mid_body, "", 0ms, 1});
  auto c = run(opts_for(v), "/v1/sys/health");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().kind, FailureKind::protocol);
}

TEST(HttpClient, BodyLimitIsEnforced) {
  fake::FakeVault v;
  v.start();
  v.set_metrics_mode(fake::MetricsMode::unauthenticated);
  v.set_metrics_body(std::string(100000, '#') + "\n");
  auto o = opts_for(v);
  o.body_limit = 1000;
  auto r = run(o, "/v1/sys/metrics?format=prometheus");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, FailureKind::body_too_large);
}

class HttpClientTls : public ::testing::Test {
 protected:
  void SetUp() override { pki_ = test::make_test_pki(dir_.path()); }
  test::TempDir dir_;
  test::TestPki pki_;
};

TEST_F(HttpClientTls, VerifiesTheServerAgainstTheConfiguredCa) {
  fake::FakeVault v({"127.0.0.1", 0, pki_.server_cert, pki_.server_key});
  v.start();
  auto o = opts_for(v);
  o.tls.ca_file = pki_.ca_cert;
  auto r = run(o, "/v1/sys/health");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, 200u);
}

TEST_F(HttpClientTls, WrongCaIsATlsFailureUnlessVerificationIsSkipped) {
  fake::FakeVault v({"127.0.0.1", 0, pki_.server_cert, pki_.server_key});
  v.start();
  auto o = opts_for(v);
  o.tls.ca_file = pki_.other_ca_cert;
  auto r = run(o, "/v1/sys/health");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, FailureKind::tls);
  o.tls.insecure_skip_verify = true;
  EXPECT_TRUE(run(o, "/v1/sys/health"));
}

TEST_F(HttpClientTls, ServerNameOverridesTheVerificationName) {
  fake::FakeVault v({"127.0.0.1", 0, pki_.server_cert, pki_.server_key});
  v.start();
  auto o = opts_for(v);
  o.tls.ca_file = pki_.ca_cert;
  o.tls.server_name = "vault.test";  // in the certificate's SANs
  EXPECT_TRUE(run(o, "/v1/sys/health"));
  o.tls.server_name = "not-in-cert.example";
  auto r = run(o, "/v1/sys/health");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, FailureKind::tls);
}

TEST_F(HttpClientTls, PresentsTheClientCertificate) {
  fake::FakeVault v({"127.0.0.1", 0, pki_.server_cert, pki_.server_key, pki_.ca_cert});
  v.start();
  auto o = opts_for(v);
  o.tls.ca_file = pki_.ca_cert;
  auto without = run(o, "/v1/sys/health");
  EXPECT_FALSE(without);
  o.tls.cert_file = pki_.client_cert;
  o.tls.key_file = pki_.client_key;
  auto with = run(o, "/v1/sys/health");
  ASSERT_TRUE(with) << with.error().message;
  EXPECT_EQ(with->status, 200u);
}

TEST(HttpClientTlsFiles, UnreadableCaFileIsAStartupErrorNamingTheFile) {
  ClientOptions o;
  o.base = *parse_url("https://127.0.0.1:8200");
  o.tls.ca_file = "/nonexistent/ca.pem";
  auto c = Client::create(o);
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("/nonexistent/ca.pem"), std::string::npos);
}

}  // namespace
}  // namespace vw::http
