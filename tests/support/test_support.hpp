#pragma once
// Shared test helpers: fixtures, temp dirs, and waits that always have a deadline.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

namespace vw::test {

using namespace std::chrono_literals;

/// Absolute path of tests/fixtures/<relative>.
std::filesystem::path fixture_path(std::string_view relative);
/// Contents of tests/fixtures/<relative> (fails the test when missing).
std::string read_fixture(std::string_view relative);
std::string read_file(const std::filesystem::path& p);
void write_file(const std::filesystem::path& p, std::string_view content);

/// A fresh directory under $TMPDIR, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(std::string_view name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

/// Re-checks `pred` every few milliseconds until it holds or `deadline` passes. This is a wait on
/// a condition, never a fixed sleep: a fast machine returns at once.
testing::AssertionResult wait_until(const std::function<bool()>& pred,
                                    std::chrono::milliseconds deadline, std::string_view what);

/// Deadline for waits that cross process boundaries; generous so a loaded CI machine does not
/// flake, while a passing test returns as soon as the condition holds.
inline constexpr std::chrono::milliseconds default_deadline = 20s;

}  // namespace vw::test
