// audit stats: what is counted over which entries, top-N ordering, both renderings.
#include "forensics/stats.hpp"

#include <gtest/gtest.h>

#include "audit/decoder.hpp"

namespace vw::forensics {
namespace {

Stats run(const std::vector<std::string>& lines) {
  audit::Decoder d;
  auto c = audit::Classifier::create({});
  Stats s;
  audit::AuditEntryView v;
  for (const auto& l : lines) {
    EXPECT_FALSE(d.decode(l, v)) << l;
    s.add(v, c->classify(v));
  }
  return s;
}

std::string entry(const char* time, const char* type, const char* op, const char* path, const char* mount,
                  const char* auth, const char* error = "") {
  std::string e = std::string(R"({"time":")") + time + R"(","type":")" + type + R"(")";
  if (*auth) e += std::string(R"(,"auth":)") + auth;
  if (*error) e += std::string(R"(,"error":")") + error + "\"";
  e += std::string(R"(,"request":{"operation":")") + op + R"(","path":")" + path + R"(","mount_point":")" +
       mount + R"("}})";
  return e;
}

const char* root = R"({"client_token":"hmac-sha256:x","display_name":"root","policies":["root"]})";
const char* app = R"({"client_token":"hmac-sha256:y","display_name":"approle","policies":["default"]})";

TEST(Stats, CountsEntriesAndRequestOnlyFacts) {
  auto s = run({
      entry("2026-11-28T10:00:02Z", "request", "update", "sys/policy/x", "sys/", root),
      entry("2026-11-28T10:00:02Z", "response", "update", "sys/policy/x", "sys/", root),
      entry("2026-11-28T10:00:01Z", "request", "read", "secret/data/a", "secret/", app),
      entry("2026-11-28T10:00:03Z", "request", "read", "secret/data/b", "secret/", app,
            "1 error occurred:\\n\\t* permission denied\\n\\n"),
      entry("2026-11-28T10:00:04Z", "request", "update", "auth/approle/login", "auth/approle/", "",
            "boom"),
  });
  EXPECT_EQ(s.entries(), 5u);
  EXPECT_EQ(s.by_type("request"), 4u);
  EXPECT_EQ(s.by_type("response"), 1u);
  EXPECT_EQ(s.by_outcome(audit::Outcome::ok), 3u);
  EXPECT_EQ(s.by_outcome(audit::Outcome::permission_denied), 1u);
  EXPECT_EQ(s.by_outcome(audit::Outcome::error), 1u);
  EXPECT_EQ(s.count("operation", "update"), 3u);
  EXPECT_EQ(s.count("mount", "secret/"), 2u);
  EXPECT_EQ(s.count("identity", "approle"), 2u);
  EXPECT_EQ(s.count("identity", "(no auth)"), 1u);
  // From request entries only: one policy change, one root use (the response half is not counted).
  EXPECT_EQ(s.by_sensitive(audit::SensitiveKind::policy_change), 1u);
  EXPECT_EQ(s.root_token_uses(), 1u);
  EXPECT_EQ(s.count("root_operation", "update"), 1u);
  EXPECT_EQ(*s.first(), *parse_rfc3339("2026-11-28T10:00:01Z"));
  EXPECT_EQ(*s.last(), *parse_rfc3339("2026-11-28T10:00:04Z"));
  EXPECT_EQ(s.top("identity", 2),
            (std::vector<std::pair<std::string, std::uint64_t>>{{"approle", 2}, {"root", 2}}));
}

TEST(Stats, RendersTableAndJson) {
  auto s = run({entry("2026-11-28T10:00:02Z", "request", "read", "secret/data/a", "secret/", app)});
  std::string table, json;
  s.render_table(table, 10);
  s.render_json(json, 10);
  EXPECT_NE(table.find("entries     1\n"), std::string::npos);
  EXPECT_NE(table.find("BY OPERATION\n  read  "), std::string::npos);
  EXPECT_EQ(json,
            R"({"entries":1,"first":"2026-11-28T10:00:02Z","last":"2026-11-28T10:00:02Z","type":{"request":1,"response":0},)"
            R"("outcome":{"ok":1,"error":0,"permission_denied":0},"operation":{"read":1},"mount":{"secret/":1},)"
            R"("identity":{"approle":1},"identity_distinct":1,"sensitive":{"generate_root":0,"seal":0,"step_down":0,)"
            R"("audit_device_change":0,"policy_change":0,"auth_method_change":0,"mount_change":0,"token_create":0,)"
            R"("token_revoke":0,"lease_revoke_prefix":0,"raw_storage":0,"rotate_keyring":0,"raft_snapshot":0,)"
            R"("plugin_change":0},"root_token_uses":0,"root_token_uses_by_operation":{}})"
            "\n");
  Stats empty;
  std::string e;
  empty.render_json(e, 10);
  EXPECT_NE(e.find(R"("first":null)"), std::string::npos);
}

// Issue 16: KMIP entries are counted under Vault's type, with "(none)" for what they lack.
TEST(Stats, CountsKmipEntriesUnderVaultsType) {
  const std::string kmip_req =
      R"({"request":{"data":{"kmip_request":{}},"namespace":{"id":"root"},"remote_address":"192.168.0.10:36776"},"time":"2026-11-28T10:00:05Z","type":"kmip-request"})";
  const std::string kmip_resp =
      R"({"request":{"namespace":{"id":"root"},"remote_address":"192.168.0.10:36776"},"response":{"data":{"kmip_response":{}}},"time":"2026-11-28T10:00:06Z","type":"kmip-response"})";
  auto s = run({entry("2026-11-28T10:00:02Z", "request", "read", "secret/data/a", "secret/", app), kmip_req,
                kmip_resp, kmip_resp});
  EXPECT_EQ(s.entries(), 4u);
  EXPECT_EQ(s.by_type("request"), 1u);
  EXPECT_EQ(s.by_type("kmip-request"), 1u);
  EXPECT_EQ(s.by_type("kmip-response"), 2u);
  EXPECT_EQ(s.count("operation", "(none)"), 3u);
  EXPECT_EQ(s.count("mount", "(none)"), 3u);
  EXPECT_EQ(s.count("identity", "(no auth)"), 3u);
  std::string table, json;
  s.render_table(table, 10);
  s.render_json(json, 10);
  EXPECT_NE(table.find("BY TYPE\n  request       "), std::string::npos) << table;
  EXPECT_NE(table.find("\n  kmip-response "), std::string::npos) << table;
  EXPECT_NE(json.find(R"("type":{"request":1,"response":0,"kmip-response":2,"kmip-request":1})"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find(R"j("operation":{"(none)":3,"read":1})j"), std::string::npos) << json;
}

}  // namespace
}  // namespace vw::forensics
