#include "rotation/tracker.hpp"

#include <algorithm>
#include <tuple>

namespace vw::rotation {

std::optional<KeyField> parse_key_field(std::string_view text) {
  if (text == "entity_id") return KeyField::entity_id;
  if (text == "display_name") return KeyField::display_name;
  if (text == "remote_address") return KeyField::remote_address;
  return std::nullopt;
}

const char* to_string(KeyField f) {
  switch (f) {
    case KeyField::entity_id: return "entity_id";
    case KeyField::display_name: return "display_name";
    case KeyField::remote_address: return "remote_address";
  }
  return "entity_id";
}

namespace {

std::int64_t to_ns(SysTime t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}
SysTime from_ns(std::int64_t ns) {
  return SysTime{std::chrono::duration_cast<SysTime::duration>(std::chrono::nanoseconds(ns))};
}
std::int64_t dur_ns(Duration d) { return std::chrono::duration_cast<std::chrono::nanoseconds>(d).count(); }

// How many to evict once over the limit: a batch, so eviction (a scan of every pair) runs at
// most once per max/64 inserts: O(1) amortised per insert.
std::size_t batch(std::size_t max, std::size_t over) { return over + std::max<std::size_t>(1, max / 64); }

}  // namespace

Tracker::Tracker(Options opts, ReportSink on_report)
    : opts_(std::move(opts)), on_report_(std::move(on_report)) {
  if (opts_.max_tracked == 0) opts_.max_tracked = 1;
}

std::string_view Tracker::consumer_key(const audit::AuditEntryView& e) const {
  for (KeyField f : opts_.consumer_key) {
    std::string_view v;
    switch (f) {
      case KeyField::entity_id: v = e.entity_id; break;
      case KeyField::display_name: v = e.display_name; break;
      case KeyField::remote_address: v = e.remote_address; break;
    }
    if (!v.empty()) return v;
  }
  return {};
}

Secret* Tracker::secret_for(const audit::AuditEntryView& e, const KvRef& ref, bool create) {
  key_.assign(e.namespace_path);
  const std::size_t ns_len = key_.size();
  key_.append(ref.mount).append("data/").append(ref.secret);
  if (auto it = secrets_.find(std::string_view(key_)); it != secrets_.end()) return &it->second;
  if (!create) return nullptr;
  const std::string_view rel = std::string_view(key_).substr(ns_len);
  const Glob* matched = nullptr;
  for (const auto& g : opts_.secrets) {
    if (g.match(rel)) {
      matched = &g;
      break;
    }
  }
  if (!matched) return nullptr;
  auto [it, inserted] = secrets_.try_emplace(key_);
  it->second.glob = matched->pattern();
  if (secrets_.size() > opts_.max_tracked) evict_secrets(&it->second);
  return &it->second;
}

Observed Tracker::observe(const audit::AuditEntryView& e) {
  Observed out = observe_entry(e);
  // Evicting a secret (a new one over max_tracked) drops its consumers too.
  if (evicted_ != evicted_seen_) {
    evicted_seen_ = evicted_;
    out.behind_touched = true;
  }
  return out;
}

void Tracker::prepare(const audit::AuditEntryView& e) {
  prepared_ = Prepared{};
  if (e.type != AuditEvent::Type::response || opts_.secrets.empty()) return;
  prepared_.view = &e;
  prepared_.ref = classify(e);
  if (prepared_.ref.op != KvOp::read || e.kv_version < 1 || !e.error.empty() || e.response_error) return;
  const std::string_view id = consumer_key(e);
  if (id.empty()) return;
  if (Secret* s = secret_for(e, prepared_.ref, false)) {
    prepared_.secret = s;
    prepared_.pair = pair_hash(s, id);
    index_.prefetch(prepared_.pair);
  }
}

Observed Tracker::observe_entry(const audit::AuditEntryView& e) {
  Observed out;
  // prepare()'s work for this entry, if it was done (taken once: the view object is reused).
  const Prepared pre = prepared_.view == &e ? prepared_ : Prepared{};
  prepared_ = Prepared{};
  if (e.type != AuditEvent::Type::response || opts_.secrets.empty()) return out;
  const KvRef ref = pre.view ? pre.ref : classify(e);
  if (ref.op == KvOp::none || !e.error.empty() || e.response_error) return out;
  const std::int64_t t = to_ns(e.time);
  switch (ref.op) {
    case KvOp::write: {
      if (e.kv_version < 1) return out;
      Secret* s = secret_for(e, ref, true);
      if (!s) return out;
      const std::string writer(consumer_key(e));
      s->last_seen_ns = std::max(s->last_seen_ns, t);
      if (!apply_write(key_, *s, static_cast<std::uint64_t>(e.kv_version), t, writer, true)) return out;
      out.kind = Observed::Kind::write;
      out.behind_touched = true;
      break;
    }
    case KvOp::read: {
      if (e.kv_version < 1) return out;  // a 404 of a missing secret, or not KV v2
      const std::string_view id = consumer_key(e);
      if (id.empty()) return out;
      Secret* s = pre.secret ? pre.secret : secret_for(e, ref, true);
      if (!s) return out;
      const auto v = static_cast<std::uint64_t>(e.kv_version);
      // A version newer than the one known was written where this log did not see it (another
      // node's log, or before the log began): it is the current one from now on.
      if (v > s->version && apply_write(key_, *s, v, t, {}, false)) out.behind_touched = true;
      s->last_seen_ns = std::max(s->last_seen_ns, t);
      const std::uint64_t ph = pre.secret ? pre.pair : pair_hash(s, id);
      bool inserted = false;
      Consumer* found = nullptr;
      if (const PairRef* r = index_.find(ph)) {
        found = r->consumer;
      } else {
        auto [mit, fresh] = s->consumers.try_emplace(std::string(id));
        inserted = fresh;
        found = &mit->second;
        *index_.insert(ph).first = {found};
      }
      Consumer& c = *found;
      const bool was_behind = c.behind_since_ns != 0;
      c.last_read_ns = std::max(c.last_read_ns, t);
      c.remote_address.assign(e.remote_address);
      c.last_version = static_cast<std::uint32_t>(std::min<std::uint64_t>(v, UINT32_MAX));
      if (v >= s->version) {
        if (c.picked_up_ns == 0 && s->written_at_ns != 0 && t >= s->written_at_ns) {
          c.picked_up_ns = t;
          if (c.due && s->write_seen) out.pickup_seconds = static_cast<double>(t - s->written_at_ns) / 1e9;
        }
        c.behind_since_ns = 0;
      } else if (c.behind_since_ns == 0) {
        // An explicit read of an older version: behind again, due since the current write.
        c.behind_since_ns = s->written_at_ns != 0 ? s->written_at_ns : t;
      }
      // A behind consumer's read moves its last read (when it ages out, what the alert names).
      if (was_behind || c.behind_since_ns != 0) out.behind_touched = true;
      if (inserted && ++pairs_ > opts_.max_tracked) {
        evict_pairs(&c);
        out.behind_touched = true;
      }
      out.kind = Observed::Kind::read;
      break;
    }
    case KvOp::delete_latest:
    case KvOp::undelete: {
      Secret* s = secret_for(e, ref, false);
      if (!s) return out;
      s->deleted = ref.op == KvOp::delete_latest;
      s->last_seen_ns = std::max(s->last_seen_ns, t);
      out.kind = s->deleted ? Observed::Kind::deleted : Observed::Kind::undeleted;
      out.behind_touched = true;
      break;
    }
    case KvOp::metadata_delete: {
      Secret* s = secret_for(e, ref, false);
      if (!s) return out;
      close_report(key_, *s);
      pairs_ -= s->consumers.size();
      secrets_.erase(secrets_.find(std::string_view(key_)));
      reindex();
      out.kind = Observed::Kind::forgotten;
      out.behind_touched = true;
      break;
    }
    case KvOp::delete_versions:
    case KvOp::destroy:
    case KvOp::none:
      return out;  // versions HMAC'd in the request body: nothing known changes (header comment)
  }
  out.path = key_;
  return out;
}

bool Tracker::apply_write(std::string_view key, Secret& s, std::uint64_t version, std::int64_t t,
                          std::string_view writer, bool write_seen) {
  if (version < s.version) return false;  // out of order (several files, several nodes)
  if (version == s.version) {
    // The write of a version first learnt from a read: fill in who and when, nothing is due.
    if (!write_seen || s.write_seen) return false;
    s.write_seen = true;
    s.written_at_ns = t;
    s.writer.assign(writer);
    return true;
  }
  close_report(key, s);
  const bool first = s.version == 0;
  const std::int64_t window_start = t - dur_ns(opts_.consumer_window);
  for (auto& [id, c] : s.consumers) {
    c.due = c.last_read_ns > window_start;  // read less than consumer_window before the write
    if (c.due && c.behind_since_ns == 0) c.behind_since_ns = t;
    c.picked_up_ns = 0;
  }
  s.version = version;
  s.written_at_ns = first && !write_seen ? 0 : t;
  s.writer.assign(writer);
  s.write_seen = write_seen;
  s.deleted = false;
  return true;
}

void Tracker::close_report(std::string_view key, const Secret& s) {
  if (!on_report_ || !s.write_seen) return;
  WriteReport r;
  r.path.assign(key);
  r.version = s.version;
  r.written_at = from_ns(s.written_at_ns);
  r.writer = s.writer;
  std::int64_t end = s.written_at_ns;
  for (const auto& [id, c] : s.consumers) end = std::max(end, c.last_read_ns);
  for (const auto& [id, c] : s.consumers) {
    if (c.due || c.last_read_ns >= s.written_at_ns) r.consumers.push_back(consumer_status(id, c, s, end));
  }
  std::sort(r.consumers.begin(), r.consumers.end(),
            [](const auto& a, const auto& b) { return a.identity < b.identity; });
  on_report_(r);
}

void Tracker::finish() {
  for (const auto& [key, s] : secrets_) close_report(key, s);
}

ConsumerStatus Tracker::consumer_status(const std::string& id, const Consumer& c, const Secret& s,
                                        std::int64_t now) const {
  ConsumerStatus st;
  st.identity = id;
  st.remote_address = c.remote_address;
  st.last_version = c.last_version;
  st.last_read = from_ns(c.last_read_ns);
  if (c.picked_up_ns != 0) st.picked_up_at = from_ns(c.picked_up_ns);
  if (c.last_version < s.version && c.behind_since_ns != 0)
    st.deadline = from_ns(c.behind_since_ns + dur_ns(opts_.deadline));
  st.state = state_of(c, s, now);
  return st;
}

State Tracker::state_of(const Consumer& c, const Secret& s, std::int64_t now) const {
  if (c.last_version >= s.version) return State::current;
  if (c.behind_since_ns == 0) return State::pending;
  return !s.deleted && now >= c.behind_since_ns + dur_ns(opts_.deadline) ? State::stale : State::pending;
}

std::vector<SecretStatus> Tracker::status(SysTime now) const { return list(now, Listing::all); }
std::vector<SecretStatus> Tracker::behind(SysTime now) const { return list(now, Listing::behind); }
std::vector<SecretStatus> Tracker::counts(SysTime now) const { return list(now, Listing::none); }

std::vector<SecretStatus> Tracker::list(SysTime now_tp, Listing which) const {
  const std::int64_t now = to_ns(now_tp);
  const std::int64_t window_start = now - dur_ns(opts_.consumer_window);
  std::vector<SecretStatus> out;
  if (which != Listing::behind) out.reserve(secrets_.size());
  auto behind = [&](const Secret& s, const Consumer& c) {
    return c.last_version < s.version && c.behind_since_ns != 0 && c.last_read_ns > window_start;
  };
  for (const auto& [key, s] : secrets_) {
    // behind(): the rules' input, rebuilt while entries flow; most secrets have nobody behind, and
    // building their SecretStatus (strings) would dominate.
    if (which == Listing::behind &&
        std::none_of(s.consumers.begin(), s.consumers.end(), [&](const auto& kv) { return behind(s, kv.second); }))
      continue;
    SecretStatus ss;
    ss.path = key;
    ss.glob = s.glob;
    ss.version = s.version;
    if (s.written_at_ns != 0) ss.written_at = from_ns(s.written_at_ns);
    ss.writer = s.writer;
    ss.deleted = s.deleted;
    for (const auto& [id, c] : s.consumers) {
      if (c.last_read_ns <= window_start) continue;  // aged out
      const State st = state_of(c, s, now);
      (st == State::current ? ss.current : st == State::pending ? ss.pending : ss.stale)++;
      if (which == Listing::all || (which == Listing::behind && behind(s, c)))
        ss.consumers.push_back(consumer_status(id, c, s, now));
    }
    auto rank = [](State st) { return st == State::stale ? 0 : st == State::pending ? 1 : 2; };
    std::sort(ss.consumers.begin(), ss.consumers.end(), [&](const auto& a, const auto& b) {
      return std::forward_as_tuple(rank(a.state), a.last_read, a.identity) <
             std::forward_as_tuple(rank(b.state), b.last_read, b.identity);
    });
    out.push_back(std::move(ss));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
  return out;
}

std::optional<SysTime> Tracker::next_change(SysTime now_tp) const {
  const std::int64_t now = to_ns(now_tp);
  const std::int64_t window = dur_ns(opts_.consumer_window), deadline = dur_ns(opts_.deadline);
  std::optional<std::int64_t> best;
  auto consider = [&](std::int64_t t) {
    if (t > now && (!best || t < *best)) best = t;
  };
  for (const auto& [key, s] : secrets_) {
    for (const auto& [id, c] : s.consumers) {
      if (c.last_read_ns + window <= now) continue;  // aged out already
      consider(c.last_read_ns + window);
      if (c.last_version < s.version && c.behind_since_ns != 0 && !s.deleted) consider(c.behind_since_ns + deadline);
    }
  }
  if (!best) return std::nullopt;
  return from_ns(*best);
}

void Tracker::expire(SysTime now_tp) {
  const std::int64_t window_start = to_ns(now_tp) - dur_ns(opts_.consumer_window);
  std::size_t dropped = 0;
  for (auto& [key, s] : secrets_) {
    dropped += std::erase_if(s.consumers, [&](const auto& kv) { return kv.second.last_read_ns <= window_start; });
  }
  pairs_ -= dropped;
  if (dropped) reindex();
}

std::uint64_t Tracker::pair_hash(const Secret* secret, std::string_view id) {
  // The secret by its address (stable while it is tracked: the index is rebuilt whenever a
  // secret goes), through splitmix64's finaliser, and the identity's std::hash (64-bit on the
  // platforms we build for): no second hash of the secret's path per entry.
  std::uint64_t k = reinterpret_cast<std::uintptr_t>(secret);
  k ^= k >> 30;
  k *= 0xbf58476d1ce4e5b9ULL;
  k ^= k >> 27;
  k *= 0x94d049bb133111ebULL;
  k ^= k >> 31;
  k ^= std::hash<std::string_view>{}(id);
  return k ? k : 1;  // 0 marks an empty slot
}

void Tracker::reindex() {
  index_.reset(pairs_);
  for (auto& [key, s] : secrets_)
    for (auto& [id, c] : s.consumers) *index_.insert(pair_hash(&s, id)).first = {&c};
}

void Tracker::evict_pairs(const Consumer* keep) {
  struct Ref {
    std::int64_t last_read;
    Secret* secret;
    const std::string* id;
  };
  std::vector<Ref> all;
  all.reserve(pairs_);
  for (auto& [key, s] : secrets_) {
    for (auto& [id, c] : s.consumers) {
      if (&c != keep) all.push_back({c.last_read_ns, &s, &id});
    }
  }
  const std::size_t n = std::min(all.size(), batch(opts_.max_tracked, pairs_ - opts_.max_tracked));
  std::nth_element(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(n), all.end(),
                   [](const Ref& a, const Ref& b) { return a.last_read < b.last_read; });
  for (std::size_t i = 0; i < n; ++i) {
    all[i].secret->consumers.erase(*all[i].id);  // erases the key `id` points to: used last
  }
  pairs_ -= n;
  evicted_ += n;
  reindex();
}

void Tracker::evict_secrets(const Secret* keep) {
  std::vector<std::pair<std::int64_t, const std::string*>> all;
  all.reserve(secrets_.size());
  for (auto& [key, s] : secrets_) {
    if (&s != keep) all.emplace_back(s.last_seen_ns, &key);
  }
  const std::size_t n = std::min(all.size(), batch(opts_.max_tracked, secrets_.size() - opts_.max_tracked));
  std::nth_element(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(n), all.end());
  for (std::size_t i = 0; i < n; ++i) {
    auto it = secrets_.find(std::string_view(*all[i].second));
    pairs_ -= it->second.consumers.size();
    evicted_ += 1 + it->second.consumers.size();
    secrets_.erase(it);
  }
  reindex();
}

void Tracker::restore(SecretMap secrets, std::uint64_t evicted) {
  secrets_ = std::move(secrets);
  evicted_ = evicted;
  pairs_ = 0;
  for (const auto& [key, s] : secrets_) pairs_ += s.consumers.size();
  if (secrets_.size() > opts_.max_tracked) evict_secrets(nullptr);
  if (pairs_ > opts_.max_tracked) evict_pairs(nullptr);
  reindex();
  evicted_seen_ = evicted_;
}

}  // namespace vw::rotation
