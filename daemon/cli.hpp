#pragma once
// Command-line parsing (SPEC §1). Hand-written: the flags are few and follow the Prometheus
// exporters' `--name=value` spelling, and Boost.ProgramOptions would be the one compiled Boost
// library we link (Debian's unversioned one is 1.74, which conflicts with 1.81).
#include <optional>
#include <string>
#include <vector>

namespace vw::daemon {

struct DaemonFlags {
  std::optional<std::string> config_file;
  std::optional<std::string> listen_address;
  std::optional<std::string> web_config_file;
  std::optional<std::string> telemetry_path;
  std::optional<std::string> log_level;
  std::optional<std::string> log_format;
  bool check_config = false;
  bool version = false;
  bool help = false;
  bool allow_insecure_token_file = false;
};

struct ParsedArgs {
  enum class Mode { daemon, subcommand } mode = Mode::daemon;
  DaemonFlags flags;
  std::vector<std::string> subcommand;  // e.g. {"audit", "search", ...} for Mode::subcommand
  std::string error;                    // non-empty: usage error (exit 2)
};

ParsedArgs parse_args(const std::vector<std::string>& args);

std::string usage();

/// A usage error the way the Prometheus exporters print it: one line naming the problem and where
/// the help is ("vaultwatch: error: unknown flag --x; see 'vaultwatch --help'"), not the whole
/// help. `help_command` is the command whose --help applies ("vaultwatch audit search").
std::string usage_error(const std::string& error, const std::string& help_command = "vaultwatch");

/// `--version`, in the layout of Prometheus' version.Print() (github.com/prometheus/common):
///   vaultwatch, version 0.1.0 (branch: main, revision: 7443135abcde)
///     build date:       20261204-16:15:02
///     compiler:         GCC 12.2.0
///     platform:         linux/amd64
/// Go's "go version" line becomes the C++ compiler; there is no "build user" line (builds are
/// meant to be reproducible, and a user@host says nothing about the binary).
std::string version_info();

/// A subcommand flag with a value at args[i], spelt "--name VALUE" or "--name=VALUE": nullopt
/// when args[i] is not that flag; else its value (with `i` moved past a separate value), or
/// nullopt and `error` set when the value is missing or empty.
std::optional<std::string> flag_value(const std::vector<std::string>& args, std::size_t& i,
                                      const std::string& name, std::string& error);

/// A flag of a subcommand: a switch (sets `on`) when it has neither `one` nor `many`, else a flag
/// with a value (flag_value's spellings) stored in `one` or appended to `many`.
struct SubcommandFlag {
  std::vector<std::string> names;  // {"--quiet", "-q"}; a flag with a value has one name
  bool* on = nullptr;
  std::string* one = nullptr;
  std::vector<std::string>* many = nullptr;
};

/// The argument loop every subcommand shares (audit search/stats, audit rotation, baseline
/// build): from args[first] on, "-", anything not starting with '-' and everything after "--"
/// are input files; --help/-h sets `help`; every other argument must be one of `flags`.
/// Returns the first problem ("unknown flag --x", a missing value), or "" when there is none.
std::string parse_subcommand_args(const std::vector<std::string>& args, std::size_t first,
                                  const std::vector<SubcommandFlag>& flags, std::vector<std::string>& inputs,
                                  bool& help);

inline constexpr const char* default_config_path = "/etc/vaultwatch/vaultwatch.yaml";

/// Exit codes (SPEC §1; 78 is EX_CONFIG from sysexits.h).
inline constexpr int exit_ok = 0;
inline constexpr int exit_failure = 1;
inline constexpr int exit_usage = 2;
inline constexpr int exit_config = 78;

}  // namespace vw::daemon
