#include "config/web_config.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

namespace vw::config {
namespace {

using ::testing::HasSubstr;

// exporter-toolkit's docs/web-config.yml sample hashes (cost 10).
constexpr const char* alice = "$2y$10$mDwo.lAisC94iLAyP81MCesa29IzH37oigHC/42V2pdJlUprsJPze";
constexpr const char* bob = "$2y$10$hLqFl9jSjoAAy95Z/zw8Ye8wkdMBM8c5Bn1ptYqP/AXyV0.oy0S8m";

std::string errors(const WebConfigResult& r) { return to_string(r.diagnostics); }

TEST(WebConfig, ReadsTheExporterToolkitSample) {
  auto r = parse_web_config(std::string("tls_server_config:\n"
                                        "  cert_file: server.crt\n"
                                        "  key_file: server.key\n"
                                        "basic_auth_users:\n"
                                        "  alice: ") + alice + "\n  bob: " + bob +
                                "\nrate_limit:\n  interval: \"1s\"\n  burst: 20\n",
                            "/etc/vaultwatch/web.yml");
  ASSERT_TRUE(r.ok()) << errors(r);
  ASSERT_TRUE(r.config.tls);
  EXPECT_EQ(r.config.tls->cert_file, "/etc/vaultwatch/server.crt") << "relative to the file";
  EXPECT_EQ(r.config.tls->key_file, "/etc/vaultwatch/server.key");
  EXPECT_EQ(r.config.tls->min_version, TlsVersion::tls12);
  EXPECT_EQ(r.config.tls->max_version, TlsVersion::tls13);
  EXPECT_TRUE(r.config.tls->prefer_server_cipher_suites);
  EXPECT_EQ(r.config.basic_auth_users.size(), 2u);
  EXPECT_EQ(r.config.basic_auth_users.at("alice"), alice);
  EXPECT_EQ(r.config.rate_limit.interval, std::chrono::seconds(1));
  EXPECT_EQ(r.config.rate_limit.burst, 20);
}

TEST(WebConfig, ReadsEveryTlsKey) {
  auto r = parse_web_config(
      "tls_server_config:\n"
      "  cert_file: /pki/server.pem\n"
      "  key_file: /pki/server-key.pem\n"
      "  client_ca_file: ca.pem\n"
      "  client_auth_type: RequireAndVerifyClientCert\n"
      "  client_allowed_sans: [prometheus.example, 10.0.0.5]\n"
      "  min_version: TLS13\n"
      "  max_version: TLS13\n"
      "  cipher_suites: [TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, TLS_AES_128_GCM_SHA256]\n"
      "  prefer_server_cipher_suites: false\n"
      "  curve_preferences: [X25519, CurveP256]\n"
      "http_server_config:\n"
      "  http2: false\n"
      "  headers:\n"
      "    X-Frame-Options: deny\n"
      "    X-Content-Type-Options: nosniff\n"
      "    Strict-Transport-Security: max-age=31536000\n",
      "/etc/vaultwatch/web.yml");
  ASSERT_TRUE(r.ok()) << errors(r);
  const auto& t = *r.config.tls;
  EXPECT_EQ(t.client_ca_file, "/etc/vaultwatch/ca.pem");
  EXPECT_EQ(t.cert_file, "/pki/server.pem") << "absolute paths stay";
  EXPECT_EQ(t.client_auth, ClientAuth::require_and_verify_client_cert);
  EXPECT_EQ(t.client_allowed_sans, (std::vector<std::string>{"prometheus.example", "10.0.0.5"}));
  EXPECT_EQ(t.min_version, TlsVersion::tls13);
  EXPECT_FALSE(t.prefer_server_cipher_suites);
  EXPECT_EQ(t.curve_preferences.size(), 2u);
  EXPECT_FALSE(r.config.http2);
  EXPECT_EQ(r.config.headers.size(), 3u);
}

TEST(WebConfig, AnEmptyFileOrOnlyBasicAuthMeansPlainHttp) {
  EXPECT_FALSE(parse_web_config("", "w.yml").config.tls);
  auto r = parse_web_config(std::string("basic_auth_users: {alice: \"") + alice + "\"}\n", "w.yml");
  ASSERT_TRUE(r.ok()) << errors(r);
  EXPECT_FALSE(r.config.tls);
  // As in exporter-toolkit, only cert/key/CA/client_auth_type turn TLS on.
  EXPECT_FALSE(parse_web_config("tls_server_config: {min_version: TLS13}\n", "w.yml").config.tls);
}

TEST(WebConfig, ValuesAreReadVerbatimWithoutEnvironmentExpansion) {
  auto r = parse_web_config("tls_server_config: {cert_file: \"${HOME}/c.pem\", key_file: k.pem}\n", "/w/w.yml");
  ASSERT_TRUE(r.ok()) << errors(r);
  EXPECT_EQ(r.config.tls->cert_file, "/w/${HOME}/c.pem");
}

TEST(WebConfig, ReportsEveryProblemWithLineAndPath) {
  struct Case {
    std::string yaml;
    std::string want;
  } cases[] = {
      {"tls_server_config:\n  cert_file: a\n  key_file: b\n  cert_fil: c\n",
       "w.yml:4:3: tls_server_config.cert_fil: unknown key"},
      {"basic_auth_user: {}\n", "w.yml:1:1: basic_auth_user: unknown key"},
      {"tls_server_config:\n  cert_file: a\n", "tls_server_config: missing one of key or key_file"},
      {"tls_server_config:\n  key_file: a\n", "tls_server_config: missing one of cert or cert_file"},
      {"tls_server_config:\n  client_auth_type: RequireAndVerifyClientCert\n",
       "missing one of cert or cert_file"},
      {"tls_server_config: {cert_file: a, key_file: b, client_ca_file: c}\n",
       "client CA's have been configured without a Client Auth Policy"},
      {"tls_server_config: {cert_file: a, key_file: b, client_auth_type: VerifyClientCertIfGiven}\n",
       "tls_server_config.client_auth_type: VerifyClientCertIfGiven needs client_ca_file or client_ca"},
      {"tls_server_config: {cert_file: a, key_file: b, client_auth_type: Maybe}\n",
       "w.yml:1:66: tls_server_config.client_auth_type: invalid client_auth_type \"Maybe\""},
      {"tls_server_config: {cert_file: a, key_file: b, client_auth_type: RequestClientCert, "
       "client_ca_file: c, client_allowed_sans: [x]}\n",
       "client_allowed_sans requires client_auth_type to be one of RequireAnyClientCert or "
       "RequireAndVerifyClientCert"},
      {"tls_server_config: {cert_file: a, key_file: b, min_version: TLS14}\n",
       "tls_server_config.min_version: unknown TLS version \"TLS14\""},
      {"tls_server_config: {cert_file: a, key_file: b, min_version: TLS13, max_version: TLS12}\n",
       "tls_server_config.min_version: is above max_version"},
      {"tls_server_config: {cert_file: a, key_file: b, cipher_suites: [TLS_RSA_WITH_RC4_128_SHA]}\n",
       "tls_server_config.cipher_suites[0]: unknown cipher suite \"TLS_RSA_WITH_RC4_128_SHA\""},
      {"tls_server_config: {cert_file: a, key_file: b, curve_preferences: [CurveP224]}\n",
       "tls_server_config.curve_preferences[0]: unknown curve \"CurveP224\""},
      {"tls_server_config: {cert_file: a, cert: inline, key_file: b}\n", "set cert or cert_file, not both"},
      {"basic_auth_users:\n  alice: secret\n", "w.yml:2:10: basic_auth_users.alice: not a bcrypt hash"},
      {std::string("basic_auth_users:\n  \"a:b\": ") + alice + "\n",
       "basic_auth_users.a:b: a user name cannot contain ':'"},
      {"http_server_config:\n  headers:\n    X-Powered-By: vaultwatch\n",
       "w.yml:3:19: http_server_config.headers.X-Powered-By: HTTP header \"X-Powered-By\" can not be configured"},
      {"http_server_config:\n  headers:\n    X-Frame-Options: allow\n",
       "http_server_config.headers.X-Frame-Options: must be one of deny, sameorigin, got \"allow\""},
      {"http_server_config: {http2: maybe}\n", "http_server_config.http2: must be true or false"},
      {"rate_limit: {interval: 1s}\n", "rate_limit.burst: must be at least 1"},
      {"rate_limit: {interval: fast, burst: 1}\n", "rate_limit.interval: must be a duration"},
      {"- a\n- b\n", "w.yml:1:1: the top level must be a mapping"},
      {"tls_server_config: [\n", "YAML syntax error"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.yaml);
    auto r = parse_web_config(c.yaml, "w.yml");
    EXPECT_FALSE(r.ok());
    EXPECT_THAT(errors(r), HasSubstr(c.want));
  }
}

TEST(WebConfig, AMissingFileIsAnErrorNamingIt) {
  auto r = load_web_config("/nonexistent/web.yml");
  EXPECT_FALSE(r.ok());
  EXPECT_THAT(errors(r), HasSubstr("/nonexistent/web.yml: cannot read: No such file or directory"));
}

TEST(WebConfig, TheShippedExampleIsValidOnceItsPlaceholderIsReplaced) {
  const std::string path = std::string(VW_SOURCE_DIR) + "/deploy/package/web-config.yml";
  auto as_shipped = load_web_config(path);
  ASSERT_EQ(as_shipped.diagnostics.size(), 1u) << errors(as_shipped);
  EXPECT_THAT(errors(as_shipped), HasSubstr("basic_auth_users.prometheus: not a bcrypt hash"));
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  text.replace(text.find("REPLACE_WITH_A_BCRYPT_HASH"), 26, alice);
  auto fixed = parse_web_config(text, path);
  ASSERT_TRUE(fixed.ok()) << errors(fixed);
  EXPECT_TRUE(fixed.config.tls);
}

}  // namespace
}  // namespace vw::config
