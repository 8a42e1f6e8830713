// VaultAuditLogSilent (audit_silent): holds while Vault is active, the tailer is enabled, and
// no audit line has been read for `after`, measured from the later of the last line and the
// moment Vault was last seen becoming active.
#include <algorithm>

#include "rules/evaluator.hpp"

namespace vw::rules {

namespace {

class SilenceEvaluator final : public Evaluator {
 public:
  SilenceEvaluator(const AuditSilentCond& c, Rule r) : Evaluator(std::move(r)), c_(c) {}

  void on_health(const HealthObservation&, const Inputs& in, AlertTable& t, SysTime now,
                 Transitions& out) override {
    evaluate(in, t, now, out);
  }
  void on_audit_activity(const Inputs& in, AlertTable& t, SysTime now, Transitions& out) override {
    // Only an active silence alert has anything to learn from activity.
    if (t.any_active(rule_.alert)) evaluate(in, t, now, out);
  }
  void tick(const Inputs& in, AlertTable& t, SysTime now, Transitions& out) override {
    evaluate(in, t, now, out);
  }
  void deadline(const Inputs& in, const AlertTable& t, SysTime, std::optional<SysTime>& w) const override {
    if (!t.any_active(rule_.alert) && watching(in)) min_into(w, silent_since(in) + c_.after);
  }

 private:
  static bool watching(const Inputs& in) { return in.audit_enabled && in.vault_active && in.active_since; }
  static SysTime silent_since(const Inputs& in) {
    return std::max(*in.active_since, in.last_audit_activity.value_or(*in.active_since));
  }
  void evaluate(const Inputs& in, AlertTable& t, SysTime now, Transitions& out) {
    std::vector<Result> results;
    if (watching(in)) {
      const SysTime since = silent_since(in);
      if (now - since >= c_.after)
        results.push_back({{}, std::chrono::duration<double>(now - since).count()});
    }
    t.apply(rule_, std::move(results), now, out);
  }

  AuditSilentCond c_;
};

}  // namespace

std::unique_ptr<Evaluator> make_evaluator(const AuditSilentCond& c, Rule rule) {
  return std::make_unique<SilenceEvaluator>(c, std::move(rule));
}

}  // namespace vw::rules
