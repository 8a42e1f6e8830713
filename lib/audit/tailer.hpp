#pragma once
// Follows Vault's audit log file through every rotation and restart (SPEC §7) and hands out
// complete lines.
//
// - inotify on the file and on its directory (or, until the directory exists, on its nearest
//   existing ancestor), read through an Asio descriptor on the io thread; events only say "look
//   now", the state is always re-derived from stat(2), so coalesced or overflowed events lose
//   nothing. A 1 s tick re-checks as a safety net and writes the checkpoint.
// - Bounded work per handler: at most one read of `read_chunk_bytes` (or, for one long line, of
//   max_line_bytes + 1), then the next chunk is posted, so a 1 GB backlog interleaves with
//   /metrics scrapes instead of stalling them. Reads are pread(2) on regular files (which never
//   block on the network and cannot be polled with epoll).
// - Rotation: rename + create (the old file, kept open, is read to its end first and kept while
//   Vault still appends to it until its SIGHUP), delete + recreate (likewise, via the unlinked
//   but open file), copytruncate (detected by size or by the file's first bytes changing; the
//   lines between our offset and the truncation are read from logrotate's copy when the copy is
//   found next to the file), a file or directory that does not exist yet.
// - A line is handed out once it ends in '\n'; a partial last line is re-read when it completes.
//   A line longer than max_line_bytes is skipped (counted as too_long) in bounded chunks,
//   never buffered whole.
// - Checkpoint {device, inode, fingerprint of the first bytes, offset} saved atomically at every
//   tick when it moved, and at stop(). On start: resume when the file still matches; follow a
//   rename or a copy made while we were down; otherwise read the file from its start.
//   `start_at_end` applies only when there is no usable checkpoint.
//
// Owns its file descriptors, its inotify descriptor and its buffer. io thread only. stop() is
// idempotent; handlers that fire after it (or after destruction) do nothing.
#include <sys/types.h>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "audit/audit_metrics.hpp"
#include "audit/checkpoint.hpp"
#include "audit/device_health.hpp"
#include "audit/line_split.hpp"
#include "audit/resume.hpp"
#include "core/duration.hpp"
#include "net/net.hpp"

namespace spdlog {
class logger;
}

namespace vw::audit {

using namespace std::chrono_literals;

inline constexpr std::size_t inotify_event_alignment = 8;

struct TailerOptions {
  std::string path;                       // the audit log (made absolute)
  std::string checkpoint_file;            // "" = no checkpoint
  bool start_at_end = true;               // without a checkpoint: skip what the file holds at start
  std::size_t max_line_bytes = 1024 * 1024;
  std::size_t read_chunk_bytes = 256 * 1024;
  Duration tick = 1s;                     // checkpoint interval and safety re-check
  Duration rotate_grace = 10s;            // a rotated-away file is closed after this long idle
  std::size_t max_rotated_open = 8;       // more rotated files than this: the oldest are closed
  std::size_t fingerprint_bytes = 4096;   // how much of the file's start identifies it
  /// Vault still writing to a rotated-away file this long after the rotation while the file at
  /// `path` stays absent or empty: vaultwatch_audit_writer_on_rotated_file 1 (device_health.hpp).
  /// Until the new file has data, rotated files are kept open however idle they are.
  Duration reopen_grace = 1min;
};
// The I/O shell: line splitting and the resume decision are the pure functions of
// line_split.hpp and resume.hpp; this class does the reads, inotify, timers and bookkeeping.

struct TailerStatus {
  std::string path;
  bool open = false;          // a file is being followed
  std::uint64_t device = 0;
  std::uint64_t inode = 0;
  std::uint64_t offset = 0;   // bytes handed out (complete lines) of the current file
  std::uint64_t size = 0;     // its size at the last look
  std::uint64_t lag = 0;      // unread bytes, rotated files included
  std::size_t rotated_open = 0;
};

class Tailer {
 public:
  /// Receives each complete line without its '\n'. At least `line_padding` readable bytes follow
  /// the line in memory (for simdjson). The view is valid during the call only.
  using LineSink = std::function<void(std::string_view line)>;

