#include "daemon/app.hpp"

#include <boost/asio/ip/host_name.hpp>
#include <spdlog/sinks/null_sink.h>
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

// Whether the audit tailer runs: a path set in the config file is followed even before it
// exists; the built-in default path is only a guess at where Vault logs, followed only when it
// (or its directory) is there. The audit_silent rule needs to know too.
bool audit_tailing_enabled(const config::AuditConfig& a) {
  if (a.path.empty()) return false;
  std::error_code ec;
  return a.path_explicit || std::filesystem::exists(a.path, ec) ||
         std::filesystem::is_directory(std::filesystem::path(a.path).parent_path(), ec);
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
  // Only the verdict matters here; the daemon logs its own warnings when it opens the source.
  auto quiet = std::make_shared<spdlog::logger>("check", std::make_shared<spdlog::sinks::null_sink_st>());
  if (auto ts = vault::TokenSource::open(token_source_options(cfg.vault, allow_insecure_token_file), quiet); !ts)
    out.push_back({true, ts.error().message});
  if (auto u = http::parse_url(cfg.vault.address); u && u->tls) {
    if (auto ctx = http::make_client_tls_context(cfg.vault.tls); !ctx)
      out.push_back({true, "vault.tls: " + ctx.error().message});
  }
  // The web config and the certificates it names (what the server would load at start).
  if (auto web = web::load_web_security(cfg.server.web_config_file); !web.state)
    out.push_back({true, web.error});
  for (auto& p : notify::check_notify_files(cfg.notify)) out.push_back({true, std::move(p)});
  return out;
}

App::App(AppOptions opts, config::Config cfg, Logging& logging)
    : opts_(std::move(opts)),
      cfg_(std::move(cfg)),
      logging_(logging),
      log_(logging.get("app")),
      signals_(ioc_),
      systemd_(ioc_.get_executor(), logging.get("systemd")),
      node_state_(std::make_shared<vault::NodeStateCollector>()) {
  telemetry_.add(node_state_);
}

App::~App() {
  // Components first (they cancel their work), then the io_context's pending handlers die with it.
  audit_.reset();
  notifier_.reset();  // writes the webhook spools if stop() did not get to it
  server_.reset();
  health_.reset();
  leader_.reset();
  metrics_.reset();
  token_checker_.reset();
  secrets_.reset();
  vault_.reset();
  token_source_.reset();
  web_security_.reset();
  rules_.reset();
}

rules::RuleManagerOptions App::rule_options(const config::Config& c) const {
  rules::RuleManagerOptions o;
  o.rules = c.rules;
  o.engine.external_labels = c.notify.external_labels;
  o.engine.resend_interval = c.notify.resend_interval;
  o.engine.audit_enabled = audit_tailing_enabled(c.audit);
  o.engine.audit_max_age = c.audit.alert_max_age;
  o.engine.generator_url = generator_url_;
  o.state_file = c.state_dir.empty() ? std::string() : c.state_dir + "/alerts.json";
  return o;
}

