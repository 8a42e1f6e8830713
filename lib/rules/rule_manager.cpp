#include "rules/rule_manager.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "rules/learnt_files.hpp"
#include "rules/state_codec.hpp"

namespace vw::rules {

namespace {

// The longest the engine sleeps even with nothing scheduled: a wall-clock step (NTP) cannot
// delay a deadline by more than this.
constexpr auto max_sleep = std::chrono::seconds(30);

std::string labels_text(const Labels& l) {
  std::string out = "{";
  for (const auto& [k, v] : l) out += (out.size() > 1 ? "," : "") + k + "=\"" + v + "\"";
  return out + "}";
}

}  // namespace

RuleManager::RuleManager(net::any_io_executor ex, RuleManagerOptions opts,
                         std::shared_ptr<spdlog::logger> log, Sink sink)
    : ex_(ex),
      opts_(std::move(opts)),
      log_(std::move(log)),
      sink_(std::move(sink)),
      engine_(std::make_unique<Engine>(opts_.rules, opts_.engine)),
      wake_(ex),
      save_timer_(ex),
      learnt_timer_(ex) {
  if (!opts_.state_file.empty())
    learnt_dir_ = learnt_dir(std::filesystem::path(opts_.state_file).parent_path().string());
  collector_->declare_rules(opts_.rules);
  collector_->set_learnt_source([this] { return engine_->learnt_stats(opts_.clock()); });
}

RuleManager::~RuleManager() {
  stop();
  collector_->set_learnt_source(nullptr);  // the collector may outlive us (registry)
}

void RuleManager::start() {
  if (running_) return;
  running_ = true;
  const auto now = opts_.clock();
  const auto before = engine_->generation();
  Transitions t;
  if (!opts_.state_file.empty()) {
    std::error_code ec;
    if (std::filesystem::exists(opts_.state_file, ec)) {
      std::ifstream in(opts_.state_file, std::ios::binary);
      std::ostringstream ss;
      ss << in.rdbuf();
      auto state = decode_state(ss.str());
      if (!state) {
        log_->error("ignoring alert state: file={} error={}", opts_.state_file, state.error().message);
      } else {
        t = engine_->restore(*state, now);
        std::size_t active = 0;
        for (const auto& [l, a] : engine_->alerts()) active += a.state != AlertState::inactive;
        log_->info("alert state restored: file={} active_alerts={} saved_at={}", opts_.state_file,
                   active, format_rfc3339_ms(state->saved_at));
      }
    }
  }
  restore_learnt(now);
  saved_generation_ = engine_->generation();
  after(t, now, before);
  schedule_learnt_save();
}

void RuleManager::restore_learnt(SysTime now) {
  if (learnt_dir_.empty()) return;
  auto files = read_learnt(learnt_dir_);
  for (const auto& e : files.errors) log_->error("ignoring learnt state: {}", e);
  const auto adopted = engine_->restore_learnt(files.blobs, now);
  for (const auto& [rule, st] : engine_->learnt_stats(now)) {
    if (adopted.count(rule)) {
      log_->info("learnt state restored: rule={} values={} learning={}", rule, st.values, st.learning);
      learnt_written_[rule] = st.updates;
    } else if (files.blobs.count(rule)) {
      // Another kind or other key/value settings under the same name, or a damaged file.
      log_->warn("learnt state not usable (rule changed or file damaged), learning afresh: rule={} file={}/{}.bin",
                 rule, learnt_dir_, rule);
    }
  }
}

void RuleManager::schedule_learnt_save() {
  if (!running_ || learnt_armed_ || learnt_dir_.empty()) return;
  learnt_armed_ = true;
  learnt_timer_.expires_after(opts_.learnt_save_interval);
  learnt_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec == net::error::operation_aborted) return;
    learnt_armed_ = false;
    save_learnt();
    schedule_learnt_save();
  });
}

