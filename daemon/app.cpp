#include "daemon/app.hpp"

#include <boost/asio/ip/host_name.hpp>
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

rules::NodeState to_rules_state(vault::NodeState s) {
  switch (s) {
    case vault::NodeState::active: return rules::NodeState::active;
    case vault::NodeState::standby: return rules::NodeState::standby;
    case vault::NodeState::dr_secondary: return rules::NodeState::dr_secondary;
    case vault::NodeState::performance_standby: return rules::NodeState::performance_standby;
    case vault::NodeState::ha_unhealthy: return rules::NodeState::ha_unhealthy;
    case vault::NodeState::uninitialized: return rules::NodeState::uninitialized;
    case vault::NodeState::sealed: return rules::NodeState::sealed;
    case vault::NodeState::removed: return rules::NodeState::removed;
    case vault::NodeState::other: return rules::NodeState::other;
    case vault::NodeState::unknown:
    case vault::NodeState::unreachable: break;
  }
  return rules::NodeState::unreachable;
}

rules::HealthObservation to_observation(const vault::HealthSample& s) {
  rules::HealthObservation h;
  h.state = to_rules_state(s.state());
  h.status = s.status;
  if (s.body) {
    h.version = s.body->version;
    if (s.body->server_time_utc != 0)
      h.skew_seconds = static_cast<double>(s.body->server_time_utc) - to_unix_seconds(s.at);
  }
  return h;
}

// Whether the audit tailer runs (an explicit path, or the default one when it exists): the
// audit_silent rule needs it.
bool audit_tailing_enabled(const config::AuditConfig& a) {
  if (a.path.empty()) return false;
  std::error_code ec;
  return a.path_explicit || std::filesystem::exists(a.path, ec);
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
  vault_.reset();
  rules_.reset();
}

rules::RuleManagerOptions App::rule_options(const config::Config& c) const {
  rules::RuleManagerOptions o;
  o.rules = c.rules;
  o.engine.external_labels = c.notify.external_labels;
  o.engine.resend_interval = c.notify.resend_interval;
  o.engine.audit_enabled = audit_tailing_enabled(c.audit);
  o.engine.generator_url = generator_url_;
  o.state_file = c.state_dir.empty() ? std::string() : c.state_dir + "/alerts.json";
  return o;
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

  // Alert rules: started before the pollers so that the first health poll is evaluated.
  generator_url_ = "http://" + boost::asio::ip::host_name() + ":" +
                   std::to_string(server_->local_endpoint().port()) + "/api/v1/alerts";
  rules_ = std::make_unique<rules::RuleManager>(
      ioc_.get_executor(), rule_options(cfg_), logging_.get("rules"),
      [this](std::vector<AlertNotification> n) { on_notifications(std::move(n)); });
  telemetry_.add(rules_->collector());
  web::add_alerts_route(router_, [this] { return rules_->alerts_json(); });
  rules_->start();
  log_->info("alert rules loaded: rules={} sources={}", cfg_.rules.size(), cfg_.rule_sources.size());

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
  if (rules_) rules_->stop();
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
  if (rules_ && (loaded.config.rules != cfg_.rules || loaded.config.notify != cfg_.notify ||
                 loaded.config.state_dir != cfg_.state_dir || loaded.config.audit != cfg_.audit)) {
    rules_->reload(rule_options(loaded.config));
    log_->info("alert rules reloaded: rules={}", loaded.config.rules.size());
  }
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
  if (rules_) {
    rules_->on_health(to_observation(s));
    // Metric rules on our own families (vaultwatch_*, process_*, vault_up, ...) are evaluated
    // at the health poll's pace; collected only when some rule reads them.
    if (const auto& names = rules_->engine().self_metric_names(); !names.empty())
      rules_->on_metrics(rules::MetricSource::self, rules::samples_from(telemetry_.collect(), names));
  }
}

void App::on_leader(const vault::LeaderSample& s) {
  node_state_->update(s);
  if (rules_) rules_->on_leader({s.body ? s.body->leader_address : std::string()});
  if (leader_tracker_.observe(s)) {
    telemetry_.leader().changes.Increment();
    telemetry_.leader().last_change.Set(to_unix_seconds(s.at));
    log_->info("vault leader changed: leader={}", leader_tracker_.leader());
  }
}

// The audit tailer's sink (issue 3 wires it): every decoded, not-ignored entry.
void App::on_audit_event(const AuditEvent& e) {
  if (rules_) rules_->on_audit_event(e);
}

// Until the notifier (lib/notify) is wired, notifications are only logged.
void App::on_notifications(std::vector<AlertNotification> n) {
  for (const auto& a : n) {
    std::string labels;
    for (const auto& [k, v] : a.labels) labels += (labels.empty() ? "" : ",") + k + "=\"" + v + "\"";
    log_->debug("alert notification: status={} change={} starts_at={} ends_at={} labels={{{}}}",
                a.resolved ? "resolved" : "firing", a.state_change, format_rfc3339_ms(a.starts_at),
                format_rfc3339_ms(a.ends_at), labels);
  }
}

boost::asio::ip::tcp::endpoint App::listen_endpoint() const {
  return server_ ? server_->local_endpoint() : boost::asio::ip::tcp::endpoint{};
}

}  // namespace vw::daemon