result<App::VaultParts> App::build_vault(const config::VaultConfig& v) {
  auto url = http::parse_url(v.address);
  if (!url) return make_error("vault.address: " + url.error().message);
  http::ClientOptions copts;
  copts.base = *url;
  copts.tls = v.tls;
  copts.timeout = v.timeout;
  copts.user_agent = std::string("vaultwatch/") + vw::version;
  auto client = http::Client::create(copts);
  if (!client) return make_error("vault.tls: " + client.error().message);
  auto tokens = vault::TokenSource::open(token_source_options(v, opts_.flags.allow_insecure_token_file),
                                         logging_.get("token"), [this] { on_token_changed(); });
  if (!tokens) return make_error(tokens.error().message);
  std::optional<vault::KeepFilter> keep;
  if (v.metrics_interval > Duration::zero()) {
    auto k = vault::KeepFilter::compile(v.metrics_keep);
    if (!k) return make_error(k.error().message);
    keep = std::move(*k);
  }
  VaultParts parts;
  parts.tokens = std::move(*tokens);
  vault::TokenSource* ts = parts.tokens.get();
  parts.client = std::make_unique<vault::VaultClient>(std::move(*client), v.namespace_,
                                                      [ts] { return ts->token(); });
  auto ex = ioc_.get_executor();
  auto& vc = *parts.client;
  parts.health = std::make_unique<vault::HealthPoller>(
      ex, vc, v.health_interval, telemetry_.poll(), logging_.get("health_poller"),
      [this](const vault::HealthSample& s) { on_health(s); });
  parts.leader = std::make_unique<vault::LeaderPoller>(
      ex, vc, v.leader_interval, telemetry_.poll(), logging_.get("leader_poller"),
      [this](const vault::LeaderSample& s) { on_leader(s); });
  if (keep) {
    parts.vault_metrics = std::make_shared<vault::VaultMetricsCollector>();
    parts.metrics = std::make_unique<vault::MetricsPoller>(
        ex, vc, vault::MetricsPollerOptions{v.metrics_interval, std::move(*keep)}, telemetry_.poll(),
        logging_.get("metrics_poller"), [this](const vault::MetricsSample& s) { on_vault_metrics(s); });
  }
  if (v.token_check_interval > Duration::zero())
    parts.token_checker = std::make_unique<vault::TokenChecker>(
        ex, vc, *ts, v.token_check_interval, telemetry_.poll(), logging_.get("token_checker"),
        [this](const vault::TokenSample& s) { on_token_ttl(s); });
  std::vector<vault::WatchedSecret> watched;
  for (const auto& w : v.secrets) watched.push_back({w.path, w.max_age});
  parts.monitor = std::make_shared<vault::MonitorCollector>(watched);
  if (!watched.empty())
    parts.secrets = std::make_unique<vault::SecretPoller>(
        ex, vc, *ts, std::move(watched), v.secrets_interval, telemetry_.poll(),
        logging_.get("secret_poller"), [this](const vault::SecretSample& s) { on_secret_age(s); });
  return parts;
}

void App::swap_vault(VaultParts parts) {
  // The node-state collector and leader tracker live here, not in the pollers, so the gauges
  // and the leader-change count carry over; an in-flight poll of the old pollers ends without
  // delivering (PollLoop's stop flag). The republished Vault families and the token/secret
  // gauges belong to the new pollers and start empty.
  if (health_) health_->stop();
  if (leader_) leader_->stop();
  if (metrics_) metrics_->stop();
  if (token_checker_) token_checker_->stop();
  if (secrets_) secrets_->stop();
  if (vault_metrics_) telemetry_.remove(vault_metrics_);
  if (monitor_) telemetry_.remove(monitor_);
  health_ = std::move(parts.health);
  leader_ = std::move(parts.leader);
  metrics_ = std::move(parts.metrics);
  token_checker_ = std::move(parts.token_checker);
  secrets_ = std::move(parts.secrets);
  vault_ = std::move(parts.client);
  token_source_ = std::move(parts.tokens);
  vault_metrics_ = std::move(parts.vault_metrics);
  monitor_ = std::move(parts.monitor);
  secret_samples_.clear();
  if (vault_metrics_) telemetry_.add(vault_metrics_);
  telemetry_.add(monitor_);
  log_->info("monitor token: source={} present={}", token_source_->describe(), token_source_->token().has_value());
  health_->start();
  leader_->start();
  if (metrics_) metrics_->start();
  if (token_checker_) token_checker_->start();
  if (secrets_) secrets_->start();
}

