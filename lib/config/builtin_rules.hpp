#pragma once
// The built-in rule set (config/rules.yaml, SPEC §5.3), compiled into the binary so that the
// defaults work with no files installed. Generated at build time by cmake/embed_file.cmake.
#include <string_view>

namespace vw::config {

/// The name diagnostics use for it.
inline constexpr std::string_view builtin_rules_name = "<built-in>/config/rules.yaml";

/// The text of config/rules.yaml as it was when the binary was built.
std::string_view builtin_rules_yaml();

}  // namespace vw::config
