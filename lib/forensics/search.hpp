#pragma once
// Runs `audit search` / `audit stats` over a list of inputs: opens each (plain, gzip or stdin),
// scans lines, pre-filters, decodes with lib/audit's Decoder (the daemon's decoder, `prefix`
// included), filters, and writes rows (search) or the stats report (stats) to `out_fd`; a
// summary line, warnings for damaged inputs and errors for unreadable ones go to `err_fd`, and a
// progress bar too when `err_fd` is a terminal, the input is large, and the rows do not go to a
// terminal themselves (stats always qualifies: it prints at the end).
//
// Problems in the data (bad lines, over-long lines, truncated or corrupt gzip) are counted and
// reported, never fatal. An input that cannot be opened or read is an error: the other inputs are
// still searched, and the result says so (the CLI then exits 1).
//
// Single-threaded, blocking I/O: this is the CLI, not the daemon's io thread.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "forensics/filter.hpp"
#include "forensics/format.hpp"
#include "forensics/scanner.hpp"

namespace vw::forensics {

struct SearchOptions {
  enum class Mode { search, stats } mode = Mode::search;
  FormatOptions format;        // search; stats uses format.format table|json
  std::string prefix;          // the audit device's `prefix` option
  std::size_t top = 10;        // stats: rows per top-N table
  bool quiet = false;          // no summary line (warnings and errors are still printed)
  bool progress = true;        // allow the progress bar (it also needs a TTY and a large input)
  std::uint64_t progress_min_bytes = 64ull << 20;
  ScannerOptions scanner;
};

struct SearchSummary {
  std::uint64_t inputs = 0;
  std::uint64_t lines = 0;
  std::uint64_t prefiltered = 0;  // lines the pre-filter ruled out without decoding them
  std::uint64_t entries = 0;      // lines decoded into entries
  std::uint64_t matched = 0;
  std::array<std::uint64_t, 3> bad{};  // by audit::DecodeError: bad_json, too_long, missing_field
  std::uint64_t bytes = 0;        // decompressed bytes scanned
  std::uint64_t raw_bytes = 0;    // bytes read from files/stdin
  double seconds = 0;
  std::vector<std::string> damaged;  // "file: what" (reported, not an error)
  std::vector<std::string> errors;   // "file: what" (unreadable inputs, output failures)
  std::uint64_t bad_lines() const { return bad[0] + bad[1] + bad[2]; }
};

/// The summary line printed at the end, in plain words: "vaultwatch audit search: 136 entries
/// matched. Read 4000 lines (1.2 MB) from 1 input in 0.01 s (100 MB/s): 3648 skipped by the
/// pre-filter without decoding, 352 decoded, 0 bad lines." (bad lines by reason when there are).
std::string format_summary(const SearchSummary& s, SearchOptions::Mode mode);

SearchSummary run_search(const Filter& filter, const SearchOptions& opts,
                         const std::vector<std::string>& inputs, int out_fd, int err_fd);

}  // namespace vw::forensics
