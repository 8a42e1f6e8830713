#pragma once
// Reading alert rules (SPEC §5.1) from YAML: inline `rules:`, `rules_files` and the built-in
// set. Internal to lib/config (includes yaml-cpp).
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/yaml_reader.hpp"
#include "rules/rule.hpp"

namespace vw::config {

/// What `outside: working_hours` in an audit filter stands for: behaviour.working_hours. While
/// that is unset, a rule using it is read (and checked) but inactive, not an error: the built-in
/// off-hours rule, and a copy of config/rules.yaml in rules.d, must load without it.
struct WorkingHoursRef {
  std::optional<WeeklySchedule> hours;  // unset: behaviour.working_hours is not configured
  bool used_unset = false;  // set while reading a rule that refers to the unset hours
};

/// Accumulates rules from several sources and reports duplicate alert names across them.
class RuleSetReader {
 public:
  explicit RuleSetReader(Labels external_labels, WorkingHoursRef working_hours = {})
      : external_(std::move(external_labels)), working_hours_(std::move(working_hours)) {}

  /// A YAML sequence of rules at `path` ("rules").
  void read_list(Context& ctx, const YAML::Node& list, const std::string& path);
  /// A whole rules file's text: a mapping with one key `rules:` (a list), or a bare list.
  void read_document(Context& ctx, std::string_view text);

  std::vector<rules::Rule>& rules() { return rules_; }
  /// Rules read but not to be run (they need behaviour.working_hours, unset), in reading order.
  const std::vector<std::string>& inactive() const { return inactive_; }

 private:
  std::optional<rules::Rule> read_rule(Context& ctx, const YAML::Node& n, const std::string& p);
  Labels external_;
  std::vector<rules::Rule> rules_;
  std::map<std::string, std::string> seen_;  // alert name -> "file:line"
  WorkingHoursRef working_hours_;
  std::vector<std::string> inactive_;
};

}  // namespace vw::config
