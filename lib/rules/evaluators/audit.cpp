// audit (instant): an audit rule without a window holds at the instant of each matching entry;
// it fires at once and resolves keep_firing_for after the last match. {{ $count }} counts the
// matches since the alert became active.
#include "audit_groups.hpp"

namespace vw::rules {

namespace {

class AuditEvaluator final : public AuditGroups {
 public:
  using AuditGroups::AuditGroups;

  void on_audit_event(const AuditEntry& entry, AlertTable& t, SysTime now, Transitions& out) override {
    Group* g = take(entry, t, now);
    if (!g) return;
    if (!t.active(g->alert_labels)) g->count_since_active = 0;
    t.pulse(rule_, g->alert_labels, annotate(entry, ++g->count_since_active), now, out, entry.at);
  }
};

}  // namespace

std::unique_ptr<Evaluator> make_evaluator(const AuditCond& c, Rule rule) {
  if (c.window > Duration::zero()) return make_audit_window_evaluator(c, std::move(rule));
  return std::make_unique<AuditEvaluator>(c, std::move(rule));
}

}  // namespace vw::rules
