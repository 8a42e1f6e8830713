#include "support/test_support.hpp"

#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

namespace vw::test {

std::filesystem::path fixture_path(std::string_view relative) {
  return std::filesystem::path(VW_FIXTURES_DIR) / relative;
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) {
    ADD_FAILURE() << "cannot read " << p;
    return {};
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string read_fixture(std::string_view relative) { return read_file(fixture_path(relative)); }

void write_file(const std::filesystem::path& p, std::string_view content) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  if (!out) ADD_FAILURE() << "cannot write " << p;
}

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::filesystem::path root = base ? base : "/tmp";
  std::random_device rd;
  for (int i = 0; i < 100; ++i) {
    auto p = root / ("vaultwatch-test-" + std::to_string(rd()));
    if (std::filesystem::create_directory(p)) {
      path_ = p;
      return;
    }
  }
  throw std::runtime_error("cannot create a temp dir");
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

testing::AssertionResult wait_until(const std::function<bool()>& pred,
                                    std::chrono::milliseconds deadline, std::string_view what) {
  const auto end = std::chrono::steady_clock::now() + deadline;
  auto pause = std::chrono::milliseconds(1);
  for (;;) {
    if (pred()) return testing::AssertionSuccess();
    if (std::chrono::steady_clock::now() >= end)
      return testing::AssertionFailure() << "timed out after " << deadline.count()
                                         << " ms waiting for " << what;
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(20));
  }
}

}  // namespace vw::test
