#include "config/diagnostics.hpp"

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

std::string to_string(const Diagnostics& d) {
  std::string out;
  for (const auto& x : d) out += x.to_string() + "\n";
  return out;
}

}  // namespace vw::config
