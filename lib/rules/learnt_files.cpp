#include "rules/learnt_files.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "rules/state_codec.hpp"

namespace vw::rules {

namespace fs = std::filesystem;

std::string learnt_dir(const std::string& state_dir) { return (fs::path(state_dir) / "learnt").string(); }

result<void> write_learnt(const std::string& dir, const std::map<std::string, std::string>& blobs) {
  std::string failed;
  for (const auto& [name, blob] : blobs) {
    if (!valid_label_name(name)) continue;  // never a path outside dir
    auto r = write_file_atomic((fs::path(dir) / (name + ".bin")).string(), blob);
    if (!r) failed += (failed.empty() ? "" : "; ") + r.error().message;
  }
  if (!failed.empty()) return make_error("cannot save learnt state: " + failed);
  return {};
}

result<void> write_learnt(const std::string& dir, const Engine& engine) {
  return write_learnt(dir, engine.save_learnt());
}

LearntFiles read_learnt(const std::string& dir) {
  LearntFiles out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return out;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const auto& p = it->path();
    if (p.extension() != ".bin" || !valid_label_name(p.stem().string())) continue;
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    if (!in && !in.eof()) {
      out.errors.push_back(p.string() + ": cannot read");
      continue;
    }
    out.blobs.emplace(p.stem().string(), std::move(ss).str());
  }
  if (ec) out.errors.push_back(dir + ": " + ec.message());
  return out;
}

}  // namespace vw::rules