// The reload participants for what exists in this build (see daemon/reloader.hpp for the
// contract; the audit, rules and notify components add theirs here).
void App::register_reload_participants() {
  reloader_.add("log", [this](const config::Config& next, const config::Config& cur) {
    Reloader::Prepared p;
    if (next.log != cur.log) p.commit = [this, log = next.log] { logging_.apply(log); };
    return p;
  });
  reloader_.add("server", [this](const config::Config& next, const config::Config& cur) {
    Reloader::Prepared p;
    if (next.server.listen_address != cur.server.listen_address ||
        next.server.max_connections != cur.server.max_connections || next.state_dir != cur.state_dir)
      p.commit = [this] {
        log_->warn("server.listen_address, server.max_connections and state_dir apply after a restart");
      };
    return p;
  });
  reloader_.add("web", [this](const config::Config& next, const config::Config&) {
    // Re-read even when the path is the same: a reload re-validates the file and the
    // certificates it names, so a broken file fails the reload instead of passing silently.
    Reloader::Prepared p;
    auto load = std::make_shared<web::WebSecurityLoad>(web::load_web_security(next.server.web_config_file));
    if (auto why = web_security_->check_replace(*load); !why.empty()) {
      p.problems.push_back(why);
      return p;
    }
    p.commit = [this, path = next.server.web_config_file, load] {
      web_security_->replace(path, std::move(*load));
    };
    return p;
  });
  reloader_.add("audit", [this](const config::Config& next, const config::Config& cur) {
    if (next.audit == cur.audit) return Reloader::Prepared{};
    return Reloader::swap_in(make_audit(next), [this](auto audit) { swap_audit(std::move(audit)); });
  });
  reloader_.add("rules", [this](const config::Config& next, const config::Config& cur) {
    // Rules were compiled and validated by the config loader; swapping them cannot fail. Alert
    // state carries over to the rule of the same name (RuleManager::reload).
    Reloader::Prepared p;
    if (next.rules == cur.rules && next.notify == cur.notify && next.audit == cur.audit) return p;
    p.commit = [this, opts = rule_options(next), n = next.rules.size(), sets = next.rule_sets]() mutable {
      rules_->reload(std::move(opts));
      log_->info("alert rules reloaded: rules={}", n);
      for (const auto& set : sets) log_->info("rule set {}", config::describe(set));
    };
    return p;
  });
  reloader_.add("notify", [this](const config::Config& next, const config::Config& cur) {
    if (next.notify == cur.notify && next.state_dir == cur.state_dir) return Reloader::Prepared{};
    return Reloader::swap_in(make_notifier(next), [this](auto n) { swap_notifier(std::move(n)); });
  });
  reloader_.add("vault", [this](const config::Config& next, const config::Config& cur) {
    if (next.vault == cur.vault) return Reloader::Prepared{};
    return Reloader::swap_in(build_vault(next.vault), [this](auto parts) { swap_vault(std::move(parts)); });
  });
}

result<std::unique_ptr<audit::AuditPipeline>> App::make_audit(const config::Config& c) {
  const auto& a = c.audit;
  std::error_code ec;
  if (!audit_tailing_enabled(a)) {
    if (!a.path.empty()) log_->info("audit log tailing off: default path {} not present", a.path);
    return std::unique_ptr<audit::AuditPipeline>();
  }
  audit::AuditPipelineOptions o;
  o.tailer.path = a.path;
  o.tailer.start_at_end = a.start_at == config::AuditConfig::StartAt::end;
  o.tailer.max_line_bytes = a.max_line_bytes;
  if (!c.state_dir.empty()) {
    std::filesystem::create_directories(c.state_dir, ec);
    o.tailer.checkpoint_file = (std::filesystem::path(c.state_dir) / "audit.checkpoint").string();
  }
  o.prefix = a.prefix;
  o.classifier.ignore_display_names = a.ignore_display_names;
  o.classifier.ignore_accessors = a.ignore_accessors;
  for (const auto& w : a.watch) o.classifier.watch.push_back({w.name, w.paths});
  o.mount_label_limit = a.mount_label_limit;
  auto p = audit::AuditPipeline::create(ioc_.get_executor(), std::move(o), telemetry_.audit(),
                                        logging_.get("audit"),
                                        [this](const AuditEvent& e) { on_audit_event(e); });
  if (!p) return make_error("audit: " + p.error().message);
  return std::move(*p);
}

void App::swap_audit(std::unique_ptr<audit::AuditPipeline> next) {
  // The old tailer saves its checkpoint on stop(); the new one resumes from it (same file) or
  // follows the new path.
  if (audit_) audit_->stop();
  audit_ = std::move(next);
  if (audit_) audit_->start();
}

result<std::unique_ptr<notify::Notifier>> App::make_notifier(const config::Config& c) {
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
  if (!n) return make_error(n.error().message);
  return std::move(*n);
}

void App::swap_notifier(std::unique_ptr<notify::Notifier> next) {
  // Queued and spooled notifications move to the receiver with the same label.
  if (notifier_) next->take_over(*notifier_);
  notifier_ = std::move(next);
  notifier_->start();
}

