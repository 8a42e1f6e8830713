#include "daemon/app.hpp"

#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>

#include "config/load.hpp"
#include "core/version.hpp"
#include "web/routes.hpp"

namespace vw::daemon {

namespace {

void apply_flags(config::Config& c, const DaemonFlags& f) {
  if (f.listen_address) c.server.listen_address = *f.listen_address;
  if (f.web_config_file) c.server.web_config_file = *f.web_config_file;
  if (f.log_level) c.log.level = *f.log_level;
  if (f.log_format) c.log.format = *f.log_format;
}

}  // namespace

Loaded load_config(const AppOptions& opts) {
  Loaded out;
  auto env = config::process_env();
  auto r = opts.config_path.empty() ? config::defaults(env) : config::load_file(opts.config_path, env);
  for (const auto& d : r.diagnostics) out.problems.push_back({true, d.to_string()});
  out.config = std::move(r.config);
  apply_flags(out.config, opts.flags);
  if (opts.flags.listen_address) {
    if (auto hp = http::split_host_port(*opts.flags.listen_address); !hp)
      out.problems.push_back({true, "--web.listen-address: " + hp.error().message});
  }
  return out;
}

vault::TokenSourceOptions token_source_options(const config::VaultConfig& v, bool allow_insecure_token_file) {
  vault::TokenSourceOptions o;
  o.token_file = v.token_file;
  o.allow_insecure_token_file = allow_insecure_token_file;
  if (const char* t = std::getenv("VAULT_TOKEN"); t && *t) o.env_token = t;
  if (const char* d = std::getenv("CREDENTIALS_DIRECTORY"); d && *d) o.credentials_directory = d;
  return o;
}

std::vector<StartupProblem> check_runtime_files(const config::Config& cfg, bool allow_insecure_token_file) {
  std::vector<StartupProblem> out;
  if (auto u = http::parse_url(cfg.vault.address); u && u->tls) {
    if (auto ctx = http::make_client_tls_context(cfg.vault.tls); !ctx)
      out.push_back({true, "vault.tls: " + ctx.error().message});
  }
  // Only the verdict matters here; the daemon logs its own warnings when it opens the source.
  auto quiet = std::make_shared<spdlog::logger>("check", std::make_shared<spdlog::sinks::null_sink_st>());
  if (auto ts = vault::TokenSource::open(token_source_options(cfg.vault, allow_insecure_token_file), quiet); !ts)
    out.push_back({true, ts.error().message});
  return out;
}

App::App(AppOptions opts, config::Config cfg, Logging& logging)
    : opts_(std::move(opts)),
      cfg_(std::move(cfg)),
      logging_(logging),
      log_(logging.get("app")),
      signals_(ioc_),
      node_state_(std::make_shared<vault::NodeStateCollector>()) {
  telemetry_.add(node_state_);
}

App::~App() {
  // Components first (they cancel their work), then the io_context's pending handlers die with it.
  server_.reset();
  health_.reset();
  leader_.reset();
  metrics_.reset();
  token_checker_.reset();
  secrets_.reset();
  vault_.reset();
  token_source_.reset();
}

std::vector<StartupProblem> App::build_vault(const config::VaultConfig& v) {
  std::vector<StartupProblem> problems;
  auto url = http::parse_url(v.address);
  if (!url) return {{true, "vault.address: " + url.error().message}};
  http::ClientOptions copts;
  copts.base = *url;
  copts.tls = v.tls;
  copts.timeout = v.timeout;
  copts.user_agent = std::string("vaultwatch/") + vw::version;
  auto client = http::Client::create(copts);
  if (!client) return {{true, "vault.tls: " + client.error().message}};
  auto tokens = vault::TokenSource::open(token_source_options(v, opts_.flags.allow_insecure_token_file),
                                         logging_.get("token"), [this] { on_token_changed(); });
  if (!tokens) return {{true, tokens.error().message}};
  std::optional<vault::KeepFilter> keep;
  if (v.metrics_interval > Duration::zero()) {
    auto k = vault::KeepFilter::compile(v.metrics_keep);
    if (!k) return {{true, k.error().message}};
    keep = std::move(*k);
  }
  vault::TokenSource* ts = tokens->get();
  auto vault = std::make_unique<vault::VaultClient>(std::move(*client), v.namespace_,
                                                    [ts] { return ts->token(); });
  auto ex = ioc_.get_executor();
  auto health = std::make_unique<vault::HealthPoller>(
      ex, *vault, v.health_interval, telemetry_.poll(), logging_.get("health_poller"),
      [this](const vault::HealthSample& s) { on_health(s); });
  auto leader = std::make_unique<vault::LeaderPoller>(
      ex, *vault, v.leader_interval, telemetry_.poll(), logging_.get("leader_poller"),
      [this](const vault::LeaderSample& s) { on_leader(s); });
  std::unique_ptr<vault::MetricsPoller> metrics;
  std::shared_ptr<vault::VaultMetricsCollector> vault_metrics;
  if (keep) {
    vault_metrics = std::make_shared<vault::VaultMetricsCollector>();
    metrics = std::make_unique<vault::MetricsPoller>(
        ex, *vault, vault::MetricsPollerOptions{v.metrics_interval, std::move(*keep)}, telemetry_.poll(),
        logging_.get("metrics_poller"), [this](const vault::MetricsSample& s) { on_vault_metrics(s); });
  }
  std::unique_ptr<vault::TokenChecker> token_checker;
  if (v.token_check_interval > Duration::zero())
    token_checker = std::make_unique<vault::TokenChecker>(
        ex, *vault, *ts, v.token_check_interval, telemetry_.poll(), logging_.get("token_checker"),
        [this](const vault::TokenSample& s) { on_token_ttl(s); });
  std::vector<vault::WatchedSecret> watched;
  for (const auto& w : v.secrets) watched.push_back({w.path, w.max_age});
  auto monitor = std::make_shared<vault::MonitorCollector>(watched);
  std::unique_ptr<vault::SecretPoller> secrets;
  if (!watched.empty())
    secrets = std::make_unique<vault::SecretPoller>(
        ex, *vault, *ts, std::move(watched), v.secrets_interval, telemetry_.poll(),
        logging_.get("secret_poller"), [this](const vault::SecretSample& s) { on_secret_age(s); });
  // Swap in only when everything was built (reload keeps the old set on failure). The old
  // pollers stop first: after their in-flight request they touch nothing (PollLoop stop flag).
  if (health_) health_->stop();
  if (leader_) leader_->stop();
  if (metrics_) metrics_->stop();
  if (token_checker_) token_checker_->stop();
  if (secrets_) secrets_->stop();
  if (vault_metrics_) telemetry_.remove(vault_metrics_);
  if (monitor_) telemetry_.remove(monitor_);
  health_ = std::move(health);
  leader_ = std::move(leader);
  metrics_ = std::move(metrics);
  token_checker_ = std::move(token_checker);
  secrets_ = std::move(secrets);
  vault_ = std::move(vault);
  token_source_ = std::move(*tokens);
  vault_metrics_ = std::move(vault_metrics);
  monitor_ = std::move(monitor);
  if (vault_metrics_) telemetry_.add(vault_metrics_);
  telemetry_.add(monitor_);
  log_->info("monitor token: source={} present={}", token_source_->describe(), token_source_->token().has_value());
  health_->start();
  leader_->start();
  if (metrics_) metrics_->start();
  if (token_checker_) token_checker_->start();
  if (secrets_) secrets_->start();
  return problems;
}

std::vector<StartupProblem> App::start() {
  std::vector<StartupProblem> problems = check_runtime_files(cfg_, opts_.flags.allow_insecure_token_file);
  if (!problems.empty()) return problems;

  web::Sources sources;
  sources.render_metrics = [this] { return telemetry_.render(); };
  sources.ready = [this] { return ready(); };
  sources.reload = [this] { return reload(); };
  web::add_core_routes(router_, std::move(sources));

  http::ServerOptions sopts;
  sopts.listen_address = cfg_.server.listen_address;
  sopts.limits.max_connections = cfg_.server.max_connections;
  server_ = std::make_unique<http::Server>(ioc_.get_executor(), sopts, logging_.get("http_server"),
                                           [this](const http::StringRequest& r) { return router_(r); });
  if (auto r = server_->start(); !r) return {{false, r.error().message}};

  if (auto p = build_vault(cfg_.vault); !p.empty()) return p;
  telemetry_.self().config_last_reload_successful.Set(1);
  telemetry_.self().config_last_reload_success_timestamp.Set(
      to_unix_seconds(std::chrono::system_clock::now()));
  install_signals();
  auto ep = server_->local_endpoint();
  log_->info("vaultwatch started: version={} revision={} config={} vault={}", vw::version,
             vw::revision, cfg_.source.empty() ? "<built-in defaults>" : cfg_.source, cfg_.vault.address);
  log_->info("listening: address={}", (ep.address().is_v6() ? "[" + ep.address().to_string() + "]"
                                                            : ep.address().to_string()) +
                                          ":" + std::to_string(ep.port()));
  return {};
}

void App::install_signals() {
  signals_.add(SIGTERM);
  signals_.add(SIGINT);
  signals_.add(SIGHUP);
  signals_.async_wait([this](const boost::system::error_code& ec, int sig) {
    if (ec) return;
    if (sig == SIGHUP) {
      reload();
      install_signals();
      return;
    }
    log_->info("stopping: signal={}", sig == SIGTERM ? "SIGTERM" : "SIGINT");
    stop();
  });
}

void App::stop() {
  if (stopping_) return;
  stopping_ = true;
  boost::system::error_code ignored;
  signals_.cancel(ignored);
  if (server_) server_->stop();
  if (health_) health_->stop();
  if (leader_) leader_->stop();
  if (metrics_) metrics_->stop();
  if (token_checker_) token_checker_->stop();
  if (secrets_) secrets_->stop();
  ioc_.stop();
}

int App::run(std::chrono::milliseconds drain) {
  ioc_.run();
  // stop() stopped the loop; let cancelled operations finish (sockets close, in-flight polls
  // end), bounded so that SIGTERM always ends the process within systemd's 10 s.
  ioc_.restart();
  ioc_.run_for(drain);
  log_->info("stopped");
  return exit_ok;
}

std::string App::reload() {
  auto loaded = load_config(opts_);
  auto extra = check_runtime_files(loaded.config, opts_.flags.allow_insecure_token_file);
  loaded.problems.insert(loaded.problems.end(), extra.begin(), extra.end());
  if (loaded.problems.empty() && loaded.config.server.listen_address != cfg_.server.listen_address)
    log_->warn("server.listen_address changed: a restart is needed to apply it");
  std::vector<StartupProblem> problems = std::move(loaded.problems);
  if (problems.empty() && loaded.config.vault != cfg_.vault) problems = build_vault(loaded.config.vault);
  if (!problems.empty()) {
    std::string why;
    for (const auto& p : problems) {
      log_->error("reload rejected: {}", p.message);
      why += (why.empty() ? "" : "; ") + p.message;
    }
    telemetry_.self().config_last_reload_successful.Set(0);
    return why;
  }
  logging_.apply(loaded.config.log);
  cfg_ = std::move(loaded.config);
  telemetry_.self().config_last_reload_successful.Set(1);
  telemetry_.self().config_last_reload_success_timestamp.Set(
      to_unix_seconds(std::chrono::system_clock::now()));
  log_->info("configuration reloaded: config={}", cfg_.source.empty() ? "<built-in defaults>" : cfg_.source);
  return {};
}

void App::on_health(const vault::HealthSample& s) {
  node_state_->update(s);
  first_health_done_ = true;
}

void App::on_leader(const vault::LeaderSample& s) {
  node_state_->update(s);
  if (leader_tracker_.observe(s)) {
    telemetry_.leader().changes.Increment();
    telemetry_.leader().last_change.Set(to_unix_seconds(s.at));
    log_->info("vault leader changed: leader={}", leader_tracker_.leader());
  }
}

void App::on_vault_metrics(const vault::MetricsSample& s) {
  if (vault_metrics_) vault_metrics_->update(s);
}

void App::on_token_ttl(const vault::TokenSample& s) {
  if (monitor_) monitor_->update(s);
}

void App::on_secret_age(const vault::SecretSample& s) {
  if (monitor_) monitor_->update(s);
}

void App::on_token_changed() {
  // A rotated token (Vault Agent sink) gets its TTL looked up now, and secrets that could not be
  // read without a token are read now, instead of at their next interval.
  if (token_checker_) token_checker_->trigger();
  if (secrets_) secrets_->trigger();
}

boost::asio::ip::tcp::endpoint App::listen_endpoint() const {
  return server_ ? server_->local_endpoint() : boost::asio::ip::tcp::endpoint{};
}

}  // namespace vw::daemon
