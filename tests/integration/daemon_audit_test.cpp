// The real vaultwatch binary following an audit log while a writer appends to it continuously:
// real logrotate in `create` and `copytruncate` mode, delete + recreate, a file and directory
// that appear after start, kill -9 and clean restarts, inode reuse. After each, what the daemon
// counted is compared with what was written. Every wait is on the daemon's own counters, with a
// deadline.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <thread>

#include "fake_vault/fake_vault.hpp"
#include "support/daemon_process.hpp"
#include "support/subprocess.hpp"
#include "support/test_support.hpp"

namespace vw::test {
namespace {

namespace fs = std::filesystem;

// One valid audit entry (Vault >= 1.17 layout), unique by its request id.
std::string entry(std::uint64_t n) {
  return R"({"auth":{"accessor":"hmac-sha256:4f1c","client_token":"hmac-sha256:9a7e","display_name":"approle","policies":["default","app"],"token_type":"service"},)"
         R"("request":{"id":"req-)" +
         std::to_string(n) +
         R"(","mount_point":"secret/","mount_type":"kv","namespace":{"id":"root"},"operation":"read","path":"secret/data/app/db","remote_address":"10.0.0.7"},)"
         R"("time":"2026-11-28T10:00:00.123456Z","type":"request"})"
         "\n";
}

/// Appends entries to `path` from its own thread, one write(2) per line, like Vault's file
/// device (O_APPEND, kept open). reopen() makes it close and reopen the path, like Vault on
/// SIGHUP. The rate is paced (a load generator, not a wait): ~20k lines/s keeps files small
/// enough for a fast test while rotations happen under continuous writing.
class Writer {
 public:
  using Line = std::function<std::string(std::uint64_t n)>;
  explicit Writer(fs::path path, int lines_per_ms = 20, Line line = entry)
      : path_(std::move(path)), per_ms_(lines_per_ms), line_(std::move(line)) {}
  ~Writer() { stop(); }

  void start() {
    thread_ = std::thread([this] { run(); });
  }
  void stop() {
    if (!thread_.joinable()) return;
    stop_ = true;
    thread_.join();
  }
  /// Asks for a reopen and waits until the writer did it.
  testing::AssertionResult reopen() {
    const auto gen = reopened_.load();
    reopen_ = true;
    return wait_until([&] { return reopened_.load() > gen; }, default_deadline, "writer reopen");
  }
  /// Waits until at least `n` more lines were written.
  testing::AssertionResult advance(std::uint64_t n) {
    const auto target = written_.load() + n;
    return wait_until([&] { return written_.load() >= target; }, default_deadline, "writer progress");
  }
  std::uint64_t written() const { return written_.load(); }

 private:
  void run() {
    int fd = open_path();
    auto next = std::chrono::steady_clock::now();
    while (!stop_) {
      if (reopen_.exchange(false)) {
        ::close(fd);
        fd = open_path();
        ++reopened_;
      }
      for (int i = 0; i < per_ms_ && fd >= 0; ++i) {
        const std::string line = line_(written_.load());
        if (::write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
          ADD_FAILURE() << "write failed: " << std::strerror(errno);
          stop_ = true;
          break;
        }
        ++written_;
      }
      next += std::chrono::milliseconds(1);
      std::this_thread::sleep_until(next);
    }
    if (fd >= 0) ::close(fd);
  }
  int open_path() {
    fs::create_directories(path_.parent_path());
    return ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  }

  fs::path path_;
  int per_ms_;
  Line line_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> reopen_{false};
  std::atomic<std::uint64_t> reopened_{0};
  std::atomic<std::uint64_t> written_{0};
};

std::uint64_t newlines_in(const fs::path& p, std::uint64_t limit = UINT64_MAX) {
  std::ifstream in(p, std::ios::binary);
  std::uint64_t n = 0, seen = 0;
  char buf[65536];
  while (in && seen < limit) {
    in.read(buf, static_cast<std::streamsize>(std::min<std::uint64_t>(sizeof buf, limit - seen)));
    const auto got = static_cast<std::uint64_t>(in.gcount());
    n += static_cast<std::uint64_t>(std::count(buf, buf + got, '\n'));
    seen += got;
    if (got == 0) break;
  }
  return n;
}