  Tailer(net::any_io_executor ex, TailerOptions opts, AuditMetrics& m,
         std::shared_ptr<spdlog::logger> log, LineSink sink);
  ~Tailer();
  Tailer(const Tailer&) = delete;
  Tailer& operator=(const Tailer&) = delete;

  void start();
  /// Saves the checkpoint and closes everything. Idempotent.
  void stop();
  TailerStatus status() const;
  /// Writes the checkpoint now if it moved (also done every tick and at stop()).
  void save_checkpoint_now();

 private:
  struct File {
    int fd = -1;
    std::uint64_t dev = 0, ino = 0;
    std::uint64_t offset = 0;     // just past the last line handed out (or skipped)
    std::uint64_t size = 0;       // at the last fstat
    std::uint64_t high_water = 0; // end of the furthest read: growth beyond it is new data
    std::string head;             // the file's bytes [0, head.size()), at most fingerprint_bytes
    int wd = -1;                  // inotify watch on the open file
    LineSplitState split;         // read size and too-long-line skipping (line_split.hpp)
    bool caught_up = false;       // the last read reached the end
    bool retire = false;          // close once caught up
    std::chrono::steady_clock::time_point last_data;
    std::chrono::steady_clock::time_point rotated_at;  // when it was rotated away
    std::string path_hint;        // the name it was found under (find_rotated), for the log
  };
  enum class Pump { idle, more };

  void schedule();
  void step();
  Pump pump(File& f);
  void reconcile();
  void ensure_dir_watch();
  void read_events();
  void arm_tick();
  void initial_open();
  std::unique_ptr<File> open_file(const std::string& path, bool quiet = false, bool watch = true);
  void watch_file(File& f);
  void close_file(File& f);
  void set_current(std::unique_ptr<File> f);
  void retire_current(const char* kind);
  void truncated(File& f);
  bool recover_from_copy(std::string_view head, std::uint64_t offset);
  std::unique_ptr<File> find_rotated(const Checkpoint& cp);
  bool holds(std::uint64_t dev, std::uint64_t ino) const;
  bool head_unchanged(File& f);
  void fill_head(File& f, std::uint64_t upto);
  std::uint64_t start_offset_at_end(File& f);
  FileFacts facts(const File& f) const { return {f.dev, f.ino, f.size, f.head}; }
  void ensure_buffer(std::size_t want);
  void update_lag();
  std::optional<Checkpoint> checkpoint() const;
  void count_rotation(const char* kind);
  /// Updates vaultwatch_audit_writer_on_rotated_file; true while the new file has data.
  bool check_reopen();

  net::any_io_executor ex_;
  TailerOptions opts_;
  AuditMetrics& m_;
  std::shared_ptr<spdlog::logger> log_;
  LineSink sink_;
  std::string dir_, base_;
  net::posix::stream_descriptor inotify_;
  net::steady_timer tick_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(false);
  bool running_ = false;
  bool scheduled_ = false;
  bool dirty_ = true;
  int dir_wd_ = -1;
  std::string watched_dir_;
  std::unique_ptr<File> current_;
  std::deque<std::unique_ptr<File>> rotated_;  // oldest first; read before current_
  std::unique_ptr<char[]> buf_;
  std::size_t buf_cap_ = 0;                    // usable bytes; line_padding more are allocated
  alignas(inotify_event_alignment) std::array<char, 16 * 1024> events_{};
  std::optional<Checkpoint> saved_;
  prometheus::Gauge* file_info_ = nullptr;
  prometheus::Gauge* writer_on_rotated_ = nullptr;
  bool warned_missing_ = false;
  bool warned_checkpoint_ = false;
  bool warned_open_ = false;  // an open() failure was logged; reset when the file opens
};

}  // namespace vw::audit
