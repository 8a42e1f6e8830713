// The secured endpoint (SPEC §3) through the real binary and a real TLS client (curl): the
// exporter-toolkit web config turns on TLS, client certificates and basic auth; a wrong
// password is 401 with WWW-Authenticate: Basic; /healthz stays open.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fake_vault/fake_vault.hpp"
#include "support/bcrypt.hpp"
#include "support/daemon_process.hpp"
#include "support/pki.hpp"
#include "support/subprocess.hpp"
#include "support/test_support.hpp"

namespace vw::test {
namespace {

using ::testing::HasSubstr;

struct Curl {
  int exit_code = -1;
  int status = 0;
  std::string output;  // headers and body, or curl's error
};

// curl with the given extra arguments against https://127.0.0.1:<port><path>. Status 0 when no
// HTTP answer came (handshake refused and the like).
Curl curl(int port, const std::string& path, std::vector<std::string> args, bool tls = true) {
  std::vector<std::string> argv = {"curl", "-sS", "-i", "--max-time", "10"};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.push_back((tls ? "https" : "http") + std::string("://127.0.0.1:") + std::to_string(port) + path);
  auto r = run_command(argv, {}, std::chrono::seconds(20));
  Curl out{r.exit_code, 0, r.output};
  std::smatch m;
  static const std::regex status_line(R"(HTTP/1\.1 (\d{3}))");
  if (std::regex_search(r.output, m, status_line)) out.status = std::stoi(m[1].str());
  return out;
}

class DaemonWeb : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!have_program("curl")) GTEST_SKIP() << "curl is not installed (deploy/install-deps.sh)";
    pki_ = make_test_pki(dir_.path());
    vault_.start();
  }
  std::unique_ptr<Daemon> start(const std::string& web_yaml) {
    write_file(dir_ / "web.yml", web_yaml);
    return Daemon::start(dir_.path(), {config(), {"--web.config.file=" + (dir_ / "web.yml").string()}});
  }
  std::string config() const {
    return "vault:\n  address: " + vault_.address() +
           "\n  health_interval: 100ms\n  leader_interval: 100ms\n  timeout: 500ms\n"
           "audit:\n  path: \"\"\nstate_dir: " + dir_.path().string() + "\n";
  }
  // curl arguments that trust the test CA.
  std::vector<std::string> ca(std::vector<std::string> more = {}) const {
    std::vector<std::string> out = {"--cacert", pki_.ca_cert.string()};
    out.insert(out.end(), more.begin(), more.end());
    return out;
  }
  TempDir dir_;
  TestPki pki_;
  fake::FakeVault vault_;
};

TEST_F(DaemonWeb, TlsWithBasicAuthAcceptsTheRightPasswordOnly) {
  auto d = start("tls_server_config:\n  cert_file: server.pem\n  key_file: server-key.pem\n"
                 "basic_auth_users:\n  prometheus: " + bcrypt_hash("scrape-me", 10) + "\n");
  ASSERT_TRUE(d);
  auto ok = curl(d->port(), "/metrics", ca({"-u", "prometheus:scrape-me"}));
  EXPECT_EQ(ok.status, 200) << ok.output;
  EXPECT_THAT(ok.output, HasSubstr("vaultwatch_build_info"));

  for (auto args : std::vector<std::vector<std::string>>{
           ca(), ca({"-u", "prometheus:wrong"}), ca({"-u", "admin:scrape-me"})}) {
    auto denied = curl(d->port(), "/metrics", args);
    EXPECT_EQ(denied.status, 401) << denied.output;
    EXPECT_THAT(denied.output, HasSubstr("WWW-Authenticate: Basic"));
    EXPECT_THAT(denied.output, ::testing::Not(HasSubstr("vaultwatch_build_info")));
  }
  EXPECT_EQ(curl(d->port(), "/readyz", ca()).status, 401);
  EXPECT_EQ(curl(d->port(), "/no-such-page", ca()).status, 401) << "no path enumeration";
  EXPECT_EQ(curl(d->port(), "/-/reload", ca({"-X", "POST"})).status, 401);
  auto health = curl(d->port(), "/healthz", ca());
  EXPECT_EQ(health.status, 200) << "liveness stays open: " << health.output;

  // The server speaks TLS only, and curl verifies it against our CA.
  EXPECT_EQ(curl(d->port(), "/healthz", {}, false).status, 0) << "plain HTTP to the TLS port";
  EXPECT_NE(curl(d->port(), "/healthz", {"--cacert", pki_.other_ca_cert.string()}).exit_code, 0);
}