/// Lines in the audit file and every rotated copy of it next to it.
std::uint64_t surviving_lines(const fs::path& log) {
  std::uint64_t n = 0;
  for (const auto& e : fs::directory_iterator(log.parent_path()))
    if (e.path().filename().string().starts_with(log.filename().string())) n += newlines_in(e.path());
  return n;
}

double entries(const Samples& s) {
  double n = 0;
  for (const auto& [k, v] : s)
    if (k.starts_with("vaultwatch_audit_entries_total{")) n += v;
  return n;
}

struct CheckpointInfo {
  std::uint64_t offset = 0, inode = 0;
};
CheckpointInfo read_checkpoint(const fs::path& file) {
  // {"device":..,"fingerprint":"..","fingerprint_len":..,"inode":..,"offset":..,...}
  const std::string s = read_file(file);
  auto num = [&](const std::string& key) -> std::uint64_t {
    auto p = s.find("\"" + key + "\":");
    return p == std::string::npos ? 0 : std::stoull(s.substr(p + key.size() + 3));
  };
  return {num("offset"), num("inode")};
}

// A logrotate configuration for `log` in `dir` (real logrotate rotates in the tests): `mode` is
// e.g. "create 0600" or "copytruncate"; `keep` rotated files are kept.
std::string write_logrotate_conf(const fs::path& dir, const fs::path& log, const std::string& mode, int keep) {
  const auto conf = dir / ("logrotate-" + mode.substr(0, mode.find(' ')) + ".conf");
  write_file(conf, log.string() + " {\n  " + mode + "\n  rotate " + std::to_string(keep) +
                       "\n  nocompress\n  missingok\n}\n");
  ::chmod(conf.c_str(), 0644);
  return conf.string();
}

// logrotate -f with its state file in `dir`.
void run_logrotate(const fs::path& dir, const std::string& conf) {
  auto r = run_command({"logrotate", "-f", "-s", (dir / "logrotate.state").string(), conf});
  ASSERT_EQ(r.exit_code, 0) << r.output;
}

