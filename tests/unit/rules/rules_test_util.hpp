#pragma once
// Builders for rules and events in engine tests: the engine is pure, so tests construct rules
// directly instead of going through YAML (the loader has its own tests).
#include <chrono>
#include <string>

#include "rules/engine.hpp"

namespace vw::rules::test {

using namespace std::chrono_literals;

inline const SysTime t0 = from_unix_seconds(1'800'000'000);
inline SysTime at(Duration d) { return t0 + d; }

inline Template tmpl(const std::string& text) {
  TemplateScope scope;
  scope.any_label = true;
  scope.audit = text.find("$event.display") != std::string::npos ||
                text.find("$count") != std::string::npos || text.find("$event.path") != std::string::npos;
  scope.change_event = text.find("$event.previous") != std::string::npos ||
                       text.find("$event.current") != std::string::npos;
  return Template::compile(text, scope).value();
}

inline Rule make_rule(std::string name, Condition c, Duration for_ = 0s,
                      std::optional<Duration> keep = std::nullopt,
                      Labels labels = {{"severity", "critical"}}) {
  Rule r;
  r.alert = std::move(name);
  r.keep_firing_for = keep ? *keep : default_keep_firing_for(c);
  r.condition = std::move(c);
  r.for_ = for_;
  r.labels = std::move(labels);
  return r;
}

inline Rule health(std::string name, HealthCondition c, Duration for_ = 0s,
                   std::optional<Duration> keep = std::nullopt) {
  return make_rule(std::move(name), HealthCond{c, 5s}, for_, keep);
}

inline HealthObservation node(NodeState s, unsigned status = 0) {
  HealthObservation h;
  h.state = s;
  h.status = status;
  h.version = "1.19.2";
  return h;
}

inline AuditEvent event(std::string path, std::string display = "approle",
                        std::vector<std::string> policies = {"default"}) {
  AuditEvent e;  // no `time`: the engine counts it at the moment it reads it
  e.type = AuditEvent::Type::request;
  e.operation = "update";
  e.path = std::move(path);
  e.display_name = std::move(display);
  e.policies = std::move(policies);
  e.remote_address = "10.1.2.3";
  e.accessor = "hmac-sha256:secret-accessor";
  e.has_auth = true;
  return e;
}

inline AuditCond audit_paths(std::vector<std::string> globs) {
  AuditCond c;
  c.match.types = {AuditEvent::Type::request};
  for (const auto& g : globs) c.match.paths.push_back(Glob::compile(g).value());
  return c;
}

inline const Alert* find(const Engine& e, const std::string& name) {
  for (const auto& [l, a] : e.alerts())
    if (a.alertname == name) return &a;
  return nullptr;
}

inline AlertState state_of(const Engine& e, const std::string& name) {
  auto* a = find(e, name);
  return a ? a->state : AlertState::inactive;
}

}  // namespace vw::rules::test
