// lookup-self and KV v2 metadata decoding, their samples, and the SPEC §4.2 collector.
#include <gtest/gtest.h>
#include <prometheus/text_serializer.h>

#include <regex>
#include <set>
#include <sstream>

#include "config/load.hpp"
#include "support/http_get.hpp"
#include "support/test_support.hpp"
#include "vault/monitor_collector.hpp"
#include "vault/secret_poller.hpp"
#include "vault/token_checker.hpp"

namespace vw::vault {
namespace {

using namespace std::chrono_literals;

SysTime at(const char* rfc3339) { return *parse_rfc3339(rfc3339); }

TEST(DecodeTokenLookup, ReadsTheDocsSample) {
  auto l = decode_token_lookup(test::read_fixture("vault/token_lookup_self_docs.json"));
  ASSERT_TRUE(l) << l.error().message;
  EXPECT_EQ(l->ttl_seconds, 2764790);
  EXPECT_TRUE(l->renewable);
  // Who the monitor token is: the behavioural rules leave its requests out.
  EXPECT_EQ(l->entity_id, "7d2e3179-f69b-450c-7179-ac8ee8bd8ca9");
  EXPECT_EQ(l->display_name, "ldap2-tesla");
}

TEST(DecodeTokenLookup, ATokenWithoutExpiryHasNoTtl) {
  auto root = decode_token_lookup(R"({"data":{"ttl":0,"expire_time":null,"policies":["root"],"type":"service"}})");
  ASSERT_TRUE(root);
  EXPECT_FALSE(root->ttl_seconds.has_value());
  EXPECT_EQ(root->type, "service");
  auto expiring = decode_token_lookup(R"({"data":{"ttl":0,"expire_time":"2026-01-01T00:00:00Z"}})");
  ASSERT_TRUE(expiring);
  EXPECT_EQ(expiring->ttl_seconds, 0) << "ttl 0 with an expiry is about to expire, not eternal";
  for (const char* bad : {"", "[]", "{}", R"({"data":null})", R"({"data":{"ttl":"x"}})", "<html>",
                          R"({"data":{"ttl":1e300}})"})
    EXPECT_FALSE(decode_token_lookup(bad)) << bad;
}

TEST(MakeTokenSample, StatesAndTheRemainingTtl) {
  const auto now = at("2026-03-01T00:00:00Z");
  TokenSample none;
  auto ok = make_token_sample(http::Response{200, {}, R"({"data":{"ttl":3600,"renewable":true}})"}, now, none);
  EXPECT_EQ(ok.state, TokenState::valid);
  EXPECT_EQ(ok.ttl_seconds(now), 3600);
  EXPECT_EQ(ok.ttl_seconds(now + 600s), 3000) << "counted down between lookups";
  EXPECT_EQ(ok.ttl_seconds(now + 2h), 0) << "never negative";
  // Sealed, standby redirect, a 500 and a timeout keep the last known expiry.
  for (const auto& out : {http::Outcome(http::Response{503, {}, R"({"errors":["Vault is sealed"]})"}),
                          http::Outcome(http::Response{307, {}, ""}),
                          http::Outcome(http::Response{500, {}, "{}"}),
                          http::Outcome(http::Failure{http::FailureKind::timeout, "t"})}) {
    auto s = make_token_sample(out, now + 60s, ok);
    EXPECT_EQ(s.expires, ok.expires);
    EXPECT_EQ(s.ttl_seconds(now + 60s), 3540);
  }
  EXPECT_EQ(make_token_sample(http::Response{503, {}, R"({"errors":["Vault is sealed"]})"}, now, ok).state,
            TokenState::unavailable);
  auto e500 = make_token_sample(http::Response{500, {}, "{}"}, now, ok);
  EXPECT_EQ(e500.state, TokenState::error);
  EXPECT_EQ(e500.error_reason, "http_status");
  auto bad = make_token_sample(http::Response{200, {}, "nope"}, now, ok);
  EXPECT_EQ(bad.error_reason, "bad_body");
  // Rejected: as good as expired.
  auto rejected = make_token_sample(http::Response{403, {}, R"({"errors":["permission denied"]})"}, now, ok);
  EXPECT_EQ(rejected.state, TokenState::rejected);
  EXPECT_EQ(rejected.ttl_seconds(now), 0);
  EXPECT_EQ(rejected.error_reason, "") << "a state, not a failed poll";
  // A root token: valid, no TTL at all.
  auto root = make_token_sample(http::Response{200, {}, R"({"data":{"ttl":0,"expire_time":null}})"}, now, ok);
  EXPECT_EQ(root.state, TokenState::valid);
  EXPECT_FALSE(root.ttl_seconds(now));
}

TEST(KvMetadataPath, TheFirstSegmentIsTheMount) {
  EXPECT_EQ(kv_metadata_path("secret/cwiq/shared/billing/database"), "secret/metadata/cwiq/shared/billing/database");
  EXPECT_EQ(kv_metadata_path("kv/app"), "kv/metadata/app");
  EXPECT_EQ(kv_metadata_path("kv/a b/c?d#e%"), "kv/metadata/a%20b/c%3Fd%23e%25");
}

TEST(DecodeKvMetadata, TakesTheCurrentVersionsCreatedTime) {
  auto m = decode_kv_metadata(test::read_fixture("vault/kv_v2_metadata_docs.json"));
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m->current_version, 3);
  EXPECT_EQ(m->current_created, at("2018-03-22T02:36:43.986212308Z"));
  EXPECT_FALSE(m->current_deleted);
  // Versions trimmed away: fall back to updated_time.
  auto no_versions = decode_kv_metadata(
      R"({"data":{"current_version":7,"updated_time":"2026-02-01T10:00:00Z","versions":{}}})");
  ASSERT_TRUE(no_versions);
  EXPECT_EQ(no_versions->current_created, at("2026-02-01T10:00:00Z"));
  auto deleted = decode_kv_metadata(
      R"({"data":{"current_version":1,"versions":{"1":{"created_time":"2026-01-01T00:00:00Z","deletion_time":"2026-01-02T00:00:00Z","destroyed":false}}}})");
  ASSERT_TRUE(deleted);
  EXPECT_TRUE(deleted->current_deleted);
  auto empty = decode_kv_metadata(R"({"data":{"current_version":0,"versions":{}}})");
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->current_version, 0);
  for (const char* bad : {"", "{}", R"({"data":{}})", R"({"data":{"current_version":2}})",
                          R"({"data":{"current_version":1,"updated_time":"yesterday"}})",
                          R"({"data":{"current_version":4294967297}})"})
    EXPECT_FALSE(decode_kv_metadata(bad)) << bad;
}