class DaemonAudit : public ::testing::Test {
 protected:
  std::string config(const fs::path& log, const std::string& start_at) const {
    return "vault:\n  address: http://127.0.0.1:9\n  health_interval: 1h\n  leader_interval: 1h\n"
           "  timeout: 200ms\naudit:\n  path: " +
           log.string() + "\n  start_at: " + start_at + "\nstate_dir: " + (dir_ / "state").string() + "\n";
  }
  std::unique_ptr<Daemon> start_daemon(const fs::path& log, const std::string& start_at = "beginning") {
    auto d = Daemon::start(dir_.path(), {config(log, start_at)});
    EXPECT_TRUE(d);
    return d;
  }
  testing::AssertionResult wait_entries(const Daemon& d, std::uint64_t n,
                                        std::chrono::milliseconds deadline = default_deadline) {
    double last = -1;
    auto ok = wait_until([&] {
      last = entries(d.scrape());
      return last >= static_cast<double>(n);
    }, deadline, "entries_total >= " + std::to_string(n));
    if (!ok) return ok << " (last " << last << ")";
    return ok;
  }
  // Waits until the daemon counted n entries and has nothing left to read (lag 0, the writer has
  // stopped), then checks it did not count more.
  void expect_exactly(const Daemon& d, std::uint64_t n) {
    ASSERT_TRUE(wait_entries(d, n));
    ASSERT_TRUE(d.wait_metric("vaultwatch_audit_lag_bytes", 0));
    auto s = d.scrape();
    EXPECT_EQ(entries(s), static_cast<double>(n));
    EXPECT_EQ(s["vaultwatch_audit_lines_total"], static_cast<double>(n));
    EXPECT_EQ(s["vaultwatch_audit_decode_errors_total{reason=\"bad_json\"}"], 0);
  }
  // What no tailer can do: read a file it never opened once the file is gone (deleted, or
  // renamed and replaced), or notice a truncation of data it never knew existed. The daemon
  // opens and sizes the current file within one read chunk of work (~1 ms in a normal build,
  // tens of ms under ASan on a loaded machine) -- the rotations below come faster than that
  // under a sanitizer, so before each one the test waits, on /api/v1/status, until the daemon
  // follows the file at `log` and has seen at least the bytes it holds now.
  testing::AssertionResult wait_following(const Daemon& d, const fs::path& log) {
    struct stat st {};
    if (::stat(log.c_str(), &st) != 0) return testing::AssertionFailure() << log << " does not exist";
    std::string last;
    auto ok = wait_until([&] {
      auto r = d.get("/api/v1/status");
      last = r.body;
      auto j = nlohmann::json::parse(r.body, nullptr, false);
      if (j.is_discarded() || !j.contains("data") || !j["data"].contains("audit")) return false;
      const auto& a = j["data"]["audit"];
      return a.value("inode", std::uint64_t{0}) == st.st_ino &&
             a.value("size", std::uint64_t{0}) >= static_cast<std::uint64_t>(st.st_size);
    }, default_deadline, "the daemon following " + log.string());
    if (!ok) return ok << " (last status " << last << ")";
    return ok;
  }
  std::string logrotate_conf(const fs::path& log, const std::string& mode) {
    return write_logrotate_conf(dir_.path(), log, mode, 1000);
  }
  void logrotate(const std::string& conf) { run_logrotate(dir_.path(), conf); }

  TempDir dir_;
};

TEST_F(DaemonAudit, LogrotateCreateManyRotationsInARowLoseNothing) {
  if (!have_program("logrotate")) GTEST_SKIP() << "logrotate not installed";
  const auto log = dir_ / "vault" / "audit.log";
  Writer w(log);
  w.start();
  ASSERT_TRUE(w.advance(100));
  auto d = start_daemon(log);
  const auto conf = logrotate_conf(log, "create 0600");
  const int rotations = 12;
  for (int i = 0; i < rotations; ++i) {
    ASSERT_TRUE(w.advance(300));
    ASSERT_TRUE(wait_following(*d, log));
    // rename + create; Vault writes to the renamed file until its SIGHUP (here: reopen()).
    logrotate(conf);
    ASSERT_TRUE(w.advance(50));
    ASSERT_TRUE(w.reopen());
  }
  ASSERT_TRUE(w.advance(300));
  w.stop();
  expect_exactly(*d, w.written());
  EXPECT_EQ(d->scrape()["vaultwatch_audit_rotations_total{kind=\"rename\"}"], rotations);
  EXPECT_EQ(surviving_lines(log), w.written());
}

TEST_F(DaemonAudit, LogrotateCopytruncateCountsEverySurvivingLineAndNothingTwice) {
  if (!have_program("logrotate")) GTEST_SKIP() << "logrotate not installed";
  const auto log = dir_ / "vault" / "audit.log";
  Writer w(log);
  w.start();
  ASSERT_TRUE(w.advance(100));
  auto d = start_daemon(log);
  const auto conf = logrotate_conf(log, "copytruncate");
  const int rotations = 8;
  for (int i = 0; i < rotations; ++i) {
    ASSERT_TRUE(w.advance(300));
    ASSERT_TRUE(wait_following(*d, log));
    logrotate(conf);
    // The guarantee holds when each truncation is seen before the next one (inotify: within ms).
    ASSERT_TRUE(d->wait_metric("vaultwatch_audit_rotations_total{kind=\"truncate\"}", i + 1));
  }
  ASSERT_TRUE(w.advance(300));
  w.stop();
  // Lines Vault writes between logrotate's copy and its truncate are in neither file: counted if
  // we read them before the truncate, lost otherwise. Everything that survived is counted once.
  const auto survived = surviving_lines(log);
  ASSERT_TRUE(wait_entries(*d, survived));
  const double counted = entries(d->scrape());
  EXPECT_GE(counted, static_cast<double>(survived));
  EXPECT_LE(counted, static_cast<double>(w.written()));
  RecordProperty("written", std::to_string(w.written()));
  RecordProperty("survived_copytruncate", std::to_string(survived));
  RecordProperty("counted", std::to_string(static_cast<std::uint64_t>(counted)));
}

