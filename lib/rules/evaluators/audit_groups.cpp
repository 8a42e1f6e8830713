#include "audit_groups.hpp"

namespace vw::rules {

AuditGroups::Group AuditGroups::make_group(const Labels& key, const AlertTable& t) const {
  Group g;
  g.key = key;
  g.alert_labels = t.labels_for(rule_, key);
  if (c_.window > Duration::zero()) g.window.emplace(c_.window, c_.threshold);
  return g;
}

AuditGroups::Group* AuditGroups::match(const AuditEvent& e, AlertTable& t, SysTime now) {
  if (!c_.match.matches(e)) return nullptr;
  if (c_.exclude && c_.exclude->matches(e)) return nullptr;
  Labels key;
  for (const auto& f : c_.group_by) key[f] = audit_event_field(e, f);
  auto make = [&](const Labels& k) { return &groups_.emplace(k, make_group(k, t)).first->second; };
  if (auto it = groups_.find(key); it != groups_.end()) return &it->second;
  Labels other;
  for (const auto& f : c_.group_by) other[f] = "other";
  auto counted = [&] { return groups_.size() - (groups_.count(other) ? 1 : 0); };
  if (c_.group_by.empty() || counted() < c_.group_limit) return make(key);
  // At the cap: forget groups that no longer hold anything, then try again. At most once a
  // second: during a flood of distinct values every new one would otherwise scan all groups.
  if (now - last_purge_ >= std::chrono::seconds(1)) {
    last_purge_ = now;
    for (auto it = groups_.begin(); it != groups_.end();) {
      const bool idle = !t.active(it->second.alert_labels) &&
                        (!it->second.window || it->second.window->expire(now));
      it = idle && it->first != other ? groups_.erase(it) : std::next(it);
    }
    if (counted() < c_.group_limit) return make(key);
  }
  if (auto it = groups_.find(other); it != groups_.end()) return &it->second;
  return make(other);
}

AuditGroups::Group* AuditGroups::take(const AuditEntry& entry, AlertTable& t, SysTime now) {
  Group* g = match(entry.event, t, now);
  if (!g) return nullptr;
  t.touch();
  g->last_event = sanitized(entry.event);
  g->seen = entry.late ? now : SysTime{};
  return g;
}

void AuditGroups::tick(const Inputs&, AlertTable& t, SysTime now, Transitions& out) {
  for (auto it = groups_.begin(); it != groups_.end();) {
    Group& g = it->second;
    advance(g, t, now, out);
    const bool empty = !g.window || g.window->expire(now);
    if (!t.active(g.alert_labels) && empty) {
      it = groups_.erase(it);
      t.touch();
    } else {
      ++it;
    }
  }
  std::vector<Labels> owned;
  for (const auto& [k, g] : groups_) owned.push_back(g.alert_labels);
  t.release_others(rule_, owned, now, out);
}

void AuditGroups::save(std::vector<SavedGroup>& out) const {
  for (const auto& [k, g] : groups_)
    out.push_back({rule_.alert, k, g.window ? g.window->save() : SlidingWindow::Saved{},
                   g.count_since_active, g.last_event});
}

bool AuditGroups::restore(const SavedGroup& s, const AlertTable& t) {
  if (s.key.size() != c_.group_by.size()) return false;
  for (const auto& f : c_.group_by)
    if (!s.key.count(f)) return false;
  if (groups_.count(s.key)) return false;
  Group g = make_group(s.key, t);
  if (g.window) g.window->restore(s.window);
  g.count_since_active = s.count_since_active;
  g.last_event = s.last_event;
  groups_.emplace(s.key, std::move(g));
  return true;
}

}  // namespace vw::rules
