// Running under systemd (SPEC §8): Type=notify messages on a fake NOTIFY_SOCKET (READY=1 only
// once the server listens, STATUS=, WATCHDOG=1 at half of WATCHDOG_USEC, RELOADING=1/READY=1,
// STOPPING=1), journal-friendly log lines when JOURNAL_STREAM names stderr, and JSON logs.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <boost/asio/ip/tcp.hpp>
#include <csignal>
#include <sstream>

#include "fake_vault/fake_vault.hpp"
#include "support/daemon_process.hpp"
#include "support/subprocess.hpp"
#include "support/test_support.hpp"

namespace vw::test {
namespace {

using ::testing::HasSubstr;

// The service manager's end of sd_notify: a unix datagram socket; each datagram is one message.
class NotifySocket {
 public:
  explicit NotifySocket(const std::filesystem::path& path) : path_(path) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
      ADD_FAILURE() << "bind " << path << ": " << std::strerror(errno);
  }
  ~NotifySocket() { ::close(fd_); }
  std::string path() const { return path_.string(); }

  /// Receives until a message containing `needle` arrives (returns it) or the deadline passes.
  std::optional<std::string> wait_for(const std::string& needle,
                                      std::chrono::milliseconds deadline = default_deadline) {
    const auto end = std::chrono::steady_clock::now() + deadline;
    for (;;) {
      for (std::size_t i = seen_; i < messages_.size(); ++i) {
        if (messages_[i].find(needle) != std::string::npos) {
          seen_ = i + 1;
          return messages_[i];
        }
      }
      seen_ = messages_.size();
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
      if (left.count() <= 0) return std::nullopt;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      char buf[4096];
      auto n = ::recv(fd_, buf, sizeof buf, 0);
      if (n > 0) messages_.emplace_back(buf, static_cast<std::size_t>(n));
    }
  }
  const std::vector<std::string>& messages() const { return messages_; }