TEST_F(DaemonAudit, DeleteAndRecreateWhileTheWriterKeepsWritingToTheUnlinkedFile) {
  const auto log = dir_ / "vault" / "audit.log";
  Writer w(log);
  w.start();
  ASSERT_TRUE(w.advance(100));
  auto d = start_daemon(log);
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(w.advance(200));
    ASSERT_TRUE(wait_following(*d, log));
    fs::remove(log);            // the writer goes on writing to the unlinked file...
    ASSERT_TRUE(w.advance(200));
    ASSERT_TRUE(w.reopen());    // ...until it creates a new one
  }
  ASSERT_TRUE(w.advance(200));
  w.stop();
  expect_exactly(*d, w.written());
  EXPECT_EQ(d->scrape()["vaultwatch_audit_rotations_total{kind=\"recreate\"}"], 5);
}

TEST_F(DaemonAudit, StartsBeforeTheFileAndItsDirectoryExist) {
  const auto log = dir_ / "later" / "vault" / "audit.log";
  auto d = start_daemon(log, "end");
  ASSERT_TRUE(d->wait_metric("vaultwatch_audit_lines_total", 0));
  Writer w(log);  // creates the directories, then the file, then writes
  w.start();
  ASSERT_TRUE(w.advance(2000));
  w.stop();
  // A file that appears after start is read from its first line, whatever start_at says.
  expect_exactly(*d, w.written());
}

TEST_F(DaemonAudit, KillDashNineAndRestartResumesAtTheCheckpoint) {
  const auto log = dir_ / "vault" / "audit.log";
  const auto cp = dir_ / "state" / "audit.checkpoint";
  Writer w(log);
  w.start();
  auto d = start_daemon(log);
  ASSERT_TRUE(wait_entries(*d, 2000));
  ASSERT_TRUE(wait_until([&] { return fs::exists(cp) && read_checkpoint(cp).offset > 0; },
                         default_deadline, "a checkpoint"));
  d->process().signal(SIGKILL);
  ASSERT_TRUE(d->process().wait(default_deadline));
  const auto ckpt = read_checkpoint(cp);
  ASSERT_TRUE(w.advance(1000));  // written while the daemon is down
  d = start_daemon(log, "end");  // start_at only applies without a checkpoint
  ASSERT_TRUE(w.advance(1000));
  w.stop();
  // The new process counts exactly what lies after the checkpoint: nothing lost, and the at
  // most one second before the kill that was counted twice is all before the checkpoint.
  const auto before_checkpoint = newlines_in(log, ckpt.offset);
  expect_exactly(*d, w.written() - before_checkpoint);
}

TEST_F(DaemonAudit, CleanRestartCountsEveryEntryExactlyOnce) {
  const auto log = dir_ / "vault" / "audit.log";
  const auto cp = dir_ / "state" / "audit.checkpoint";
  Writer w(log);
  w.start();
  auto d = start_daemon(log);
  ASSERT_TRUE(w.advance(3000));
  const auto first = w.written();
  ASSERT_TRUE(wait_entries(*d, first));
  // SIGTERM saves the checkpoint exactly where the daemon stopped reading, mid-stream.
  ASSERT_EQ(d->stop(), 0);
  const double counted_by_first = newlines_in(log, read_checkpoint(cp).offset);
  EXPECT_GE(counted_by_first, static_cast<double>(first));
  ASSERT_TRUE(w.advance(1000));
  d = start_daemon(log);
  ASSERT_TRUE(w.advance(1000));
  w.stop();
  expect_exactly(*d, w.written() - static_cast<std::uint64_t>(counted_by_first));
}