void RuleManager::save_learnt() {
  if (learnt_dir_.empty()) return;
  const auto stats = engine_->learnt_stats(opts_.clock());
  bool changed = false;
  for (const auto& [rule, st] : stats) {
    auto it = learnt_written_.find(rule);
    changed = changed || it == learnt_written_.end() || it->second != st.updates;
  }
  if (!changed) return;
  // Blocking on the io thread: one file per behavioural rule, 16-32 bytes per learnt value,
  // at most once a minute (a million values: ~30 MB, tens of milliseconds).
  std::map<std::string, std::string> blobs = engine_->save_learnt();
  std::erase_if(blobs, [&](const auto& kv) {
    auto st = stats.find(kv.first);
    auto w = learnt_written_.find(kv.first);
    return st != stats.end() && w != learnt_written_.end() && w->second == st->second.updates;
  });
  auto r = write_learnt(learnt_dir_, blobs);
  if (!r) {
    collector_->count_write_failure();
    log_->error("{}", r.error().message);
    return;
  }
  for (const auto& [rule, blob] : blobs)
    if (auto st = stats.find(rule); st != stats.end()) learnt_written_[rule] = st->second.updates;
}

void RuleManager::stop() {
  if (!running_) return;
  running_ = false;
  wake_.cancel();
  save_timer_.cancel();
  learnt_timer_.cancel();
  wake_at_.reset();
  save_armed_ = false;
  learnt_armed_ = false;
  save_learnt();
  // Always, not only when dirty: saved_at tells the next run when its downtime began (audit
  // entries written after it are delivered late rather than dropped as history).
  save();
}

void RuleManager::reload(RuleManagerOptions opts) {
  const auto now = opts.clock();
  auto saved = engine_->save(now);
  auto next = std::make_unique<Engine>(opts.rules, opts.engine);
  next->carry_inputs_from(*engine_);
  auto t = next->restore(saved, now);
  // What the behavioural rules learnt carries over in memory (same name, same key/value
  // settings); the next periodic write stores every rule again.
  {
    const auto blobs = engine_->save_learnt();
    const auto adopted = next->restore_learnt(blobs, now);
    for (const auto& [rule, st] : next->learnt_stats(now))
      if (blobs.count(rule) && !adopted.count(rule))
        log_->info("rule {} changed its key, value or bucket: learning afresh", rule);
  }
  learnt_written_.clear();
  auto more = next->tick(now);
  t.insert(t.end(), more.begin(), more.end());
  engine_ = std::move(next);
  opts_ = std::move(opts);
  learnt_dir_ = opts_.state_file.empty()
                    ? std::string()
                    : learnt_dir(std::filesystem::path(opts_.state_file).parent_path().string());
  collector_->declare_rules(opts_.rules);
  schedule_learnt_save();
  saved_generation_ = 0;  // force a write: the rule set changed
  after(t, now, ~std::uint64_t{0});  // always recount and save: the rule set changed
}

void RuleManager::on_health(const HealthObservation& h) {
  observe([&](SysTime now) { return engine_->observe(h, now); });
}

void RuleManager::on_leader(const LeaderObservation& l) {
  observe([&](SysTime now) { return engine_->observe(l, now); });
}

void RuleManager::on_audit_event(const AuditEvent& e) {
  // The common case, an entry no rule matched: nothing to do (no allocation, no timer).
  observe([&](SysTime now) { return engine_->observe(e, now); }, true);
  const auto& t = engine_->audit_timing();
  if (t.too_old + t.late != timing_seen_) note_audit_timing();
}

void RuleManager::note_audit_timing() {
  const auto& t = engine_->audit_timing();
  timing_seen_ = t.too_old + t.late;
  collector_->set_audit_timing(t.too_old, t.late);
  const auto max_age = format_duration(opts_.engine.audit_max_age);
  if (t.too_old && !too_old_logged_) {
    too_old_logged_ = true;
    log_->warn("audit entries older than {} raise no alerts (history, e.g. start_at: beginning over an old "
               "log); they are still counted and searchable, see vaultwatch_audit_entries_too_old_total "
               "(audit.alert_max_age)",
               max_age);
  }
  if (t.late && !late_logged_) {
    late_logged_ = true;
    log_->warn("audit entries written while vaultwatch was down (since {}) are alerted on with their own "
               "time, marked late=\"true\", see vaultwatch_audit_entries_late_total",
               t.down_since ? format_rfc3339_ms(*t.down_since) : std::string("?"));
  }
}

void RuleManager::on_audit_activity() {
  observe([&](SysTime now) { return engine_->note_audit_activity(now); }, true);
}

