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

/// Puts `d` in reading order: by file (files in the order they first appear in `d`, so the config
/// file comes before the rules files it names), then line, then column. Stable: problems at the
/// same position keep their order. The loader finds problems section by section (and checks
/// some only after reading everything), which is not the order a person reads the file in.
void sort_by_position(Diagnostics& d);

/// One line per diagnostic.
std::string to_string(const Diagnostics& d);

}  // namespace vw::config
