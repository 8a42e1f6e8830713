#pragma once
// `vaultwatch baseline build [--config.file=FILE] [--state-dir=DIR] FILE...` (issue 14.4):
// argument parsing (pure, unit tested) and the command. Replays archived audit logs through the
// configuration's behavioural rules (lib/forensics/baseline) and writes what they learnt into
// state_dir, where the daemon restores it at its next start.
//
// Exit codes: 0 done; 2 usage error; 78 configuration error; 1 an input could not be read, no
// behavioural rule in the configuration, state_dir locked by a running daemon, or the state
// could not be written.
#include <optional>
#include <string>
#include <vector>

namespace vw::daemon {

struct BaselineCommand {
  std::optional<std::string> config_file;
  std::optional<std::string> state_dir;
  std::vector<std::string> inputs;
  bool quiet = false;
  bool help = false;
  std::string error;  // non-empty: usage error (exit 2)
};

/// `args` starts after "baseline": {"build", "--config.file=/etc/vaultwatch/vaultwatch.yaml", "a.log"}.
BaselineCommand parse_baseline_args(const std::vector<std::string>& args);

std::string baseline_usage();

/// Runs the whole subcommand (args after "baseline"); returns the exit code.
int run_baseline_command(const std::vector<std::string>& args);

}  // namespace vw::daemon
