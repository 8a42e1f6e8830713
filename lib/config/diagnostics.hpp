#pragma once
// Every problem found while loading configuration, with where it is: file, line, column and the
// YAML path ("config.yaml:14:5: rules[2].for: must be a duration like 30s").
#include <string>
#include <vector>

namespace vw::config {

struct Diagnostic {
  std::string file;
  int line = 0;    // 1-based; 0 when unknown (e.g. an environment variable)
  int column = 0;  // 1-based
  std::string path;
  std::string message;
  bool operator==(const Diagnostic&) const = default;
  std::string to_string() const;
};

using Diagnostics = std::vector<Diagnostic>;

/// One line per diagnostic.
std::string to_string(const Diagnostics& d);

}  // namespace vw::config