 private:
  std::filesystem::path path_;
  int fd_ = -1;
  std::vector<std::string> messages_;
  std::size_t seen_ = 0;
};

std::string config_for(const std::string& vault, const std::filesystem::path& dir, const std::string& extra = "") {
  return "vault:\n  address: " + vault + "\n  health_interval: 100ms\n  leader_interval: 100ms\n"
         "  timeout: 500ms\naudit:\n  path: \"\"\nstate_dir: " + dir.string() + "\n" + extra;
}

class DaemonSystemd : public ::testing::Test {
 protected:
  void SetUp() override { vault_.start(); }
  TempDir dir_;
  fake::FakeVault vault_;
};

TEST_F(DaemonSystemd, NotifiesReadyOnlyOnceListeningThenKeepsTheWatchdogFed) {
  NotifySocket sock(dir_ / "notify.sock");
  auto d = Daemon::start(dir_.path(), {config_for(vault_.address(), dir_.path()), {},
                                       {{"NOTIFY_SOCKET", sock.path()}, {"WATCHDOG_USEC", "200000"}}});
  ASSERT_TRUE(d);
  auto ready = sock.wait_for("READY=1");
  ASSERT_TRUE(ready) << "no READY=1; got " << ::testing::PrintToString(sock.messages());
  EXPECT_THAT(*ready, HasSubstr("STATUS=vault " + vault_.address()));
  // READY means the port accepts connections now, not soon.
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket s(io);
  boost::system::error_code ec;
  s.connect({boost::asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(d->port())}, ec);
  EXPECT_FALSE(ec) << ec.message();

  // WATCHDOG_USEC=200ms: a keep-alive every 100 ms, from the event loop.
  int pings = 0;
  const auto start = std::chrono::steady_clock::now();
  while (pings < 5 && sock.wait_for("WATCHDOG=1", std::chrono::seconds(5))) ++pings;
  EXPECT_EQ(pings, 5);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_THAT(d->process().output(), HasSubstr("systemd watchdog enabled: keep-alive every 100ms"));

  // STATUS follows the node state.
  vault_.set_state(fake::VaultState::sealed);
  auto status = sock.wait_for(": sealed");
  ASSERT_TRUE(status) << ::testing::PrintToString(sock.messages());
  EXPECT_THAT(*status, HasSubstr("STATUS=vault " + vault_.address() + ": sealed"));

  d->process().signal(SIGHUP);
  ASSERT_TRUE(sock.wait_for("RELOADING=1"));
  auto reloaded = sock.wait_for("READY=1");
  ASSERT_TRUE(reloaded);
  EXPECT_THAT(*reloaded, HasSubstr("STATUS=vault"));

  EXPECT_EQ(d->stop(), 0);
  EXPECT_TRUE(sock.wait_for("STOPPING=1", std::chrono::seconds(1)));
}

TEST_F(DaemonSystemd, AFailedReloadSaysSoInTheStatus) {
  NotifySocket sock(dir_ / "notify.sock");
  auto d = Daemon::start(dir_.path(), {config_for(vault_.address(), dir_.path()), {},
                                       {{"NOTIFY_SOCKET", sock.path()}}});
  ASSERT_TRUE(d);
  ASSERT_TRUE(sock.wait_for("READY=1"));
  write_file(dir_ / "vaultwatch.yaml", "vault: {adress: x}\n");
  d->process().signal(SIGHUP);
  ASSERT_TRUE(sock.wait_for("RELOADING=1"));
  auto after = sock.wait_for("READY=1");
  ASSERT_TRUE(after);
  EXPECT_THAT(*after, HasSubstr("STATUS=reload failed (running on the previous configuration)"));
  EXPECT_THAT(*after, HasSubstr("vault.adress: unknown key"));
  for (const auto& m : sock.messages()) EXPECT_THAT(m, ::testing::Not(HasSubstr("WATCHDOG=1"))) << "not asked for";
}

TEST_F(DaemonSystemd, WithoutNotifySocketNothingIsSentAndNoWatchdogRuns) {
  // WATCHDOG_USEC alone (a stray variable, not systemd) must not start keep-alives.
  auto d = Daemon::start(dir_.path(), {config_for(vault_.address(), dir_.path()), {},
                                       {{"NOTIFY_SOCKET", ""}, {"WATCHDOG_USEC", "200000"}}});
  ASSERT_TRUE(d);
  ASSERT_TRUE(d->wait_metric("vault_health_status_code", 200));
  EXPECT_EQ(d->stop(), 0);
  EXPECT_THAT(d->process().output(), ::testing::Not(HasSubstr("watchdog")));
  EXPECT_THAT(d->process().output(), ::testing::Not(HasSubstr("sd_notify failed")));
}

// Runs the daemon with stderr on a pipe and JOURNAL_STREAM set to that pipe's dev:inode, as
// systemd does for StandardError=journal.
std::unique_ptr<Subprocess> start_under_journal(const std::vector<std::string>& args,
                                                const std::string& journal_stream = "") {
  std::vector<std::string> argv = {
      "/bin/sh", "-c",
      journal_stream.empty()
          ? "JOURNAL_STREAM=$(stat -L -c %d:%i /proc/self/fd/2) exec \"$0\" \"$@\""
          : "JOURNAL_STREAM=" + journal_stream + " exec \"$0\" \"$@\"",
      daemon_binary()};
  argv.insert(argv.end(), args.begin(), args.end());
  return Subprocess::start(argv);
}

TEST_F(DaemonSystemd, UnderTheJournalLinesCarryAPriorityAndNoTimestamp) {
  write_file(dir_ / "vaultwatch.yaml", config_for(vault_.address(), dir_.path()));
  auto p = start_under_journal({"--config.file=" + (dir_ / "vaultwatch.yaml").string(),
                                "--web.listen-address=127.0.0.1:0"});
  ASSERT_TRUE(p);
  ASSERT_TRUE(p->wait_for_output(R"(listening: address)", default_deadline));
  vault_.set_state(fake::VaultState::sealed);
  ASSERT_TRUE(p->wait_for_output(R"(<6>health_poller: vault state changed: from=\w+ to=sealed)", default_deadline));
  p->signal(SIGTERM);
  EXPECT_EQ(p->wait(std::chrono::seconds(15)), 0);
  std::istringstream lines(p->output());
  int n = 0;
  for (std::string line; std::getline(lines, line); ++n) {
    SCOPED_TRACE(line);
    EXPECT_TRUE(std::regex_match(line, std::regex(R"(<[2-7]>[a-z_]+: .+)")));
    EXPECT_FALSE(std::regex_search(line, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d)"))) << "no timestamp";
  }
  EXPECT_GE(n, 3);
  EXPECT_THAT(p->output(), HasSubstr("<6>app: vaultwatch started"));
}

TEST_F(DaemonSystemd, AJournalStreamForAnotherFileKeepsTimestamps) {
  // JOURNAL_STREAM inherited by a process whose stderr was redirected elsewhere: not the journal.
  write_file(dir_ / "vaultwatch.yaml", config_for(vault_.address(), dir_.path()));
  auto p = start_under_journal({"--config.file=" + (dir_ / "vaultwatch.yaml").string(),
                                "--web.listen-address=127.0.0.1:0"},
                               "1:1");
  ASSERT_TRUE(p);
  ASSERT_TRUE(p->wait_for_output(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z info  app: vaultwatch started)",
                                 default_deadline));
}

TEST_F(DaemonSystemd, JsonLogsAreOneObjectPerLine) {
  auto d = Daemon::start(dir_.path(), {config_for(vault_.address(), dir_.path()), {"--log.format=json"}});
  ASSERT_TRUE(d);
  vault_.set_state(fake::VaultState::sealed);
  ASSERT_TRUE(d->process().wait_for_output(R"("logger":"health_poller")", default_deadline));
  EXPECT_EQ(d->stop(), 0);
  std::istringstream lines(d->process().output());
  int n = 0;
  for (std::string line; std::getline(lines, line); ++n) {
    SCOPED_TRACE(line);
    auto j = nlohmann::json::parse(line, nullptr, false);
    ASSERT_FALSE(j.is_discarded());
    EXPECT_TRUE(j["time"].is_string());
    EXPECT_THAT(j["level"].get<std::string>(), ::testing::AnyOf("debug", "info", "warn", "error", "critical"));
    EXPECT_TRUE(j["logger"].is_string());
    EXPECT_TRUE(j["msg"].is_string());
  }
  EXPECT_GE(n, 3);
}

}  // namespace
}  // namespace vw::test