std::vector<StartupProblem> App::start() {
  std::vector<StartupProblem> problems = check_runtime_files(cfg_, opts_.flags.allow_insecure_token_file);
  if (!problems.empty()) return problems;

  web::Sources sources;
  sources.render_metrics = [this] { return telemetry_.render(); };
  sources.ready = [this] { return ready(); };
  sources.reload = [this] { return reload(); };
  sources.status = [this] { return status(); };
  sources.alerts = [this] { return alerts(); };
  web::add_core_routes(router_, std::move(sources));

  auto web = web::load_web_security(cfg_.server.web_config_file);
  if (!web.state) return {{true, web.error}};
  web_security_ = std::make_unique<web::WebSecurity>(cfg_.server.web_config_file, std::move(web),
                                                     logging_.get("web"));

  http::ServerOptions sopts;
  sopts.listen_address = cfg_.server.listen_address;
  sopts.limits.max_connections = cfg_.server.max_connections;
  sopts.middleware = [this](const http::StringRequest& r, const http::RouteHandler& next) {
    return web_security_->handle(r, next);
  };
  if (web_security_->tls_enabled()) sopts.tls_context = [this] { return web_security_->tls_context(); };
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

  // The notifier before the rules, so that the rules' first notifications (restored state)
  // have somewhere to go.
  auto notifier = make_notifier(cfg_);
  if (!notifier) return {{true, notifier.error().message}};
  swap_notifier(std::move(*notifier));
  rules_->start();
  log_->info("alert rules loaded: rules={} sources={}", cfg_.rules.size(), cfg_.rule_sets.size());
  for (const auto& set : cfg_.rule_sets) log_->info("rule set {}", config::describe(set));

  auto parts = build_vault(cfg_.vault);
  if (!parts) return {{true, parts.error().message}};
  swap_vault(std::move(*parts));
  auto audit = make_audit(cfg_);
  if (!audit) return {{true, audit.error().message}};
  swap_audit(std::move(*audit));
  register_reload_participants();
  telemetry_.self().config_last_reload_successful.Set(1);
  telemetry_.self().config_last_reload_success_timestamp.Set(
      to_unix_seconds(std::chrono::system_clock::now()));
  install_signals();
  sample_rates();
  auto ep = server_->local_endpoint();
  log_->info("vaultwatch started: version={} revision={} config={} vault={}", vw::version,
             vw::revision, cfg_.source.empty() ? "<built-in defaults>" : cfg_.source, cfg_.vault.address);
  log_->info("listening: address={} tls={} basic_auth={}",
             (ep.address().is_v6() ? "[" + ep.address().to_string() + "]" : ep.address().to_string()) +
                 ":" + std::to_string(ep.port()),
             web_security_->tls_enabled(), !cfg_.server.web_config_file.empty());
  // Ready: the configuration is loaded and the server accepts connections.
  systemd_.ready(status_line());
  systemd_.start_watchdog();
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
  systemd_.stopping();
  systemd_.stop();
  boost::system::error_code ignored;
  signals_.cancel(ignored);
  rate_timer_.cancel();
  if (server_) server_->stop();
  if (health_) health_->stop();
  if (leader_) leader_->stop();
  if (metrics_) metrics_->stop();
  if (token_checker_) token_checker_->stop();
  if (secrets_) secrets_->stop();
  if (audit_) audit_->stop();  // saves the audit checkpoint
  if (rules_) rules_->stop();    // saves the alert state
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
  systemd_.reloading();
  auto loaded = load_config(opts_);
  std::vector<std::string> problems;
  for (auto& p : loaded.problems) problems.push_back(std::move(p.message));
  // Prepare every component only when the file itself is valid; then all or nothing.
  if (problems.empty()) problems = reloader_.run(loaded.config, cfg_);
  if (!problems.empty()) {
    std::string why;
    for (const auto& p : problems) {
      log_->error("reload rejected, keeping the running configuration: {}", p);
      why += (why.empty() ? "" : "; ") + p;
    }
    telemetry_.self().config_last_reload_successful.Set(0);
    last_reload_ = std::chrono::system_clock::now();
    last_reload_error_ = why;
    systemd_.reloaded("reload failed (running on the previous configuration): " + why);
    return why;
  }
  cfg_ = std::move(loaded.config);
  last_reload_ = std::chrono::system_clock::now();
  last_reload_error_.clear();
  telemetry_.self().config_last_reload_successful.Set(1);
  telemetry_.self().config_last_reload_success_timestamp.Set(
      to_unix_seconds(std::chrono::system_clock::now()));
  log_->info("configuration reloaded: config={}", cfg_.source.empty() ? "<built-in defaults>" : cfg_.source);
  systemd_.reloaded(status_line());
  return {};
}

std::string App::status_line() const {
  std::string s = "vault " + cfg_.vault.address + ": " +
                  (first_health_done_ ? vault::to_string(last_state_) : "first poll pending");
  if (server_) {
    auto ep = server_->local_endpoint();
    s += "; serving " + std::string(web_security_ && web_security_->tls_enabled() ? "https" : "http") +
         " on port " + std::to_string(ep.port());
  }
  return s;
}

