#pragma once
// Loading and validating vaultwatch.yaml (SPEC §2).
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "config/config.hpp"
#include "config/diagnostics.hpp"
#include "config/env.hpp"

namespace vw::config {

class MapReader;  // config/yaml_reader.hpp

/// Reads, last and into the same diagnostics, what lib/config does not model itself: the alert
/// rules (config/rules_config.hpp, target vw::rules_config: only who needs rule objects links
/// vw::rules). `top` is the document's top level, `file` the file it came from ("" for the
/// built-in defaults), `c` everything else, already read. Without one, `rules:` is accepted
/// unread.
using ExtraReader = std::function<void(MapReader& top, const std::string& file, const Config& c)>;

struct LoadResult {
  Config config;
  Diagnostics diagnostics;  // empty when the config is valid
  bool ok() const { return diagnostics.empty(); }
};

/// Built-in defaults with the VAULT_* environment fallbacks applied (no file at all).
LoadResult defaults(const EnvLookup& env, const ExtraReader& extra = {});

/// Loads a file; a missing or unreadable file is a diagnostic. Every problem is reported, each
/// with file, line, column and YAML path; unknown keys are problems.
LoadResult load_file(const std::string& path, const EnvLookup& env, const ExtraReader& extra = {});

/// Reads a whole config-type file (config, rules, web config): nullopt with `error` set ("cannot
/// read: ...") for a missing file, a directory, or more than 16 MiB; never blocks on a FIFO
/// without a writer.
std::optional<std::string> read_config_text(const std::string& path, std::string& error);

/// Why `path` cannot be where /metrics is served (server.telemetry_path, --web.telemetry-path),
/// or "" when it can: a path starting with '/', without a query, and none of the daemon's own
/// endpoints (/, /healthz, /readyz, /-/reload, /api/...).
std::string telemetry_path_problem(std::string_view path);

/// Same, from text (`file_name` is used in diagnostics and to resolve relative rule globs).
LoadResult load_string(std::string_view yaml, const std::string& file_name, const EnvLookup& env,
                       const ExtraReader& extra = {});

}  // namespace vw::config
