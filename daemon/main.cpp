// vaultwatch: argv -> config -> App -> run -> exit code.
#include <spdlog/spdlog.h>

#include <cstdio>
#include <filesystem>
#include <iostream>

#include "daemon/app.hpp"
#include "daemon/audit_command.hpp"
#include "daemon/baseline_command.hpp"
#include "daemon/cli.hpp"
#include "daemon/logging.hpp"

namespace {

using namespace vw::daemon;

int print_problems(const std::vector<StartupProblem>& problems) {
  bool config = false;
  for (const auto& p : problems) {
    std::fprintf(stderr, "%s\n", p.message.c_str());
    config = config || p.config;
  }
  return config ? exit_config : exit_failure;
}

int run_daemon(const DaemonFlags& flags) {
  AppOptions opts;
  opts.flags = flags;
  if (flags.config_file) {
    opts.config_path = *flags.config_file;
  } else if (std::filesystem::exists(default_config_path)) {
    opts.config_path = default_config_path;
  }
  auto loaded = load_config(opts);
  if (flags.check_config) {
    auto more = check_runtime_files(loaded.config, flags.allow_insecure_token_file);
    loaded.problems.insert(loaded.problems.end(), more.begin(), more.end());
    if (loaded.problems.empty()) {
      std::string sources;
      for (const auto& set : loaded.config.rule_sets)
        if (set.enabled) sources += (sources.empty() ? "" : ", ") + set.source;
      std::printf("%s: configuration is valid (%zu alert rules from %s)\n",
                  opts.config_path.empty() ? "<built-in defaults>" : opts.config_path.c_str(),
                  loaded.config.rules.size(), sources.c_str());
      for (const auto& set : loaded.config.rule_sets) std::printf("  rule set %s\n", vw::config::describe(set).c_str());
      return exit_ok;
    }
    print_problems(loaded.problems);
    return exit_config;
  }
  if (!loaded.problems.empty()) return print_problems(loaded.problems);

  Logging logging(loaded.config.log);
  App app(opts, loaded.config, logging);
  if (auto problems = app.start(); !problems.empty()) {
    bool config = false;
    for (const auto& p : problems) {
      logging.get("app")->critical("cannot start: {}", p.message);
      config = config || p.config;
    }
    return config ? exit_config : exit_failure;
  }
  return app.run();
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  auto parsed = parse_args(args);
  if (!parsed.error.empty()) {
    std::fputs(usage_error(parsed.error).c_str(), stderr);
    return exit_usage;
  }
  if (parsed.mode == ParsedArgs::Mode::subcommand) {
    // Each subcommand gets the arguments after its name.
    using Run = int (*)(const std::vector<std::string>&);
    const Run run = parsed.subcommand[0] == "audit"      ? run_audit_command
                    : parsed.subcommand[0] == "baseline" ? run_baseline_command
                                                         : nullptr;
    if (run) {
      try {
        return run({parsed.subcommand.begin() + 1, parsed.subcommand.end()});
      } catch (const std::exception& e) {
        std::fprintf(stderr, "vaultwatch: fatal: %s\n", e.what());
        return exit_failure;
      }
    }
  }
  if (parsed.mode == ParsedArgs::Mode::subcommand) {
    std::fputs(usage_error("unknown command \"" + parsed.subcommand[0] + "\"").c_str(), stderr);
    return exit_usage;
  }
  if (parsed.flags.help) {
    std::printf("%s", usage().c_str());
    return exit_ok;
  }
  if (parsed.flags.version) {
    std::printf("%s", version_info().c_str());
    return exit_ok;
  }
  try {
    return run_daemon(parsed.flags);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "vaultwatch: fatal: %s\n", e.what());
    return exit_failure;
  }
}
