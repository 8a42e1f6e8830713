#include <algorithm>
#include "http/basic_auth.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include <optional>
#include <vector>

#include "support/bcrypt.hpp"

namespace vw::http {
namespace {

TEST(BasicAuthHeader, ParsesLikeGoRequestBasicAuth) {
  struct Case {
    std::string header;
    std::optional<BasicCredentials> want;
  } cases[] = {
      {"Basic YWxpY2U6c2VjcmV0", BasicCredentials{"alice", "secret"}},
      {"basic YWxpY2U6c2VjcmV0", BasicCredentials{"alice", "secret"}},   // scheme case-insensitive
      {"BASIC YWxpY2U6c2VjcmV0", BasicCredentials{"alice", "secret"}},
      {"Basic YWxpY2U6YTpi", BasicCredentials{"alice", "a:b"}},          // split at the first ':'
      {"Basic OnB3", BasicCredentials{"", "pw"}},                        // empty user
      {"Basic YWxpY2U6", BasicCredentials{"alice", ""}},                 // empty password
      {"Basic YWxpY2U=", std::nullopt},                                  // no ':'
      {"Basic YWxpY2U6c2VjcmV0=", std::nullopt},                         // bad padding
      {"Basic YWxp!2U6c2VjcmV0", std::nullopt},                          // not base64
      {"Bearer YWxpY2U6c2VjcmV0", std::nullopt},
      {"Basic", std::nullopt},
      {"", std::nullopt},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.header);
    EXPECT_EQ(parse_basic_authorization(c.header), c.want);
  }
}

TEST(Bcrypt, CostAcceptsTheThreePrefixesAndRejectsTheRest) {
  EXPECT_EQ(bcrypt_cost(dummy_bcrypt_hash).value(), 10);
  const std::string h = test::bcrypt_hash("pw", 5);
  EXPECT_EQ(bcrypt_cost(h).value(), 5);
  EXPECT_TRUE(bcrypt_cost("$2b$" + h.substr(4)));
  EXPECT_TRUE(bcrypt_cost("$2a$" + h.substr(4)));
  EXPECT_FALSE(bcrypt_cost("$2x$" + h.substr(4)));
  EXPECT_FALSE(bcrypt_cost("$1$abc$defghijklmnopqrstuvwxyz"));          // md5-crypt
  EXPECT_FALSE(bcrypt_cost("plaintext"));
  EXPECT_FALSE(bcrypt_cost(h.substr(0, 59)));
  EXPECT_FALSE(bcrypt_cost("$2y$03$" + h.substr(7)));                   // cost below 4
  EXPECT_FALSE(bcrypt_cost("$2y$10$" + h.substr(7, 52) + "!"));
}

TEST(Bcrypt, VerifiesEveryPrefixAndRejectsWrongPasswords) {
  for (std::string prefix : {"$2y$", "$2b$", "$2a$"}) {
    SCOPED_TRACE(prefix);
    const std::string h = test::bcrypt_hash("correct horse", 4, prefix);
    EXPECT_TRUE(bcrypt_verify("correct horse", h));
    EXPECT_FALSE(bcrypt_verify("correct hors", h));
    EXPECT_FALSE(bcrypt_verify("", h));
    EXPECT_FALSE(bcrypt_verify(std::string("correct horse\0x", 15), h));
  }
  EXPECT_TRUE(bcrypt_verify("fakepassword", dummy_bcrypt_hash));
  EXPECT_FALSE(bcrypt_verify("pw", "not a hash"));
}

// Runs check() on an io_context until it completes.
class Authenticator : public ::testing::Test {
 protected:
  BasicAuthenticator::Outcome check(BasicAuthenticator& a, const std::string& user,
                                    const std::string& pw) {
    std::optional<BasicAuthenticator::Outcome> out;
    net::co_spawn(io_, a.check(users_, {user, pw}), [&](std::exception_ptr e, BasicAuthenticator::Outcome o) {
      if (e) std::rethrow_exception(e);
      out = o;
    });
    io_.restart();
    io_.run();
    EXPECT_TRUE(out.has_value());
    return out.value_or(BasicAuthenticator::Outcome::denied);
  }
  net::io_context io_;
  std::map<std::string, std::string> users_ = {{"alice", test::bcrypt_hash("alice-pw")},
                                               {"bob", test::bcrypt_hash("bob-pw")}};
};

TEST_F(Authenticator, AcceptsKnownUsersWithTheirPasswordOnly) {
  BasicAuthenticator a;
  EXPECT_EQ(check(a, "alice", "alice-pw"), BasicAuthenticator::Outcome::ok);
  EXPECT_EQ(check(a, "bob", "bob-pw"), BasicAuthenticator::Outcome::ok);
  EXPECT_EQ(check(a, "alice", "bob-pw"), BasicAuthenticator::Outcome::denied);
  EXPECT_EQ(check(a, "mallory", "alice-pw"), BasicAuthenticator::Outcome::denied);
  EXPECT_EQ(check(a, "mallory", "fakepassword"), BasicAuthenticator::Outcome::denied)
      << "the dummy hash's own password must not let an unknown user in";
}

TEST_F(Authenticator, UnknownUsersCostOneBcryptLikeKnownOnes) {
  BasicAuthenticator a;
  check(a, "mallory", "x");
  check(a, "alice", "wrong");
  EXPECT_EQ(a.stats().bcrypt_runs, 2u);
}

TEST_F(Authenticator, CachesSuccessesOnlyAndKeysThemByHash) {
  BasicAuthenticator a;
  for (int i = 0; i < 5; ++i) EXPECT_EQ(check(a, "alice", "alice-pw"), BasicAuthenticator::Outcome::ok);
  EXPECT_EQ(a.stats().bcrypt_runs, 1u);
  EXPECT_EQ(a.stats().cache_hits, 4u);
  for (int i = 0; i < 3; ++i) check(a, "alice", "guess");
  EXPECT_EQ(a.stats().bcrypt_runs, 4u) << "failures are never cached";
  // A new hash for alice (password changed in the web config): the old password stops working
  // at once, the cache notwithstanding.
  users_["alice"] = test::bcrypt_hash("new-pw");
  EXPECT_EQ(check(a, "alice", "alice-pw"), BasicAuthenticator::Outcome::denied);
  EXPECT_EQ(check(a, "alice", "new-pw"), BasicAuthenticator::Outcome::ok);
  // A removed user is refused even though its success is cached.
  EXPECT_EQ(check(a, "bob", "bob-pw"), BasicAuthenticator::Outcome::ok);
  users_.erase("bob");
  EXPECT_EQ(check(a, "bob", "bob-pw"), BasicAuthenticator::Outcome::denied);
}

TEST_F(Authenticator, EvictsTheLeastRecentlyUsedEntry) {
  BasicAuthenticator a(BasicAuthOptions{.cache_capacity = 1, .max_pending = 8});
  check(a, "alice", "alice-pw");
  check(a, "bob", "bob-pw");        // evicts alice
  check(a, "alice", "alice-pw");    // bcrypt again
  EXPECT_EQ(a.stats().bcrypt_runs, 3u);
  EXPECT_EQ(a.stats().cache_hits, 0u);
}

TEST_F(Authenticator, RefusesWorkBeyondMaxPendingWithoutQueueing) {
  BasicAuthenticator a(BasicAuthOptions{.cache_capacity = 8, .max_pending = 1});
  std::vector<BasicAuthenticator::Outcome> outcomes;
  for (int i = 0; i < 3; ++i)
    net::co_spawn(io_, a.check(users_, {"alice", "wrong"}),
                  [&](std::exception_ptr, BasicAuthenticator::Outcome o) { outcomes.push_back(o); });
  io_.run();
  ASSERT_EQ(outcomes.size(), 3u);
  // At least one check found the worker busy and was answered at once instead of queueing.
  // (How many depends on whether the first bcrypt finished before the third check started,
  // which a loaded machine decides; the order of completions is not asserted for the same
  // reason.)
  const auto busy = std::count(outcomes.begin(), outcomes.end(), BasicAuthenticator::Outcome::busy);
  const auto denied = std::count(outcomes.begin(), outcomes.end(), BasicAuthenticator::Outcome::denied);
  EXPECT_GE(busy, 1);
  EXPECT_EQ(busy + denied, 3);
  EXPECT_EQ(a.stats().busy, static_cast<std::uint64_t>(busy));
  // A cached success is never busy.
  EXPECT_EQ(check(a, "bob", "bob-pw"), BasicAuthenticator::Outcome::ok);
}

}  // namespace
}  // namespace vw::http
