#include "daemon/app.hpp"

#include <spdlog/spdlog.h>

#include "daemon/exposition.hpp"
#include "daemon/options.hpp"
#include "web/routes.hpp"

namespace vw::daemon {

App::App(AppOptions opts, config::ConfigWithRules cfg, Logging& logging)
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
  rotation_.reset();
  notifier_.reset();  // writes the webhook spools if stop() did not get to it
  server_.reset();
  vault_.reset();  // pollers, client, then the token source
  web_security_.reset();
  rules_.reset();
}

std::vector<StartupProblem> App::start() {
  std::vector<StartupProblem> problems = check_runtime_files(cfg_, opts_.flags.allow_insecure_token_file);
  if (!problems.empty()) return problems;
  if (!cfg_.state_dir.empty()) {
    // Not a start-up problem when missing or busy: the daemon ran without it before; only
    // `baseline build` depends on it (and then refuses to run).
    auto lock = StateDirLock::acquire(cfg_.state_dir);
    if (lock && lock->held()) state_lock_.emplace(std::move(*lock));
    else if (lock) log_->warn("state_dir {} is locked by another process (another vaultwatch?)", cfg_.state_dir);
    else log_->warn("state_dir lock: {}", lock.error().message);
  }

  web::Sources sources;
  sources.render_metrics = [this] { return telemetry_.render(); };
  sources.ready = [this] { return ready(); };
  sources.reload = [this] { return reload(); };
  sources.status = [this] { return status(); };
  sources.alerts = [this] { return alerts(); };
  sources.metrics_path = cfg_.server.telemetry_path;
  web::add_core_routes(router_, std::move(sources));

  if (auto p = start_exposition(ioc_.get_executor(), cfg_.server, router_, logging_, web_security_, server_))
    return {*p};

  // Alert rules: started before the pollers so that the first health poll is evaluated.
  generator_url_ = generator_url(server_->local_endpoint().port());
  rules_ = std::make_unique<rules::RuleManager>(
      ioc_.get_executor(), rule_manager_options(cfg_, generator_url_), logging_.get("rules"),
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

  // Rotation tracking: after the rules (its first observation is the restored state), before the
  // audit tailer (which feeds it).
  rotation_ = std::make_unique<RotationService>(
      ioc_.get_executor(), telemetry_, rotation_service_options(cfg_), logging_.get("rotation"),
      [this](const rules::RotationObservation& o) { if (rules_) rules_->on_rotation(o); });
  rotation_->start();
  web::add_rotation_route(router_, [this] { return rotation_->api_json(); });

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
  entry_rate_.start();
  log_started(*log_, cfg_, server_->local_endpoint(), web_security_->tls_enabled());
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
  entry_rate_.stop();
  if (server_) server_->stop();
  if (vault_) vault_->stop();
  if (audit_) audit_->stop();  // saves the audit checkpoint
  if (rotation_) rotation_->stop();  // saves the rotation state (after the last entry it got)
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
  return daemon::status_line(cfg_.vault.address, first_health_done_, last_state_, server_.get(),
                             web_security_ && web_security_->tls_enabled());
}

void App::on_health(const vault::HealthSample& s) {
  node_state_->update(s);
  first_health_done_ = true;
  if (s.state() != last_state_) {
    last_state_ = s.state();
    systemd_.status(status_line());
  }
  if (rules_) {
    rules_->on_health(health_observation(s));
    // Metric rules on our own families (vaultwatch_*, process_*, vault_up, ...) are evaluated
    // at the health poll's pace; collected only when some rule reads them.
    if (const auto& names = rules_->engine().self_metric_names(); !names.empty())
      rules_->on_metrics(rules::MetricSource::self, rules::samples_from(telemetry_.collect(), names));
  }
}

void App::on_leader(const vault::LeaderSample& s) {
  node_state_->update(s);
  if (rules_) rules_->on_leader(leader_observation(s));
  if (leader_tracker_.observe(s)) {
    telemetry_.leader().changes.Increment();
    telemetry_.leader().last_change.Set(to_unix_seconds(s.at));
    log_->info("vault leader changed: leader={}", leader_tracker_.leader());
  }
}

web::StatusSnapshot App::status() const {
  return status_snapshot({.vault_address = cfg_.vault.address, .config_path = cfg_.source, .started = started_,
                          .last_reload = last_reload_, .last_reload_error = last_reload_error_, .ready = ready(),
                          .node_state = node_state_.get(), .metrics = &metrics_, .audit = audit_.get(),
                          .audit_entries_per_second_1m = entry_rate_.per_second(std::chrono::minutes(1)),
                          .audit_entries_per_second_5m = entry_rate_.per_second(std::chrono::minutes(5)),
                          .notifier = notifier_.get(), .rules = rules_.get(), .rotation = rotation_.get()});
}

std::vector<web::AlertView> App::alerts() const { return alert_views(rules_.get()); }

void App::on_vault_metrics(const vault::MetricsSample& s) {
  if (vault_ && vault_->vault_metrics) vault_->vault_metrics->update(s);
  if (!rules_) return;
  if (const auto& wanted = rules_->engine().vault_metric_names(); !wanted.empty())
    rules_->on_metrics(rules::MetricSource::vault, vault_metric_samples(s, wanted));
}

void App::on_token_ttl(const vault::TokenSample& s) {
  if (vault_ && vault_->monitor) vault_->monitor->update(s);
  if (!rules_) return;
  if (auto ttl = token_ttl(s)) rules_->on_token(*ttl);
}

void App::on_secret_age(const vault::SecretSample& s) {
  if (vault_ && vault_->monitor) vault_->monitor->update(s);
  if (rules_) rules_->on_secrets(secret_ages_.update(s));
}

void App::on_token_changed() {
  // A rotated token (Vault Agent sink) gets its TTL looked up now, and secrets that could not be
  // read without a token are read now, instead of at their next interval.
  if (vault_) vault_->trigger();
}

// The audit pipeline's sink: every decoded entry that is neither the test probe nor an ignored
// identity, already counted into the SPEC §4.4 metrics. Rules are evaluated per event (SPEC §5).
void App::on_audit_event(const AuditEvent& e) {
  if (rules_) rules_->on_audit_event(e);
}

// The rule manager's sink: every state change and re-send goes to every receiver.
void App::on_notifications(std::vector<AlertNotification> n) {
  log_notifications(*log_, n);
  if (notifier_) notifier_->notify(n);
}

boost::asio::ip::tcp::endpoint App::listen_endpoint() const {
  return server_ ? server_->local_endpoint() : boost::asio::ip::tcp::endpoint{};
}

}  // namespace vw::daemon
