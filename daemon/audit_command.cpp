#include "daemon/audit_command.hpp"

#include <unistd.h>

#include <charconv>
#include <chrono>
#include <cstdio>
#include <optional>

#include "daemon/cli.hpp"
#include "daemon/rotation_command.hpp"

namespace vw::daemon {

using forensics::Format;
using Mode = forensics::SearchOptions::Mode;

std::string audit_usage(Mode mode) {
  if (mode == Mode::stats)
    return R"(usage: vaultwatch audit stats [filters] [--format=table|json] [--top=N] FILE...

Summarises Vault file audit logs: entries by type, outcome, operation, mount and identity
(top N), sensitive operations and root-token uses (from request entries), first and last time.
Reads plain and gzip files (by content, not name), several at once; '-' is stdin.
Takes the same filters as `audit search`. Type, operation, mount, identity and outcome count
both halves of each call (request and response entries); add --type=request to count calls once.

  --format=FORMAT  table (default) or json
  --top=N          rows in the top-N tables (default 10, 0 = all)
  --prefix=STR     the audit device's `prefix` option, stripped from each line
  --quiet          no summary line on stderr
  --no-progress    no progress bar (shown only when stderr is a terminal and input > 64 MB)

Exit codes: 0 done (bad lines and damaged gzip are reported, not fatal), 2 usage error,
1 an input could not be read (the others are still read).
)";
  return R"(usage: vaultwatch audit search [filters] [--format=table|json|csv] FILE...

Searches Vault file audit logs (plain or gzip, detected by content; several files; '-' is stdin)
and prints one row per matching entry: time, type, operation, path, display_name, entity_id,
policies, remote_address, error. HMAC'd values are printed only with --show-hmac (below).

Filters (repeat a flag to OR its values; different flags are AND-ed):
  --path=GLOB        request.path; '*' within a segment, '**' across (secret/data/app/**)
  --operation=OP     read, list, create, update, patch, delete, ...
  --identity=NAME    auth.display_name, auth.entity_id or any auth.metadata value
                     (e.g. an AppRole role_name, a userpass username, a CI project_path)
  --policy=NAME      auth.policies contains NAME
  --remote=CIDR      request.remote_address in CIDR (10.0.0.0/8, 2001:db8::/32, or one IP)
  --since=TIME       time >= TIME; RFC 3339, a date (2026-11-28, UTC) or ago (30m, 24h, 7d)
  --until=TIME       time <= TIME, same forms
  --errors           only entries with an error (permission denied, failed logins, ...)
  --type=TYPE        request or response

Output:
  --format=FORMAT    table (default; aligned, for people), json (one object per line, adds
                     request_id, mount, namespace, metadata) or csv (RFC 4180, header row)
  --show-hmac        also print HMAC'd values (accessor, client_token, hmac-sha256:... values)
  --prefix=STR       the audit device's `prefix` option, stripped from each line
  --quiet            no summary line on stderr
  --no-progress      no progress bar (shown only when stderr is a terminal and input > 64 MB)

Example (who read this secret in the last week?):
  vaultwatch audit search --path='secret/data/cwiq/shared/billing/**' --operation=read \
      --type=request --since=7d /var/log/vault/audit.log*

Exit codes: 0 done (also when nothing matched; bad lines and damaged gzip are reported in the
summary, not fatal), 2 usage error, 1 an input could not be read (the others are still read).
)";
}

AuditCommand parse_audit_args(const std::vector<std::string>& args) {
  AuditCommand c;
  if (args.empty() || (args[0] != "search" && args[0] != "stats")) {
    c.error = args.empty() ? "audit: missing command (search, stats or rotation)"
                           : "audit: unknown command \"" + args[0] + "\" (search, stats or rotation)";
    return c;
  }
  auto& o = c.options;
  auto& f = c.filter;
  o.mode = args[0] == "search" ? Mode::search : Mode::stats;

  std::string format, type, top;
  bool no_progress = false;
  c.error = parse_subcommand_args(args, 1,
                                  {{{"--errors"}, &f.errors_only},
                                   {{"--show-hmac"}, &o.format.show_hmac},
                                   {{"--quiet", "-q"}, &o.quiet},
                                   {{"--no-progress"}, &no_progress},
                                   {{"--path"}, nullptr, nullptr, &f.paths},
                                   {{"--operation"}, nullptr, nullptr, &f.operations},
                                   {{"--identity"}, nullptr, nullptr, &f.identities},
                                   {{"--policy"}, nullptr, nullptr, &f.policies},
                                   {{"--remote"}, nullptr, nullptr, &f.remotes},
                                   {{"--since"}, nullptr, &f.since},
                                   {{"--until"}, nullptr, &f.until},
                                   {{"--type"}, nullptr, &type},
                                   {{"--format"}, nullptr, &format},
                                   {{"--prefix"}, nullptr, &o.prefix},
                                   {{"--top"}, nullptr, &top}},
                                  c.inputs, c.help);
  if (!c.error.empty()) return c;
  if (no_progress) o.progress = false;
  if (c.help) return c;
  if (type == "request") f.type = AuditEvent::Type::request;
  else if (type == "response") f.type = AuditEvent::Type::response;
  else if (!type.empty()) c.error = "--type must be request or response";
  if (format.empty() || format == "table") o.format.format = Format::table;
  else if (format == "json") o.format.format = Format::json;
  else if (format == "csv" && o.mode == Mode::search) o.format.format = Format::csv;
  else c.error = o.mode == Mode::search ? "--format must be table, json or csv" : "--format must be table or json";
  if (!top.empty()) {
    auto [p, ec] = std::from_chars(top.data(), top.data() + top.size(), o.top);
    if (ec != std::errc{} || p != top.data() + top.size()) c.error = "--top must be a number";
  }
  if (c.error.empty() && c.inputs.empty()) c.error = "no input files (use - for stdin)";
  return c;
}

int run_audit_command(const std::vector<std::string>& args) {
  if (!args.empty() && args[0] == "rotation") return run_rotation_command(args);
  auto cmd = parse_audit_args(args);
  const Mode mode = cmd.options.mode;
  if (cmd.help) {
    std::printf("%s", audit_usage(mode).c_str());
    return exit_ok;
  }
  const bool known = !args.empty() && (args[0] == "search" || args[0] == "stats");
  const std::string help_command = known ? "vaultwatch audit " + args[0] : std::string("vaultwatch");
  if (!cmd.error.empty()) {
    std::fputs(usage_error(cmd.error, help_command).c_str(), stderr);
    return exit_usage;
  }
  auto filter = forensics::Filter::create(cmd.filter, std::chrono::system_clock::now());
  if (!filter) {
    std::fputs(usage_error(filter.error().message, help_command).c_str(), stderr);
    return exit_usage;
  }
  auto summary = forensics::run_search(*filter, cmd.options, cmd.inputs, STDOUT_FILENO, STDERR_FILENO);
  return summary.errors.empty() ? exit_ok : exit_failure;
}

}  // namespace vw::daemon