TEST(MakeSecretSample, MissingAndForbiddenAreStatesThatForgetTheAge) {
  const auto now = at("2026-03-01T00:00:00Z");
  SecretSample first;
  first.path = "secret/app/db";
  first.max_age = std::chrono::hours(24 * 90);
  auto ok = make_secret_sample(http::Response{200, {}, test::read_fixture("vault/kv_v2_metadata_docs.json")}, now, first);
  EXPECT_EQ(ok.state, SecretState::ok);
  EXPECT_EQ(ok.path, "secret/app/db");
  EXPECT_EQ(ok.version, 3);
  EXPECT_NEAR(*ok.age_seconds(now), std::chrono::duration<double>(now - at("2018-03-22T02:36:43.986212308Z")).count(), 1e-3);
  EXPECT_TRUE(ok.overdue(now));
  EXPECT_FALSE(ok.overdue(at("2018-04-01T00:00:00Z")));
  struct Case {
    http::Outcome out;
    SecretState state;
    std::string reason;
    bool keeps_age;
  } cases[] = {
      {http::Response{404, {}, R"({"errors":[]})"}, SecretState::not_found, "", false},
      {http::Response{403, {}, R"({"errors":["permission denied"]})"}, SecretState::forbidden, "", false},
      {http::Response{200, {}, R"({"data":{"current_version":0}})"}, SecretState::not_found, "", false},
      {http::Response{503, {}, R"({"errors":["Vault is sealed"]})"}, SecretState::sealed, "", true},
      {http::Response{307, {}, ""}, SecretState::standby, "", true},
      {http::Response{500, {}, "{}"}, SecretState::error, "http_status", true},
      {http::Response{200, {}, "garbage"}, SecretState::error, "bad_body", true},
      {http::Failure{http::FailureKind::connect, "refused"}, SecretState::error, "connect", true},
  };
  for (const auto& c : cases) {
    auto s = make_secret_sample(c.out, now, ok);
    EXPECT_EQ(s.state, c.state) << to_string(c.state);
    EXPECT_EQ(s.error_reason, c.reason) << to_string(c.state);
    EXPECT_EQ(s.age_seconds(now).has_value(), c.keeps_age) << to_string(c.state);
    EXPECT_EQ(s.version.has_value(), c.keeps_age) << to_string(c.state);
    EXPECT_EQ(s.max_age, ok.max_age);
  }
}

