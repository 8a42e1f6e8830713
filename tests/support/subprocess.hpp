#pragma once
// A child process with its stdout+stderr captured, for tests that run the real binaries.
#include <gtest/gtest.h>
#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

namespace vw::test {

class Subprocess {
 public:
  /// Starts argv[0] (searched in PATH when it has no '/') with extra environment variables.
  /// Fails the current test and returns null when it cannot start.
  static std::unique_ptr<Subprocess> start(std::vector<std::string> argv,
                                           std::map<std::string, std::string> env = {});
  ~Subprocess();  // SIGKILLs the process if it still runs

  pid_t pid() const { return pid_; }
  std::string output() const;
  /// Waits until the captured output matches `re` (searching from the start); fills `m`.
  testing::AssertionResult wait_for_output(const std::string& regex,
                                           std::chrono::milliseconds deadline,
                                           std::smatch* m = nullptr);
  void signal(int sig);
  /// Waits for exit; returns the exit code, 128+signal when killed, nullopt on timeout.
  std::optional<int> wait(std::chrono::milliseconds deadline);
  bool running();

 private:
  Subprocess() = default;
  void read_loop(int fd);
  pid_t pid_ = -1;
  std::optional<int> status_;
  std::thread reader_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::string out_;
  bool eof_ = false;
};

/// Runs a command to completion (deadline 60 s); returns exit code and output.
struct CommandResult {
  int exit_code = -1;
  std::string output;
};
CommandResult run_command(std::vector<std::string> argv, std::map<std::string, std::string> env = {},
                          std::chrono::milliseconds deadline = std::chrono::seconds(60));

/// True when `name` is an executable on PATH.
bool have_program(const std::string& name);

}  // namespace vw::test
