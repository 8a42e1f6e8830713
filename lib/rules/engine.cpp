#include "rules/engine.hpp"

namespace vw::rules {

namespace {

std::uint64_t next_entry_seq() {
  thread_local std::uint64_t seq = 0;  // per thread, like the key memo that compares it
  return ++seq;
}

AlertTableOptions table_options(const EngineOptions& o) {
  return AlertTableOptions{o.external_labels, o.resend_interval, o.resolved_retention, o.generator_url};
}

}  // namespace

Engine::Engine(std::vector<Rule> rules, EngineOptions opts)
    : opts_(std::move(opts)), table_(table_options(opts_)) {
  in_.audit_enabled = opts_.audit_enabled;
  in_.metric_lookback = opts_.metric_lookback;
  evaluators_.reserve(rules.size());
  for (const auto& r : rules) {
    if (auto* m = std::get_if<MetricCond>(&r.condition))
      (is_own_family(m->name) ? self_names_ : vault_names_).insert(m->name);
    evaluators_.push_back(make_evaluator(r));
    if (behaviour_of(r.condition)) learners_.push_back(evaluators_.back().get());
  }
  rule_list_ = std::move(rules);
}

const std::vector<Rule>& Engine::rules() const { return rule_list_; }

const Evaluator* Engine::rule_named(const std::string& name) const {
  for (const auto& e : evaluators_)
    if (e->rule().alert == name) return e.get();
  return nullptr;
}

Evaluator* Engine::rule_named(const std::string& name) {
  return const_cast<Evaluator*>(std::as_const(*this).rule_named(name));
}

AlertTable::KeepFor Engine::keep_for() const {
  return [this](const std::string& name) -> std::optional<Duration> {
    const Evaluator* e = rule_named(name);
    if (!e) return std::nullopt;
    return e->rule().keep_firing_for;
  };
}

// ---- observations: remember the input, then let every evaluator look at it ---------------

Transitions Engine::observe(const HealthObservation& h, SysTime now) {
  Transitions out;
  const bool active_now = h.state == NodeState::active;
  if (active_now && !in_.vault_active) in_.active_since = now;
  in_.vault_active = active_now;
  if (!h.version.empty()) {
    if (!in_.last_version.empty() && h.version != in_.last_version)
      in_.version_change =
          ChangeEvent{{"previous", in_.last_version}, {"current", h.version}, {"time", format_rfc3339_ms(now)}};
    if (h.version != in_.last_version) table_.touch();
    in_.last_version = h.version;
  }
  for (auto& e : evaluators_) e->on_health(h, in_, table_, now, out);
  in_.version_change.reset();
  return out;
}

Transitions Engine::observe(const LeaderObservation& l, SysTime now) {
  Transitions out;
  if (l.leader_address.empty()) return out;
  if (l.leader_address == in_.last_leader) return out;
  // The first leader seen is not a change (the same rule as vault::LeaderTracker).
  const std::string previous = in_.last_leader;
  in_.last_leader = l.leader_address;
  table_.touch();
  if (previous.empty()) return out;
  in_.leader_change =
      ChangeEvent{{"previous", previous}, {"current", l.leader_address}, {"time", format_rfc3339_ms(now)}};
  for (auto& e : evaluators_) e->on_leader(in_, table_, now, out);
  in_.leader_change.reset();
  return out;
}

// History never pages as "now" (issue 17): an entry counts at its own time, and one read more
// than audit_max_age after it was written raises no alert, unless it was written while
// vaultwatch was down, which is what an operator needs to hear about: delivered, marked late.
Transitions Engine::observe(const AuditEvent& ev, SysTime now) {
  // Vault's clock may run a little ahead of ours: an entry never counts later than now.
  const SysTime at = ev.time == SysTime{} ? now : std::min(ev.time, now);
  const std::uint64_t seq = next_entry_seq();
  // First, so that the learnt tables' slots load while everything below runs (prepare() reads
  // neither `at` nor `late`).
  const AuditEntry ahead{ev, at, false, seq};
  for (auto* e : learners_) e->prefetch(ahead);
  Transitions out = note_audit_activity(now);
  bool late = false;
  auto& timing = in_.audit_timing;
  if (opts_.audit_max_age > Duration::zero() && now - at > opts_.audit_max_age) {
    if (!timing.down_since || at <= *timing.down_since) {
      ++timing.too_old;
      // History raises no alert, but the behavioural rules learn from it (issue 14).
      const AuditEntry entry{ev, at, false, seq};
      for (auto& e : evaluators_) e->on_audit_history(entry, now);
      return out;
    }
    late = true;
    ++timing.late;
  }
  // Entries flowing keep the saved state fresh (its saved_at tells the next run where its
  // downtime began): at least once a minute.
  if (now - in_.audit_alive_mark >= std::chrono::minutes(1)) {
    in_.audit_alive_mark = now;
    table_.touch();
  }
  const AuditEntry entry{ev, at, late, seq};
  for (auto& e : evaluators_) e->on_audit_event(entry, table_, now, out);
  return out;
}

Transitions Engine::note_audit_activity(SysTime now) {
  Transitions out;
  in_.last_audit_activity = now;
  for (auto& e : evaluators_) e->on_audit_activity(in_, table_, now, out);
  return out;
}

Transitions Engine::observe(MetricSource source, const std::vector<MetricSample>& samples,
                            SysTime now) {
  Transitions out;
  auto& snap = in_.metrics[source];
  snap.at = now;
  snap.samples = samples;
  snap.stale_evaluated = false;
  for (auto& e : evaluators_) e->on_metrics(source, samples, in_, table_, now, out);
  return out;
}

Transitions Engine::observe(const std::vector<SecretAge>& secrets, SysTime now) {
  Transitions out;
  in_.secrets = secrets;
  for (auto& e : evaluators_) e->on_secrets(in_, table_, now, out);
  return out;
}

Transitions Engine::observe(const TokenTtl& t, SysTime now) {
  Transitions out;
  in_.token = std::make_pair(t, now);
  for (auto& e : evaluators_) e->on_token(in_, table_, now, out);
  return out;
}

Transitions Engine::observe(const RotationObservation& r, SysTime now) {
  Transitions out;
  in_.rotation = r;
  for (auto& e : evaluators_) e->on_rotation(in_, table_, now, out);
  return out;
}

// ---- time ----------------------------------------------------------------------------------

Transitions Engine::tick(SysTime now) {
  Transitions out;
  // keep_firing_for running out, for every kind of rule (first, so that the evaluators below
  // see which alerts ended).
  table_.tick(now, keep_for(), out);
  for (auto& [src, snap] : in_.metrics)
    if (!snap.stale_evaluated && now - snap.at >= opts_.metric_lookback) {
      snap.stale_evaluated = true;
      in_.metrics_went_stale = true;
    }
  for (auto& e : evaluators_) e->tick(in_, table_, now, out);
  in_.metrics_went_stale = false;
  return out;
}

std::vector<AlertNotification> Engine::collect_notifications(SysTime now) {
  return table_.collect_notifications(now);
}

std::optional<SysTime> Engine::next_wakeup(SysTime now) const {
  std::optional<SysTime> w;
  table_.deadline(now, keep_for(), w);
  for (const auto& e : evaluators_) e->deadline(in_, table_, now, w);
  return w;
}

// ---- persistence ---------------------------------------------------------------------------

void Engine::carry_inputs_from(const Engine& old) {
  const auto enabled = in_.audit_enabled;
  const auto lookback = in_.metric_lookback;
  in_ = old.in_;
  in_.audit_enabled = enabled;
  in_.metric_lookback = lookback;
  in_.carried = true;
}

std::map<std::string, std::string> Engine::save_learnt() const {
  std::map<std::string, std::string> out;
  for (const auto& ev : evaluators_) {
    std::string blob;
    if (ev->save_learnt(blob)) out.emplace(ev->rule().alert, std::move(blob));
  }
  return out;
}

std::set<std::string> Engine::restore_learnt(const std::map<std::string, std::string>& blobs,
                                             SysTime now) {
  std::set<std::string> adopted;
  for (auto& ev : evaluators_) {
    auto it = blobs.find(ev->rule().alert);
    if (it != blobs.end() && ev->restore_learnt(it->second, now)) adopted.insert(it->first);
  }
  return adopted;
}

std::map<std::string, LearntStats> Engine::learnt_stats(SysTime now) const {
  std::map<std::string, LearntStats> out;
  for (const auto& ev : evaluators_)
    if (auto st = ev->learnt_stats(now)) out.emplace(ev->rule().alert, *st);
  return out;
}

EngineState Engine::save(SysTime now) const {
  EngineState s;
  s.saved_at = now;
  for (const auto& [l, a] : table_.alerts()) s.alerts.push_back(a);
  for (const auto& e : evaluators_) e->save(s.groups);
  s.last_version = in_.last_version;
  s.last_leader = in_.last_leader;
  return s;
}

Transitions Engine::restore(const EngineState& s, SysTime now) {
  Transitions out;
  if (in_.last_version.empty()) in_.last_version = s.last_version;
  if (in_.last_leader.empty()) in_.last_leader = s.last_leader;
  // A restart: entries newer than the previous run's last saved state were written while it
  // was down (a reload keeps the boundary of the start).
  if (!in_.carried) in_.audit_timing.down_since = s.saved_at;
  const bool long_outage = now - s.saved_at > opts_.outage_tolerance;
  for (const auto& saved : s.alerts) {
    const Evaluator* r = rule_named(saved.alertname);
    if (saved.state == AlertState::pending && (!r || long_outage)) continue;
    Alert* a = table_.adopt(saved);
    if (a && !r && a->state == AlertState::firing) table_.resolve(*a, now, out);
  }
  for (const auto& g : s.groups)
    if (Evaluator* r = rule_named(g.alertname); r && r->restore(g, table_)) table_.touch();
  return out;
}

}  // namespace vw::rules
