#pragma once
// `vaultwatch audit rotation [--path GLOB] [--deadline D] [--format table|json] FILE...`
// (issue 13): argument parsing (pure, unit tested) and the command (lib/forensics runs it).
// Exit codes as `audit search`: 0 done, 2 usage error, 1 an input could not be read.
#include <string>
#include <vector>

#include "forensics/rotation_report.hpp"

namespace vw::daemon {

struct RotationCommand {
  forensics::RotationRunOptions options;
  std::vector<std::string> inputs;
  bool help = false;
  std::string error;  // non-empty: usage error (exit 2)
};

/// `args` starts at "rotation": {"rotation", "--path", "secret/data/**", "audit.log"}.
RotationCommand parse_rotation_args(const std::vector<std::string>& args);

std::string rotation_usage();

/// Runs `audit rotation` (args from "rotation" on); returns the exit code.
int run_rotation_command(const std::vector<std::string>& args);

}  // namespace vw::daemon
