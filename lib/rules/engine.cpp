#include "rules/engine.hpp"

#include <algorithm>
#include <cmath>
#include <set>

namespace vw::rules {

namespace {

double seconds(Duration d) { return std::chrono::duration<double>(d).count(); }
double seconds(SysTime::duration d) { return std::chrono::duration<double>(d).count(); }

template <class T>
void min_into(std::optional<SysTime>& acc, T t) {
  if (!acc || t < *acc) acc = t;
}

bool is_active(const Alert& a) { return a.state != AlertState::inactive; }

}  // namespace

AuditEvent sanitized(const AuditEvent& e) {
  AuditEvent s = e;
  s.accessor.clear();
  s.metadata.clear();
  return s;
}

Engine::Engine(std::vector<Rule> rules, EngineOptions opts) : opts_(std::move(opts)) {
  rules_.reserve(rules.size());
  for (auto& r : rules) {
    RuleState rs;
    rs.base = r.labels;
    rs.base["alertname"] = r.alert;
    rs.rule = r;
    if (auto* m = std::get_if<MetricCond>(&r.condition))
      (is_own_family(m->name) ? self_names_ : vault_names_).insert(m->name);
    rules_.push_back(std::move(rs));
  }
  rule_list_ = std::move(rules);
}

const std::vector<Rule>& Engine::rules() const { return rule_list_; }


const Engine::RuleState* Engine::rule_named(const std::string& name) const {
  for (const auto& r : rules_)
    if (r.rule.alert == name) return &r;
  return nullptr;
}

Engine::RuleState* Engine::rule_named(const std::string& name) {
  for (auto& r : rules_)
    if (r.rule.alert == name) return &r;
  return nullptr;
}

// Prometheus: the result's own labels, overridden by the rule's labels, then alertname; external
// labels only where the alert has no label of that name (notifier relabelAlerts).
Labels Engine::make_labels(const RuleState& r, const Labels& extra) const {
  Labels l = r.base;
  for (const auto& [k, v] : extra) l.emplace(k, v);
  for (const auto& [k, v] : opts_.external_labels) l.emplace(k, v);
  return l;
}

Alert* Engine::active(const Labels& labels) {
  auto it = alerts_.find(labels);
  if (it == alerts_.end() || !is_active(it->second)) return nullptr;
  return &it->second;
}

void Engine::render(const RuleState& r, Alert& a, const Annotate& d) {
  TemplateData td;
  td.labels = &a.labels;
  td.value = d.value;
  td.event = d.event;
  td.change = d.change;
  td.count = d.count;
  Labels ann;
  for (const auto& [k, t] : r.rule.annotations) ann[k] = t.render(td);
  a.annotations = std::move(ann);
  a.value = d.value;
  if (d.event) a.last_event = sanitized(*d.event);
}

void Engine::fire(Alert& a, SysTime at, Transitions& out) {
  out.push_back({a.alertname, a.labels, a.state, AlertState::firing, at});
  a.state = AlertState::firing;
  a.fired_at = at;
  a.keep_firing_since.reset();
  a.firing_sent = false;
  a.change_pending = true;
  ++generation_;
}

void Engine::resolve(Alert& a, SysTime at, Transitions& out) {
  out.push_back({a.alertname, a.labels, a.state, AlertState::inactive, at});
  a.state = AlertState::inactive;
  a.resolved_at = at;
  a.keep_firing_since.reset();
  a.change_pending = true;
  ++generation_;
}

void Engine::erase_pending(const Labels& labels, SysTime at, Transitions& out) {
  auto it = alerts_.find(labels);
  if (it == alerts_.end()) return;
  out.push_back({it->second.alertname, labels, AlertState::pending, AlertState::inactive, at});
  alerts_.erase(it);
  ++generation_;
}

// The condition holds for this instance at `now`.
void Engine::hold(RuleState& r, const Labels& labels, const Annotate& d, SysTime now,
                  Transitions& out) {
  Alert* a = active(labels);
  if (!a) {
    // A new activation; it replaces a resolved alert with the same labels still being re-sent.
    Alert fresh;
    fresh.alertname = r.rule.alert;
    fresh.labels = labels;
    fresh.state = AlertState::pending;
    fresh.active_at = now;
    auto [it, _] = alerts_.insert_or_assign(labels, std::move(fresh));
    a = &it->second;
    out.push_back({a->alertname, labels, AlertState::inactive, AlertState::pending, now});
    ++generation_;
  }
  if (a->state == AlertState::pending && now - a->active_at >= r.rule.for_) fire(*a, now, out);
  if (a->keep_firing_since) {
    a->keep_firing_since.reset();
    ++generation_;
  }
  render(r, *a, d);
}

// The condition stopped holding at `at` (<= now). Pending alerts are dropped (Prometheus deletes
// them); firing ones resolve, after keep_firing_for when the rule has one.
void Engine::release(Alert& a, const RuleState& r, SysTime at, SysTime now, Transitions& out) {
  if (a.state == AlertState::pending) {
    erase_pending(a.labels, at, out);
    return;
  }
  if (a.state != AlertState::firing) return;
  if (r.rule.keep_firing_for == Duration::zero()) {
    resolve(a, at, out);
    return;
  }
  if (!a.keep_firing_since) {
    a.keep_firing_since = at;
    ++generation_;
  }
  if (now >= *a.keep_firing_since + r.rule.keep_firing_for)
    resolve(a, *a.keep_firing_since + r.rule.keep_firing_for, out);
}

// An instant condition: it holds at `now` and not a moment later.
void Engine::pulse(RuleState& r, const Labels& labels, const Annotate& d, SysTime now,
                   Transitions& out) {
  hold(r, labels, d, now, out);
  if (Alert* a = active(labels)) release(*a, r, now, now, out);
}

void Engine::apply(RuleState& r, std::vector<Result> results, SysTime now, Transitions& out,
                   std::size_t cap) {
  std::sort(results.begin(), results.end(),
            [](const Result& a, const Result& b) { return a.extra < b.extra; });
  if (results.size() > cap) {
    // Fold the rest into one instance without the per-result labels; its value is the largest.
    Result folded;
    folded.value = results[cap].value;
    for (std::size_t i = cap; i < results.size(); ++i)
      folded.value = std::max(folded.value, results[i].value);
    results.resize(cap);
    results.push_back(std::move(folded));
  }
  std::vector<Labels> held;
  for (const auto& res : results) {
    Labels l = make_labels(r, res.extra);
    hold(r, l, Annotate{res.value, nullptr, nullptr, std::nullopt}, now, out);
    held.push_back(std::move(l));
  }
  std::vector<Labels> gone;
  for (auto& [labels, a] : alerts_)
    if (a.alertname == r.rule.alert && is_active(a) &&
        std::find(held.begin(), held.end(), labels) == held.end())
      gone.push_back(labels);
  for (const auto& l : gone)
    if (Alert* a = active(l)) release(*a, r, now, now, out);
}

// ---- health --------------------------------------------------------------------------------

namespace {

bool health_holds(HealthCondition c, const HealthObservation& h) {
  switch (c) {
    case HealthCondition::unreachable: return h.state == NodeState::unreachable;
    case HealthCondition::uninitialized: return h.state == NodeState::uninitialized;
    case HealthCondition::sealed: return h.state == NodeState::sealed;
    case HealthCondition::standby: return h.state == NodeState::standby;
    case HealthCondition::performance_standby: return h.state == NodeState::performance_standby;
    case HealthCondition::dr_secondary: return h.state == NodeState::dr_secondary;
    case HealthCondition::ha_unhealthy: return h.state == NodeState::ha_unhealthy;
    case HealthCondition::removed: return h.state == NodeState::removed;
    case HealthCondition::not_active: return h.state != NodeState::active;
    default: return false;
  }
}

}  // namespace

void Engine::evaluate_health(const HealthObservation& h, SysTime now, Transitions& out) {
  std::optional<std::map<std::string, std::string>> version_change;
  if (!h.version.empty()) {
    if (!last_version_.empty() && h.version != last_version_)
      version_change = std::map<std::string, std::string>{
          {"previous", last_version_}, {"current", h.version}, {"time", format_rfc3339_ms(now)}};
    if (h.version != last_version_) ++generation_;
    last_version_ = h.version;
  }
  for (auto& r : rules_) {
    auto* c = std::get_if<HealthCond>(&r.rule.condition);
    if (!c) continue;
    if (c->what == HealthCondition::leader_changed) continue;
    if (c->what == HealthCondition::version_changed) {
      if (version_change)
        pulse(r, make_labels(r, {}), Annotate{1, nullptr, &*version_change, std::nullopt}, now, out);
      continue;
    }
    std::vector<Result> results;
    if (c->what == HealthCondition::clock_skew) {
      if (h.skew_seconds && std::fabs(*h.skew_seconds) > seconds(c->above))
        results.push_back({{}, *h.skew_seconds});
    } else if (health_holds(c->what, h)) {
      results.push_back({{}, static_cast<double>(h.status)});
    }
    apply(r, std::move(results), now, out);
  }
}

Transitions Engine::observe(const HealthObservation& h, SysTime now) {
  Transitions out;
  const bool active_now = h.state == NodeState::active;
  if (active_now && !vault_active_) active_since_ = now;
  vault_active_ = active_now;
  evaluate_health(h, now, out);
  evaluate_silence(now, out);
  return out;
}

Transitions Engine::observe(const LeaderObservation& l, SysTime now) {
  Transitions out;
  if (l.leader_address.empty()) return out;
  if (l.leader_address == last_leader_) return out;
  // The first leader seen is not a change (the same rule as vault::LeaderTracker).
  const std::string previous = last_leader_;
  last_leader_ = l.leader_address;
  ++generation_;
  if (previous.empty()) return out;
  const std::map<std::string, std::string> change = {
      {"previous", previous}, {"current", l.leader_address}, {"time", format_rfc3339_ms(now)}};
  for (auto& r : rules_) {
    auto* c = std::get_if<HealthCond>(&r.rule.condition);
    if (c && c->what == HealthCondition::leader_changed)
      pulse(r, make_labels(r, {}), Annotate{1, nullptr, &change, std::nullopt}, now, out);
  }
  return out;
}

// ---- audit ---------------------------------------------------------------------------------

Engine::Group* Engine::group_for(RuleState& r, const AuditCond& c, const AuditEvent& e, SysTime now) {
  Labels key;
  for (const auto& f : c.group_by) key[f] = audit_event_field(e, f);
  auto make = [&](const Labels& k) -> Group* {
    Group g;
    g.key = k;
    g.alert_labels = make_labels(r, k);
    if (c.window > Duration::zero()) g.window.emplace(c.window, c.threshold);
    return &r.groups.emplace(k, std::move(g)).first->second;
  };
  if (auto it = r.groups.find(key); it != r.groups.end()) return &it->second;
  Labels other;
  for (const auto& f : c.group_by) other[f] = "other";
  auto counted = [&] { return r.groups.size() - (r.groups.count(other) ? 1 : 0); };
  if (c.group_by.empty() || counted() < c.group_limit) return make(key);
  // At the cap: forget groups that no longer hold anything, then try again. At most once a
  // second: during a flood of distinct values every new one would otherwise scan all groups.
  if (now - r.last_purge >= std::chrono::seconds(1)) {
    r.last_purge = now;
    for (auto it = r.groups.begin(); it != r.groups.end();) {
      bool idle = !active(it->second.alert_labels) &&
                  (!it->second.window || it->second.window->expire(now));
      it = idle && it->first != other ? r.groups.erase(it) : std::next(it);
    }
    if (counted() < c.group_limit) return make(key);
  }
  if (auto it = r.groups.find(other); it != r.groups.end()) return &it->second;
  return make(other);
}

void Engine::observe_audit(RuleState& r, const AuditCond& c, const AuditEvent& e, SysTime now,
                           Transitions& out) {
  if (!c.match.matches(e)) return;
  if (c.exclude && c.exclude->matches(e)) return;
  Group* g = group_for(r, c, e, now);
  ++generation_;
  g->last_event = sanitized(e);
  if (!g->window) {
    if (!active(g->alert_labels)) g->count_since_active = 0;
    ++g->count_since_active;
    const auto n = g->count_since_active;
    pulse(r, g->alert_labels, Annotate{static_cast<double>(n), &e, nullptr, n}, now, out);
    return;
  }
  g->window->add(now);
  if (!g->window->holds(now)) return;
  const auto n = g->window->count(now);
  hold(r, g->alert_labels, Annotate{static_cast<double>(n), &e, nullptr, n}, now, out);
}

Transitions Engine::observe(const AuditEvent& e, SysTime now) {
  Transitions out = note_audit_activity(now);
  for (auto& r : rules_)
    if (auto* c = std::get_if<AuditCond>(&r.rule.condition)) observe_audit(r, *c, e, now, out);
  return out;
}

Transitions Engine::note_audit_activity(SysTime now) {
  Transitions out;
  last_audit_activity_ = now;
  // Only an active silence alert has anything to learn from activity.
  for (const auto& [l, a] : alerts_) {
    if (!is_active(a)) continue;
    const RuleState* r = rule_named(a.alertname);
    if (r && std::holds_alternative<AuditSilentCond>(r->rule.condition)) {
      evaluate_silence(now, out);
      break;
    }
  }
  return out;
}

void Engine::evaluate_silence(SysTime now, Transitions& out) {
  for (auto& r : rules_) {
    auto* c = std::get_if<AuditSilentCond>(&r.rule.condition);
    if (!c) continue;
    std::vector<Result> results;
    if (opts_.audit_enabled && vault_active_ && active_since_) {
      SysTime since = std::max(*active_since_, last_audit_activity_.value_or(*active_since_));
      if (now - since >= c->after) results.push_back({{}, seconds(now - since)});
    }
    apply(r, std::move(results), now, out);
  }
}

void Engine::tick_groups(RuleState& r, SysTime now, Transitions& out) {
  for (auto it = r.groups.begin(); it != r.groups.end();) {
    Group& g = it->second;
    Alert* a = active(g.alert_labels);
    if (g.window && a) {
      // When the condition stops (or stopped) holding if nothing else arrives.
      SysTime end = g.window->hold_end().value_or(now);
      if (a->state == AlertState::pending && a->active_at + r.rule.for_ <= std::min(now, end))
        fire(*a, a->active_at + r.rule.for_, out);
      if (end <= now) release(*a, r, end, now, out);
    }
    a = active(g.alert_labels);
    const bool empty = !g.window || g.window->expire(now);
    if (!a && empty) {
      it = r.groups.erase(it);
      ++generation_;
    } else {
      ++it;
    }
  }
  // Alerts no group accounts for (restored from an older rule definition) run out their
  // keep_firing_for from now.
  std::set<Labels> owned;
  for (const auto& [k, g] : r.groups) owned.insert(g.alert_labels);
  std::vector<Labels> orphans;
  for (auto& [labels, a] : alerts_)
    if (a.alertname == r.rule.alert && is_active(a) && !owned.count(labels)) orphans.push_back(labels);
  for (const auto& l : orphans)
    if (Alert* a = active(l)) release(*a, r, now, now, out);
}

// ---- metrics, secrets, token ---------------------------------------------------------------

namespace {

bool series_matches(const MetricCond& c, const MetricSample& s) {
  if (s.name != c.name) return false;
  for (const auto& [k, v] : c.match) {
    auto it = s.labels.find(k);
    if ((it == s.labels.end() ? std::string() : it->second) != v) return false;
  }
  for (const auto& [k, re] : c.match_re) {
    auto it = s.labels.find(k);
    if (!re.match(it == s.labels.end() ? std::string() : it->second)) return false;
  }
  return true;
}

constexpr std::size_t max_series_per_rule = 1000;
constexpr std::size_t max_points_per_series = 1024;

}  // namespace

Transitions Engine::observe(MetricSource source, const std::vector<MetricSample>& samples,
                            SysTime now) {
  Transitions out;
  auto& snap = metrics_[source];
  snap.at = now;
  snap.samples = samples;
  snap.stale_evaluated = false;
  // Rate histories: only for series some rate rule reads.
  for (auto& r : rules_) {
    auto* c = std::get_if<MetricCond>(&r.rule.condition);
    if (!c || c->rate_over == Duration::zero()) continue;
    for (const auto& s : samples) {
      if (!series_matches(*c, s)) continue;
      // Keyed by source too: the same counter seen through two sources with different lag
      // would otherwise look like a counter reset.
      auto key = std::make_pair(source, s.labels);
      auto it = r.history.find(key);
      if (it == r.history.end()) {
        if (r.history.size() >= max_series_per_rule) continue;
        it = r.history.emplace(std::move(key), Series{}).first;
      }
      it->second.points.emplace_back(now, s.value);
      if (it->second.points.size() > max_points_per_series) it->second.points.pop_front();
    }
    for (auto it = r.history.begin(); it != r.history.end();) {
      auto& pts = it->second.points;
      while (!pts.empty() && pts.front().first < now - c->rate_over) pts.pop_front();
      it = pts.empty() ? r.history.erase(it) : std::next(it);
    }
  }
  evaluate_metrics(now, out);
  return out;
}

void Engine::evaluate_metrics(SysTime now, Transitions& out) {
  for (auto& r : rules_) {
    auto* c = std::get_if<MetricCond>(&r.rule.condition);
    if (!c) continue;
    std::vector<Result> results;
    if (c->rate_over == Duration::zero()) {
      for (const auto& [src, snap] : metrics_) {
        if (now - snap.at >= opts_.metric_lookback) continue;
        for (const auto& s : snap.samples)
          if (series_matches(*c, s) && compare(s.value, c->op, c->threshold))
            results.push_back({s.labels, s.value});
      }
    } else {
      for (const auto& [key, series] : r.history) {
        const auto& labels = key.second;
        const auto& pts = series.points;
        if (pts.size() < 2 || now - pts.back().first >= opts_.metric_lookback) continue;
        // increase() with counter resets: a drop means the counter restarted from 0.
        double increase = 0;
        for (std::size_t i = 1; i < pts.size(); ++i) {
          double d = pts[i].second - pts[i - 1].second;
          increase += d >= 0 ? d : pts[i].second;
        }
        double span = seconds(pts.back().first - pts.front().first);
        if (span <= 0) continue;
        double rate = increase / span;
        if (compare(rate, c->op, c->threshold)) results.push_back({labels, rate});
      }
    }
    apply(r, std::move(results), now, out);
  }
}

Transitions Engine::observe(const std::vector<SecretAge>& secrets, SysTime now) {
  Transitions out;
  secrets_ = secrets;
  evaluate_secrets(now, out);
  return out;
}

void Engine::evaluate_secrets(SysTime now, Transitions& out) {
  if (!secrets_) return;
  for (auto& r : rules_) {
    auto* c = std::get_if<SecretAgeCond>(&r.rule.condition);
    if (!c) continue;
    std::vector<Result> results;
    for (const auto& s : *secrets_) {
      if (!c->paths.empty() && !match_any(c->paths, s.path)) continue;
      if (s.max_age <= Duration::zero() || s.updated_at == SysTime{}) continue;
      auto age = now - s.updated_at;
      if (age > s.max_age) results.push_back({{{"path", s.path}}, seconds(age)});
    }
    apply(r, std::move(results), now, out);
  }
}

Transitions Engine::observe(const TokenTtl& t, SysTime now) {
  Transitions out;
  token_ = std::make_pair(t, now);
  evaluate_token(now, out);
  return out;
}

void Engine::evaluate_token(SysTime now, Transitions& out) {
  if (!token_) return;
  const auto& [t, at] = *token_;
  for (auto& r : rules_) {
    auto* c = std::get_if<TokenTtlCond>(&r.rule.condition);
    if (!c) continue;
    std::vector<Result> results;
    if (!t.valid) {
      results.push_back({{}, 0});
    } else if (t.ttl) {
      auto remaining = *t.ttl - std::chrono::duration_cast<Duration>(now - at);
      if (remaining < c->below)
        results.push_back({{}, std::max(0.0, seconds(remaining))});
    }
    apply(r, std::move(results), now, out);
  }
}

// ---- time ----------------------------------------------------------------------------------

Transitions Engine::tick(SysTime now) {
  Transitions out;
  // keep_firing_for running out, for every kind of rule (first, so that the audit groups below
  // see which alerts ended).
  for (auto& [labels, a] : alerts_) {
    if (a.state != AlertState::firing || !a.keep_firing_since) continue;
    const RuleState* r = rule_named(a.alertname);
    Duration keep = r ? r->rule.keep_firing_for : Duration::zero();
    if (now >= *a.keep_firing_since + keep) resolve(a, *a.keep_firing_since + keep, out);
  }
  for (auto& r : rules_)
    if (std::holds_alternative<AuditCond>(r.rule.condition)) tick_groups(r, now, out);
  evaluate_silence(now, out);
  bool stale = false;
  for (auto& [src, snap] : metrics_)
    if (!snap.stale_evaluated && now - snap.at >= opts_.metric_lookback) {
      snap.stale_evaluated = true;
      stale = true;
    }
  if (stale) evaluate_metrics(now, out);
  evaluate_secrets(now, out);
  evaluate_token(now, out);
  return out;
}

AlertNotification Engine::notification(const Alert& a, bool resolved, bool change, SysTime now) const {
  AlertNotification n;
  n.labels = a.labels;
  n.annotations = a.annotations;
  n.starts_at = a.fired_at;
  n.ends_at = resolved ? a.resolved_at : now + 4 * opts_.resend_interval;
  n.generator_url = opts_.generator_url;
  n.resolved = resolved;
  n.state_change = change;
  return n;
}

std::vector<AlertNotification> Engine::collect_notifications(SysTime now) {
  std::vector<AlertNotification> out;
  for (auto it = alerts_.begin(); it != alerts_.end();) {
    Alert& a = it->second;
    if (a.state == AlertState::firing) {
      if (!a.firing_sent || a.change_pending) {
        out.push_back(notification(a, false, true, now));
        a.firing_sent = true;
        a.change_pending = false;
        a.last_sent_at = now;
        ++generation_;
      } else if (!a.last_sent_at || now - *a.last_sent_at >= opts_.resend_interval) {
        out.push_back(notification(a, false, false, now));
        a.last_sent_at = now;
        ++generation_;
      }
    } else if (a.state == AlertState::inactive) {
      if (a.change_pending) {
        // Fired and resolved before anything was handed out: announce both, so a receiver never
        // sees a resolution of an alert it was never told about.
        if (!a.firing_sent) out.push_back(notification(a, false, true, now));
        out.push_back(notification(a, true, true, now));
        a.firing_sent = true;
        a.change_pending = false;
        a.last_sent_at = now;
        ++generation_;
      } else if (now - a.resolved_at >= opts_.resolved_retention) {
        it = alerts_.erase(it);
        ++generation_;
        continue;
      } else if (!a.last_sent_at || now - *a.last_sent_at >= opts_.resend_interval) {
        out.push_back(notification(a, true, false, now));
        a.last_sent_at = now;
        ++generation_;
      }
    }
    ++it;
  }
  return out;
}

std::optional<SysTime> Engine::next_wakeup(SysTime now) const {
  std::optional<SysTime> w;
  for (const auto& [labels, a] : alerts_) {
    if (a.state == AlertState::firing) {
      if (!a.firing_sent || a.change_pending) min_into(w, now);
      else if (a.last_sent_at) min_into(w, *a.last_sent_at + opts_.resend_interval);
      if (a.keep_firing_since)
        if (const RuleState* r = rule_named(a.alertname))
          min_into(w, *a.keep_firing_since + r->rule.keep_firing_for);
    } else if (a.state == AlertState::inactive) {
      if (a.change_pending) {
        min_into(w, now);
      } else {
        min_into(w, a.resolved_at + opts_.resolved_retention);
        if (a.last_sent_at) min_into(w, *a.last_sent_at + opts_.resend_interval);
      }
    }
  }
  for (const auto& r : rules_) {
    if (std::holds_alternative<AuditCond>(r.rule.condition)) {
      for (const auto& [k, g] : r.groups) {
        auto it = alerts_.find(g.alert_labels);
        const bool act = it != alerts_.end() && is_active(it->second);
        if (g.window) {
          if (auto until = g.window->holds_until(now)) {
            if (act) min_into(w, *until);
            if (act && it->second.state == AlertState::pending)
              min_into(w, it->second.active_at + r.rule.for_);
          } else if (act) {
            min_into(w, now);  // stopped holding: release it
          }
        }
      }
    } else if (auto* s = std::get_if<AuditSilentCond>(&r.rule.condition)) {
      bool act = false;
      for (const auto& [l, a] : alerts_) act = act || (a.alertname == r.rule.alert && is_active(a));
      if (!act && opts_.audit_enabled && vault_active_ && active_since_)
        min_into(w, std::max(*active_since_, last_audit_activity_.value_or(*active_since_)) + s->after);
    } else if (std::holds_alternative<SecretAgeCond>(r.rule.condition) && secrets_) {
      for (const auto& sa : *secrets_)
        if (sa.max_age > Duration::zero() && sa.updated_at != SysTime{} &&
            sa.updated_at + sa.max_age > now)
          min_into(w, sa.updated_at + sa.max_age + std::chrono::milliseconds(1));
    } else if (auto* t = std::get_if<TokenTtlCond>(&r.rule.condition); t && token_) {
      const auto& [tt, at] = *token_;
      if (tt.valid && tt.ttl) {
        SysTime crossing = at + *tt.ttl - t->below;
        if (crossing > now) min_into(w, crossing + std::chrono::milliseconds(1));
      }
    }
  }
  for (const auto& [src, snap] : metrics_)
    if (!snap.stale_evaluated) min_into(w, snap.at + opts_.metric_lookback);
  return w;
}

// ---- persistence ---------------------------------------------------------------------------

void Engine::carry_inputs_from(const Engine& old) {
  last_version_ = old.last_version_;
  last_leader_ = old.last_leader_;
  vault_active_ = old.vault_active_;
  active_since_ = old.active_since_;
  last_audit_activity_ = old.last_audit_activity_;
  metrics_ = old.metrics_;
  secrets_ = old.secrets_;
  token_ = old.token_;
}

EngineState Engine::save(SysTime now) const {
  EngineState s;
  s.saved_at = now;
  for (const auto& [l, a] : alerts_) s.alerts.push_back(a);
  for (const auto& r : rules_)
    for (const auto& [k, g] : r.groups)
      s.groups.push_back({r.rule.alert, k, g.window ? g.window->save() : SlidingWindow::Saved{},
                          g.count_since_active, g.last_event});
  s.last_version = last_version_;
  s.last_leader = last_leader_;
  return s;
}

Transitions Engine::restore(const EngineState& s, SysTime now) {
  Transitions out;
  if (last_version_.empty()) last_version_ = s.last_version;
  if (last_leader_.empty()) last_leader_ = s.last_leader;
  const bool long_outage = now - s.saved_at > opts_.outage_tolerance;
  for (const auto& saved : s.alerts) {
    if (alerts_.count(saved.labels)) continue;
    const RuleState* r = rule_named(saved.alertname);
    if (saved.state == AlertState::pending && (!r || long_outage)) continue;
    auto [it, _] = alerts_.emplace(saved.labels, saved);
    ++generation_;
    if (!r && it->second.state == AlertState::firing) resolve(it->second, now, out);
  }
  for (const auto& g : s.groups) {
    RuleState* r = rule_named(g.alertname);
    if (!r) continue;
    auto* c = std::get_if<AuditCond>(&r->rule.condition);
    if (!c || g.key.size() != c->group_by.size()) continue;
    bool same_keys = true;
    for (const auto& f : c->group_by) same_keys = same_keys && g.key.count(f);
    if (!same_keys || r->groups.count(g.key)) continue;
    Group ng;
    ng.key = g.key;
    ng.alert_labels = make_labels(*r, g.key);
    if (c->window > Duration::zero()) {
      ng.window.emplace(c->window, c->threshold);
      ng.window->restore(g.window);
    }
    ng.count_since_active = g.count_since_active;
    ng.last_event = g.last_event;
    r->groups.emplace(g.key, std::move(ng));
    ++generation_;
  }
  return out;
}

}  // namespace vw::rules
