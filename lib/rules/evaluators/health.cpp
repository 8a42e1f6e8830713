// Health conditions (SPEC §5.2): the node state of each sys/health poll, clock skew, and the
// change events leader_changed (sys/leader) and version_changed, which hold only at the poll
// that saw the change.
#include <cmath>

#include "rules/evaluator.hpp"

namespace vw::rules {

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

class HealthEvaluator final : public Evaluator {
 public:
  HealthEvaluator(const HealthCond& c, Rule r) : Evaluator(std::move(r)), c_(c) {}

  void on_health(const HealthObservation& h, const Inputs& in, AlertTable& t, SysTime now,
                 Transitions& out) override {
    if (c_.what == HealthCondition::leader_changed) return;
    if (c_.what == HealthCondition::version_changed) {
      if (in.version_change) change(*in.version_change, t, now, out);
      return;
    }
    std::vector<Result> results;
    if (c_.what == HealthCondition::clock_skew) {
      const double above = std::chrono::duration<double>(c_.above).count();
      if (h.skew_seconds && std::fabs(*h.skew_seconds) > above) results.push_back({{}, *h.skew_seconds});
    } else if (health_holds(c_.what, h)) {
      results.push_back({{}, static_cast<double>(h.status)});
    }
    t.apply(rule_, std::move(results), now, out);
  }

  void on_leader(const Inputs& in, AlertTable& t, SysTime now, Transitions& out) override {
    if (c_.what == HealthCondition::leader_changed && in.leader_change) change(*in.leader_change, t, now, out);
  }

 private:
  void change(const ChangeEvent& ev, AlertTable& t, SysTime now, Transitions& out) {
    t.pulse(rule_, t.labels_for(rule_, {}), Annotate{1, nullptr, &ev, std::nullopt}, now, out);
  }

  HealthCond c_;
};

}  // namespace

std::unique_ptr<Evaluator> make_evaluator(const HealthCond& c, Rule rule) {
  return std::make_unique<HealthEvaluator>(c, std::move(rule));
}

}  // namespace vw::rules
