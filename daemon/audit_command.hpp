#pragma once
// `vaultwatch audit search` and `vaultwatch audit stats` (SPEC §1): argument parsing (pure, unit
// tested) and the command itself (lib/forensics does the work).
//
// Exit codes (SPEC §1): 0 when every input was read (whether or not anything matched, and even
// with bad lines or a truncated gzip, which the summary reports); 2 for a usage error (unknown
// flag, bad glob, CIDR, time or format, no input); 1 when an input could not be opened or read,
// or the output could not be written (the other inputs are still searched).
#include <string>
#include <vector>

#include "forensics/filter.hpp"
#include "forensics/search.hpp"

namespace vw::daemon {

struct AuditCommand {
  forensics::SearchOptions options;
  forensics::FilterOptions filter;
  std::vector<std::string> inputs;
  bool help = false;
  std::string error;  // non-empty: usage error (exit 2)
};

/// `args` starts after "audit": {"search", "--path", "secret/**", "audit.log"}.
AuditCommand parse_audit_args(const std::vector<std::string>& args);

std::string audit_usage(forensics::SearchOptions::Mode mode);

/// Runs the whole subcommand (args after "audit"); returns the exit code.
int run_audit_command(const std::vector<std::string>& args);

}  // namespace vw::daemon
