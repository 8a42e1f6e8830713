// App's components, one by one: how each is built from the configuration, swapped in on a
// reload, and what each reload participant compares (daemon/reloader.hpp has the contract).
// app.cpp keeps the lifecycle (start, stop, run, reload) and the observation sinks.
#include <spdlog/spdlog.h>

#include "daemon/app.hpp"
#include "daemon/options.hpp"

namespace vw::daemon {

result<std::unique_ptr<VaultPollers>> App::build_vault(const config::VaultConfig& v) {
  VaultSinks sinks;
  sinks.health = [this](const vault::HealthSample& s) { on_health(s); };
  sinks.leader = [this](const vault::LeaderSample& s) { on_leader(s); };
  sinks.metrics = [this](const vault::MetricsSample& s) { on_vault_metrics(s); };
  sinks.token = [this](const vault::TokenSample& s) { on_token_ttl(s); };
  sinks.secret = [this](const vault::SecretSample& s) { on_secret_age(s); };
  sinks.token_changed = [this] { on_token_changed(); };
  return VaultPollers::build(ioc_.get_executor(), v, opts_.flags.allow_insecure_token_file, metrics_.poll,
                             logging_, std::move(sinks));
}

void App::swap_vault(std::unique_ptr<VaultPollers> next) {
  // The node-state collector and leader tracker live here, not in the pollers, so the gauges
  // and the leader-change count carry over; an in-flight poll of the old pollers ends without
  // delivering (PollLoop's stop flag). The republished Vault families and the token/secret
  // gauges belong to the new pollers and start empty.
  if (vault_) {
    vault_->stop();
    if (vault_->vault_metrics) telemetry_.remove(vault_->vault_metrics);
    if (vault_->monitor) telemetry_.remove(vault_->monitor);
  }
  vault_ = std::move(next);
  secret_ages_.clear();
  if (vault_->vault_metrics) telemetry_.add(vault_->vault_metrics);
  telemetry_.add(vault_->monitor);
  log_->info("monitor token: source={} present={}", vault_->tokens->describe(), vault_->tokens->token().has_value());
  vault_->start();
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
        next.server.max_connections != cur.server.max_connections || next.state_dir != cur.state_dir ||
        next.server.telemetry_path != cur.server.telemetry_path)
      p.commit = [this] {
        log_->warn("server.listen_address, server.telemetry_path, server.max_connections and state_dir apply "
                   "after a restart");
      };
    return p;
  });
  reloader_.add("web", [this](const config::Config& next, const config::Config&) {
    // Re-read even when the path is the same: a reload re-validates the file and the
    // certificates it names, so a broken file fails the reload instead of passing silently.
    Reloader::Prepared p;
    auto load = std::make_shared<web::WebSecurityLoad>(
        web::load_web_security(next.server.web_config_file, web_config_reader()));
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
  reloader_.add("rules", [this](const config::ConfigWithRules& next, const config::ConfigWithRules& cur) {
    // Rules were compiled and validated by the config loader; swapping them cannot fail. Alert
    // state carries over to the rule of the same name (RuleManager::reload).
    Reloader::Prepared p;
    if (next.rules == cur.rules && next.notify == cur.notify && next.audit == cur.audit) return p;
    p.commit = [this, opts = rule_manager_options(next, generator_url_), n = next.rules.size(), sets = next.rule_sets]() mutable {
      rules_->reload(std::move(opts));
      log_->info("alert rules reloaded: rules={}", n);
      for (const auto& set : sets) log_->info("rule set {}", config::describe(set));
    };
    return p;
  });
  reloader_.add("rotation", [this](const config::Config& next, const config::Config& cur) {
    Reloader::Prepared p;
    if (next.rotation == cur.rotation && next.state_dir == cur.state_dir) return p;
    p.commit = [this, o = rotation_service_options(next)]() mutable { rotation_->reload(std::move(o)); };
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
  if (!prepare_audit(c, *log_)) return std::unique_ptr<audit::AuditPipeline>();
  auto p = audit::AuditPipeline::create(ioc_.get_executor(), audit_pipeline_options(c), metrics_.audit,
                                        logging_.get("audit"),
                                        [this](const AuditEvent& e) { on_audit_event(e); },
                                        // README: every line is activity for audit_silent.
                                        [this] { if (rules_) rules_->on_audit_activity(); },
                                        audit::AuditPipeline::ViewTap{
                                            [this](const audit::AuditEntryView& v) { if (rotation_) rotation_->prepare(v); },
                                            [this](const audit::AuditEntryView& v) { if (rotation_) rotation_->on_entry(v); }});
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
  auto n = notify::Notifier::create(ioc_.get_executor(), notifier_options(c, external_url(listen_endpoint().port())),
                                    metrics_.notify, logging_.get("notifier"));
  if (!n) return make_error(n.error().message);
  return std::move(*n);
}

void App::swap_notifier(std::unique_ptr<notify::Notifier> next) {
  // Queued and spooled notifications move to the receiver with the same label.
  if (notifier_) next->take_over(*notifier_);
  notifier_ = std::move(next);
  notifier_->start();
}

}  // namespace vw::daemon