TEST_F(DaemonWeb, RequireAndVerifyClientCertRefusesClientsWithoutACertificate) {
  auto d = start("tls_server_config:\n  cert_file: server.pem\n  key_file: server-key.pem\n"
                 "  client_ca_file: ca.pem\n  client_auth_type: RequireAndVerifyClientCert\n");
  ASSERT_TRUE(d);
  auto without = curl(d->port(), "/metrics", ca());
  EXPECT_EQ(without.status, 0) << without.output;
  EXPECT_NE(without.exit_code, 0);
  auto with = curl(d->port(), "/metrics",
                   ca({"--cert", pki_.client_cert.string(), "--key", pki_.client_key.string()}));
  EXPECT_EQ(with.status, 200) << with.output;
  // A certificate the client CA did not sign (self-signed) is refused too.
  auto self_key = dir_ / "self-key.pem", self_cert = dir_ / "self.pem";
  ASSERT_EQ(run_command({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                         "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", self_key.string(),
                         "-out", self_cert.string(), "-days", "1", "-subj", "/CN=intruder"})
                .exit_code,
            0);
  auto forged = curl(d->port(), "/metrics", ca({"--cert", self_cert.string(), "--key", self_key.string()}));
  EXPECT_EQ(forged.status, 0) << forged.output;
}

TEST_F(DaemonWeb, MinVersionTls13RefusesTls12Clients) {
  auto d = start("tls_server_config:\n  cert_file: server.pem\n  key_file: server-key.pem\n"
                 "  min_version: TLS13\n");
  ASSERT_TRUE(d);
  EXPECT_EQ(curl(d->port(), "/healthz", ca()).status, 200);
  EXPECT_EQ(curl(d->port(), "/healthz", ca({"--tls-max", "1.2"})).status, 0);
}

TEST_F(DaemonWeb, BasicAuthWithoutTlsAndChangedPasswordsApplyWithoutRestart) {
  auto d = start("basic_auth_users:\n  prometheus: " + bcrypt_hash("one") + "\n");
  ASSERT_TRUE(d);
  EXPECT_EQ(curl(d->port(), "/metrics", {"-u", "prometheus:one"}, false).status, 200);
  // Rewritten by config management (new file renamed over the old one): the next request uses it.
  write_file(dir_ / "web.yml.new", "basic_auth_users:\n  prometheus: " + bcrypt_hash("two") + "\n");
  std::filesystem::rename(dir_ / "web.yml.new", dir_ / "web.yml");
  EXPECT_EQ(curl(d->port(), "/metrics", {"-u", "prometheus:one"}, false).status, 401);
  EXPECT_EQ(curl(d->port(), "/metrics", {"-u", "prometheus:two"}, false).status, 200);
}

TEST_F(DaemonWeb, CheckConfigAndStartRejectABadWebConfigWith78) {
  write_file(dir_ / "web.yml", "tls_server_config:\n  cert_file: server.pem\n  key_fil: server-key.pem\n"
                               "basic_auth_users:\n  prometheus: hunter2\n");
  write_file(dir_ / "vaultwatch.yaml", config() + "server:\n  web_config_file: " + (dir_ / "web.yml").string() + "\n");
  auto check = run_command({daemon_binary(), "--check-config", "--config.file=" + (dir_ / "vaultwatch.yaml").string()});
  EXPECT_EQ(check.exit_code, 78) << check.output;
  const auto web = (dir_ / "web.yml").string();
  EXPECT_THAT(check.output, HasSubstr(web + ":3:3: tls_server_config.key_fil: unknown key"));
  EXPECT_THAT(check.output, HasSubstr(web + ":2:3: tls_server_config: missing one of key or key_file"));
  EXPECT_THAT(check.output, HasSubstr("basic_auth_users.prometheus: not a bcrypt hash"));
  auto run = run_command({daemon_binary(), "--config.file=" + (dir_ / "vaultwatch.yaml").string(),
                          "--web.listen-address=127.0.0.1:0"});
  EXPECT_EQ(run.exit_code, 78) << run.output;

  write_file(dir_ / "web.yml", "tls_server_config:\n  cert_file: server.pem\n  key_file: client-key.pem\n");
  check = run_command({daemon_binary(), "--check-config", "--config.file=" + (dir_ / "vaultwatch.yaml").string()});
  EXPECT_EQ(check.exit_code, 78);
  EXPECT_THAT(check.output, HasSubstr("the private key does not match the certificate"));
}

}  // namespace
}  // namespace vw::test
