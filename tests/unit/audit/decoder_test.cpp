// The decoder against every line of the real (docs) and reconstructed (Vault >= 1.17) audit
// fixtures, plus the malformed shapes a tailer meets in practice.
#include "audit/decoder.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "support/test_support.hpp"

namespace vw::audit {
namespace {

using Type = AuditEvent::Type;

std::vector<std::string> fixture_lines(std::string_view rel) {
  std::istringstream in(test::read_fixture(rel));
  std::vector<std::string> out;
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

struct Expect {
  int line;  // 1-based
  const char* time;
  Type type;
  const char* operation;
  const char* path;
  const char* mount_point;
  const char* mount_type;
  bool has_auth;
  const char* display_name;
  std::vector<std::string> policies;
  const char* error;
  bool response_error;
};

// Decodes the line of every row of `table` (which must cover the whole file) and hands the view
// to `expect`.
template <class Row, class Expectations>
void for_each_row(const std::string& file, const std::vector<Row>& table, Expectations expect) {
  auto lines = fixture_lines(file);
  ASSERT_EQ(lines.size(), table.size()) << file << ": the table covers every line";
  Decoder d;
  for (const auto& x : table) {
    SCOPED_TRACE(file + ":" + std::to_string(x.line));
    AuditEntryView v;
    auto err = d.decode(lines[static_cast<std::size_t>(x.line - 1)], v);
    ASSERT_FALSE(err) << to_string(*err);
    expect(x, v);
  }
}

void check(const std::string& file, const std::vector<Expect>& table) {
  for_each_row(file, table, [](const Expect& x, const AuditEntryView& v) {
    EXPECT_EQ(v.time, *parse_rfc3339(x.time));
    EXPECT_EQ(v.type, x.type);
    EXPECT_EQ(v.operation, x.operation);
    EXPECT_EQ(v.path, x.path);
    EXPECT_EQ(v.mount_point, x.mount_point);
    EXPECT_EQ(v.mount_type, x.mount_type);
    EXPECT_EQ(v.has_auth, x.has_auth);
    EXPECT_EQ(v.display_name, x.display_name);
    EXPECT_EQ(std::vector<std::string>(v.policies.begin(), v.policies.end()), x.policies);
    EXPECT_EQ(v.error, x.error);
    EXPECT_EQ(v.response_error, x.response_error);
    EXPECT_EQ(v.namespace_id, "root");
  });
}

const char* denied = "1 error occurred:\n\t* permission denied\n\n";
const std::vector<std::string> root = {"root"};
const std::vector<std::string> admin = {"admin", "default"};
const std::vector<std::string> none = {};

TEST(AuditDecoder, DecodesEveryDocsLineOfTheOldKeyLayout) {
  check("vault/audit_docs_log_mdx.jsonl",
        {
            {1, "2020-02-07T17:44:17.392595555Z", Type::response, "update", "secret/data/cli", "", "", true, "token", root, "", false},
            {2, "2020-02-07T17:45:04.153356834Z", Type::response, "read", "secret/data/cli", "", "", true, "token", root, "", false},
            {3, "2020-02-07T17:47:03.414450349Z", Type::request, "delete", "secret/data/cli", "", "", true, "token", root, "", false},
            // {"token_type":"default"}: no identity.
            {4, "2020-02-07T00:54:00.796464016Z", Type::request, "update", "auth/userpass/login/mitchellh", "", "", false, "", none, "missing client token", false},
            {5, "2020-02-07T00:54:00.796548157Z", Type::response, "update", "auth/userpass/login/mitchellh", "", "", false, "", none, "1 error occurred:\n\t* invalid request\n\n", true},
            {6, "2020-02-07T00:50:29.918909125Z", Type::response, "update", "auth/userpass/login/mitchellh", "", "", false, "", none, "", true},
            {7, "2020-02-07T01:08:08.410243403Z", Type::request, "update", "auth/userpass/login/mitchellh", "", "", false, "", none, "", false},
            // The docs' typo key " response" is an unknown key: skipped, the entry still decodes.
            {8, "2020-02-07T01:08:08.477388575Z", Type::response, "update", "auth/userpass/login/mitchellh", "", "", true, "userpass-mitchellh", {"admins", "default"}, "", false},
            {9, "2020-02-07T00:59:42.329264265Z", Type::response, "update", "sys/auth/userpass", "", "", true, "token", root, "", false},
            {10, "2021-09-14T16:04:48.589098795Z", Type::response, "update", "pki/issue/example_pki", "", "pki", true, "token", root, "", false},
            {11, "2022-03-07T18:47:20.006220694Z", Type::request, "update", "sys/policies/acl/boundary", "", "system", true, "oidc-user@email.com", admin, "", false},
            {12, "2022-03-07T18:47:20.01229732Z", Type::response, "update", "sys/policies/acl/boundary", "", "system", true, "oidc-user@email.com", admin, "", false},
            {13, "2022-03-07T18:35:58.811941507Z", Type::response, "delete", "transit/keys/customer-key", "", "transit", true, "oidc-user@email.com", admin, "1 error occurred:\n\t* deletion is not allowed for this key\n\n", true},
            {14, "2022-03-07T19:48:55.096212774Z", Type::request, "list", "sys/namespaces/", "", "system", true, "root", root, "", false},
            {15, "2022-03-07T19:48:55.096836236Z", Type::response, "list", "sys/namespaces/", "", "system", true, "root", root, "", false},
            {16, "2022-03-07T19:14:54.633267711Z", Type::request, "update", "auth/token/create", "", "token", true, "oidc-user@email.com", admin, "", false},
            {17, "2022-03-07T19:14:54.644516885Z", Type::response, "update", "auth/token/create", "", "token", true, "oidc-user@email.com", admin, "", false},
            {18, "2022-03-07T19:44:13.764545677Z", Type::request, "update", "sys/generate-root/attempt", "", "", false, "", none, "", false},
            {19, "2022-03-07T19:44:13.764935746Z", Type::response, "update", "sys/generate-root/attempt", "", "", false, "", none, "", false},
            {20, "2022-03-07T19:44:26.605972351Z", Type::request, "update", "sys/generate-root/update", "", "", false, "", none, "", false},
            {21, "2022-03-07T19:44:26.955508733Z", Type::response, "update", "sys/generate-root/update", "", "", false, "", none, "", false},
            {22, "2022-03-07T19:15:32.766009199Z", Type::request, "update", "auth/token/revoke", "", "token", true, "oidc-user@email.com", admin, denied, false},
            {23, "2022-03-07T19:15:32.766296494Z", Type::response, "update", "auth/token/revoke", "", "token", true, "oidc-user@email.com", admin, denied, true},
            {24, "2022-03-07T19:32:25.245219811Z", Type::request, "update", "sys/mounts/ad/tune", "", "system", true, "oidc-user@email.com", admin, "", false},
            {25, "2022-03-07T19:27:27.381835515Z", Type::request, "update", "sys/raw/secret/foo", "", "system", true, "oidc-user@email.com", admin, "", false},
            {26, "2022-03-07T19:47:31.145119975Z", Type::request, "update", "sys/policies/acl/boundary-policy", "", "system", true, "root", root, "", false},
        });
}

TEST(AuditDecoder, DecodesEveryReconstructedLineOfTheAlphabeticalLayout) {
  const std::vector<std::string> payments = {"default", "payments-read"};
  const std::vector<std::string> ci = {"default", "ci"};
  check("vault/reconstructed/audit_reconstructed_vault_1.17plus.jsonl",
        {
            // The enable-time test probe: no auth key at all.
            {1, "2025-03-04T10:00:00.000123456Z", Type::request, "update", "sys/audit/test", "", "", false, "", none, "", false},
            {2, "2025-03-04T10:15:22.123456789Z", Type::request, "read", "secret/data/prod/db", "secret/", "kv", true, "approle", payments, "", false},
            {3, "2025-03-04T10:15:22.125001234Z", Type::response, "read", "secret/data/prod/db", "secret/", "kv", true, "approle", payments, "", false},
            {4, "2025-03-04T10:16:03.4001002Z", Type::request, "read", "secret/data/prod/db", "secret/", "kv", true, "approle", ci, denied, false},
            {5, "2025-03-04T10:16:03.400321987Z", Type::response, "read", "secret/data/prod/db", "secret/", "kv", true, "approle", ci, denied, true},
            {6, "2025-03-04T09:58:01.01020304Z", Type::request, "update", "auth/approle/login", "auth/approle/", "approle", false, "", none, "", false},
            {7, "2025-03-04T09:58:01.021222324Z", Type::response, "update", "auth/approle/login", "auth/approle/", "approle", true, "approle", payments, "", false},
            {8, "2025-03-04T08:01:00.000000001Z", Type::request, "update", "sys/audit/file", "sys/", "system", true, "root", root, "", false},
            {9, "2025-03-04T11:00:00.1Z", Type::request, "update", "sys/generate-root/attempt", "", "", false, "", none, "", false},
            {10, "2025-03-04T11:00:00.1004Z", Type::response, "update", "sys/generate-root/attempt", "", "", false, "", none, "", false},
        });
}

TEST(AuditDecoder, MaterialisesIdentityFieldsForRulesAndSearch) {
  auto lines = fixture_lines("vault/reconstructed/audit_reconstructed_vault_1.17plus.jsonl");
  auto d = decode_line(lines[3]);
  ASSERT_FALSE(d.error);
  const AuditEvent& e = d.event;
  EXPECT_EQ(e.entity_id, "1c9e6b2a-77aa-4d0b-9e3f-5a8c2d4e6f10");
  EXPECT_EQ(e.remote_address, "10.20.30.77");
  EXPECT_EQ(e.token_type, "service");
  EXPECT_EQ(e.metadata, (std::map<std::string, std::string>{{"role_name", "ci-runner"}}));
  EXPECT_FALSE(e.request_id.empty());
  EXPECT_TRUE(e.accessor.starts_with("hmac-sha256:"));
  EXPECT_EQ(e.error, denied);
}

TEST(AuditDecoder, DecodesVaultsOwnTestTemplate) {
  // audit/format_json_test.go: "metadata":null, a path with a leading '/', an error, odd spaces.
  std::string t = test::read_fixture("vault/audit_test_template_vault_audit_format_json_test.txt");
  while (!t.empty() && (t.back() == '\n' || t.back() == '\r')) t.pop_back();
  auto pos = t.find("%s");
  ASSERT_NE(pos, std::string::npos);
  t.replace(pos, 2, "hmac-sha256:0011");
  auto d = decode_line(t);
  ASSERT_FALSE(d.error);
  EXPECT_EQ(d.event.path, "/foo");
  EXPECT_EQ(d.event.display_name, "testtoken");
  EXPECT_TRUE(d.event.metadata.empty());
  EXPECT_EQ(d.event.error, "this is an error");
  EXPECT_EQ(d.event.policies, std::vector<std::string>{"root"});
}

TEST(AuditDecoder, UnescapesStringsAndFindsKeysInAnyOrder) {
  const std::string line =
      R"({"type":"request","request":{"path":"secret\/data\/a\u003cb\u003e","operation":"read",)"
      R"("namespace":{"path":"ns1\/","id":"Xy12"}},"error":"tab\there\nnewline \u0026 \"quote\"",)"
      R"("auth":{"policies":["root",null,""],"display_name":"\u00e9t\u00e9","metadata":{"k\u0031":"v","n":3}},)"
      R"("time":"2025-01-01T00:00:00Z"})";
  auto d = decode_line(line);
  ASSERT_FALSE(d.error);
  EXPECT_EQ(d.event.path, "secret/data/a<b>");
  EXPECT_EQ(d.event.error, "tab\there\nnewline & \"quote\"");
  EXPECT_EQ(d.event.namespace_id, "Xy12");
  EXPECT_EQ(d.event.namespace_path, "ns1/");
  EXPECT_EQ(d.event.display_name, "\xc3\xa9t\xc3\xa9");
  EXPECT_EQ(d.event.policies, std::vector<std::string>{"root"});
  EXPECT_EQ(d.event.metadata, (std::map<std::string, std::string>{{"k1", "v"}}));
  EXPECT_TRUE(d.event.has_auth);
}

TEST(AuditDecoder, ToleratesEmptyAuthEmptyResponseAndNulls) {
  struct Case {
    std::string auth;
    bool has_auth;
  } cases[] = {
      {R"("auth":{"token_type":"default"},)", false},
      {R"("auth":{"display_name":"","policies":null,"token_type":"default"},)", false},
      {R"("auth":null,)", false},
      {"", false},
      {R"("auth":{"client_token":"hmac-sha256:ab","token_type":"batch"},)", true},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.auth);
    auto d = decode_line(R"({"time":"2025-01-01T00:00:00Z","type":"response",)" + c.auth +
                         R"("request":{"operation":"read","path":"sys/mounts"},"response":{}})");
    ASSERT_FALSE(d.error);
    EXPECT_EQ(d.event.has_auth, c.has_auth);
    EXPECT_EQ(d.event.type, AuditEvent::Type::response);
  }
}

TEST(AuditDecoder, StripsTheDevicePrefix) {
  auto d = decode_line(
      R"(vault-1: {"time":"2025-01-01T00:00:00Z","type":"request","request":{"operation":"read","path":"a/b"}})",
      "vault-1: ");
  ASSERT_FALSE(d.error);
  EXPECT_EQ(d.event.path, "a/b");
  // A line without the prefix (written before it was configured) still decodes.
  EXPECT_FALSE(decode_line(R"({"time":"2025-01-01T00:00:00Z","type":"request","request":{"operation":"read","path":"a"}})",
                           "vault-1: ")
                   .error);
}

TEST(AuditDecoder, RejectsMalformedLinesByReason) {
  struct Case {
    std::string line;
    DecodeError why;
  } cases[] = {
      {"", DecodeError::bad_json},
      {"   ", DecodeError::bad_json},
      {"not json", DecodeError::bad_json},
      {R"({"time":"2025-01-01T00:00:00Z","type":"request","request":{"operation":"read")", DecodeError::bad_json},
      {R"({"time":"2025-01-01T00:00:00Z","type":"request","request":{"operation":"read","path":"a"}} trailing)", DecodeError::bad_json},
      {R"({"time":"2025-01-01T00:00:00Z"}{"type":"request"})", DecodeError::bad_json},
      {R"(["time","type"])", DecodeError::bad_json},
      {R"({"time":"2025-01-01T00:00:00Z","type":"request","request":{"operation":"read","path":"bad \q escape"}})", DecodeError::bad_json},
      {"{\"time\":\"2025-01-01T00:00:00Z\",\"type\":\"request\",\"request\":{\"operation\":\"read\",\"path\":\"\xff\xfe\"}}", DecodeError::bad_json},
      // Only a JSON object without a `type` or a `time` is malformed (issue 16).
      {R"({"time":"2025-01-01T00:00:00Z","request":{"operation":"read","path":"a"}})", DecodeError::missing_field},
      {R"({"time":"2025-01-01T00:00:00Z","type":"","request":{"operation":"read","path":"a"}})", DecodeError::missing_field},
      {R"({"time":"2025-01-01T00:00:00Z","type":7,"request":{"operation":"read","path":"a"}})", DecodeError::missing_field},
      {R"({"time":"2025-01-01T00:00:00Z","type":null})", DecodeError::missing_field},
      {R"({"type":"request","request":{"operation":"read","path":"a"}})", DecodeError::missing_field},
      {R"({"type":"kmip-request","request":{"remote_address":"192.168.0.10:36776"}})", DecodeError::missing_field},
      {R"({"time":"yesterday","type":"request","request":{"operation":"read","path":"a"}})", DecodeError::missing_field},
      {R"({"time":1,"type":"request","request":{"operation":"read","path":"a"}})", DecodeError::missing_field},
      {R"({"time":"","type":"request"})", DecodeError::missing_field},
      {"{}", DecodeError::missing_field},
  };
  Decoder d;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.line);
    AuditEntryView v;
    auto err = d.decode(c.line, v);
    ASSERT_TRUE(err.has_value());
    EXPECT_EQ(*err, c.why) << to_string(*err);
  }
  // ...and the decoder is still fine afterwards.
  AuditEntryView v;
  EXPECT_FALSE(d.decode(R"({"time":"2025-01-01T00:00:00Z","type":"request","request":{"operation":"read","path":"a"}})", v));
}

