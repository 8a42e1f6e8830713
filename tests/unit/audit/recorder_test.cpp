// The SPEC §4.4 series as rendered on /metrics: exact names and labels, counted once per call,
// mount_point capped, and the pipeline's decode-error accounting.
#include "audit/audit_metrics.hpp"

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <sstream>

#include "audit/pipeline.hpp"
#include "support/http_get.hpp"
#include "support/test_support.hpp"
#include "metrics/text_format.hpp"

namespace vw::audit {
namespace {

// A line followed by the padding the decoder may read (the tailer guarantees it from its buffer).
struct Padded {
  std::string buf;
  explicit Padded(std::string_view line) : buf(std::string(line) + std::string(line_padding, ' ')) {}
  std::string_view view() const { return std::string_view(buf.data(), buf.size() - line_padding); }
};

std::string line(std::string_view type, std::string_view op, std::string_view path,
                 std::string_view mount_point, std::string_view mount_type,
                 std::string_view policies = R"(["default"])", std::string_view error = "") {
  std::string s = R"({"time":"2025-03-04T10:00:00.5Z","type":")" + std::string(type) +
                  R"(","auth":{"client_token":"hmac-sha256:1","display_name":"approle","policies":)" +
                  std::string(policies) + R"(},"request":{"operation":")" + std::string(op) +
                  R"(","path":")" + std::string(path) + R"(","mount_point":")" + std::string(mount_point) +
                  R"(","mount_type":")" + std::string(mount_type) + R"("})";
  if (!error.empty()) s += R"(,"error":")" + std::string(error) + R"(")";
  return s + "}";
}

class AuditRecording : public ::testing::Test {
 protected:
  std::unique_ptr<AuditPipeline> make(std::size_t mount_limit = 100,
                                      std::vector<WatchGroup> watch = {}) {
    AuditPipelineOptions o;
    o.tailer.path = "/nonexistent/never-started.log";  // the tailer is not started here
    o.mount_label_limit = mount_limit;
    o.classifier.watch = std::move(watch);
    o.classifier.ignore_display_names = {"ignored"};
    auto p = AuditPipeline::create(io_.get_executor(), o, metrics_, log_,
                                   [this](const AuditEvent& e) { events_.push_back(e); });
    EXPECT_TRUE(p);
    return std::move(*p);
  }
  void feed(AuditPipeline& p, std::string_view l) {
    Padded pl(l);
    p.on_line(pl.view());
  }
  test::Samples scrape() { return test::parse_samples(metrics::render_text(families_)); }

  net::io_context io_;
  std::vector<std::shared_ptr<prometheus::Collectable>> families_;
  AuditMetrics metrics_ = build_audit_metrics(families_);
  std::shared_ptr<spdlog::logger> log_ = std::make_shared<spdlog::logger>("test");
  std::vector<AuditEvent> events_;
};

TEST_F(AuditRecording, CountsEntriesWithTheSpecLabels) {
  auto p = make();
  feed(*p, line("request", "read", "secret/data/a", "secret/", "kv"));
  feed(*p, line("response", "read", "secret/data/a", "secret/", "kv"));
  feed(*p, line("request", "read", "secret/data/b", "secret/", "kv", R"(["default"])",
                R"(1 error occurred:\n\t* permission denied\n\n)"));
  auto m = scrape();
  EXPECT_EQ((m[R"(vaultwatch_audit_entries_total{mount_point="secret/",mount_type="kv",operation="read",outcome="ok",type="request"})"]), 1);
  EXPECT_EQ((m[R"(vaultwatch_audit_entries_total{mount_point="secret/",mount_type="kv",operation="read",outcome="ok",type="response"})"]), 1);
  EXPECT_EQ((m[R"(vaultwatch_audit_entries_total{mount_point="secret/",mount_type="kv",operation="read",outcome="permission_denied",type="request"})"]), 1);
  EXPECT_EQ(m["vaultwatch_audit_last_entry_timestamp_seconds"], 1741082400.5);
  EXPECT_EQ(events_.size(), 3u);
  // Closed label sets are exported at 0 before the first event.
  EXPECT_EQ(m.count(R"(vaultwatch_audit_decode_errors_total{reason="too_long"})"), 1u);
  EXPECT_EQ(m.count(R"(vaultwatch_audit_rotations_total{kind="truncate"})"), 1u);
  EXPECT_EQ(m.count(R"(vaultwatch_audit_sensitive_operations_total{kind="plugin_change"})"), 1u);
}