void App::on_health(const vault::HealthSample& s) {
  node_state_->update(s);
  first_health_done_ = true;
  if (s.state() != last_state_) {
    last_state_ = s.state();
    systemd_.status(status_line());
  }
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

web::StatusSnapshot App::status() const {
  web::StatusSnapshot s;
  s.version = vw::version;
  s.revision = vw::revision;
  s.config_path = cfg_.source;
  s.started = started_;
  s.last_reload = last_reload_;
  s.last_reload_ok = last_reload_error_.empty();
  s.last_reload_error = last_reload_error_;
  s.ready = ready();
  auto& v = s.vault;
  v.address = cfg_.vault.address;
  if (const auto& h = node_state_->last_health()) {
    v.state = vault::to_string(h->state());
    if (h->body) v.version = h->body->version;
  }
  v.cluster_name = node_state_->cluster_name();
  v.clock_skew_seconds = node_state_->clock_skew_seconds();
  if (const auto& l = node_state_->last_leader(); l && l->body) {
    v.is_leader = l->body->is_self;
    v.leader_address = l->body->leader_address;
  }
  auto opt_time = [](double unix) -> std::optional<SysTime> {
    if (unix <= 0) return std::nullopt;
    return from_unix_seconds(unix);
  };
  for (const auto& [endpoint, rec] : telemetry_.poll_records()) {
    v.polls.push_back(web::PollStatus{endpoint, opt_time(rec.last_attempt), opt_time(rec.last_success),
                                      rec.http_status, rec.error, rec.error_reason});
  }
  if (audit_) {
    const auto st = audit_->status();
    const auto& m = telemetry_.audit();
    auto& a = s.audit;
    a.enabled = true;
    a.path = st.path;
    a.device = st.device;
    a.inode = st.inode;
    a.offset = st.offset;
    a.size = st.size;
    a.lag_bytes = st.lag;
    a.state = st.open ? "following" : "waiting for the file to appear";
    if (st.rotated_open > 0) a.state += " (+" + std::to_string(st.rotated_open) + " rotated file(s) still open)";
    a.lines_total = static_cast<std::uint64_t>(m.lines.Value());
    a.entries_total = static_cast<std::uint64_t>(audit_entries_total());
    a.decode_errors_total = static_cast<std::uint64_t>(m.decode_errors.sum());
    a.rotations_total = static_cast<std::uint64_t>(m.rotations.sum());
    if (const double last = m.last_entry.max(); last > 0) a.last_entry_time = from_unix_seconds(last);
    if (entry_samples_.size() >= 2) {
      const auto& [t0, v0] = entry_samples_.front();
      const auto& [t1, v1] = entry_samples_.back();
      const double secs = std::chrono::duration<double>(t1 - t0).count();
      if (secs > 0) a.entries_per_second = (v1 - v0) / secs;
    }
  }
  if (notifier_) {
    for (const auto& r : notifier_->status()) {
      web::ReceiverStatus w;
      w.name = r.receiver;
      w.kind = r.kind;
      w.url = r.endpoint;
      w.queue_length = r.queue_length;
      w.queue_capacity = r.queue_capacity;
      w.sent = r.sent;
      w.failed = r.failed;
      w.dropped = r.dropped;
      w.last_attempt = r.last_attempt;
      w.last_success = r.last_success;
      w.last_error = r.last_outcome == "failed" ? r.last_error : std::string();
      w.spooled = r.spooled;
      s.receivers.push_back(std::move(w));
    }
  }
  s.alerts = alerts();
  return s;
}

double App::audit_entries_total() const { return telemetry_.audit().entries.sum(); }

void App::sample_rates() {
  // A minute of samples, one every 5 s: the status page's entries/s is over that window.
  const auto now = std::chrono::system_clock::now();
  entry_samples_.emplace_back(now, audit_entries_total());
  while (entry_samples_.size() > 13) entry_samples_.pop_front();
  rate_timer_.expires_after(std::chrono::seconds(5));
  rate_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) sample_rates();
  });
}

