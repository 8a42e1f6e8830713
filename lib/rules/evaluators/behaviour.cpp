#include "behaviour.hpp"

namespace vw::rules {

BehaviourEvaluator::BehaviourEvaluator(const BehaviourCommon& c, Rule r) : Evaluator(std::move(r)), c_(c) {
  key_.reserve(128);
}

bool BehaviourEvaluator::save_learnt(std::string& out) const {
  const auto start = out.size();
  learnt::begin_blob(out, kind_tag(), fingerprint());
  learnt::Writer w(out);
  save_common(w);
  save_tables(w);
  learnt::end_blob(out, start);
  return true;
}

bool BehaviourEvaluator::restore_learnt(std::string_view blob, SysTime) {
  auto body = learnt::open_blob(blob, kind_tag(), fingerprint());
  if (!body) return false;
  learnt::Reader r(*body);
  if (!load_common(r) || !load_tables(r) || r.left() != 0) {
    clear_tables();
    return false;
  }
  bound();
  ++updates_;
  return true;
}

void BehaviourEvaluator::on_token(const Inputs& in, AlertTable&, SysTime, Transitions&) {
  if (!in.token) return;
  own_entity_ = in.token->first.entity_id;
  own_display_name_ = in.token->first.display_name;
}

bool BehaviourEvaluator::eligible(const AuditEvent& e) const {
  if (e.path.starts_with("sys/internal/ui/")) return false;
  // The monitor token: by entity when it has one (display_name alone is shared by every token
  // of the same auth role, e.g. "approle"), else by display_name ("token-vaultwatch").
  if (!own_entity_.empty()) return e.entity_id != own_entity_;
  if (!own_display_name_.empty() && own_display_name_ != "root") return e.display_name != own_display_name_;
  return true;
}

namespace {
// The last entry's key and hash: the built-in behavioural rules share their key fields, so the
// key of an entry is built and hashed once rather than once per rule.
struct KeyMemo {
  std::uint64_t seq = 0;
  std::vector<AuditField> fields;
  std::string key;
  std::uint64_t hash = 0;
};
KeyMemo& key_memo() {
  // Per thread: an engine lives on one thread (the io thread; a test or `baseline build` may use
  // its own), and a memo shared across threads would race.
  thread_local KeyMemo m;
  return m;
}
}  // namespace

bool BehaviourEvaluator::read_key(const AuditEntry& entry) {
  auto& m = key_memo();
  if (entry.seq != 0 && m.seq == entry.seq && m.fields == c_.key) {
    key_ = m.key;
    key_hash_ = m.hash;
    return !key_.empty();
  }
  key_.clear();
  for (const auto& f : c_.key) {
    append_audit_field(entry.event, f, key_);
    if (!key_.empty()) break;
  }
  key_hash_ = key_.empty() ? 0 : learnt::hash(key_);
  m.seq = entry.seq;
  m.fields = c_.key;
  m.key = key_;
  m.hash = key_hash_;
  return !key_.empty();
}

learnt::Secs BehaviourEvaluator::learn_secs() const {
  return static_cast<Secs>(std::chrono::duration_cast<std::chrono::seconds>(c_.learn).count());
}

void BehaviourEvaluator::note_time(Secs at) {
  if (first_ == 0 || at < first_) first_ = at;
  latest_ = std::max(latest_, at);
  if (at < next_forget_) return;
  const auto window = std::chrono::duration_cast<std::chrono::seconds>(c_.forget_after).count();
  next_forget_ = at + static_cast<Secs>(std::max<std::int64_t>(60, window / 16));
  if (at > window) forget(static_cast<Secs>(at - window));
}

void BehaviourEvaluator::raise(const AuditEntry& entry, double value, const Labels& extra, AlertTable& t,
                               SysTime now, Transitions& out) {
  const Secs at = learnt::secs(entry.at);
  if (auto it = cooling_.find(key_); it != cooling_.end() && at < it->second) return;
  // Bounded: a flood of distinct keys keeps only the ones still cooling down.
  if (cooling_.size() >= 4 * c_.group_limit)
    std::erase_if(cooling_, [&](const auto& kv) { return kv.second <= at; });
  const auto cool = std::chrono::duration_cast<std::chrono::seconds>(c_.cooldown).count();
  if (cool > 0) cooling_[key_] = at + static_cast<Secs>(cool);

  auto labels_of = [&](const std::string& k) { return t.labels_for(rule_, Labels{{"key", k}}); };
  std::string key = key_;
  if (!alerting_.count(key) && alerting_.size() >= c_.group_limit) {
    std::erase_if(alerting_, [&](const std::string& k) { return !t.active(labels_of(k)); });
    if (alerting_.size() >= c_.group_limit) key = "other";
  }
  alerting_.insert(key);
  const Annotate a{value, &entry.event, nullptr, 1, entry.late, &extra};
  t.pulse(rule_, labels_of(key), a, now, out, entry.at);
}

void BehaviourEvaluator::save_common(learnt::Writer& w) const {
  w.put(first_);
  w.put(latest_);
}

bool BehaviourEvaluator::load_common(learnt::Reader& r) {
  Secs first = 0, latest = 0;
  if (!r.get(first) || !r.get(latest)) return false;
  first_ = first;
  latest_ = latest;
  next_forget_ = 0;
  return true;
}

std::uint64_t BehaviourEvaluator::settings_fingerprint(const std::string& kind_settings) const {
  std::string s;
  for (const auto& f : c_.key) s += to_string(f) + ",";
  return learnt::hash(s + "|" + kind_settings);
}

LearntStats BehaviourEvaluator::stats(std::uint64_t values, SysTime now) const {
  LearntStats st;
  st.values = values;
  st.evicted = evicted_;
  st.learning = first_ == 0 || std::max(latest_, learnt::secs(now)) - first_ < learn_secs();
  st.updates = updates_;
  return st;
}

}  // namespace vw::rules