TEST(AuditDecoder, HandlesLongLinesAndShrinksBack) {
  std::string big(600 * 1024, 'x');
  std::string line = R"({"time":"2025-01-01T00:00:00Z","type":"request","request":{"operation":"update","path":"a","data":{"blob":")" +
                     big + R"("}}})";
  Decoder d;
  AuditEntryView v;
  ASSERT_FALSE(d.decode(line, v));
  EXPECT_EQ(v.path, "a");
  ASSERT_FALSE(d.decode(R"({"time":"2025-01-01T00:00:00Z","type":"request","request":{"operation":"read","path":"b"}})", v));
  EXPECT_EQ(v.path, "b");
}

TEST(AuditDecoder, ViewsStayValidUntilTheNextDecodeAndMaterialiseReusesTheEvent) {
  auto lines = fixture_lines("vault/audit_docs_log_mdx.jsonl");
  Decoder d;
  AuditEvent reused;
  for (const auto& l : lines) {
    AuditEntryView v;
    ASSERT_FALSE(d.decode(l, v));
    materialize(v, reused);
    EXPECT_EQ(reused, to_event(v));
  }
}

// ---- issue 16: everything Vault writes is an entry ------------------------------------------

struct Shape {
  int line;  // 1-based
  Type type;
  const char* type_name;
  const char* operation;
  const char* path;
  const char* remote_address;  // verbatim in the view
  std::uint16_t remote_port;   // the view's request.remote_port
  const char* client;          // client_endpoint(): the address without a port
  std::uint16_t client_port;   // client_endpoint(): request.remote_port or the port in the address
};

