// The tailer in-process, on a real directory with real inotify: every rotation shape, partial
// and over-long lines, and the checkpoint. Each test drives the io_context itself and waits on
// the delivered lines with a deadline (no sleeps).
#include "audit/tailer.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>

#include "support/http_get.hpp"
#include "support/test_support.hpp"
#include "metrics/text_format.hpp"

namespace vw::audit {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

void append(const fs::path& p, std::string_view text) {
  std::ofstream out(p, std::ios::app | std::ios::binary);
  out << text;
}

std::string numbered(int from, int to, std::string_view tag = "l") {
  std::string s;
  for (int i = from; i < to; ++i) s += std::string(tag) + std::to_string(i) + "\n";
  return s;
}

std::vector<std::string> expected(int from, int to, std::string_view tag = "l") {
  std::vector<std::string> v;
  for (int i = from; i < to; ++i) v.push_back(std::string(tag) + std::to_string(i));
  return v;
}

std::uint64_t inode_of(const fs::path& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 ? st.st_ino : 0;
}

class TailerTest : public ::testing::Test {
 protected:
  std::unique_ptr<Tailer> make(TailerOptions o) {
    if (o.path.empty()) o.path = path_.string();
    if (o.checkpoint_file.empty()) o.checkpoint_file = (dir_ / "state" / "audit.checkpoint").string();
    fs::create_directories(dir_ / "state");
    return std::make_unique<Tailer>(io_.get_executor(), o, metrics_, log_,
                                    [this](std::string_view l) {
                                      // The padding promise: the bytes after the line are readable.
                                      volatile char pad = l.data()[l.size() + line_padding - 1];
                                      (void)pad;
                                      lines_.emplace_back(l);
                                    });
  }
  std::unique_ptr<Tailer> start(TailerOptions o = {}) {
    auto t = make(std::move(o));
    t->start();
    return t;
  }
  // Runs the event loop until `pred` holds; the deadline only matters when something is broken.
  testing::AssertionResult run_until(const std::function<bool()>& pred, std::chrono::milliseconds deadline = 10s) {
    auto end = std::chrono::steady_clock::now() + deadline;
    while (!pred()) {
      if (std::chrono::steady_clock::now() > end) return testing::AssertionFailure() << "timed out";
      io_.run_for(5ms);
    }
    return testing::AssertionSuccess();
  }
  testing::AssertionResult got(std::size_t n) {
    auto r = run_until([&] { return lines_.size() >= n; });
    if (!r) return r << ": " << lines_.size() << " of " << n << " lines";
    // Settle: nothing extra arrives for a few loop turns.
    for (int i = 0; i < 5; ++i) io_.run_for(2ms);
    if (lines_.size() != n) return testing::AssertionFailure() << lines_.size() << " lines, want " << n;
    return testing::AssertionSuccess();
  }
  double metric(const std::string& key) {
    auto s = test::parse_samples(metrics::render_text(families_));
    return s.count(key) ? s[key] : -1;
  }

