#include "daemon/cli.hpp"

#include <algorithm>

#include "config/load.hpp"
#include "core/version.hpp"

namespace vw::daemon {

namespace {

// The compiler that built this file, as its maker names it.
std::string compiler() {
#if defined(__clang__)
  return "clang " __clang_version__;
#elif defined(__GNUC__)
  return "GCC " + std::to_string(__GNUC__) + "." + std::to_string(__GNUC_MINOR__) + "." +
         std::to_string(__GNUC_PATCHLEVEL__);
#else
  return "unknown";
#endif
}

// GOOS/GOARCH spelling, like Prometheus' "platform" line.
const char* platform() {
#if defined(__x86_64__)
  return "linux/amd64";
#elif defined(__aarch64__)
  return "linux/arm64";
#elif defined(__i386__)
  return "linux/386";
#elif defined(__arm__)
  return "linux/arm";
#else
  return "linux/unknown";
#endif
}

}  // namespace

std::string usage_error(const std::string& error, const std::string& help_command) {
  return "vaultwatch: error: " + error + "; see '" + help_command + " --help'\n";
}

std::string version_info() {
  std::string out = "vaultwatch, version " + std::string(vw::version) + " (branch: " + vw::branch +
                    ", revision: " + vw::revision + ")\n";
  out += "  build date:       " + std::string(vw::build_date) + "\n";
  out += "  compiler:         " + compiler() + "\n";
  out += "  platform:         " + std::string(platform()) + "\n";
  return out;
}

std::string usage() {
  return R"(usage: vaultwatch [flags]
       vaultwatch audit search [filters] FILE...
       vaultwatch audit stats FILE...
       vaultwatch audit rotation [--path=GLOB] [--deadline=D] FILE...
       vaultwatch baseline build [--config.file=FILE] [--state-dir=DIR] FILE...

Watches a HashiCorp Vault node: health, leader, telemetry and the audit log; serves Prometheus
metrics and sends alerts to Alertmanager and webhooks.

Flags:
  --config.file=PATH         configuration file (default /etc/vaultwatch/vaultwatch.yaml;
                             built-in defaults when that file does not exist)
  --web.listen-address=ADDR  address of the metrics endpoint (default :9410)
  --web.config.file=PATH     exporter-toolkit web config (TLS, basic auth)
  --web.telemetry-path=PATH  path under which to expose metrics (default /metrics)
  --log.level=LEVEL          debug, info, warn or error (default info)
  --log.format=FORMAT        text or json (default text)
  --check-config             validate configuration and rules, print every problem, exit
  --allow-insecure-token-file  use a token file readable by other users (warns)
  --version                  print version and exit
  --help                     print this help and exit

Exit codes: 0 clean stop, 2 usage error, 78 configuration error, 1 anything else.
)";
}

std::optional<std::string> flag_value(const std::vector<std::string>& args, std::size_t& i,
                                      const std::string& name, std::string& error) {
  const std::string& a = args[i];
  std::optional<std::string> value;
  if (a == name) {
    if (i + 1 >= args.size()) {
      error = "flag " + name + " needs a value";
      return std::nullopt;
    }
    value = args[++i];
  } else if (a.starts_with(name + "=")) {
    value = a.substr(name.size() + 1);
  } else {
    return std::nullopt;
  }
  if (value->empty()) {
    error = "flag " + name + " needs a non-empty value";
    return std::nullopt;
  }
  return value;
}

std::string parse_subcommand_args(const std::vector<std::string>& args, std::size_t first,
                                  const std::vector<SubcommandFlag>& flags, std::vector<std::string>& inputs,
                                  bool& help) {
  bool only_files = false;
  for (std::size_t i = first; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (only_files || a == "-" || !a.starts_with("-")) {
      inputs.push_back(a);
      continue;
    }
    if (a == "--") {
      only_files = true;
      continue;
    }
    if (a == "--help" || a == "-h") {
      help = true;
      continue;
    }
    bool matched = false;
    for (const auto& f : flags) {
      if (!f.one && !f.many) {
        if (std::find(f.names.begin(), f.names.end(), a) == f.names.end()) continue;
        *f.on = true;
      } else {
        std::string error;
        auto value = flag_value(args, i, f.names.front(), error);
        if (!error.empty()) return error;
        if (!value) continue;
        if (f.many) f.many->push_back(std::move(*value));
        else *f.one = std::move(*value);
      }
      matched = true;
      break;
    }
    if (!matched) return "unknown flag " + a;
  }
  return {};
}

ParsedArgs parse_args(const std::vector<std::string>& args) {
  ParsedArgs out;
  if (!args.empty() && !args[0].starts_with("-")) {
    out.mode = ParsedArgs::Mode::subcommand;
    out.subcommand = args;
    return out;
  }
  auto& f = out.flags;
  struct ValueFlag {
    const char* name;
    std::optional<std::string>* target;
  };
  const ValueFlag value_flags[] = {
      {"--config.file", &f.config_file},       {"--web.listen-address", &f.listen_address},
      {"--web.config.file", &f.web_config_file}, {"--log.level", &f.log_level},
      {"--log.format", &f.log_format},         {"--web.telemetry-path", &f.telemetry_path},
  };
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--check-config") { f.check_config = true; continue; }
    if (a == "--version") { f.version = true; continue; }
    if (a == "--help" || a == "-h") { f.help = true; continue; }
    if (a == "--allow-insecure-token-file") { f.allow_insecure_token_file = true; continue; }
    bool matched = false;
    for (const auto& vf : value_flags) {
      const std::string name = vf.name;
      if (a == name) {
        if (i + 1 >= args.size()) {
          out.error = "flag " + name + " needs a value";
          return out;
        }
        *vf.target = args[++i];
        matched = true;
      } else if (a.starts_with(name + "=")) {
        *vf.target = a.substr(name.size() + 1);
        matched = true;
      }
      if (matched) break;
    }
    if (!matched) {
      out.error = "unknown flag " + a;
      return out;
    }
  }
  if (f.log_level && *f.log_level != "debug" && *f.log_level != "info" && *f.log_level != "warn" &&
      *f.log_level != "error")
    out.error = "--log.level must be debug, info, warn or error";
  if (f.log_format && *f.log_format != "text" && *f.log_format != "json")
    out.error = "--log.format must be text or json";
  if (f.telemetry_path) {
    if (auto why = config::telemetry_path_problem(*f.telemetry_path); !why.empty())
      out.error = "--web.telemetry-path " + why;
  }
  return out;
}

}  // namespace vw::daemon
