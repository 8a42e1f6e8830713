#include "web/web_security.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <sstream>

#include "support/bcrypt.hpp"
#include "support/pki.hpp"
#include "daemon/options.hpp"
#include "support/test_support.hpp"

namespace vw::web {
namespace {

namespace bhttp = boost::beast::http;
using ::testing::HasSubstr;

// The web config file read the way the daemon reads it (lib/config, daemon/options.cpp).
WebSecurityLoad load_web_security(const std::string& path) {
  return web::load_web_security(path, daemon::web_config_reader());
}

std::string basic(const std::string& user, const std::string& pw) {
  static const char* tbl = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const std::string in = user + ":" + pw;
  std::string out;
  for (std::size_t i = 0; i < in.size(); i += 3) {
    unsigned n = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) n |= static_cast<unsigned char>(in[i + 1]) << 8;
    if (i + 2 < in.size()) n |= static_cast<unsigned char>(in[i + 2]);
    out += tbl[(n >> 18) & 63];
    out += tbl[(n >> 12) & 63];
    out += i + 1 < in.size() ? tbl[(n >> 6) & 63] : '=';
    out += i + 2 < in.size() ? tbl[n & 63] : '=';
  }
  return "Basic " + out;
}

class WebSecurityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log_ = std::make_shared<spdlog::logger>("web", std::make_shared<spdlog::sinks::ostream_sink_mt>(log_text_));
    hash_ = test::bcrypt_hash("s3cret");
  }
  void write(const std::string& yaml) {
    // A rewrite in place may keep size and (on coarse clocks) mtime; the test writes a new file
    // and renames it over, as config management does, so the inode always changes.
    auto tmp = dir_ / "web.yml.tmp";
    test::write_file(tmp, yaml);
    std::filesystem::rename(tmp, path());
  }
  std::string path() const { return (dir_ / "web.yml").string(); }
  std::unique_ptr<WebSecurity> make() {
    auto load = load_web_security(path());
    EXPECT_TRUE(load.state) << load.error;
    return std::make_unique<WebSecurity>(path(), std::move(load), daemon::web_config_reader(), log_);
  }
  http::StringResponse get(WebSecurity& w, const std::string& target, const std::string& auth = "") {
    http::StringRequest req{bhttp::verb::get, target, 11};
    if (!auth.empty()) req.set(bhttp::field::authorization, auth);
    http::RouteHandler next = [](const http::StringRequest& r) {
      return http::make_response(r, bhttp::status::ok, "text/plain", "ok\n");
    };
    std::optional<http::StringResponse> out;
    net::co_spawn(io_, w.handle(req, next), [&](std::exception_ptr e, http::StringResponse r) {
      if (e) std::rethrow_exception(e);
      out = std::move(r);
    });
    io_.restart();
    io_.run();
    EXPECT_TRUE(out);
    return out.value_or(http::StringResponse{});
  }
  test::TempDir dir_;
  net::io_context io_;
  std::ostringstream log_text_;
  std::shared_ptr<spdlog::logger> log_;
  std::string hash_;
};

TEST_F(WebSecurityTest, WithoutWebConfigEverythingIsOpen) {
  auto load = load_web_security("");
  ASSERT_TRUE(load.state);
  WebSecurity w("", std::move(load), daemon::web_config_reader(), log_);
  EXPECT_FALSE(w.tls_enabled());
  EXPECT_EQ(get(w, "/metrics").result(), bhttp::status::ok);
}

TEST_F(WebSecurityTest, BasicAuthGuardsEveryPathButHealthz) {
  write("basic_auth_users:\n  prometheus: " + hash_ + "\n");
  auto w = make();
  for (std::string target : {"/metrics", "/readyz", "/api/v1/alerts", "/nope", "/metrics?x=1"}) {
    SCOPED_TRACE(target);
    auto none = get(*w, target);
    EXPECT_EQ(none.result(), bhttp::status::unauthorized);
    EXPECT_EQ(none[bhttp::field::www_authenticate], "Basic");
    EXPECT_EQ(get(*w, target, basic("prometheus", "wrong")).result(), bhttp::status::unauthorized);
    EXPECT_EQ(get(*w, target, basic("root", "s3cret")).result(), bhttp::status::unauthorized);
    EXPECT_EQ(get(*w, target, "Bearer abc").result(), bhttp::status::unauthorized);
    EXPECT_EQ(get(*w, target, basic("prometheus", "s3cret")).result(), bhttp::status::ok);
  }
  EXPECT_EQ(get(*w, "/healthz").result(), bhttp::status::ok);
}

TEST_F(WebSecurityTest, ChangedFileAppliesToTheNextRequest) {
  write("basic_auth_users:\n  prometheus: " + hash_ + "\n");
  auto w = make();
  EXPECT_EQ(get(*w, "/metrics", basic("prometheus", "s3cret")).result(), bhttp::status::ok);
  write("basic_auth_users:\n  prometheus: " + test::bcrypt_hash("rotated") + "\n");
  EXPECT_EQ(get(*w, "/metrics", basic("prometheus", "s3cret")).result(), bhttp::status::unauthorized);
  EXPECT_EQ(get(*w, "/metrics", basic("prometheus", "rotated")).result(), bhttp::status::ok);
  write("{}\n");
  EXPECT_EQ(get(*w, "/metrics").result(), bhttp::status::ok) << "basic auth removed";
}

