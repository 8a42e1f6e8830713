// Classification of every fixture line, and the path tables of research/vault-api.md §4.
#include "audit/classifier.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "audit/decoder.hpp"
#include "support/test_support.hpp"

namespace vw::audit {
namespace {

using K = SensitiveKind;
using O = Outcome;

Classifier fixture_classifier() {
  ClassifierOptions o;
  o.watch = {{"prod", {"secret/data/prod/**"}}, {"acl", {"sys/policies/acl/*", "sys/policy/*"}}};
  o.ignore_display_names = {"ignored-bot"};
  return *Classifier::create(o);
}

struct Expect {
  int line;
  Skip skip;
  O outcome;
  bool root;
  K kind;
  bool login;
  bool kv_write;
  std::vector<std::uint32_t> watches;
};

void check(const std::string& file, const std::vector<Expect>& table) {
  std::istringstream in(test::read_fixture(file));
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  ASSERT_EQ(lines.size(), table.size()) << file << ": the table covers every line";
  auto c = fixture_classifier();
  Decoder d;
  for (const auto& x : table) {
    SCOPED_TRACE(file + ":" + std::to_string(x.line));
    AuditEntryView v;
    ASSERT_FALSE(d.decode(lines[static_cast<std::size_t>(x.line - 1)], v));
    Classification want;
    want.skip = x.skip;
    if (x.skip == Skip::none) {
      want.outcome = x.outcome;
      want.root_token = x.root;
      want.sensitive = x.kind;
      want.login = x.login;
      want.kv_write = x.kv_write;
      want.watches = x.watches;
    }
    auto got = c.classify(v);
    EXPECT_EQ(got.skip, want.skip);
    EXPECT_EQ(to_string(got.outcome), std::string(to_string(want.outcome)));
    EXPECT_EQ(got.root_token, want.root_token);
    EXPECT_EQ(to_string(got.sensitive), std::string(to_string(want.sensitive)));
    EXPECT_EQ(got.login, want.login);
    EXPECT_EQ(got.kv_write, want.kv_write);
    EXPECT_EQ(got.watches, want.watches);
  }
}

constexpr Skip N = Skip::none;

TEST(AuditClassifier, ClassifiesEveryDocsLine) {
  check("vault/audit_docs_log_mdx.jsonl",
        {
            // Facts about a call are taken from its request entry; responses only add logins.
            {1, N, O::ok, false, K::none, false, false, {}},
            {2, N, O::ok, false, K::none, false, false, {}},
            {3, N, O::ok, true, K::none, false, false, {}},  // root token deleting a secret
            {4, N, O::error, false, K::none, false, false, {}},  // login request: counted on its response
            {5, N, O::error, false, K::none, true, false, {}},   // failed login
            {6, N, O::error, false, K::none, true, false, {}},   // failed login: only response.data.error
            {7, N, O::ok, false, K::none, false, false, {}},
            {8, N, O::ok, false, K::none, true, false, {}},      // successful login
            {9, N, O::ok, false, K::none, false, false, {}},     // sys/auth enable: response half
            {10, N, O::ok, false, K::none, false, false, {}},
            {11, N, O::ok, false, K::policy_change, false, false, {1}},
            {12, N, O::ok, false, K::none, false, false, {}},
            {13, N, O::error, false, K::none, false, false, {}},
            {14, N, O::ok, true, K::none, false, false, {}},      // root token listing namespaces
            {15, N, O::ok, false, K::none, false, false, {}},
            {16, N, O::ok, false, K::token_create, false, false, {}},
            {17, N, O::ok, false, K::none, false, false, {}},
            {18, N, O::ok, false, K::generate_root, false, false, {}},
            {19, N, O::ok, false, K::none, false, false, {}},
            {20, N, O::ok, false, K::generate_root, false, false, {}},
            {21, N, O::ok, false, K::none, false, false, {}},
            // Denied before it ran: no token was revoked.
            {22, N, O::permission_denied, false, K::none, false, false, {}},
            {23, N, O::permission_denied, false, K::none, false, false, {}},
            {24, N, O::ok, false, K::mount_change, false, false, {}},
            {25, N, O::ok, false, K::raw_storage, false, false, {}},
            {26, N, O::ok, true, K::policy_change, false, false, {1}},
        });
}

TEST(AuditClassifier, ClassifiesEveryReconstructedLine) {
  check("vault/reconstructed/audit_reconstructed_vault_1.17plus.jsonl",
        {
            {1, Skip::test_probe, O::ok, false, K::none, false, false, {}},
            {2, N, O::ok, false, K::none, false, false, {0}},
            {3, N, O::ok, false, K::none, false, false, {}},
            {4, N, O::permission_denied, false, K::none, false, false, {0}},
            {5, N, O::permission_denied, false, K::none, false, false, {}},
            {6, N, O::ok, false, K::none, false, false, {}},
            {7, N, O::ok, false, K::none, true, false, {}},
            {8, N, O::ok, true, K::audit_device_change, false, false, {}},
            {9, N, O::ok, false, K::generate_root, false, false, {}},
            {10, N, O::ok, false, K::none, false, false, {}},
        });
}

TEST(AuditClassifier, OutcomeFromTheErrorString) {
  EXPECT_EQ(outcome_of(""), O::ok);
  EXPECT_EQ(outcome_of("1 error occurred:\n\t* permission denied\n\n"), O::permission_denied);
  EXPECT_EQ(outcome_of("permission denied"), O::permission_denied);
  EXPECT_EQ(outcome_of("missing client token"), O::error);
  EXPECT_EQ(outcome_of("1 error occurred:\n\t* invalid request\n\n"), O::error);
}

TEST(AuditClassifier, SensitiveKindsByPathAndOperation) {
  struct Case {
    const char* path;
    const char* op;
    K kind;
  } cases[] = {
      {"sys/generate-root/attempt", "update", K::generate_root},
      {"sys/generate-root/attempt", "delete", K::generate_root},
      {"sys/generate-root/attempt", "read", K::none},  // inspecting progress changes nothing
      {"sys/generate-root/update", "update", K::generate_root},
      {"sys/generate-recovery-token/attempt", "update", K::generate_root},
      {"sys/seal", "update", K::seal},
      {"sys/step-down", "update", K::step_down},
      {"sys/audit/file", "update", K::audit_device_change},
      {"sys/audit/file", "delete", K::audit_device_change},
      {"sys/audit", "read", K::none},
      {"sys/audit-hash/file", "update", K::none},
      {"sys/config/auditing/request-headers/x-forwarded-for", "update", K::audit_device_change},
      {"sys/policy/admin", "update", K::policy_change},
      {"sys/policies/acl/admin", "delete", K::policy_change},
      {"sys/policies/password/p", "create", K::policy_change},
      {"sys/policies/acl/admin", "read", K::none},
      {"sys/policies/acl", "list", K::none},
      {"sys/auth/userpass", "update", K::auth_method_change},
      {"sys/auth/userpass/tune", "update", K::auth_method_change},
      {"sys/auth", "read", K::none},
      {"sys/mounts/kv2", "update", K::mount_change},
      {"sys/mounts/kv2/tune", "update", K::mount_change},
      {"sys/remount", "update", K::mount_change},
      {"sys/mounts", "read", K::none},
      {"auth/token/create", "update", K::token_create},
      {"auth/token/create-orphan", "update", K::token_create},
      {"auth/token/create/ci-role", "update", K::token_create},
      {"auth/token/create", "read", K::none},
      {"auth/token/revoke", "update", K::token_revoke},
      {"auth/token/revoke-accessor", "update", K::token_revoke},
      {"auth/token/revoke-orphan", "update", K::token_revoke},
      {"auth/token/revoke-self", "update", K::token_revoke},
      {"auth/token/lookup-self", "read", K::none},
      {"auth/token/renew-self", "update", K::none},
      {"sys/leases/revoke-prefix/auth/approle", "update", K::lease_revoke_prefix},
      {"sys/leases/revoke-force/aws", "update", K::lease_revoke_prefix},
      {"sys/revoke-prefix/aws", "update", K::lease_revoke_prefix},
      {"sys/leases/revoke", "update", K::none},
      {"sys/leases/renew", "update", K::none},
      {"sys/raw/core/mounts", "read", K::raw_storage},
      {"sys/raw", "list", K::raw_storage},
      {"sys/rawr", "read", K::none},
      {"sys/rotate", "update", K::rotate_keyring},
      {"sys/rotate/keyring", "update", K::rotate_keyring},
      {"sys/rotate/config", "update", K::rotate_keyring},
      {"sys/key-status", "read", K::none},
      {"sys/storage/raft/snapshot", "read", K::raft_snapshot},  // a full data export
      {"sys/storage/raft/snapshot", "update", K::raft_snapshot},
      {"sys/storage/raft/snapshot-force", "update", K::raft_snapshot},
      {"sys/storage/raft/configuration", "read", K::none},
      {"sys/plugins/catalog/secret/my-plugin", "update", K::plugin_change},
      {"sys/plugins/catalog/secret/my-plugin", "delete", K::plugin_change},
      {"sys/plugins/reload/backend", "update", K::plugin_change},
      {"sys/plugins/catalog", "read", K::none},
      {"secret/data/sys/seal", "update", K::none},
      {"sys/health", "read", K::none},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.path) + " " + c.op);
    EXPECT_EQ(to_string(sensitive_kind(c.path, c.op)), std::string(to_string(c.kind)));
  }
}

