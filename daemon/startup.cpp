#include "daemon/startup.hpp"

#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include <filesystem>

#include "audit/pipeline.hpp"
#include "core/version.hpp"
#include "daemon/options.hpp"
#include "core/url.hpp"
#include "http/tls.hpp"
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
  auto r = opts.config_path.empty() ? config::defaults_with_rules(env)
                                    : config::load_file_with_rules(opts.config_path, env);
  config::sort_by_position(r.diagnostics);  // file/line order, whatever order the checks ran in
  for (const auto& d : r.diagnostics) out.problems.push_back({true, d.to_string()});
  out.config = std::move(r.config);
  apply_flags(out.config, opts.flags);
  if (opts.flags.listen_address) {
    if (auto hp = split_listen_address(*opts.flags.listen_address); !hp)
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
  if (auto u = parse_url(cfg.vault.address); u && u->tls) {
    if (auto ctx = http::make_client_tls_context(tls_client_options(cfg.vault.tls)); !ctx)
      out.push_back({true, "vault.tls: " + ctx.error().message});
  }
  // The web config and the certificates it names (what the server would load at start).
  if (auto web = web::load_web_security(cfg.server.web_config_file, web_config_reader()); !web.state)
    out.push_back({true, web.error});
  for (auto& p : notify::check_notify_files(notifier_options(cfg))) out.push_back({true, std::move(p)});
  return out;
}

bool prepare_audit(const config::Config& c, spdlog::logger& log) {
  if (!audit::tailing_enabled(c.audit.path, c.audit.path_explicit)) {
    if (!c.audit.path.empty()) log.info("audit log tailing off: default path {} not present", c.audit.path);
    return false;
  }
  if (!c.state_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(c.state_dir, ec);  // for the checkpoint; a failure is counted there
  }
  return true;
}

void log_started(spdlog::logger& log, const config::Config& c, const boost::asio::ip::tcp::endpoint& ep, bool tls) {
  log.info("vaultwatch started: version={} revision={} config={} vault={}", vw::version, vw::revision,
           c.source.empty() ? "<built-in defaults>" : c.source, c.vault.address);
  log.info("listening: address={} tls={} basic_auth={}",
           (ep.address().is_v6() ? "[" + ep.address().to_string() + "]" : ep.address().to_string()) + ":" +
               std::to_string(ep.port()),
           tls, !c.server.web_config_file.empty());
}

}  // namespace vw::daemon