void check_shapes(const std::string& file, const std::vector<Shape>& table) {
  for_each_row(file, table, [](const Shape& x, const AuditEntryView& v) {
    EXPECT_EQ(v.type, x.type);
    EXPECT_EQ(v.type_name, x.type_name);
    EXPECT_EQ(v.operation, x.operation);
    EXPECT_EQ(v.path, x.path);
    EXPECT_EQ(v.remote_address, x.remote_address);
    EXPECT_EQ(v.remote_port, x.remote_port);
    auto c = client_endpoint(v);
    EXPECT_EQ(c.address, x.client);
    EXPECT_EQ(c.port, x.client_port);
    auto e = to_event(v);
    EXPECT_EQ(e.type_name, x.type_name);
    EXPECT_EQ(e.remote_address, x.client);
    EXPECT_EQ(e.remote_port, x.client_port);
  });
}

TEST(AuditDecoder, DecodesKmipEntriesWithoutPathOrOperation) {
  // Elastic's Vault integration test log: Enterprise KMIP entries, port in remote_address.
  check_shapes("vault/audit_kmip_elastic_integrations.jsonl",
               {
                   {1, Type::request, "kmip-request", "", "", "192.168.0.10:36776", 0, "192.168.0.10", 36776},
                   {2, Type::response, "kmip-response", "", "", "192.168.0.10:36776", 0, "192.168.0.10", 36776},
                   {3, Type::response, "kmip-response", "", "", "192.168.0.10:36776", 0, "192.168.0.10", 36776},
                   {4, Type::response, "kmip-response", "", "", "[2001:db8::10]:36778", 0, "2001:db8::10", 36778},
               });
  auto d = decode_line(fixture_lines("vault/audit_kmip_elastic_integrations.jsonl")[0]);
  ASSERT_FALSE(d.error);
  EXPECT_EQ(d.event.namespace_id, "root");
  EXPECT_FALSE(d.event.has_auth);
  EXPECT_EQ(d.event.time, *parse_rfc3339("2026-05-20T13:49:00.313915809Z"));
}

