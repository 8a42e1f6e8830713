#pragma once
// The real vaultwatch binary, started by a test with its own config and state dir.
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "support/http_get.hpp"
#include "support/subprocess.hpp"
#include "support/test_support.hpp"

namespace vw::test {

struct DaemonOptions {
  std::string config_yaml;                  // written to <dir>/vaultwatch.yaml; "" = no file
  std::vector<std::string> extra_args;
  std::map<std::string, std::string> env;   // added to the environment
  bool wait_listening = true;               // wait for the "listening" log line
};

/// Runs build/daemon/vaultwatch with --config.file=<dir>/vaultwatch.yaml and
/// --web.listen-address=127.0.0.1:0, and learns the bound port from its log.
class Daemon {
 public:
  /// Starts the daemon; fails the test (and returns null) when it does not come up.
  static std::unique_ptr<Daemon> start(const std::filesystem::path& dir, DaemonOptions opts);
  ~Daemon();

  int port() const { return port_; }
  std::string url(const std::string& path = "/") const;
  HttpResult get(const std::string& path, HttpOptions opts = {}) const;
  /// GET /metrics, parsed.
  Samples scrape() const;
  /// Waits until `key` (as printed, e.g. `vault_health_status_code`) has `value`.
  testing::AssertionResult wait_metric(const std::string& key, double value,
                                       std::chrono::milliseconds deadline = default_deadline) const;
  /// Sends SIGTERM and waits for the exit code.
  std::optional<int> stop(std::chrono::milliseconds deadline = std::chrono::seconds(15));
  Subprocess& process() { return *proc_; }
  std::string binary() const;

 private:
  std::unique_ptr<Subprocess> proc_;
  int port_ = 0;
};

/// Path of the vaultwatch binary under test.
std::string daemon_binary();

}  // namespace vw::test