TEST(AuditClassifier, LoginsAreAuthMethodLoginPaths) {
  for (const char* p : {"auth/approle/login", "auth/userpass/login/alice", "auth/jwt/login",
                        "auth/kubernetes/login", "auth/corp/ldap/login/bob", "auth/oidc/oidc/callback",
                        "auth/cert/login"})
    EXPECT_TRUE(is_login(p)) << p;
  for (const char* p : {"auth/token/lookup-self", "auth/approle/role/x/secret-id", "auth/login",
                        "sys/auth/approle", "secret/data/login", "auth/oidc/oidc/auth_url"})
    EXPECT_FALSE(is_login(p)) << p;
}

TEST(AuditClassifier, KvWritesAreNewSecretVersions) {
  struct Case {
    const char* path;
    const char* op;
    const char* mount;
    const char* type;
    bool write;
  } cases[] = {
      {"secret/data/app/db", "update", "secret/", "kv", true},
      {"secret/data/app/db", "create", "secret/", "kv", true},
      {"secret/data/app/db", "patch", "secret/", "kv", true},
      {"secret/data/app/db", "read", "secret/", "kv", false},
      {"secret/metadata/app/db", "update", "secret/", "kv", false},
      {"secret/delete/app/db", "update", "secret/", "kv", false},
      {"secret/destroy/app/db", "update", "secret/", "kv", false},
      {"secret/undelete/app/db", "update", "secret/", "kv", false},
      {"secret/config", "update", "secret/", "kv", false},
      {"kv1/app/db", "update", "kv1/", "kv", true},           // KV version 1
      {"legacy/app", "create", "legacy/", "generic", true},
      {"team/a/data/x", "update", "team/a/", "kv", true},     // nested mount
      {"pki/issue/web", "update", "pki/", "pki", false},
      {"secret/data/app/db", "update", "", "", false},        // old Vault: no mount_type logged
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.path);
    EXPECT_EQ(is_kv_write(c.path, c.op, c.mount, c.type), c.write);
  }
}