TEST_F(WebSecurityTest, AnInvalidFileFailsClosedUntilFixedButHealthzStaysOpen) {
  write("basic_auth_users:\n  prometheus: " + hash_ + "\n");
  auto w = make();
  write("basic_auth_users:\n  prometheus: plaintext\n");
  EXPECT_EQ(get(*w, "/metrics", basic("prometheus", "s3cret")).result(),
            bhttp::status::internal_server_error);
  EXPECT_EQ(get(*w, "/metrics").result(), bhttp::status::internal_server_error);
  EXPECT_EQ(get(*w, "/healthz").result(), bhttp::status::ok);
  EXPECT_THAT(log_text_.str(), HasSubstr("web config rejected"));
  std::filesystem::remove(path());
  EXPECT_EQ(get(*w, "/metrics").result(), bhttp::status::internal_server_error) << "deleted file";
  write("basic_auth_users:\n  prometheus: " + hash_ + "\n");
  EXPECT_EQ(get(*w, "/metrics", basic("prometheus", "s3cret")).result(), bhttp::status::ok);
  EXPECT_THAT(log_text_.str(), HasSubstr("web config valid again"));
}

TEST_F(WebSecurityTest, AddsConfiguredHeadersToEveryResponse) {
  write("basic_auth_users:\n  prometheus: " + hash_ +
        "\nhttp_server_config:\n  headers:\n    X-Frame-Options: deny\n    Content-Security-Policy: default-src 'none'\n");
  auto w = make();
  for (auto res : {get(*w, "/metrics"), get(*w, "/metrics", basic("prometheus", "s3cret")), get(*w, "/healthz")}) {
    EXPECT_EQ(res[bhttp::field::x_frame_options], "deny");
    EXPECT_EQ(res["Content-Security-Policy"], "default-src 'none'");
  }
}

TEST_F(WebSecurityTest, RateLimitAnswers429ButNeverLimitsHealthz) {
  write("rate_limit:\n  interval: 1h\n  burst: 2\n");
  auto w = make();
  EXPECT_EQ(get(*w, "/metrics").result(), bhttp::status::ok);
  EXPECT_EQ(get(*w, "/metrics").result(), bhttp::status::ok);
  EXPECT_EQ(get(*w, "/metrics").result(), bhttp::status::too_many_requests);
  EXPECT_EQ(get(*w, "/healthz").result(), bhttp::status::ok);
}

TEST_F(WebSecurityTest, TlsContextIsRebuiltWhenTheCertificateChanges) {
  auto pki = test::make_test_pki(dir_.path());
  write("tls_server_config:\n  cert_file: server.pem\n  key_file: server-key.pem\n");
  auto w = make();
  ASSERT_TRUE(w->tls_enabled());
  auto first = w->tls_context();
  ASSERT_TRUE(first);
  EXPECT_EQ(w->tls_context(), first) << "nothing changed: same context";
  // Rotate: a new certificate and key for the same name, renamed into place.
  auto other = dir_ / "rotated";
  std::filesystem::create_directory(other);
  auto pki2 = test::make_test_pki(other);
  std::filesystem::copy_file(pki2.server_key, dir_ / "k.tmp");
  std::filesystem::copy_file(pki2.server_cert, dir_ / "c.tmp");
  std::filesystem::rename(dir_ / "k.tmp", pki.server_key);
  std::filesystem::rename(dir_ / "c.tmp", pki.server_cert);
  auto second = w->tls_context();
  ASSERT_TRUE(second);
  EXPECT_NE(second, first);
  // Half a rotation (key from another pair): refused, not served with a mismatched key.
  std::filesystem::copy_file(pki.client_key, dir_ / "k.tmp");
  std::filesystem::rename(dir_ / "k.tmp", pki.server_key);
  EXPECT_EQ(w->tls_context(), nullptr);
  EXPECT_THAT(log_text_.str(), HasSubstr("does not match"));
}

TEST_F(WebSecurityTest, ReloadRefusesToSwitchBetweenHttpAndHttps) {
  auto pki = test::make_test_pki(dir_.path());
  write("basic_auth_users:\n  prometheus: " + hash_ + "\n");
  auto w = make();
  write("tls_server_config:\n  cert_file: server.pem\n  key_file: server-key.pem\n");
  auto next = load_web_security(path());
  ASSERT_TRUE(next.state) << next.error;
  EXPECT_THAT(w->check_replace(next), HasSubstr("restart vaultwatch to switch to HTTPS"));
  // And a file edited in place to turn TLS on fails closed instead of serving plain HTTP.
  EXPECT_EQ(get(*w, "/metrics").result(), bhttp::status::internal_server_error);
}

TEST(WebSecurityLoad, ReportsCertificateProblemsWithTheFileName) {
  test::TempDir dir;
  auto pki = test::make_test_pki(dir.path());
  struct Case {
    std::string yaml;
    std::string want;
  } cases[] = {
      {"tls_server_config: {cert_file: missing.pem, key_file: server-key.pem}\n", "cannot load cert_file"},
      {"tls_server_config: {cert_file: server.pem, key_file: client-key.pem}\n",
       "the private key does not match the certificate"},
      {"tls_server_config: {cert_file: server.pem, key_file: server-key.pem, client_ca_file: "
       "server-key.pem, client_auth_type: RequireAndVerifyClientCert}\n",
       "contains no PEM certificate"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.yaml);
    test::write_file(dir / "web.yml", c.yaml);
    auto load = load_web_security((dir / "web.yml").string());
    EXPECT_FALSE(load.state);
    EXPECT_THAT(load.error, HasSubstr(c.want));
  }
  test::write_file(dir / "web.yml",
                   "tls_server_config: {cert_file: server.pem, key_file: server-key.pem, "
                   "client_ca_file: ca.pem, client_auth_type: RequireAndVerifyClientCert}\n");
  auto ok = load_web_security((dir / "web.yml").string());
  EXPECT_TRUE(ok.state) << ok.error;
}

}  // namespace
}  // namespace vw::web