std::vector<web::AlertView> App::alerts() const {
  std::vector<web::AlertView> out;
  if (!rules_) return out;
  for (const auto& [labels, a] : rules_->engine().alerts()) {
    if (a.state == AlertState::inactive) continue;  // resolved, still being re-sent
    web::AlertView v;
    v.labels = a.labels;
    v.annotations = a.annotations;
    v.state = to_string(a.state);
    v.active_at = a.active_at;
    v.value = a.value;
    if (a.last_event)
      for (const auto& field : {"time", "type", "operation", "path", "display_name", "entity_id", "policies",
                                "remote_address", "namespace", "error"})
        v.last_event[field] = rules::audit_event_field(*a.last_event, field);
    out.push_back(std::move(v));
  }
  // Firing first, then by when they became active.
  std::stable_sort(out.begin(), out.end(), [](const auto& x, const auto& y) {
    if (x.state != y.state) return x.state == "firing";
    return x.active_at < y.active_at;
  });
  return out;
}

namespace {

// The samples of Vault's sys/metrics families that metric rules read (full sample names, e.g.
// vault_audit_log_request_failure or vault_core_handle_request_count).
std::vector<rules::MetricSample> vault_samples(const std::vector<prom_text::Family>& families,
                                               const std::set<std::string>& wanted) {
  std::vector<rules::MetricSample> out;
  for (const auto& f : families) {
    for (const auto& sm : f.samples) {
      auto name = f.sample_name(sm);
      if (!wanted.count(name)) continue;
      Labels labels;
      for (const auto& l : sm.labels) labels[l.name] = l.value;
      out.push_back({std::move(name), std::move(labels), sm.value});
    }
  }
  return out;
}

}  // namespace

void App::on_vault_metrics(const vault::MetricsSample& s) {
  if (vault_metrics_) vault_metrics_->update(s);
  if (!rules_) return;
  const auto& wanted = rules_->engine().vault_metric_names();
  if (wanted.empty()) return;
  // While Vault's telemetry is unavailable (standby, sealed, disabled) the rules get an empty
  // snapshot: metric alerts resolve rather than hold on to stale values.
  rules_->on_metrics(rules::MetricSource::vault,
                     s.families ? vault_samples(*s.families, wanted) : std::vector<rules::MetricSample>{});
}

void App::on_token_ttl(const vault::TokenSample& s) {
  if (monitor_) monitor_->update(s);
  if (!rules_) return;
  switch (s.state) {
    case vault::TokenState::valid:
      rules_->on_token(rules::TokenTtl{
          true, s.expires ? std::optional<Duration>(std::chrono::duration_cast<Duration>(*s.expires - s.at))
                          : std::nullopt});
      break;
    case vault::TokenState::rejected:
      rules_->on_token(rules::TokenTtl{false, Duration{0}});
      break;
    default:
      break;  // no token, or Vault cannot say right now: nothing new to evaluate
  }
}

void App::on_secret_age(const vault::SecretSample& s) {
  if (monitor_) monitor_->update(s);
  if (!rules_) return;
  // The rules get a full snapshot of the secrets whose age is known.
  secret_samples_[s.path] = s;
  std::vector<rules::SecretAge> ages;
  for (const auto& [path, sample] : secret_samples_)
    if (sample.version_created) ages.push_back({path, *sample.version_created, sample.max_age});
  rules_->on_secrets(ages);
}

void App::on_token_changed() {
  // A rotated token (Vault Agent sink) gets its TTL looked up now, and secrets that could not be
  // read without a token are read now, instead of at their next interval.
  if (token_checker_) token_checker_->trigger();
  if (secrets_) secrets_->trigger();
}

// The audit pipeline's sink: every decoded entry that is neither the test probe nor an ignored
// identity, already counted into the SPEC §4.4 metrics. Rules are evaluated per event (SPEC §5).
void App::on_audit_event(const AuditEvent& e) {
  if (rules_) rules_->on_audit_event(e);
}

// The rule manager's sink: every state change and re-send goes to every receiver.
void App::on_notifications(std::vector<AlertNotification> n) {
  if (log_->should_log(spdlog::level::debug)) {
    for (const auto& a : n) {
      std::string labels;
      for (const auto& [k, v] : a.labels) labels += (labels.empty() ? "" : ",") + k + "=\"" + v + "\"";
      log_->debug("alert notification: status={} change={} starts_at={} ends_at={} labels={{{}}}",
                  a.resolved ? "resolved" : "firing", a.state_change, format_rfc3339_ms(a.starts_at),
                  format_rfc3339_ms(a.ends_at), labels);
    }
  }
  if (notifier_) notifier_->notify(n);
}

boost::asio::ip::tcp::endpoint App::listen_endpoint() const {
  return server_ ? server_->local_endpoint() : boost::asio::ip::tcp::endpoint{};
}

}  // namespace vw::daemon