AuditEntryView entry(std::string_view path, std::string_view display_name, std::string_view accessor) {
  AuditEntryView v;
  v.type = AuditEvent::Type::request;
  v.operation = "update";
  v.path = path;
  v.display_name = display_name;
  v.accessor = accessor;
  v.has_auth = !display_name.empty() || !accessor.empty();
  return v;
}

TEST(AuditClassifier, SkipsTheProbeAndIgnoredIdentitiesOnly) {
  ClassifierOptions o;
  o.ignore_display_names = {"approle-vaultwatch"};
  o.ignore_accessors = {"hmac-sha256:aaaa"};
  auto c = *Classifier::create(o);
  EXPECT_EQ(c.classify(entry("sys/audit/test", "", "")).skip, Skip::test_probe);
  // A real token enabling a device named "test" is an audit device change, not the probe.
  auto real = c.classify(entry("sys/audit/test", "root", "hmac-sha256:bbbb"));
  EXPECT_EQ(real.skip, Skip::none);
  EXPECT_EQ(real.sensitive, K::audit_device_change);
  EXPECT_EQ(c.classify(entry("sys/metrics", "approle-vaultwatch", "hmac-sha256:cccc")).skip,
            Skip::ignored_identity);
  EXPECT_EQ(c.classify(entry("sys/metrics", "someone", "hmac-sha256:aaaa")).skip, Skip::ignored_identity);
  EXPECT_EQ(c.classify(entry("sys/metrics", "someone", "hmac-sha256:bbbb")).skip, Skip::none);
}

