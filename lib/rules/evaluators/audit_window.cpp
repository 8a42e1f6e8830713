// Audit threshold windows: "at least `threshold` matching entries within `window`" per group_by
// instance. Holds from the entry that reaches the threshold until the threshold-th most recent
// entry leaves the window; `for` counts from the first entry that made it hold.
#include <algorithm>

#include "audit_groups.hpp"

namespace vw::rules {

namespace {

class AuditWindowEvaluator final : public AuditGroups {
 public:
  using AuditGroups::AuditGroups;

  void on_audit_event(const AuditEntry& entry, AlertTable& t, SysTime now, Transitions& out) override {
    Group* g = take(entry, t, now);
    if (!g) return;
    g->window->add(entry.at);
    if (!g->window->holds(entry.at)) return;
    t.hold(rule_, g->alert_labels, annotate(entry, g->window->count(entry.at)), now, out, entry.at);
  }

  void deadline(const Inputs&, const AlertTable& t, SysTime now, std::optional<SysTime>& w) const override {
    for (const auto& [k, g] : groups_) {
      const Alert* a = t.active(g.alert_labels);
      if (!a) continue;
      if (auto until = g.window->holds_until(now)) {
        min_into(w, *until);
        if (a->state == AlertState::pending) min_into(w, a->active_at + rule_.for_);
      } else if (!a->keep_firing_since) {
        min_into(w, now);  // stopped holding: release it (then keep_firing_for is the table's)
      }
    }
  }

 private:
  void advance(Group& g, AlertTable& t, SysTime now, Transitions& out) override {
    Alert* a = t.active(g.alert_labels);
    if (!a) return;
    // When the condition stops (or stopped) holding if nothing else arrives; entries read late
    // hold it until they were read (their keep_firing_for runs from there, so it is delivered).
    const SysTime end = std::max(g.window->hold_end().value_or(now), g.seen);
    if (a->state == AlertState::pending && a->active_at + rule_.for_ <= std::min(now, end))
      t.fire(*a, a->active_at + rule_.for_, out);
    if (end <= now) t.release(*a, rule_, end, now, out);
  }
};

}  // namespace

std::unique_ptr<Evaluator> make_audit_window_evaluator(const AuditCond& c, Rule rule) {
  return std::make_unique<AuditWindowEvaluator>(c, std::move(rule));
}

}  // namespace vw::rules
