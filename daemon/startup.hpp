#pragma once
// Start-up: loading the configuration the way the daemon does (file or built-in defaults, then
// the command-line flags) and the checks of the files it points at, collected, never
// half-started (STYLE.md errors). Used by main (--check-config and the daemon), App::start and
// App::reload.
#include <boost/asio/ip/tcp.hpp>

#include <string>
#include <vector>

#include "config/rules_config.hpp"
#include "daemon/cli.hpp"

namespace spdlog {
class logger;
}

namespace vw::daemon {

struct StartupProblem {
  bool config = false;  // true: a configuration problem (exit 78); false: runtime (exit 1)
  std::string message;
};

struct AppOptions {
  std::string config_path;     // "" when running on built-in defaults
  DaemonFlags flags;
};

/// Loads the configuration the way the daemon does (file or built-in defaults, then flags).
/// Returns the config with its rules and every problem found.
struct Loaded {
  config::ConfigWithRules config;
  std::vector<StartupProblem> problems;
};
Loaded load_config(const AppOptions& opts);

/// Files the configuration points at that must be usable before starting (what start() would
/// build, without binding or polling): the monitor token (permissions, content; SPEC §8), the
/// Vault TLS files, the web config and its certificates, the notifiers' TLS and credential files.
std::vector<StartupProblem> check_runtime_files(const config::Config& cfg, bool allow_insecure_token_file = false);

/// Whether the audit pipeline runs for `c` (audit::tailing_enabled; logs when the default path is
/// absent). When it does, creates state_dir for its checkpoint (a failure is counted there).
bool prepare_audit(const config::Config& c, spdlog::logger& log);

/// The start-up log lines: version, config and Vault, then where the server listens (tests and
/// deploy scripts wait for "listening: address=").
void log_started(spdlog::logger& log, const config::Config& c, const boost::asio::ip::tcp::endpoint& ep, bool tls);

}  // namespace vw::daemon
