#include "daemon/baseline_command.hpp"

#include <cstdio>
#include <filesystem>
#include <set>

#include "daemon/cli.hpp"
#include "daemon/options.hpp"
#include "daemon/startup.hpp"
#include "daemon/state_lock.hpp"
#include "forensics/baseline.hpp"
#include "rules/engine.hpp"
#include "rules/learnt_files.hpp"

namespace vw::daemon {

std::string baseline_usage() {
  return R"(usage: vaultwatch baseline build [--config.file=FILE] [--state-dir=DIR] FILE...

Replays archived Vault file audit logs (plain or gzip, detected by content; '-' is stdin)
through the behavioural rules of the configuration (new_value, baseline_rate), each entry at
its own time, and writes what they learnt into state_dir. The daemon restores it at its next
start: the detectors work on day one instead of after their `learn` period.

Give rotated files oldest first (e.g. audit.log.3.gz audit.log.2.gz audit.log.1 audit.log).
Nothing is notified. The learnt state of each behavioural rule is replaced, not merged.
Stop the daemon first: it holds state_dir/lock while it runs, and the command refuses to
write under it.

  --config.file=FILE  configuration (default /etc/vaultwatch/vaultwatch.yaml): its rules,
                      audit.prefix, audit.ignore and state_dir
  --state-dir=DIR     write here instead of the configuration's state_dir
  --quiet             no summary on stderr

Exit codes: 0 done, 2 usage error, 78 configuration error, 1 an input could not be read (the
others are still read and the state is written), no behavioural rule, state_dir in use, or the
state could not be written.
)";
}

BaselineCommand parse_baseline_args(const std::vector<std::string>& args) {
  BaselineCommand c;
  if (args.empty() || args[0] != "build") {
    c.error = args.empty() ? "baseline: missing command (build)"
                           : "baseline: unknown command \"" + args[0] + "\" (build)";
    return c;
  }
  std::string config_file, state_dir;
  c.error = parse_subcommand_args(args, 1,
                                  {{{"--quiet", "-q"}, &c.quiet},
                                   {{"--config.file"}, nullptr, &config_file},
                                   {{"--state-dir"}, nullptr, &state_dir}},
                                  c.inputs, c.help);
  if (!c.error.empty()) return c;
  if (!config_file.empty()) c.config_file = config_file;
  if (!state_dir.empty()) c.state_dir = state_dir;
  if (!c.help && c.inputs.empty()) c.error = "no input files (use - for stdin)";
  return c;
}

namespace {

void say(const std::string& s) { std::fprintf(stderr, "%s\n", s.c_str()); }

}  // namespace

int run_baseline_command(const std::vector<std::string>& args) {
  auto cmd = parse_baseline_args(args);
  if (cmd.help) {
    std::printf("%s", baseline_usage().c_str());
    return exit_ok;
  }
  const bool known = !args.empty() && args[0] == "build";
  if (!cmd.error.empty()) {
    std::fputs(usage_error(cmd.error, known ? "vaultwatch baseline build" : "vaultwatch").c_str(), stderr);
    return exit_usage;
  }

  AppOptions app;
  if (cmd.config_file) app.config_path = *cmd.config_file;
  else if (std::filesystem::exists(default_config_path)) app.config_path = default_config_path;
  auto loaded = load_config(app);
  if (!loaded.problems.empty()) {
    for (const auto& p : loaded.problems) say(p.message);
    return exit_config;
  }
  const auto& cfg = loaded.config;
  const std::string state_dir = cmd.state_dir ? *cmd.state_dir : cfg.state_dir;
  if (state_dir.empty()) {
    std::fputs(usage_error("state_dir is empty in the configuration: give --state-dir",
                           "vaultwatch baseline build").c_str(), stderr);
    return exit_usage;
  }

  // Only the rules that learn (their evaluators say so through learnt_stats): the others would
  // cost time and raise alerts nobody receives.
  rules::EngineOptions eo;
  eo.external_labels = cfg.notify.external_labels;
  eo = forensics::history_engine_options(eo);
  std::set<std::string> learning;
  {
    rules::Engine probe(cfg.rules, eo);
    for (const auto& [name, st] : probe.learnt_stats(SysTime{})) learning.insert(name);
  }
  std::vector<rules::Rule> behavioural;
  for (const auto& r : cfg.rules)
    if (learning.count(r.alert)) behavioural.push_back(r);
  if (behavioural.empty()) {
    say("vaultwatch: error: the configuration has no behavioural rule (new_value, baseline_rate): "
        "nothing to learn");
    return exit_failure;
  }

  auto lock = StateDirLock::acquire(state_dir);
  if (!lock) {
    say("vaultwatch: error: " + lock.error().message);
    return exit_failure;
  }
  if (lock->busy()) {
    say("vaultwatch: error: state_dir " + state_dir +
        " is in use by a running vaultwatch (it holds " + state_dir +
        "/lock): stop it first (systemctl stop vaultwatch), run baseline build, start it again");
    return exit_failure;
  }

  rules::Engine engine(behavioural, eo);
  const auto audit_opts = audit_pipeline_options(cfg);
  forensics::BaselineOptions bo;
  bo.prefix = audit_opts.prefix;
  bo.classifier = audit_opts.classifier;
  auto sum = forensics::replay_into(engine, bo, cmd.inputs);
  for (const auto& e : sum.errors) say("vaultwatch: " + e);
  for (const auto& d : sum.damaged) say("vaultwatch: warning: " + d + " (entries before the damage were read)");

  const SysTime at = sum.last ? *sum.last : SysTime{};
  // The daemon's own files (rules/learnt_files.hpp): it restores them at its next start.
  const std::string dir = rules::learnt_dir(state_dir);
  if (auto written = rules::write_learnt(dir, engine); !written) {
    say("vaultwatch: error: " + written.error().message);
    return exit_failure;
  }
  if (!cmd.quiet) {
    say("vaultwatch baseline build: " + forensics::format_baseline_summary(sum));
    for (const auto& [name, st] : engine.learnt_stats(at))
      say("  " + name + ": " + std::to_string(st.values) + " values learnt" +
          (st.evicted ? ", " + std::to_string(st.evicted) + " evicted (max_values)" : "") +
          (st.learning ? ", still learning at the last entry" : ""));
    say("  written to " + dir);
  }
  return sum.errors.empty() ? exit_ok : exit_failure;
}

}  // namespace vw::daemon