TEST(MonitorCollector, ExportsTokenTtlAndSecretAgesAtScrapeTime) {
  SysTime now = at("2026-03-01T00:00:00Z");
  MonitorCollector c({{"secret/app/db", std::chrono::hours(24 * 90)}, {"secret/app/gone", std::chrono::hours(1)}},
                     [&] { return now; });
  auto scrape = [&] { return test::parse_samples(prometheus::TextSerializer{}.Serialize(c.Collect())); };
  auto m = scrape();
  EXPECT_EQ(m["vaultwatch_secret_max_age_seconds{path=\"secret/app/db\"}"], 90 * 86400);
  EXPECT_EQ(m["vaultwatch_secret_max_age_seconds{path=\"secret/app/gone\"}"], 3600);
  EXPECT_EQ(m.count("vaultwatch_token_ttl_seconds"), 0u);
  EXPECT_EQ(m.count("vaultwatch_secret_metadata_available{path=\"secret/app/db\"}"), 0u) << "not polled yet";

  TokenSample t;
  t.at = now;
  t.state = TokenState::valid;
  t.expires = now + 24h;
  c.update(t);
  SecretSample db;
  db.path = "secret/app/db";
  db.max_age = std::chrono::hours(24 * 90);
  db.state = SecretState::ok;
  db.version = 4;
  db.version_created = now - 10 * 24h;
  c.update(db);
  SecretSample gone = db;
  gone.path = "secret/app/gone";
  gone.state = SecretState::not_found;
  gone.version.reset();
  gone.version_created.reset();
  c.update(gone);
  now += 1h;
  m = scrape();
  EXPECT_EQ(m["vaultwatch_token_ttl_seconds"], 23 * 3600);
  EXPECT_EQ(m["vaultwatch_secret_age_seconds{path=\"secret/app/db\"}"], 10 * 86400 + 3600);
  EXPECT_EQ(m["vaultwatch_secret_version{path=\"secret/app/db\"}"], 4);
  EXPECT_EQ(m["vaultwatch_secret_metadata_available{path=\"secret/app/db\"}"], 1);
  EXPECT_EQ(m.count("vaultwatch_secret_age_seconds{path=\"secret/app/gone\"}"), 0u);
  EXPECT_EQ(m.count("vaultwatch_secret_metadata_available{path=\"secret/app/gone\",reason=\"not_found\"}"), 1u);
  EXPECT_EQ(m["vaultwatch_secret_metadata_available{path=\"secret/app/gone\",reason=\"not_found\"}"], 0);
  ASSERT_EQ(c.secrets().size(), 2u);
  EXPECT_EQ(c.secrets()[0].version, 4);

  // A token that never expires, or no token: the TTL series is absent.
  t.expires.reset();
  c.update(t);
  EXPECT_EQ(scrape().count("vaultwatch_token_ttl_seconds"), 0u);
  t.state = TokenState::rejected;
  t.expires = now;
  c.update(t);
  EXPECT_EQ(scrape()["vaultwatch_token_ttl_seconds"], 0);
}

}  // namespace
}  // namespace vw::vault

namespace vw::vault {
namespace {

// deploy/vault-policy.hcl grants `read` on exactly what the daemon reads for the shipped
// example config (config/vaultwatch.yaml): sys/metrics, lookup-self, each watched secret's
// metadata path. Nothing else, no other capability.
TEST(DeployPolicy, GrantsOnlyReadOnWhatTheDaemonReads) {
  const auto policy = test::read_file(std::string(VW_SOURCE_DIR) + "/deploy/vault-policy.hcl");
  static const std::regex stanza(R"re(path\s+"([^"]+)"\s*\{\s*capabilities\s*=\s*\[([^\]]*)\]\s*\})re");
  std::set<std::string> granted;
  std::size_t stanzas = 0;
  for (std::sregex_iterator it(policy.begin(), policy.end(), stanza), end; it != end; ++it) {
    ++stanzas;
    granted.insert((*it)[1].str());
    EXPECT_EQ((*it)[2].str(), "\"read\"") << (*it)[1].str();
  }
  // Every `path` keyword outside comments belongs to a stanza the regex understood.
  std::size_t path_lines = 0;
  std::istringstream lines(policy);
  for (std::string l; std::getline(lines, l);) path_lines += l.rfind("path ", 0) == 0;
  EXPECT_EQ(stanzas, path_lines);
  auto cfg = config::load_file(std::string(VW_SOURCE_DIR) + "/config/vaultwatch.yaml",
                               [](std::string_view) { return std::optional<std::string>{}; });
  ASSERT_TRUE(cfg.ok());
  std::set<std::string> needed = {"sys/metrics", "auth/token/lookup-self"};
  for (const auto& s : cfg.config.vault.secrets) needed.insert(kv_metadata_path(s.path));
  EXPECT_EQ(granted, needed);
}

}  // namespace
}  // namespace vw::vault
