#include "rules/alert_table.hpp"

#include <algorithm>

namespace vw::rules {

namespace {

bool is_active(const Alert& a) { return a.state != AlertState::inactive; }

}  // namespace

AuditEvent sanitized(const AuditEvent& e) {
  AuditEvent s = e;
  s.accessor.clear();
  s.metadata.clear();
  return s;
}

Labels AlertTable::labels_for(const Rule& r, const Labels& extra) const {
  Labels l = r.labels;
  l["alertname"] = r.alert;
  for (const auto& [k, v] : extra) l.emplace(k, v);
  for (const auto& [k, v] : opts_.external_labels) l.emplace(k, v);
  return l;
}

Alert* AlertTable::active(const Labels& labels) {
  auto it = alerts_.find(labels);
  if (it == alerts_.end() || !is_active(it->second)) return nullptr;
  return &it->second;
}

const Alert* AlertTable::active(const Labels& labels) const {
  return const_cast<AlertTable*>(this)->active(labels);
}

bool AlertTable::any_active(const std::string& alertname) const {
  for (const auto& [l, a] : alerts_)
    if (a.alertname == alertname && is_active(a)) return true;
  return false;
}

void AlertTable::render(const Rule& r, Alert& a, const Annotate& d) {
  TemplateData td;
  td.labels = &a.labels;
  td.value = d.value;
  td.event = d.event;
  td.change = d.change;
  td.count = d.count;
  Labels ann;
  for (const auto& [k, t] : r.annotations) ann[k] = t.render(td);
  if (d.late) ann.emplace("late", "true");
  if (d.extra) ann.insert(d.extra->begin(), d.extra->end());
  a.annotations = std::move(ann);
  a.value = d.value;
  if (d.event) a.last_event = sanitized(*d.event);
}

void AlertTable::change(Alert& a, AlertState to, SysTime at, Transitions& out) {
  out.push_back({a.alertname, a.labels, a.state, to, at});
  a.state = to;
  (to == AlertState::firing ? a.fired_at : a.resolved_at) = at;
  if (to == AlertState::firing) a.firing_sent = false;
  a.keep_firing_since.reset();
  a.change_pending = true;
  ++generation_;
}

void AlertTable::fire(Alert& a, SysTime at, Transitions& out) { change(a, AlertState::firing, at, out); }

void AlertTable::resolve(Alert& a, SysTime at, Transitions& out) { change(a, AlertState::inactive, at, out); }

void AlertTable::erase_pending(const Labels& labels, SysTime at, Transitions& out) {
  auto it = alerts_.find(labels);
  if (it == alerts_.end()) return;
  out.push_back({it->second.alertname, labels, AlertState::pending, AlertState::inactive, at});
  alerts_.erase(it);
  ++generation_;
}

void AlertTable::hold(const Rule& r, const Labels& labels, const Annotate& d, SysTime now,
                      Transitions& out, std::optional<SysTime> since) {
  Alert* a = active(labels);
  if (!a) {
    // A new activation; it replaces a resolved alert with the same labels still being re-sent.
    Alert fresh;
    fresh.alertname = r.alert;
    fresh.labels = labels;
    fresh.state = AlertState::pending;
    fresh.active_at = std::min(since.value_or(now), now);
    auto [it, _] = alerts_.insert_or_assign(labels, std::move(fresh));
    a = &it->second;
    out.push_back({a->alertname, labels, AlertState::inactive, AlertState::pending, a->active_at});
    ++generation_;
  }
  if (a->state == AlertState::pending && now - a->active_at >= r.for_)
    fire(*a, since ? a->active_at + r.for_ : now, out);
  if (a->keep_firing_since) {
    a->keep_firing_since.reset();
    ++generation_;
  }
  render(r, *a, d);
}

void AlertTable::release(Alert& a, const Rule& r, SysTime at, SysTime now, Transitions& out) {
  if (a.state == AlertState::pending) {
    erase_pending(a.labels, at, out);
    return;
  }
  if (a.state != AlertState::firing) return;
  if (r.keep_firing_for == Duration::zero()) {
    resolve(a, at, out);
    return;
  }
  if (!a.keep_firing_since) {
    a.keep_firing_since = at;
    ++generation_;
  }
  if (now >= *a.keep_firing_since + r.keep_firing_for)
    resolve(a, *a.keep_firing_since + r.keep_firing_for, out);
}

void AlertTable::pulse(const Rule& r, const Labels& labels, const Annotate& d, SysTime now,
                       Transitions& out, std::optional<SysTime> since) {
  hold(r, labels, d, now, out, since);
  if (Alert* a = active(labels)) release(*a, r, now, now, out);
}

void AlertTable::apply(const Rule& r, std::vector<Result> results, SysTime now, Transitions& out,
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
    Labels l = labels_for(r, res.extra);
    hold(r, l, Annotate{res.value, nullptr, nullptr, std::nullopt}, now, out);
    held.push_back(std::move(l));
  }
  release_others(r, held, now, out);
}

void AlertTable::release_others(const Rule& r, const std::vector<Labels>& owned, SysTime now,
                                Transitions& out) {
  std::vector<Labels> gone;
  for (auto& [labels, a] : alerts_)
    if (a.alertname == r.alert && is_active(a) &&
        std::find(owned.begin(), owned.end(), labels) == owned.end())
      gone.push_back(labels);
  for (const auto& l : gone)
    if (Alert* a = active(l)) release(*a, r, now, now, out);
}

void AlertTable::tick(SysTime now, const KeepFor& keep, Transitions& out) {
  for (auto& [labels, a] : alerts_) {
    if (a.state != AlertState::firing || !a.keep_firing_since) continue;
    Duration k = keep(a.alertname).value_or(Duration::zero());
    if (now >= *a.keep_firing_since + k) resolve(a, *a.keep_firing_since + k, out);
  }
}

AlertNotification AlertTable::notification(const Alert& a, bool resolved, bool change,
                                           SysTime now) const {
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

std::vector<AlertNotification> AlertTable::collect_notifications(SysTime now) {
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

void AlertTable::deadline(SysTime now, const KeepFor& keep, std::optional<SysTime>& w) const {
  for (const auto& [labels, a] : alerts_) {
    if (a.state == AlertState::firing) {
      if (!a.firing_sent || a.change_pending) min_into(w, now);
      else if (a.last_sent_at) min_into(w, *a.last_sent_at + opts_.resend_interval);
      if (a.keep_firing_since)
        if (auto k = keep(a.alertname)) min_into(w, *a.keep_firing_since + *k);
    } else if (a.state == AlertState::inactive) {
      if (a.change_pending) {
        min_into(w, now);
      } else {
        min_into(w, a.resolved_at + opts_.resolved_retention);
        if (a.last_sent_at) min_into(w, *a.last_sent_at + opts_.resend_interval);
      }
    }
  }
}

Alert* AlertTable::adopt(const Alert& saved) {
  if (alerts_.count(saved.labels)) return nullptr;
  ++generation_;
  return &alerts_.emplace(saved.labels, saved).first->second;
}

}  // namespace vw::rules