TEST(AuditDecoder, ReadsRemotePortAndAcceptsTheNewestFields) {
  check_shapes("vault/audit_remote_port_vault_pr12790.jsonl",
               {{1, Type::response, "response", "update", "sys/audit/file", "127.0.0.1", 54798, "127.0.0.1", 54798}});
  check_shapes("vault/reconstructed/audit_shapes_reconstructed.jsonl",
               {
                   {1, Type::request, "request", "read", "secret/data/billing/db", "::ffff:10.1.2.3", 51514, "::ffff:10.1.2.3", 51514},
                   {2, Type::response, "response", "update", "auth/oidc/oidc/callback", "2001:db8:0:1::44", 443, "2001:db8:0:1::44", 443},
                   {3, Type::request, "kmip-request", "", "", "[fe80::1%eth0]:5696", 0, "fe80::1%eth0", 5696},
                   // A type this version does not know, and no request at all: kept.
                   {4, Type::other, "example-event", "", "", "", 0, "", 0},
                   // "remote_port":"8200" is mistyped: absent, like any mistyped field.
                   {5, Type::request, "request", "list", "sys/policies/acl", "203.0.113.9", 0, "203.0.113.9", 0},
               });
  // The 1.17+ reconstructed lines carry remote_port too.
  auto lines = fixture_lines("vault/reconstructed/audit_reconstructed_vault_1.17plus.jsonl");
  AuditEntryView v;
  Decoder d;
  ASSERT_FALSE(d.decode(lines[1], v));
  EXPECT_EQ(v.remote_port, 51514);
  // policy_results, entity_created and mount_class are accepted, identity still read.
  auto e = decode_line(fixture_lines("vault/reconstructed/audit_shapes_reconstructed.jsonl")[0]);
  ASSERT_FALSE(e.error);
  EXPECT_EQ(e.event.display_name, "approle");
  EXPECT_EQ(e.event.policies, (std::vector<std::string>{"default", "billing-read"}));
  EXPECT_EQ(e.event.mount_point, "secret/");
}