TEST_F(DaemonAudit, InodeReuseWhileStoppedIsReadFromTheStart) {
  const auto log = dir_ / "vault" / "audit.log";
  fs::create_directories(log.parent_path());
  auto write_entries = [&](std::uint64_t from, int n, std::ios::openmode mode) {
    std::ofstream out(log, std::ios::binary | mode);
    for (int i = 0; i < n; ++i) out << entry(from + static_cast<std::uint64_t>(i));
  };
  auto inode = [&] {
    struct stat st {};
    ::stat(log.c_str(), &st);
    return st.st_ino;
  };
  write_entries(0, 500, std::ios::trunc);
  auto d = start_daemon(log);
  expect_exactly(*d, 500);
  ASSERT_EQ(d->stop(), 0);

  // The same inode now holds other, longer content (what inode reuse looks like to a
  // checkpoint): only the fingerprint of the first bytes tells the files apart.
  const auto ino = inode();
  write_entries(100000, 800, std::ios::trunc);
  ASSERT_EQ(inode(), ino);
  d = start_daemon(log);
  expect_exactly(*d, 800);
  ASSERT_EQ(d->stop(), 0);

  // Delete + create while stopped; ext4 often hands the freed inode number straight back.
  fs::remove(log);
  write_entries(200000, 300, std::ios::trunc);
  RecordProperty("inode_number_reused", inode() == ino ? "yes" : "no");
  d = start_daemon(log);
  expect_exactly(*d, 300);
}

TEST_F(DaemonAudit, ReloadWithNewWatchGroupsHandsOverWithoutLossOrDoubleCounting) {
  const auto log = dir_ / "vault" / "audit.log";
  Writer w(log);
  w.start();
  auto d = start_daemon(log);
  ASSERT_TRUE(w.advance(1000));
  // The new tailer takes over from the checkpoint the old one saved on stop().
  std::string cfg = config(log, "beginning");
  const std::string at = "  start_at: beginning\n";
  cfg.insert(cfg.find(at) + at.size(), "  watch:\n    - name: app\n      paths: [\"secret/data/app/**\"]\n");
  write_file(dir_ / "vaultwatch.yaml", cfg);
  d->process().signal(SIGHUP);
  ASSERT_TRUE(d->process().wait_for_output("configuration reloaded", default_deadline));
  ASSERT_TRUE(w.advance(1000));
  w.stop();
  expect_exactly(*d, w.written());
  EXPECT_GT(d->scrape()["vaultwatch_audit_watched_path_requests_total{operation=\"read\",outcome=\"ok\",watch=\"app\"}"], 0);
}

TEST_F(DaemonAudit, TheBuiltInDefaultPathIsFollowedOnlyWhenItExists) {
  if (fs::exists("/var/log/vault")) GTEST_SKIP() << "this host has /var/log/vault";
  // No audit.path in the file: the built-in /var/log/vault/audit.log is a guess, not an order.
  auto d = Daemon::start(dir_.path(), {"vault:\n  address: http://127.0.0.1:9\n  health_interval: 1h\n"
                                       "state_dir: " + (dir_ / "state").string() + "\n"});
  ASSERT_TRUE(d);
  ASSERT_TRUE(d->process().wait_for_output("audit log tailing off", default_deadline));
  for (const auto& [k, v] : d->scrape()) EXPECT_FALSE(k.starts_with("vaultwatch_audit_file_info")) << k;
  // An explicit path is followed even before it exists.
  auto e = start_daemon(dir_ / "nowhere" / "audit.log");
  ASSERT_TRUE(e->process().wait_for_output("audit log directory does not exist yet", default_deadline));
}

