// The monitor token's sources, permission checks and rotation (SPEC §2, §8).
#include "vault/token_source.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/test_support.hpp"

namespace vw::vault {
namespace {

namespace fs = std::filesystem;

class TokenSourceTest : public ::testing::Test {
 protected:
  std::shared_ptr<spdlog::logger> logger() {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_st>(log_);
    auto l = std::make_shared<spdlog::logger>("token", sink);
    l->set_level(spdlog::level::debug);
    return l;
  }
  // Writes a file the way Vault Agent's sink does: a new file renamed over the old one.
  void write_token(const fs::path& p, const std::string& content, fs::perms mode = fs::perms::owner_read |
                                                                                   fs::perms::owner_write) {
    auto tmp = p;
    tmp += ".tmp";
    test::write_file(tmp, content);
    fs::permissions(tmp, mode);
    fs::rename(tmp, p);
  }
  std::string token_of(TokenSource& ts) {
    auto t = ts.token();
    return t ? t->reveal() : "<none>";
  }
  test::TempDir dir_;
  std::ostringstream log_;
};

TEST_F(TokenSourceTest, ReadsTheTokenFileAndTrimsWhitespace) {
  write_token(dir_ / "token", "  hvs.CAESIJ1abc\n");
  auto ts = TokenSource::open({(dir_ / "token").string()}, logger());
  ASSERT_TRUE(ts) << ts.error().message;
  EXPECT_EQ((*ts)->kind(), TokenSource::Kind::file);
  EXPECT_EQ(token_of(**ts), "hvs.CAESIJ1abc");
  EXPECT_EQ((*ts)->describe(), "token_file " + (dir_ / "token").string());
  EXPECT_EQ((*ts)->generation(), 0u);
}

TEST_F(TokenSourceTest, RefusesATokenFileReadableByGroupOrOthers) {
  for (auto mode : {fs::perms::owner_read | fs::perms::group_read, fs::perms::owner_read | fs::perms::others_read,
                    fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_write}) {
    write_token(dir_ / "token", "hvs.secret-value\n", mode);
    auto ts = TokenSource::open({(dir_ / "token").string()}, logger());
    ASSERT_FALSE(ts);
    EXPECT_NE(ts.error().message.find("is accessible by group or others (mode 0"), std::string::npos)
        << ts.error().message;
    EXPECT_NE(ts.error().message.find("--allow-insecure-token-file"), std::string::npos);
    EXPECT_NE(ts.error().message.find((dir_ / "token").string()), std::string::npos);
    EXPECT_EQ(ts.error().message.find("hvs.secret-value"), std::string::npos);
  }
}

TEST_F(TokenSourceTest, InsecureFileIsAcceptedWithTheFlagAndAWarning) {
  write_token(dir_ / "token", "hvs.secret-value\n", fs::perms::owner_read | fs::perms::group_read);
  auto ts = TokenSource::open({(dir_ / "token").string(), true}, logger());
  ASSERT_TRUE(ts);
  EXPECT_EQ(token_of(**ts), "hvs.secret-value");
  EXPECT_NE(log_.str().find("using it anyway because of --allow-insecure-token-file"), std::string::npos)
      << log_.str();
  EXPECT_EQ(log_.str().find("hvs.secret-value"), std::string::npos);
}

TEST_F(TokenSourceTest, RefusesDirectoriesAndContentThatIsNotAToken) {
  fs::create_directory(dir_ / "adir");
  fs::permissions(dir_ / "adir", fs::perms::owner_all);
  auto d = TokenSource::open({(dir_ / "adir").string()}, logger());
  ASSERT_FALSE(d);
  EXPECT_NE(d.error().message.find("is not a regular file"), std::string::npos) << d.error().message;
  // A CR/LF inside would be header injection.
  write_token(dir_ / "token", "hvs.first\r\nX-Evil: 1\n");
  auto bad = TokenSource::open({(dir_ / "token").string()}, logger());
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("does not hold a token"), std::string::npos);
  EXPECT_EQ(bad.error().message.find("hvs.first"), std::string::npos);
  write_token(dir_ / "big", std::string(70 * 1024, 'a'));
  auto big = TokenSource::open({(dir_ / "big").string()}, logger());
  ASSERT_FALSE(big);
  EXPECT_NE(big.error().message.find("larger than 64 KiB"), std::string::npos);
}

TEST_F(TokenSourceTest, PicksUpARotatedFileAndCallsOnChange) {
  int changes = 0;
  write_token(dir_ / "token", "hvs.one\n");
  auto ts = TokenSource::open({(dir_ / "token").string()}, logger(), [&] { ++changes; });
  ASSERT_TRUE(ts);
  auto& t = **ts;
  EXPECT_EQ(token_of(t), "hvs.one");
  EXPECT_EQ(token_of(t), "hvs.one");
  EXPECT_EQ(changes, 0);
  write_token(dir_ / "token", "hvs.two\n");  // rename: new inode
  EXPECT_EQ(token_of(t), "hvs.two");
  EXPECT_EQ(t.generation(), 1u);
  EXPECT_EQ(changes, 1);
  // In-place rewrite of the same length: same inode, new mtime/ctime.
  {
    std::ofstream out(dir_ / "token", std::ios::trunc);
    out << "hvs.333\n";
  }
  fs::last_write_time(dir_ / "token", fs::last_write_time(dir_ / "token") + std::chrono::seconds(1));
  EXPECT_EQ(token_of(t), "hvs.333");
  EXPECT_EQ(changes, 2);
  EXPECT_EQ(log_.str().find("hvs."), std::string::npos) << "no token in the log: " << log_.str();
}

TEST_F(TokenSourceTest, KeepsTheLastTokenWhenTheFileDisappearsOrIsEmpty) {
  write_token(dir_ / "token", "hvs.one\n");
  auto ts = TokenSource::open({(dir_ / "token").string()}, logger());
  ASSERT_TRUE(ts);
  auto& t = **ts;
  EXPECT_EQ(token_of(t), "hvs.one");
  fs::remove(dir_ / "token");
  EXPECT_EQ(token_of(t), "hvs.one");
  write_token(dir_ / "token", "");
  EXPECT_EQ(token_of(t), "hvs.one");
  write_token(dir_ / "token", "hvs.two");
  EXPECT_EQ(token_of(t), "hvs.two");
}

TEST_F(TokenSourceTest, ARotatedFileWithBadPermissionsDropsTheToken) {
  write_token(dir_ / "token", "hvs.one\n");
  auto ts = TokenSource::open({(dir_ / "token").string()}, logger());
  ASSERT_TRUE(ts);
  auto& t = **ts;
  write_token(dir_ / "token", "hvs.two\n", fs::perms::owner_read | fs::perms::others_read);
  EXPECT_EQ(token_of(t), "<none>");
  EXPECT_NE(log_.str().find("token file refused"), std::string::npos) << log_.str();
  write_token(dir_ / "token", "hvs.three\n");
  EXPECT_EQ(token_of(t), "hvs.three");
}

TEST_F(TokenSourceTest, AMissingFileAtStartupIsPickedUpWhenItAppears) {
  auto ts = TokenSource::open({(dir_ / "later").string()}, logger());
  ASSERT_TRUE(ts);
  EXPECT_EQ(token_of(**ts), "<none>");
  EXPECT_NE(log_.str().find("token file does not exist yet"), std::string::npos);
  write_token(dir_ / "later", "hvs.late\n");
  EXPECT_EQ(token_of(**ts), "hvs.late");
}

TEST_F(TokenSourceTest, FallsBackToVaultTokenThenSystemdCredentials) {
  fs::create_directory(dir_ / "creds");
  write_token(dir_ / "creds" / "vault-token", "hvs.cred\n", fs::perms::owner_read);
  TokenSourceOptions o;
  o.env_token = "hvs.env";
  o.credentials_directory = (dir_ / "creds").string();
  auto env = TokenSource::open(o, logger());
  ASSERT_TRUE(env);
  EXPECT_EQ((*env)->kind(), TokenSource::Kind::env);
  EXPECT_EQ(token_of(**env), "hvs.env");
  EXPECT_EQ((*env)->describe(), "$VAULT_TOKEN");
  o.env_token.reset();
  auto cred = TokenSource::open(o, logger());
  ASSERT_TRUE(cred);
  EXPECT_EQ((*cred)->kind(), TokenSource::Kind::credential);
  EXPECT_EQ(token_of(**cred), "hvs.cred");
  // The token file wins over both.
  write_token(dir_ / "token", "hvs.file\n");
  o.env_token = "hvs.env";
  o.token_file = (dir_ / "token").string();
  auto file = TokenSource::open(o, logger());
  ASSERT_TRUE(file);
  EXPECT_EQ(token_of(**file), "hvs.file");
  // Nothing at all: no token, not an error.
  auto none = TokenSource::open({}, logger());
  ASSERT_TRUE(none);
  EXPECT_EQ((*none)->kind(), TokenSource::Kind::none);
  EXPECT_EQ(token_of(**none), "<none>");
  // A credential file with loose permissions is refused like any token file.
  write_token(dir_ / "creds" / "vault-token", "hvs.cred\n", fs::perms::owner_read | fs::perms::group_read);
  auto loose = TokenSource::open({"", false, std::nullopt, (dir_ / "creds").string()}, logger());
  EXPECT_FALSE(loose);
}

TEST(TokenFileMode, OnlyOwnerBitsAreAcceptable) {
  EXPECT_EQ(token_file_mode_problem(S_IFREG | 0600), "");
  EXPECT_EQ(token_file_mode_problem(S_IFREG | 0400), "");
  EXPECT_EQ(token_file_mode_problem(S_IFREG | 0640), "is accessible by group or others (mode 0640)");
  EXPECT_EQ(token_file_mode_problem(S_IFREG | 0604), "is accessible by group or others (mode 0604)");
  EXPECT_EQ(token_file_mode_problem(S_IFREG | 0620), "is accessible by group or others (mode 0620)");
}

}  // namespace
}  // namespace vw::vault