TEST(AuditDecoder, RemotePortValues) {
  struct Case {
    const char* value;
    std::uint16_t port;
  } cases[] = {{"54798", 54798}, {"1", 1},    {"65535", 65535}, {"65536", 0},    {"0", 0},
               {"-1", 0},        {"1.5", 0},  {"1e3", 0},       {"\"8200\"", 0}, {"null", 0},
               {"true", 0},      {"[1]", 0},  {"{}", 0},        {"18446744073709551616", 0}};
  Decoder d;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.value);
    const std::string line = std::string(R"({"time":"2025-01-01T00:00:00Z","type":"request","request":{"remote_port":)") +
                             c.value + R"(,"remote_address":"10.0.0.1"}})";
    AuditEntryView v;
    auto err = d.decode(line, v);
    ASSERT_FALSE(err) << to_string(*err);
    EXPECT_EQ(v.remote_port, c.port);
  }
}

TEST(AuditDecoder, TypeNamesMapToTheirHalf) {
  struct Case {
    const char* name;
    Type type;
  } cases[] = {{"request", Type::request},       {"response", Type::response},
               {"kmip-request", Type::request},  {"kmip-response", Type::response},
               {"-request", Type::other},        {"requests", Type::other},
               {"example-event", Type::other},   {"Request", Type::other}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(type_of(c.name), c.type);
    auto d = decode_line(std::string(R"({"time":"2025-01-01T00:00:00Z","type":")") + c.name + "\"}");
    ASSERT_FALSE(d.error);
    EXPECT_EQ(d.event.type, c.type);
    EXPECT_EQ(d.event.type_name, c.name);
  }
}

}  // namespace
}  // namespace vw::audit