TEST_F(DaemonAudit, ExportsTheAuditFamiliesThatPassPromtool) {
  const auto log = dir_ / "vault" / "audit.log";
  fs::create_directories(log.parent_path());
  {
    std::ofstream out(log, std::ios::binary);
    out << entry(1) << "not json\n";
  }
  auto d = start_daemon(log);
  ASSERT_TRUE(d->wait_metric("vaultwatch_audit_decode_errors_total{reason=\"bad_json\"}", 1));
  auto s = d->scrape();
  EXPECT_EQ(s["vaultwatch_audit_lines_total"], 2);
  EXPECT_EQ(s["vaultwatch_audit_lag_bytes"], 0);
  struct stat st {};
  ::stat(log.c_str(), &st);
  EXPECT_EQ(s["vaultwatch_audit_file_info{inode=\"" + std::to_string(st.st_ino) + "\",path=\"" +
              log.string() + "\"}"],
            1);
  if (!have_program("promtool")) GTEST_SKIP() << "promtool not installed";
  const auto body = d->get("/metrics").body;
  write_file(dir_ / "metrics.txt", body);
  auto r = run_command({"sh", "-c", "promtool check metrics < " + (dir_ / "metrics.txt").string()});
  EXPECT_EQ(r.exit_code, 0) << r.output;
}

// ---- audit device health: silence, a filling disk, Vault not reopening after a rotation ----

class DaemonAuditHealth : public ::testing::Test {
 protected:
  void SetUp() override {
    vault_.start();
    // A 1 s silence window: any gap in what the daemon counts as activity shows within seconds.
    write_file(dir_ / "silence.yaml",
               "rules:\n  - alert: VaultAuditLogSilent\n    audit_silent: 1s\n"
               "    labels: {severity: warning}\n");
  }
  /// `rules`: a rules_files list ("" = the built-in rules).
  std::unique_ptr<Daemon> start_daemon(const fs::path& log, const std::string& audit_extra = "",
                                       const std::string& rules = "[silence.yaml]") {
    auto d = Daemon::start(
        dir_.path(),
        {"vault:\n  address: " + vault_.address() +
         "\n  health_interval: 100ms\n  leader_interval: 1h\n  timeout: 500ms\n"
         "audit:\n  path: " + log.string() + "\n  start_at: beginning\n" + audit_extra +
         (rules.empty() ? "" : "rules_files: " + rules + "\n") +
         "state_dir: " + (dir_ / "state").string() + "\n"});
    EXPECT_TRUE(d);
    return d;
  }
  static testing::AssertionResult wait_entries(const Daemon& d, double n) {
    return wait_until([&] { return entries(d.scrape()) >= n; }, default_deadline, "entries counted");
  }
  static bool active(const Daemon& d, const std::string& alert) {
    for (const auto& [k, v] : d.scrape())
      if (k.starts_with("vaultwatch_alerts{alertname=\"" + alert + "\"") && v > 0) return true;
    return false;
  }
  /// Watches the alert for `span`: it must never be pending or firing.
  static testing::AssertionResult never_active(const Daemon& d, const std::string& alert,
                                               std::chrono::milliseconds span) {
    const auto until = std::chrono::steady_clock::now() + span;
    while (std::chrono::steady_clock::now() < until) {
      if (active(d, alert)) return testing::AssertionFailure() << alert << " is active";
      std::this_thread::sleep_for(50ms);  // the pace of an observation, not a wait
    }
    return testing::AssertionSuccess();
  }
  /// Lines the audit pipeline never hands to the rules as events must still keep the rule quiet;
  /// once the writer stops, the same rule fires (so the quiet above was not the rule being off).
  void only_these_lines_keep_it_quiet(const Writer::Line& line) {
    const auto log = dir_ / "vault" / "audit.log";
    Writer w(log, 1, line);
    w.start();
    auto d = start_daemon(log, "  ignore: {display_names: [approle]}\n");  // every entry() line
    ASSERT_TRUE(d->wait_metric("vault_up", 1));
    ASSERT_TRUE(wait_until([&] { return d->scrape()["vaultwatch_audit_lines_total"] >= 200; },
                           default_deadline, "lines read"));
    EXPECT_EQ(entries(d->scrape()), 0) << "no line reached the rules as an event";
    EXPECT_TRUE(never_active(*d, "VaultAuditLogSilent", 3s));
    w.stop();
    EXPECT_TRUE(wait_until([&] { return active(*d, "VaultAuditLogSilent"); }, default_deadline,
                           "VaultAuditLogSilent"));
  }
  std::string logrotate_create(const fs::path& log) {
    return write_logrotate_conf(dir_.path(), log, "create 0600", 10);
  }
  void logrotate(const std::string& conf) { run_logrotate(dir_.path(), conf); }

