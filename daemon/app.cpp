#include "daemon/app.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

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

// The skeleton's token source: the token file (read once), else $VAULT_TOKEN, else the systemd
// credential. Health and leader polls work without one.
std::optional<Secret> read_token(const config::VaultConfig& v) {
  auto read_file = [](const std::string& path) -> std::optional<Secret> {
    std::ifstream in(path);
    std::string t;
    if (!in || !std::getline(in, t)) return std::nullopt;
    while (!t.empty() && (t.back() == '\r' || t.back() == ' ')) t.pop_back();
    return Secret(t);
  };
  if (!v.token_file.empty()) return read_file(v.token_file);
  if (const char* t = std::getenv("VAULT_TOKEN"); t && *t) return Secret(t);
  if (const char* d = std::getenv("CREDENTIALS_DIRECTORY"); d && *d)
    return read_file(std::string(d) + "/vault-token");
  return std::nullopt;
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

std::vector<StartupProblem> check_runtime_files(const config::Config& cfg) {
  std::vector<StartupProblem> out;
  if (auto u = http::parse_url(cfg.vault.address); u && u->tls) {
    if (auto ctx = http::make_client_tls_context(cfg.vault.tls); !ctx)
      out.push_back({true, "vault.tls: " + ctx.error().message});
  }
  for (auto& p : notify::check_notify_files(cfg.notify)) out.push_back({true, std::move(p)});
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
  notifier_.reset();  // writes the webhook spools if stop() did not get to it
  server_.reset();
  health_.reset();
  leader_.reset();
  vault_.reset();
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
  auto token = read_token(v);
  auto vault = std::make_unique<vault::VaultClient>(std::move(*client), v.namespace_,
                                                    [token] { return token; });
  auto ex = ioc_.get_executor();
  auto health = std::make_unique<vault::HealthPoller>(
      ex, *vault, v.health_interval, telemetry_.poll(), logging_.get("health_poller"),
      [this](const vault::HealthSample& s) { on_health(s); });
  auto leader = std::make_unique<vault::LeaderPoller>(
      ex, *vault, v.leader_interval, telemetry_.poll(), logging_.get("leader_poller"),
      [this](const vault::LeaderSample& s) { on_leader(s); });
  // Swap in only when everything was built (reload keeps the old set on failure).
  if (health_) health_->stop();
  if (leader_) leader_->stop();
  health_ = std::move(health);
  leader_ = std::move(leader);
  vault_ = std::move(vault);
  health_->start();
  leader_->start();
  return problems;
}

std::vector<StartupProblem> App::build_notifier(const config::Config& c) {
  notify::NotifierOptions o;
  o.config = c.notify;
  o.state_dir = c.state_dir;
  // The webhook payload's externalURL: where this vaultwatch answers, in the form Alertmanager
  // uses for its own default (http://<hostname>:<port>).
  char host[256] = "localhost";
  ::gethostname(host, sizeof host - 1);
  o.external_url = "http://" + std::string(host) + ":" + std::to_string(listen_endpoint().port());
  o.user_agent = std::string("vaultwatch/") + vw::version;
  auto n = notify::Notifier::create(ioc_.get_executor(), std::move(o), telemetry_.notify(),
                                    logging_.get("notifier"));
  if (!n) return {{true, n.error().message}};
  if (notifier_) (*n)->take_over(*notifier_);
  notifier_ = std::move(*n);
  notifier_->start();
  return {};
}

void App::notify(std::vector<AlertNotification> alerts) {
  if (notifier_) notifier_->notify(alerts);
}

std::vector<StartupProblem> App::start() {
  std::vector<StartupProblem> problems = check_runtime_files(cfg_);
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

  if (auto p = build_notifier(cfg_); !p.empty()) return p;
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
  // Receivers keep delivering while run() drains, then spool what is left (webhooks).
  if (notifier_) notifier_->shutdown(std::chrono::seconds(5));
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
  auto extra = check_runtime_files(loaded.config);
  loaded.problems.insert(loaded.problems.end(), extra.begin(), extra.end());
  if (loaded.problems.empty() && loaded.config.server.listen_address != cfg_.server.listen_address)
    log_->warn("server.listen_address changed: a restart is needed to apply it");
  std::vector<StartupProblem> problems = std::move(loaded.problems);
  if (problems.empty() && loaded.config.vault != cfg_.vault) problems = build_vault(loaded.config.vault);
  if (problems.empty() &&
      (loaded.config.notify != cfg_.notify || loaded.config.state_dir != cfg_.state_dir))
    problems = build_notifier(loaded.config);
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

boost::asio::ip::tcp::endpoint App::listen_endpoint() const {
  return server_ ? server_->local_endpoint() : boost::asio::ip::tcp::endpoint{};
}

}  // namespace vw::daemon
