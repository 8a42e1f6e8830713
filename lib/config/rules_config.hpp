#pragma once
// The configuration together with the alert rules in force (SPEC §5): what the daemon runs on.
// Target vw::rules_config (links vw::config and vw::rules), so that lib/config itself depends on
// core only and only who needs rule objects compiles lib/rules.
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "config/diagnostics.hpp"
#include "config/env.hpp"
#include "config/load.hpp"
#include "rules/rule.hpp"

namespace vw::config {

struct ConfigWithRules : Config {
  /// The rules in force: the built-in set (unless builtin_rules turns it or some of its rules
  /// off; a rule of the same name in your files replaces a built-in one), inline `rules:`, and
  /// every file `rules_files` matched.
  std::vector<rules::Rule> rules;
  std::vector<RuleSet> rule_sets;  // where they came from: the built-in set first, then yours
  bool operator==(const ConfigWithRules&) const = default;
};

struct FullLoadResult {
  ConfigWithRules config;
  Diagnostics diagnostics;  // empty when the config and every rule are valid
  bool ok() const { return diagnostics.empty(); }
};

/// config::defaults / load_file / load_string, plus the rules (read last, into the same
/// diagnostics, in file order with the rest).
FullLoadResult defaults_with_rules(const EnvLookup& env);
FullLoadResult load_file_with_rules(const std::string& path, const EnvLookup& env);
FullLoadResult load_string_with_rules(std::string_view yaml, const std::string& file_name, const EnvLookup& env);

}  // namespace vw::config