TEST_F(AuditRecording, CountsEachCallOnceFromItsRequestEntry) {
  auto p = make(100, {{"acl", {"sys/policies/acl/*"}}});
  for (const char* type : {"request", "response"}) {
    feed(*p, line(type, "update", "sys/policies/acl/admin", "sys/", "system", R"(["root"])"));
    feed(*p, line(type, "update", "secret/data/app", "secret/", "kv"));
  }
  auto m = scrape();
  EXPECT_EQ((m[R"(vaultwatch_audit_root_token_uses_total{operation="update"})"]), 1);
  EXPECT_EQ((m[R"(vaultwatch_audit_sensitive_operations_total{kind="policy_change"})"]), 1);
  EXPECT_EQ((m[R"(vaultwatch_audit_watched_path_requests_total{operation="update",outcome="ok",watch="acl"})"]), 1);
  EXPECT_EQ((m[R"(vaultwatch_audit_kv_writes_total{mount_point="secret/"})"]), 1);
  double entries = 0;
  for (const auto& [k, v] : m)
    if (k.starts_with("vaultwatch_audit_entries_total")) entries += v;
  EXPECT_EQ(entries, 4) << "entries_total counts both halves";
}

TEST_F(AuditRecording, CountsLoginsFromTheResponseWithTheirOutcome) {
  auto p = make();
  auto login = [](std::string_view type, std::string_view err) {
    std::string s = R"({"time":"2025-03-04T10:00:00Z","type":")" + std::string(type) +
                    R"(","request":{"operation":"update","path":"auth/userpass/login/bob","mount_point":"auth/userpass/","mount_type":"userpass"})";
    if (!err.empty()) s += R"(,"error":")" + std::string(err) + R"(")";
    return s + "}";
  };
  feed(*p, login("request", ""));
  feed(*p, login("response", "invalid username or password"));
  feed(*p, login("request", ""));
  feed(*p, login("response", ""));
  auto m = scrape();
  EXPECT_EQ((m[R"(vaultwatch_audit_login_total{mount_type="userpass",outcome="error"})"]), 1);
  EXPECT_EQ((m[R"(vaultwatch_audit_login_total{mount_type="userpass",outcome="ok"})"]), 1);
}

TEST_F(AuditRecording, CapsMountPointLabelsAndUnknownOperations) {
  auto p = make(/*mount_limit=*/2);
  for (int i = 0; i < 50; ++i)
    feed(*p, line("request", "read", "m" + std::to_string(i) + "/x", "m" + std::to_string(i) + "/", "kv"));
  feed(*p, line("request", "frobnicate", "m0/x", "m0/", "kv"));
  auto m = scrape();
  EXPECT_EQ((m[R"(vaultwatch_audit_entries_total{mount_point="m0/",mount_type="kv",operation="read",outcome="ok",type="request"})"]), 1);
  EXPECT_EQ((m[R"(vaultwatch_audit_entries_total{mount_point="m1/",mount_type="kv",operation="read",outcome="ok",type="request"})"]), 1);
  EXPECT_EQ((m[R"(vaultwatch_audit_entries_total{mount_point="other",mount_type="kv",operation="read",outcome="ok",type="request"})"]), 48);
  EXPECT_EQ((m[R"(vaultwatch_audit_entries_total{mount_point="m0/",mount_type="kv",operation="other",outcome="ok",type="request"})"]), 1);
  std::size_t series = 0;
  for (const auto& [k, v] : m) series += k.starts_with("vaultwatch_audit_entries_total") ? 1 : 0;
  EXPECT_EQ(series, 4u);
  // A reload builds a new recorder over the same families: the cap still holds.
  auto again = make(2);
  feed(*again, line("request", "read", "m99/x", "m99/", "kv"));
  EXPECT_EQ(scrape().count(R"(vaultwatch_audit_entries_total{mount_point="m99/",mount_type="kv",operation="read",outcome="ok",type="request"})"), 0u);
}

TEST_F(AuditRecording, SkipsTheProbeAndIgnoredIdentitiesAndCountsBadLines) {
  auto p = make();
  feed(*p, R"({"time":"2025-03-04T10:00:00Z","type":"request","request":{"operation":"update","path":"sys/audit/test"}})");
  feed(*p, R"({"time":"2025-03-04T10:00:00Z","type":"request","auth":{"display_name":"ignored"},"request":{"operation":"read","path":"sys/metrics"}})");
  feed(*p, "garbage");
  feed(*p, R"({"type":"request","request":{"operation":"read","path":"sys/metrics"}})");
  auto m = scrape();
  for (const auto& [k, v] : m) EXPECT_FALSE(k.starts_with("vaultwatch_audit_entries_total")) << k;
  EXPECT_EQ((m[R"(vaultwatch_audit_decode_errors_total{reason="bad_json"})"]), 1);
  EXPECT_EQ((m[R"(vaultwatch_audit_decode_errors_total{reason="missing_field"})"]), 1);
  EXPECT_TRUE(events_.empty());
}

