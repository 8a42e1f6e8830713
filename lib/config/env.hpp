#pragma once
#include <functional>
#include <optional>
#include <string>

namespace vw::config {

/// Looks up an environment variable; nullopt when unset. Injected so tests need no setenv.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

/// The process environment.
EnvLookup process_env();

}  // namespace vw::config
