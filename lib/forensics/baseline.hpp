#pragma once
// The engine of `vaultwatch baseline build` (issue 14.4): replays archived audit logs (plain,
// gzip or stdin; lib/forensics/input + scanner, at `audit search` speed) through the daemon's
// decoder and classifier into a rule engine, each entry at its own `time`, so the behavioural
// rules learn months of history in seconds. Nothing is notified: the caller only saves what the
// engine learnt (Engine::save_learnt).
//
// Single-threaded; no clock but the steady one for the summary's rate.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "audit/classifier.hpp"
#include "core/time.hpp"
#include "forensics/scanner.hpp"
#include "rules/engine.hpp"

namespace vw::forensics {

struct BaselineOptions {
  std::string prefix;                  // audit.prefix: the device's `prefix` option
  audit::ClassifierOptions classifier;  // audit.ignore: the same entries the daemon skips
  ScannerOptions scanner;
  /// Engine::tick is called whenever entry time has advanced this much (bucketed kinds close
  /// their buckets on ticks as in the daemon, whose timer wakes them).
  Duration tick_every = std::chrono::minutes(1);
};

struct BaselineSummary {
  std::uint64_t inputs = 0;     // inputs read (opened)
  std::uint64_t lines = 0;
  std::uint64_t entries = 0;    // decoded
  std::uint64_t bad_lines = 0;  // undecodable or too long
  std::uint64_t skipped = 0;    // decoded, skipped like the daemon does (test probe, audit.ignore)
  std::uint64_t fed = 0;        // given to the engine
  std::uint64_t backwards = 0;  // entries older than one already fed (learnt at their own time)
  std::uint64_t bytes = 0;      // decompressed bytes
  double seconds = 0;
  std::optional<SysTime> first, last;  // entry times fed
  std::vector<std::string> errors;     // inputs that could not be opened or read
  std::vector<std::string> damaged;    // damaged gzip data (reported, not an error)
};

/// The options of the engine replay_into() feeds: every entry goes through the engine's history
/// path (Engine::observe with an entry older than audit_max_age: the behavioural rules learn, no
/// alert is raised), as the daemon does for old entries.
rules::EngineOptions history_engine_options(rules::EngineOptions o);

/// Replays `inputs` in the order given (oldest first, as `ls -tr` lists rotated logs) into
/// `engine`. Inputs that cannot be opened are reported in errors and skipped.
BaselineSummary replay_into(rules::Engine& engine, const BaselineOptions& opts,
                            const std::vector<std::string>& inputs);

/// "Read 1.2 GB (4 100 000 lines) from 3 inputs in 2.10 s (571 MB/s): 4 000 000 entries fed, ..."
std::string format_baseline_summary(const BaselineSummary& s);

}  // namespace vw::forensics