  TempDir dir_;
  fake::FakeVault vault_;
};

TEST_F(DaemonAuditHealth, SilenceCountsIgnoredIdentitiesAsActivity) {
  only_these_lines_keep_it_quiet(entry);
}

TEST_F(DaemonAuditHealth, SilenceCountsUndecodableLinesAsActivity) {
  only_these_lines_keep_it_quiet([](std::uint64_t n) { return "not json " + std::to_string(n) + "\n"; });
}

TEST_F(DaemonAuditHealth, SilenceIsJudgedOnlyWhileVaultIsActiveAndUnsealed) {
  const auto log = dir_ / "vault" / "audit.log";
  fs::create_directories(log.parent_path());
  write_file(log, "");
  for (auto state : {fake::VaultState::sealed, fake::VaultState::standby}) {
    vault_.set_state(state);
    auto d = start_daemon(log);
    ASSERT_TRUE(wait_until([&] { return d->scrape()["vault_health_status_code"] >= 429; },
                           default_deadline, "the first health poll"));
    EXPECT_TRUE(never_active(*d, "VaultAuditLogSilent", 3s)) << fake::to_string(state);
    vault_.set_state(fake::VaultState::active);
    EXPECT_TRUE(wait_until([&] { return active(*d, "VaultAuditLogSilent"); }, default_deadline,
                           "VaultAuditLogSilent"))
        << fake::to_string(state);
    ASSERT_EQ(d->stop(), 0);
    fs::remove_all(dir_ / "state");  // the next round starts with no saved alert
  }
}

/// A small tmpfs mounted for the test (we run as root in CI); unmounted on destruction.
class Tmpfs {
 public:
  Tmpfs(const fs::path& at, const std::string& size) : at_(at) {
    fs::create_directories(at);
    auto r = run_command({"mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0755", "tmpfs", at.string()});
    mounted_ = r.exit_code == 0;
    why_ = r.output;
  }
  ~Tmpfs() {
    if (mounted_) run_command({"umount", "-l", at_.string()});
  }
  bool mounted() const { return mounted_; }
  const std::string& why() const { return why_; }

 private:
  fs::path at_;
  bool mounted_ = false;
  std::string why_;
};