  test::TempDir tmp_;
  fs::path dir_ = tmp_.path() / "vault";
  fs::path path_ = dir_ / "audit.log";
  net::io_context io_;
  std::vector<std::shared_ptr<prometheus::Collectable>> families_;
  AuditMetrics metrics_ = build_audit_metrics(families_);
  std::shared_ptr<spdlog::logger> log_ = std::make_shared<spdlog::logger>("tailer");
  std::vector<std::string> lines_;
};

TEST_F(TailerTest, StartsAtTheEndByDefaultAndFollowsAppends) {
  fs::create_directories(dir_);
  append(path_, numbered(0, 10) + "partial-at-start");
  auto t = start();
  append(path_, "-completed\n" + numbered(10, 20));
  ASSERT_TRUE(got(11));
  EXPECT_EQ(lines_[0], "partial-at-start-completed") << "the line being written at start is read whole";
  EXPECT_EQ(std::vector<std::string>(lines_.begin() + 1, lines_.end()), expected(10, 20));
  EXPECT_EQ(metric("vaultwatch_audit_lines_total"), 11);
  EXPECT_EQ(metric("vaultwatch_audit_lag_bytes"), 0);
  auto st = t->status();
  EXPECT_TRUE(st.open);
  EXPECT_EQ(st.inode, inode_of(path_));
  EXPECT_EQ(st.offset, fs::file_size(path_));
  EXPECT_EQ(metric("vaultwatch_audit_file_info{inode=\"" + std::to_string(st.inode) + "\",path=\"" +
                   path_.string() + "\"}"),
            1);
}

TEST_F(TailerTest, StartsAtTheBeginningWhenAsked) {
  fs::create_directories(dir_);
  append(path_, numbered(0, 100));
  TailerOptions o;
  o.start_at_end = false;
  auto t = start(o);
  ASSERT_TRUE(got(100));
  EXPECT_EQ(lines_, expected(0, 100));
}

TEST_F(TailerTest, APartialLastLineWaitsForItsNewline) {
  fs::create_directories(dir_);
  append(path_, "");
  auto t = start();
  append(path_, "first half");
  for (int i = 0; i < 20; ++i) io_.run_for(2ms);
  EXPECT_TRUE(lines_.empty());
  append(path_, " and second half\nnext\n");
  ASSERT_TRUE(got(2));
  EXPECT_EQ(lines_, (std::vector<std::string>{"first half and second half", "next"}));
}

TEST_F(TailerTest, SkipsOverlongLinesWithoutBufferingThem) {
  fs::create_directories(dir_);
  append(path_, "");
  TailerOptions o;
  o.max_line_bytes = 8192;
  o.read_chunk_bytes = 4096;
  auto t = start(o);
  append(path_, "ok1\n" + std::string(100000, 'x') + "\nok2\n" + std::string(8192, 'y') + "\nok3\n");
  ASSERT_TRUE(got(3 + 1));
  EXPECT_EQ(lines_[0], "ok1");
  EXPECT_EQ(lines_[1], "ok2");
  EXPECT_EQ(lines_[2], std::string(8192, 'y')) << "exactly max_line_bytes is still a line";
  EXPECT_EQ(lines_[3], "ok3");
  EXPECT_EQ(metric("vaultwatch_audit_decode_errors_total{reason=\"too_long\"}"), 1);
  EXPECT_EQ(metric("vaultwatch_audit_lines_total"), 5);
  EXPECT_EQ(metric("vaultwatch_audit_bytes_total"), static_cast<double>(fs::file_size(path_)));
}

TEST_F(TailerTest, FollowsRenameAndCreateReadingTheOldFileToItsEnd) {
  fs::create_directories(dir_);
  append(path_, "");
  auto t = start();
  append(path_, numbered(0, 10));
  ASSERT_TRUE(got(10));
  // logrotate `create`: rename, create a new file; Vault keeps writing to the old one until its
  // SIGHUP, then writes to the new one.
  fs::rename(path_, dir_ / "audit.log.1");
  append(path_, "");
  append(dir_ / "audit.log.1", numbered(10, 20));
  append(path_, numbered(20, 30));
  ASSERT_TRUE(got(30));
  std::vector<std::string> sorted = lines_;
  std::sort(sorted.begin(), sorted.end());
  auto want = expected(0, 30);
  std::sort(want.begin(), want.end());
  EXPECT_EQ(sorted, want);
  EXPECT_EQ(metric("vaultwatch_audit_rotations_total{kind=\"rename\"}"), 1);
  EXPECT_EQ(t->status().inode, inode_of(path_));
  // Vault's late writes to the rotated file are still read.
  append(dir_ / "audit.log.1", numbered(30, 35));
  ASSERT_TRUE(got(35));
}

TEST_F(TailerTest, ClosesARotatedFileOnceItIsIdleEvenWithAPartialLastLine) {
  fs::create_directories(dir_);
  append(path_, "");
  TailerOptions o;
  o.tick = 20ms;
  o.rotate_grace = 100ms;
  auto t = start(o);
  append(path_, numbered(0, 3) + "never-finished");
  ASSERT_TRUE(got(3));
  fs::rename(path_, dir_ / "audit.log.1");
  append(path_, numbered(3, 4));
  ASSERT_TRUE(got(4));
  EXPECT_EQ(t->status().rotated_open, 1u);
  ASSERT_TRUE(run_until([&] { return t->status().rotated_open == 0; }, 5s));
}

TEST_F(TailerTest, KeepsAtMostMaxRotatedOpenFiles) {
  fs::create_directories(dir_);
  append(path_, "");
  TailerOptions o;
  o.max_rotated_open = 2;
  o.tick = 20ms;
  auto t = start(o);
  for (int i = 0; i < 6; ++i) {
    append(path_, numbered(i, i + 1));
    ASSERT_TRUE(got(static_cast<std::size_t>(i + 1)));
    fs::rename(path_, dir_ / ("audit.log." + std::to_string(i)));
    append(path_, "");
    ASSERT_TRUE(run_until([&] { return t->status().inode == inode_of(path_); }));
  }
  ASSERT_TRUE(run_until([&] { return t->status().rotated_open <= 2; }, 5s));
}

TEST_F(TailerTest, FollowsDeleteAndRecreateAndAWriterOnTheUnlinkedFile) {
  fs::create_directories(dir_);
  append(path_, "");
  auto t = start();
  int fd = ::open(path_.c_str(), O_WRONLY | O_APPEND);
  ASSERT_GE(fd, 0);
  auto w = [&](std::string_view s) { ASSERT_EQ(::write(fd, s.data(), s.size()), static_cast<ssize_t>(s.size())); };
  w(numbered(0, 5));
  ASSERT_TRUE(got(5));
  fs::remove(path_);
  w(numbered(5, 10));  // still writing to the unlinked file
  ASSERT_TRUE(got(10));
  append(path_, numbered(10, 15));  // a new file appears
  w(numbered(15, 20));              // ...while the old writer goes on
  ASSERT_TRUE(got(20));
  ::close(fd);
  EXPECT_EQ(metric("vaultwatch_audit_rotations_total{kind=\"recreate\"}"), 1);
}

TEST_F(TailerTest, CopytruncateReadsTheUnreadRestFromTheCopy) {
  fs::create_directories(dir_);
  append(path_, "");
  auto t = start();
  append(path_, numbered(0, 10));
  ASSERT_TRUE(got(10));
  // Not running the loop: lines 10..20 are written, copied and truncated before we look.
  append(path_, numbered(10, 20));
  fs::copy_file(path_, dir_ / "audit.log.1");
  fs::resize_file(path_, 0);
  append(path_, numbered(20, 60));  // regrows past the old offset
  ASSERT_TRUE(got(60));
  EXPECT_EQ(lines_, expected(0, 60));
  EXPECT_EQ(metric("vaultwatch_audit_rotations_total{kind=\"truncate\"}"), 1);
}

// The daemon under ASan met this one: the current file gets data, and is copied and truncated
// before the tailer read a byte of it (it was still reading a rotated file's backlog). The size
// it saw, or the first bytes it knew, must still reveal the truncation and find the copy.
TEST_F(TailerTest, CopytruncateOfAFileNotReadYetIsReadFromTheCopy) {
  for (const int regrown_to : {15, 60}) {  // shorter than what we saw (size), longer (first bytes)
    SCOPED_TRACE(regrown_to);
    fs::remove_all(dir_);
    lines_.clear();
    fs::create_directories(dir_);
    append(path_, numbered(0, 10));
    TailerOptions o;
    o.start_at_end = false;
    o.checkpoint_file = (tmp_.path() / ("cp" + std::to_string(regrown_to))).string();
    auto t = start(o);  // opened, sized and fingerprinted; not a byte read (the loop is not run)
    fs::copy_file(path_, dir_ / "audit.log.1");
    fs::resize_file(path_, 0);
    append(path_, numbered(10, regrown_to));
    ASSERT_TRUE(got(static_cast<std::size_t>(regrown_to))) << testing::PrintToString(lines_);
    EXPECT_EQ(lines_, expected(0, regrown_to));
    EXPECT_EQ(metric("vaultwatch_audit_rotations_total{kind=\"truncate\"}"), regrown_to == 15 ? 1 : 2);
  }
}

// Of two rotated files starting with the same bytes, the copy is the one just written.
TEST_F(TailerTest, CopytruncateTakesTheNewestCopyWhenOlderRotationsStartTheSame) {
  fs::create_directories(dir_);
  append(path_, "");
  auto t = start();
  append(path_, numbered(0, 10));
  ASSERT_TRUE(got(10));
  // An older rotation (a day's log that happened to start the same way), then the real copy.
  append(dir_ / "audit.log.2", numbered(0, 3));
  struct timespec old_times[2] = {{1'600'000'000, 0}, {1'600'000'000, 0}};
  ASSERT_EQ(::utimensat(AT_FDCWD, (dir_ / "audit.log.2").c_str(), old_times, 0), 0);
  append(path_, numbered(10, 20));
  fs::copy_file(path_, dir_ / "audit.log.1");
  fs::resize_file(path_, 0);
  append(path_, numbered(20, 25));
  ASSERT_TRUE(got(25));
  EXPECT_EQ(lines_, expected(0, 25));
}

TEST_F(TailerTest, TruncationWithoutACopyRestartsAtTheBeginning) {
  fs::create_directories(dir_);
  append(path_, "");
  auto t = start();
  append(path_, numbered(0, 10));
  ASSERT_TRUE(got(10));
  fs::resize_file(path_, 0);
  append(path_, numbered(10, 12));
  ASSERT_TRUE(got(12));
  EXPECT_EQ(lines_, expected(0, 12));
}

TEST_F(TailerTest, WaitsForTheFileAndItsDirectoryToAppear) {
  TailerOptions o;
  o.path = (dir_ / "sub" / "audit.log").string();
  o.checkpoint_file = (tmp_.path() / "cp").string();
  auto t = start(o);
  for (int i = 0; i < 10; ++i) io_.run_for(2ms);
  EXPECT_FALSE(t->status().open);
  fs::create_directories(dir_ / "sub");
  io_.run_for(5ms);
  append(dir_ / "sub" / "audit.log", numbered(0, 5));  // a file that appears later is read whole
  ASSERT_TRUE(got(5));
  EXPECT_EQ(lines_, expected(0, 5));
}

TEST_F(TailerTest, ResumesAtTheCheckpointAndCountsWhatWasWrittenWhileStopped) {
  fs::create_directories(dir_);
  append(path_, numbered(0, 10));
  TailerOptions o;
  o.start_at_end = false;
  {
    auto t = start(o);
    ASSERT_TRUE(got(10));
    t->stop();
  }
  append(path_, numbered(10, 20));
  lines_.clear();
  auto t = start(o);
  ASSERT_TRUE(got(10));
  EXPECT_EQ(lines_, expected(10, 20));
}

TEST_F(TailerTest, StartAtEndOnlyAppliesWithoutACheckpoint) {
  fs::create_directories(dir_);
  append(path_, numbered(0, 10));
  {
    auto t = start();  // start_at_end: nothing yet
    for (int i = 0; i < 10; ++i) io_.run_for(2ms);
    t->stop();
  }
  EXPECT_TRUE(lines_.empty());
  append(path_, numbered(10, 15));  // written while stopped
  auto t = start();
  ASSERT_TRUE(got(5));
  EXPECT_EQ(lines_, expected(10, 15));
}

TEST_F(TailerTest, FollowsARotationThatHappenedWhileStopped) {
  fs::create_directories(dir_);
  append(path_, "");
  {
    auto t = start();
    append(path_, numbered(0, 5));
    ASSERT_TRUE(got(5));
    t->stop();
  }
  append(path_, numbered(5, 10));              // written before the rotation, unread
  fs::rename(path_, dir_ / "audit.log.1");
  append(path_, numbered(10, 15));             // the new file
  auto t = start();
  ASSERT_TRUE(got(15));
  EXPECT_EQ(lines_, expected(0, 15)) << "the rest of the rotated file first, then the new one";
  EXPECT_EQ(metric("vaultwatch_audit_rotations_total{kind=\"rename\"}"), 1);
}

TEST_F(TailerTest, ReadsFromTheStartWhenTheInodeNowHoldsOtherContent) {
  fs::create_directories(dir_);
  append(path_, "");
  {
    auto t = start();
    append(path_, numbered(0, 5, "old"));
    ASSERT_TRUE(got(5));
    t->stop();
  }
  const auto ino = inode_of(path_);
  // Same inode, new content at least as long as the checkpoint offset: what inode reuse looks
  // like to the checkpoint. Only the fingerprint tells them apart.
  {
    std::ofstream out(path_, std::ios::trunc | std::ios::binary);
    out << numbered(0, 8, "new");
  }
  ASSERT_EQ(inode_of(path_), ino);
  lines_.clear();
  auto t = start();
  ASSERT_TRUE(got(8));
  EXPECT_EQ(lines_, expected(0, 8, "new"));
}

TEST_F(TailerTest, ReadsFromTheStartWhenTheFileShrankBelowTheCheckpoint) {
  fs::create_directories(dir_);
  append(path_, "");
  {
    auto t = start();
    append(path_, numbered(0, 50));
    ASSERT_TRUE(got(50));
    t->stop();
  }
  { std::ofstream out(path_, std::ios::trunc | std::ios::binary); out << numbered(0, 3, "x"); }
  lines_.clear();
  auto t = start();
  ASSERT_TRUE(got(3));
  EXPECT_EQ(lines_, expected(0, 3, "x"));
  EXPECT_EQ(metric("vaultwatch_audit_rotations_total{kind=\"truncate\"}"), 1);
}

TEST_F(TailerTest, ACorruptCheckpointIsIgnored) {
  fs::create_directories(dir_ / "state");
  test::write_file(dir_ / "state" / "audit.checkpoint", "{not json");
  append(path_, numbered(0, 3));
  TailerOptions o;
  o.start_at_end = false;
  auto t = start(o);
  ASSERT_TRUE(got(3));
}

TEST_F(TailerTest, YieldsBetweenChunksOfABigBacklog) {
  fs::create_directories(dir_);
  std::string big;
  for (int i = 0; i < 20000; ++i) big += "entry-" + std::to_string(i) + std::string(90, '.') + "\n";
  append(path_, big);
  TailerOptions o;
  o.start_at_end = false;
  o.read_chunk_bytes = 64 * 1024;
  auto t = start(o);
  // One handler reads at most one chunk: after a single poll_one only part of the backlog is in.
  io_.poll_one();
  io_.poll_one();
  EXPECT_LT(lines_.size(), 2000u);
  ASSERT_TRUE(got(20000));
  EXPECT_EQ(t->status().lag, 0u);
}

}  // namespace
}  // namespace vw::audit
