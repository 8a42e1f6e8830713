#pragma once
// Reading alert rules (SPEC §5.1) from YAML: inline `rules:`, `rules_files` and the built-in
// set. Internal to lib/config (includes yaml-cpp).
#include <map>
#include <string>
#include <vector>

#include "config/yaml_reader.hpp"
#include "rules/rule.hpp"

namespace vw::config {

/// Accumulates rules from several sources and reports duplicate alert names across them.
class RuleSetReader {
 public:
  explicit RuleSetReader(Labels external_labels) : external_(std::move(external_labels)) {}

  /// A YAML sequence of rules at `path` ("rules").
  void read_list(Context& ctx, const YAML::Node& list, const std::string& path);
  /// A whole rules file's text: a mapping with one key `rules:` (a list), or a bare list.
  void read_document(Context& ctx, std::string_view text);

  std::vector<rules::Rule>& rules() { return rules_; }

 private:
  std::optional<rules::Rule> read_rule(Context& ctx, const YAML::Node& n, const std::string& p);
  Labels external_;
  std::vector<rules::Rule> rules_;
  std::map<std::string, std::string> seen_;  // alert name -> "file:line"
};

}  // namespace vw::config