TEST(AuditClassifier, WatchGroupsUseSegmentAndGlobstarWildcards) {
  ClassifierOptions o;
  o.watch = {{"shared", {"secret/data/cwiq/shared/**"}}, {"one-level", {"secret/data/*/db"}}};
  auto c = *Classifier::create(o);
  auto w = [&](std::string_view p) { return c.classify(entry(p, "u", "a")).watches; };
  EXPECT_EQ(w("secret/data/cwiq/shared/billing/database"), (std::vector<std::uint32_t>{0}));
  EXPECT_EQ(w("secret/data/app/db"), (std::vector<std::uint32_t>{1}));
  EXPECT_EQ(w("secret/data/app/x/db"), (std::vector<std::uint32_t>{}));
  EXPECT_EQ(w("secret/data/cwiq/other"), (std::vector<std::uint32_t>{}));
  ClassifierOptions bad;
  bad.watch = {{"bad", {""}}};
  EXPECT_FALSE(Classifier::create(bad));
}

// Issue 16: KMIP entries and types this version does not know are entries, classified by what
// they carry (no path: no sensitive kind, no watch, no KV write; only their outcome).
TEST(AuditClassifier, ClassifiesKmipAndNewestShapes) {
  check("vault/audit_kmip_elastic_integrations.jsonl",
        {
            {1, N, O::ok, false, K::none, false, false, {}},
            {2, N, O::ok, false, K::none, false, false, {}},
            {3, N, O::ok, false, K::none, false, false, {}},
            {4, N, O::ok, false, K::none, false, false, {}},
        });
  check("vault/audit_remote_port_vault_pr12790.jsonl", {{1, N, O::ok, false, K::none, false, false, {}}});
  check("vault/reconstructed/audit_shapes_reconstructed.jsonl",
        {
            {1, N, O::ok, false, K::none, false, false, {}},
            {2, N, O::ok, false, K::none, true, false, {}},
            {3, N, O::ok, false, K::none, false, false, {}},
            {4, N, O::ok, false, K::none, false, false, {}},
            {5, N, O::ok, true, K::none, false, false, {}},
        });
}

TEST(AuditClassifier, PathlessAndUnknownTypeEntriesGetOnlyTheirOutcome) {
  ClassifierOptions o;
  o.watch = {{"everything", {"**"}}};
  auto c = *Classifier::create(o);
  auto kmip = entry("", "", "");
  kmip.operation = "";
  kmip.type_name = "kmip-request";
  EXPECT_EQ(c.classify(kmip).watches, (std::vector<std::uint32_t>{}));  // "**" matches "" otherwise
  EXPECT_EQ(c.classify(entry("secret/data/a", "u", "a")).watches, (std::vector<std::uint32_t>{0}));
  // A type vaultwatch does not know is neither half: no root use, kind or watch, even on a path.
  auto other = entry("sys/policy/ops", "root", "hmac-sha256:1");
  const std::vector<std::string_view> root = {"root"};
  other.policies = root;
  other.type = AuditEvent::Type::other;
  other.type_name = "example-event";
  other.error = "1 error occurred:\n\t* permission denied\n\n";
  auto got = c.classify(other);
  EXPECT_EQ(got.skip, Skip::none);
  EXPECT_EQ(got.outcome, O::permission_denied);
  EXPECT_FALSE(got.root_token);
  EXPECT_EQ(got.sensitive, K::none);
  EXPECT_TRUE(got.watches.empty());
  other.error = "";
  other.type = AuditEvent::Type::request;
  got = c.classify(other);
  EXPECT_TRUE(got.root_token);
  EXPECT_EQ(got.sensitive, K::policy_change);
}

}  // namespace
}  // namespace vw::audit
