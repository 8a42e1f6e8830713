#pragma once
// `vaultwatch audit rotation` (issue 13): replays audit logs (plain, gzip, stdin) through the
// daemon's rotation tracker and prints, for each KV v2 write, every consumer and when (if) it
// picked the new version up.
//
// JSON: one object per write, printed when the write's record closes (the secret's next write,
// its metadata delete, or the end of the input):
//   {"path","version","written_at","writer","deadline","consumers":[{"identity",
//    "remote_address","last_version","last_read","picked_up_at"|null,"on_time"}]}
// `deadline` is written_at + --deadline; `on_time` is picked_up_at <= deadline.
// Table: the same, one block per write, for people (control characters shown as spaces).
//
// Errors as in `audit search`: bad lines and damaged gzip are counted and reported; an input
// that cannot be read is an error (the others are still read). Single-threaded, blocking.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/duration.hpp"
#include "forensics/format.hpp"
#include "forensics/scanner.hpp"
#include "rotation/tracker.hpp"

namespace vw::forensics {

struct RotationRunOptions {
  std::vector<std::string> paths;  // KV v2 data path globs; empty = every KV v2 secret
  Duration deadline = std::chrono::minutes(15);
  Duration consumer_window = std::chrono::hours(24 * 7);
  std::vector<rotation::KeyField> consumer_key{rotation::KeyField::entity_id, rotation::KeyField::display_name};
  std::size_t max_tracked = 1'000'000;
  Format format = Format::table;
  std::string prefix;
  bool quiet = false;
  ScannerOptions scanner;
};

struct RotationSummary {
  std::uint64_t inputs = 0, lines = 0, entries = 0, writes = 0, evicted = 0, bytes = 0;
  std::array<std::uint64_t, 3> bad{};  // by audit::DecodeError
  double seconds = 0;
  std::vector<std::string> damaged;
  std::vector<std::string> errors;
};

/// One write as a JSON line (with '\n').
void append_write_json(const rotation::WriteReport& r, Duration deadline, std::string& out);
/// One write as a table block.
void append_write_table(const rotation::WriteReport& r, Duration deadline, std::string& out);

RotationSummary run_rotation(const RotationRunOptions& opts, const std::vector<std::string>& inputs,
                             int out_fd, int err_fd);

}  // namespace vw::forensics
