#include "daemon/rotation_command.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <optional>

#include "core/glob.hpp"
#include "daemon/cli.hpp"

namespace vw::daemon {

std::string rotation_usage() {
  return R"(usage: vaultwatch audit rotation [--path=GLOB] [--deadline=D] [--format=table|json] FILE...

Replays Vault file audit logs (plain or gzip, detected by content; several files, in order; '-'
is stdin) through the daemon's rotation tracker and prints, for each KV v2 write, every consumer
(an identity that read the secret within --consumer-window before the write, or read it after)
and when, if at all, it first read the new version.

  --path=GLOB             KV v2 data paths as Vault logs them (secret/data/payments/**);
                          repeat to add; default every KV v2 secret
  --deadline=D            a pickup after written_at + D is late (default 15m)
  --consumer-window=D     default 7d
  --consumer-key=F[,F]    entity_id, display_name, remote_address; first non-empty wins
                          (default entity_id,display_name)
  --max-tracked=N         (secret, consumer) pairs kept; oldest evicted (default 1000000)
  --format=FORMAT         table (default) or json (one object per write:
                          path, version, written_at, writer, deadline, consumers[{identity,
                          remote_address, last_version, last_read, picked_up_at|null, on_time}])
  --prefix=STR            the audit device's `prefix` option, stripped from each line
  --quiet                 no summary line on stderr

A write's record is printed when it closes: at the secret's next write, at its metadata delete,
or at the end of the input.

Exit codes: 0 done (bad lines and damaged gzip are reported, not fatal), 2 usage error,
1 an input could not be read (the others are still read).
)";
}

RotationCommand parse_rotation_args(const std::vector<std::string>& args) {
  RotationCommand c;
  auto& o = c.options;
  std::string format, deadline, window, key, max_tracked;
  std::vector<std::string> paths;
  c.error = parse_subcommand_args(args, 1,
                                  {{{"--quiet", "-q"}, &o.quiet},
                                   {{"--path"}, nullptr, nullptr, &paths},
                                   {{"--deadline"}, nullptr, &deadline},
                                   {{"--consumer-window"}, nullptr, &window},
                                   {{"--consumer-key"}, nullptr, &key},
                                   {{"--max-tracked"}, nullptr, &max_tracked},
                                   {{"--format"}, nullptr, &format},
                                   {{"--prefix"}, nullptr, &o.prefix}},
                                  c.inputs, c.help);
  if (!c.error.empty()) return c;
  for (const auto& path : paths) {
    if (auto g = Glob::compile(path); !g) {
      c.error = "--path: " + g.error().message;
      return c;
    }
    o.paths.push_back(path);
  }
  if (c.help) return c;
  auto dur = [&](const std::string& text, const char* flag, Duration& out) {
    if (text.empty() || !c.error.empty()) return;
    auto d = parse_duration(text);
    if (!d || *d <= Duration::zero()) c.error = std::string(flag) + " must be a positive duration (15m, 1h, 7d)";
    else out = *d;
  };
  dur(deadline, "--deadline", o.deadline);
  dur(window, "--consumer-window", o.consumer_window);
  if (!key.empty() && c.error.empty()) {
    o.consumer_key.clear();
    std::size_t start = 0;
    while (start <= key.size()) {
      const auto end = std::min(key.find(',', start), key.size());
      auto f = rotation::parse_key_field(std::string_view(key).substr(start, end - start));
      if (!f) {
        c.error = "--consumer-key takes entity_id, display_name, remote_address (comma-separated)";
        break;
      }
      o.consumer_key.push_back(*f);
      start = end + 1;
    }
  }
  if (!max_tracked.empty() && c.error.empty()) {
    char* end = nullptr;
    const unsigned long long n = std::strtoull(max_tracked.c_str(), &end, 10);
    if (*end != '\0' || n == 0 || max_tracked[0] == '-') c.error = "--max-tracked must be a positive number";
    else o.max_tracked = static_cast<std::size_t>(n);
  }
  if (format.empty() || format == "table") o.format = forensics::Format::table;
  else if (format == "json") o.format = forensics::Format::json;
  else if (c.error.empty()) c.error = "--format must be table or json";
  if (c.error.empty() && c.inputs.empty()) c.error = "no input files (use - for stdin)";
  return c;
}

int run_rotation_command(const std::vector<std::string>& args) {
  auto cmd = parse_rotation_args(args);
  if (cmd.help) {
    std::printf("%s", rotation_usage().c_str());
    return exit_ok;
  }
  if (!cmd.error.empty()) {
    std::fputs(usage_error(cmd.error, "vaultwatch audit rotation").c_str(), stderr);
    return exit_usage;
  }
  std::fflush(stdout);
  auto sum = forensics::run_rotation(cmd.options, cmd.inputs, STDOUT_FILENO, STDERR_FILENO);
  return sum.errors.empty() ? exit_ok : exit_failure;
}

}  // namespace vw::daemon
