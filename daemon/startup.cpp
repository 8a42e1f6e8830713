#include "daemon/startup.hpp"

#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include "config/load.hpp"
#include "daemon/options.hpp"
#include "http/server.hpp"
#include "http/tls.hpp"
#include "http/url.hpp"
#include "notify/notifier.hpp"
#include "vault/token_source.hpp"
#include "web/web_security.hpp"

namespace vw::daemon {

namespace {

void apply_flags(config::Config& c, const DaemonFlags& f) {
  if (f.listen_address) c.server.listen_address = *f.listen_address;
  if (f.web_config_file) c.server.web_config_file = *f.web_config_file;
  if (f.telemetry_path) c.server.telemetry_path = *f.telemetry_path;
  if (f.log_level) c.log.level = *f.log_level;
  if (f.log_format) c.log.format = *f.log_format;
}

}  // namespace

Loaded load_config(const AppOptions& opts) {
  Loaded out;
  auto env = config::process_env();
  auto r = opts.config_path.empty() ? config::defaults(env) : config::load_file(opts.config_path, env);
  config::sort_by_position(r.diagnostics);  // file/line order, whatever order the checks ran in
  for (const auto& d : r.diagnostics) out.problems.push_back({true, d.to_string()});
  out.config = std::move(r.config);
  apply_flags(out.config, opts.flags);
  if (opts.flags.listen_address) {
    if (auto hp = http::split_host_port(*opts.flags.listen_address); !hp)
      out.problems.push_back({true, "--web.listen-address: " + hp.error().message});
  }
  return out;
}

std::vector<StartupProblem> check_runtime_files(const config::Config& cfg, bool allow_insecure_token_file) {
  std::vector<StartupProblem> out;
  // Only the verdict matters here; the daemon logs its own warnings when it opens the source.
  auto quiet = std::make_shared<spdlog::logger>("check", std::make_shared<spdlog::sinks::null_sink_st>());
  if (auto ts = vault::TokenSource::open(token_source_options(cfg.vault, allow_insecure_token_file), quiet); !ts)
    out.push_back({true, ts.error().message});
  if (auto u = http::parse_url(cfg.vault.address); u && u->tls) {
    if (auto ctx = http::make_client_tls_context(tls_client_options(cfg.vault.tls)); !ctx)
      out.push_back({true, "vault.tls: " + ctx.error().message});
  }
  // The web config and the certificates it names (what the server would load at start).
  if (auto web = web::load_web_security(cfg.server.web_config_file); !web.state)
    out.push_back({true, web.error});
  for (auto& p : notify::check_notify_files(notifier_options(cfg))) out.push_back({true, std::move(p)});
  return out;
}

}  // namespace vw::daemon
