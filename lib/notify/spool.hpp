#pragma once
// The on-disk copy of a webhook's undelivered notifications (state_dir/notify/), so that a
// restart delivers what a dead receiver did not take. One file per webhook, JSON lines: a
// header line, then one notification per line, oldest first. Replaced atomically (write a
// temporary file, fsync, rename, fsync the directory), so a crash leaves the old or the new
// version, never a torn one. Bounded: at most `max_bytes`; the oldest notifications are left
// out when more would not fit (the in-memory queue is bounded by queue_capacity anyway).
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "notify/queue.hpp"

namespace vw::notify {

struct SpoolContents {
  std::string receiver;  // from the header line
  std::vector<QueuedNotification> items;
  std::size_t bad_lines = 0;  // lines that could not be decoded (skipped)
};

/// Pure: the file's text for these notifications, at most `max_bytes` (newest kept);
/// `omitted` receives how many of the oldest did not fit.
std::string encode_spool(const std::string& receiver, const std::vector<QueuedNotification>& items,
                         std::size_t max_bytes, std::size_t* omitted = nullptr);
/// Pure: the notifications in a spool file's text. An unreadable header is an error; bad lines
/// after it are skipped and counted.
result<SpoolContents> decode_spool(std::string_view text);

/// A file name safe for any receiver name: [A-Za-z0-9_.-] kept, every other byte %XX.
std::string spool_file_name(std::string_view receiver);

/// One receiver's spool file. Synchronous file I/O: called at most once a second per receiver
/// while it has undelivered notifications, and at stop. Not thread-safe: io thread only.
class Spool {
 public:
  Spool(std::filesystem::path file, std::string receiver, std::size_t max_bytes)
      : file_(std::move(file)), receiver_(std::move(receiver)), max_bytes_(max_bytes) {}

  /// Writes these notifications (atomically), or removes the file when there are none.
  /// Returns how many of the oldest were left out for the size bound.
  result<std::size_t> save(const std::vector<QueuedNotification>& items);
  /// What the file holds; empty when there is no file.
  result<SpoolContents> load() const;
  const std::filesystem::path& file() const { return file_; }

 private:
  std::filesystem::path file_;
  std::string receiver_;
  std::size_t max_bytes_;
};

/// Replaces `path` with `content` atomically and durably (temporary file in the same
/// directory, fdatasync, rename, fsync of the directory). Mode 0600.
result<void> write_file_atomic(const std::filesystem::path& path, std::string_view content);

}  // namespace vw::notify
