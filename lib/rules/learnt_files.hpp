#pragma once
// The learnt state of the behavioural rules on disk: one file per rule,
// state_dir/learnt/<alertname>.bin, each the rule's Evaluator::save_learnt blob (binary,
// versioned and checksummed by the kind itself), each written crash-safely (temp file, fsync,
// rename: write_file_atomic). The RuleManager writes them; `vaultwatch baseline build` writes
// them from archived logs before the daemon starts. Alert names are label names
// ([A-Za-z_][A-Za-z0-9_]*), so they are safe file names as they are.
#include <map>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "rules/engine.hpp"

namespace vw::rules {

/// state_dir/learnt
std::string learnt_dir(const std::string& state_dir);

/// Writes each blob to dir/<name>.bin (creating dir). Every blob is tried; the error names the
/// files that failed.
result<void> write_learnt(const std::string& dir, const std::map<std::string, std::string>& blobs);
/// Every behavioural rule of `engine`.
result<void> write_learnt(const std::string& dir, const Engine& engine);

struct LearntFiles {
  std::map<std::string, std::string> blobs;  // by rule name
  std::vector<std::string> errors;           // files that could not be read
};
/// Every dir/<name>.bin; a missing dir is no files and no error.
LearntFiles read_learnt(const std::string& dir);

}  // namespace vw::rules