void RuleManager::on_metrics(MetricSource source, const std::vector<MetricSample>& samples) {
  observe([&](SysTime now) { return engine_->observe(source, samples, now); });
}

void RuleManager::on_secrets(const std::vector<SecretAge>& secrets) {
  observe([&](SysTime now) { return engine_->observe(secrets, now); });
}

void RuleManager::on_token(const TokenTtl& tt) {
  observe([&](SysTime now) { return engine_->observe(tt, now); });
}

std::vector<const Alert*> RuleManager::active_alerts() const {
  std::vector<const Alert*> out;
  for (const auto& [labels, a] : engine_->alerts())
    if (a.state != AlertState::inactive) out.push_back(&a);
  std::stable_sort(out.begin(), out.end(), [](const Alert* x, const Alert* y) {
    if (x->state != y->state) return x->state == AlertState::firing;
    return x->active_at < y->active_at;
  });
  return out;
}

std::string RuleManager::alerts_json() const { return alerts_api_json(*engine_); }

void RuleManager::after(const Transitions& t, SysTime now, std::uint64_t generation_before) {
  for (const auto& tr : t) {
    collector_->count_transition(tr);
    // Log state transitions, not repetitions (STYLE); pending comings and goings are debug.
    if (tr.to == AlertState::firing)
      log_->info("alert firing: alertname={} labels={}", tr.alertname, labels_text(tr.labels));
    else if (tr.from == AlertState::firing)
      log_->info("alert resolved: alertname={} labels={}", tr.alertname, labels_text(tr.labels));
    else
      log_->debug("alert {}: alertname={} labels={}", to_string(tr.to), tr.alertname,
                  labels_text(tr.labels));
  }
  auto notes = engine_->collect_notifications(now);
  if (engine_->generation() != generation_before || !t.empty()) collector_->refresh(*engine_);
  if (engine_->generation() != saved_generation_) {
    dirty_ = true;
    schedule_save();
  }
  if (!notes.empty() && sink_) sink_(std::move(notes));
  schedule(now);
}

void RuleManager::schedule(SysTime now) {
  if (!running_) return;
  auto next = engine_->next_wakeup(now);
  auto delay = next ? std::chrono::duration_cast<std::chrono::steady_clock::duration>(*next - now)
                    : std::chrono::steady_clock::duration(max_sleep);
  delay = std::clamp<std::chrono::steady_clock::duration>(delay, std::chrono::steady_clock::duration::zero(),
                                                          max_sleep);
  const auto at = std::chrono::steady_clock::now() + delay;
  // Re-arm only to wake earlier: a timer already set sooner does the job (the engine is asked
  // again when it fires).
  if (wake_at_ && *wake_at_ <= at) return;
  wake_at_ = at;
  wake_.expires_at(at);
  wake_.async_wait([this](const boost::system::error_code& ec) {
    if (ec == net::error::operation_aborted) return;
    wake_at_.reset();
    on_wake();
  });
}

void RuleManager::on_wake() {
  if (!running_) return;
  const auto now = opts_.clock();
  const auto g = engine_->generation();
  auto t = engine_->tick(now);
  after(t, now, g);
}

void RuleManager::schedule_save() {
  if (!running_ || save_armed_ || opts_.state_file.empty()) return;
  save_armed_ = true;
  save_timer_.expires_after(opts_.save_delay);
  save_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec == net::error::operation_aborted) return;
    save_armed_ = false;
    save();
  });
}

void RuleManager::save() {
  if (opts_.state_file.empty()) return;
  const auto now = opts_.clock();
  // Blocking, but small (one entry per active alert and audit group) and at most once per
  // save_delay: fine on the io thread.
  auto r = write_file_atomic(opts_.state_file, encode_state(engine_->save(now)));
  if (!r) {
    collector_->count_write_failure();
    // Logged when it starts failing (or fails differently), not at every retry.
    if (r.error().message != last_save_error_) log_->error("cannot save alert state: {}", r.error().message);
    last_save_error_ = r.error().message;
    dirty_ = true;
    return;
  }
  if (!last_save_error_.empty()) log_->info("alert state saved again: file={}", opts_.state_file);
  last_save_error_.clear();
  dirty_ = false;
  saved_generation_ = engine_->generation();
}

}  // namespace vw::rules
