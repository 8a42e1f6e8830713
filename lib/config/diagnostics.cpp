#include "config/diagnostics.hpp"

#include <algorithm>
#include <tuple>

namespace vw::config {

std::string Diagnostic::to_string() const {
  std::string out = file.empty() ? std::string("<config>") : file;
  // Appended piece by piece, not as `":" + std::to_string(line)`: GCC 12 at -O3 reports a false
  // -Wrestrict inside libstdc++'s operator+(const char*, std::string&&) (GCC bug 105329), which
  // stopped a Release build with -Werror.
  if (line > 0) {
    out += ':';
    out += std::to_string(line);
    out += ':';
    out += std::to_string(column);
  }
  out += ": ";
  if (!path.empty()) out += path + ": ";
  out += message;
  return out;
}

void sort_by_position(Diagnostics& d) {
  std::vector<std::string> files;  // first-appearance order (copies: the sort moves the strings)
  for (const auto& x : d)
    if (std::find(files.begin(), files.end(), x.file) == files.end()) files.push_back(x.file);
  auto rank = [&](const Diagnostic& x) { return std::find(files.begin(), files.end(), x.file) - files.begin(); };
  std::stable_sort(d.begin(), d.end(), [&](const Diagnostic& a, const Diagnostic& b) {
    return std::tuple(rank(a), a.line, a.column) < std::tuple(rank(b), b.line, b.column);
  });
}

std::string to_string(const Diagnostics& d) {
  std::string out;
  for (const auto& x : d) out += x.to_string() + "\n";
  return out;
}

}  // namespace vw::config