TEST_F(AuditRecording, NoSecretsInLabels) {
  auto p = make(100, {{"all", {"**"}}});
  std::istringstream in(test::read_fixture("vault/audit_docs_log_mdx.jsonl") +
                        test::read_fixture("vault/reconstructed/audit_reconstructed_vault_1.17plus.jsonl") +
                        test::read_fixture("vault/audit_kmip_elastic_integrations.jsonl") +
                        test::read_fixture("vault/reconstructed/audit_shapes_reconstructed.jsonl"));
  for (std::string l; std::getline(in, l);) feed(*p, l);
  const std::string text = metrics::render_text(families_);
  for (const char* bad : {"hmac-sha256", "127.0.0.1", "192.168.", "eaaa1d84", "oidc-user", "mitchellh",
                          "secret/data/cli", "740e8209", "36776", "2001:db8", "fe80", "79311139933",
                          "51514", "10.1.2.3"})
    EXPECT_EQ(text.find(bad), std::string::npos) << bad;
}

// Issue 16: KMIP entries used to be counted as missing_field bad lines and never reached rules.
TEST_F(AuditRecording, CountsKmipEntriesWithVaultsTypeAndDeliversThem) {
  auto p = make(100, {{"all", {"**"}}});
  std::istringstream in(test::read_fixture("vault/audit_kmip_elastic_integrations.jsonl"));
  for (std::string l; std::getline(in, l);) feed(*p, l);
  auto m = scrape();
  EXPECT_EQ((m[R"(vaultwatch_audit_entries_total{mount_point="",mount_type="",operation="",outcome="ok",type="kmip-request"})"]), 1);
  EXPECT_EQ((m[R"(vaultwatch_audit_entries_total{mount_point="",mount_type="",operation="",outcome="ok",type="kmip-response"})"]), 3);
  EXPECT_EQ((m[R"(vaultwatch_audit_decode_errors_total{reason="missing_field"})"]), 0);
  for (const auto& [k, v] : m) EXPECT_FALSE(k.starts_with("vaultwatch_audit_watched_path_requests_total")) << k;
  ASSERT_EQ(events_.size(), 4u);
  EXPECT_EQ(events_[0].type, AuditEvent::Type::request);
  EXPECT_EQ(events_[0].type_name, "kmip-request");
  EXPECT_EQ(events_[0].remote_address, "192.168.0.10");  // the client; the port is apart
  EXPECT_EQ(events_[0].remote_port, 36776);
  EXPECT_EQ(events_[3].remote_address, "2001:db8::10");
  EXPECT_EQ(events_[3].remote_port, 36778);
  EXPECT_EQ(m["vaultwatch_audit_last_entry_timestamp_seconds"], 1779285060.1);
}

TEST_F(AuditRecording, CapsTheTypeLabelKeepingRequestAndResponse) {
  auto p = make();
  for (int i = 0; i < 30; ++i)
    feed(*p, R"({"time":"2025-03-04T10:00:00Z","type":"t)" + std::to_string(i) + R"("})");
  feed(*p, line("request", "read", "secret/data/a", "secret/", "kv"));
  feed(*p, line("response", "read", "secret/data/a", "secret/", "kv"));
  auto m = scrape();
  const std::size_t admitted = AuditMetrics::entry_type_label_limit - 2;  // request, response first
  EXPECT_EQ((m[R"(vaultwatch_audit_entries_total{mount_point="",mount_type="",operation="",outcome="ok",type="t0"})"]), 1);
  EXPECT_EQ((m[R"(vaultwatch_audit_entries_total{mount_point="",mount_type="",operation="",outcome="ok",type="other"})"]),
            static_cast<double>(30 - admitted));
  EXPECT_EQ((m[R"(vaultwatch_audit_entries_total{mount_point="secret/",mount_type="kv",operation="read",outcome="ok",type="request"})"]), 1);
  EXPECT_EQ((m[R"(vaultwatch_audit_entries_total{mount_point="secret/",mount_type="kv",operation="read",outcome="ok",type="response"})"]), 1);
  EXPECT_EQ(events_.size(), 32u);
}

}  // namespace
}  // namespace vw::audit