TEST_F(DaemonAuditHealth, AFillingFileSystemIsForecastAndAlerted) {
  Tmpfs tmpfs(dir_ / "fs", "16m");
  if (!tmpfs.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here (needs root): " << tmpfs.why();
  const auto log = dir_ / "fs" / "audit.log";
  Writer w(log, 1);  // ~330 KB/s: 16 MiB would last ~50 s
  w.start();
  auto d = start_daemon(log, "  disk_forecast_window: 5s\n", "");
  ASSERT_TRUE(d->wait_metric("vaultwatch_audit_filesystem_size_bytes", 16 * 1024 * 1024));
  double to_full = 0;
  ASSERT_TRUE(wait_until([&] {
    to_full = d->scrape()["vaultwatch_audit_filesystem_seconds_to_full"];
    return to_full > 0 && to_full < 120;
  }, default_deadline, "a forecast of under 2 minutes")) << to_full;
  EXPECT_TRUE(wait_until([&] { return active(*d, "VaultAuditDiskFillingUp"); }, default_deadline,
                         "VaultAuditDiskFillingUp"));
  w.stop();
  // Below 5 % free, whatever the trend.
  const auto s = d->scrape();
  const auto fill = static_cast<std::uint64_t>(s.at("vaultwatch_audit_filesystem_avail_bytes")) -
                    static_cast<std::uint64_t>(0.02 * 16 * 1024 * 1024);
  write_file(dir_ / "fs" / "filler", std::string(fill, 'x'));
  EXPECT_TRUE(wait_until([&] { return d->scrape()["vaultwatch_audit_filesystem_avail_ratio"] < 0.05; },
                         default_deadline, "avail_ratio < 0.05"));
  EXPECT_TRUE(wait_until([&] { return active(*d, "VaultAuditDiskAlmostFull"); }, default_deadline,
                         "VaultAuditDiskAlmostFull"));
  fs::remove(dir_ / "fs" / "filler");
  ASSERT_EQ(d->stop(), 0);
}

TEST_F(DaemonAuditHealth, VaultStillWritingToTheRotatedFileIsAlertedUntilItReopens) {
  if (!have_program("logrotate")) GTEST_SKIP() << "logrotate not installed";
  const auto log = dir_ / "vault" / "audit.log";
  Writer w(log, 1);
  w.start();
  auto d = start_daemon(log, "  reopen_grace: 1s\n", "");
  ASSERT_TRUE(d->wait_metric("vaultwatch_audit_writer_on_rotated_file", 0));
  ASSERT_TRUE(w.advance(200));
  ASSERT_TRUE(wait_entries(*d, 100));  // the daemon follows the file before it is rotated
  logrotate(logrotate_create(log));  // rename + create; the writer goes on with the old file
  ASSERT_TRUE(d->wait_metric("vaultwatch_audit_writer_on_rotated_file", 1));
  EXPECT_TRUE(wait_until([&] { return active(*d, "VaultAuditNotReopened"); }, default_deadline,
                         "VaultAuditNotReopened"));
  ASSERT_TRUE(w.advance(2000));  // long after the rotated file would have been closed as idle
  ASSERT_TRUE(w.reopen());       // SIGHUP: the new file grows
  ASSERT_TRUE(d->wait_metric("vaultwatch_audit_writer_on_rotated_file", 0));
  EXPECT_TRUE(wait_until([&] { return !active(*d, "VaultAuditNotReopened"); }, default_deadline,
                         "VaultAuditNotReopened resolved"));
  ASSERT_TRUE(w.advance(200));
  w.stop();
  // Nothing written to the rotated file was lost.
  ASSERT_TRUE(wait_until([&] { return entries(d->scrape()) >= static_cast<double>(w.written()); },
                         default_deadline, "every entry counted"));
  EXPECT_EQ(entries(d->scrape()), static_cast<double>(w.written()));
}

TEST_F(DaemonAuditHealth, ANormalRotationIsNotAlerted) {
  if (!have_program("logrotate")) GTEST_SKIP() << "logrotate not installed";
  const auto log = dir_ / "vault" / "audit.log";
  Writer w(log, 1);
  w.start();
  auto d = start_daemon(log, "  reopen_grace: 1s\n", "");
  ASSERT_TRUE(d->wait_metric("vaultwatch_audit_writer_on_rotated_file", 0));
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(w.advance(200));
    logrotate(logrotate_create(log));
    ASSERT_TRUE(w.reopen());  // postrotate's SIGHUP
  }
  EXPECT_TRUE(never_active(*d, "VaultAuditNotReopened", 3s));
  EXPECT_EQ(d->scrape()["vaultwatch_audit_writer_on_rotated_file"], 0);
  EXPECT_EQ(d->scrape()["vaultwatch_audit_rotations_total{kind=\"rename\"}"], 3);
}

}  // namespace
}  // namespace vw::test
