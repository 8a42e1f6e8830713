// secret_age: a watched KV v2 secret older than its max_age (one alert per path). Evaluated at
// each secrets poll and when an age crosses its bound between polls.
#include "rules/evaluator.hpp"

namespace vw::rules {

namespace {

class SecretAgeEvaluator final : public Evaluator {
 public:
  SecretAgeEvaluator(const SecretAgeCond& c, Rule r) : Evaluator(std::move(r)), c_(c) {}

  void on_secrets(const Inputs& in, AlertTable& t, SysTime now, Transitions& out) override {
    evaluate(in, t, now, out);
  }
  void tick(const Inputs& in, AlertTable& t, SysTime now, Transitions& out) override {
    evaluate(in, t, now, out);
  }
  void deadline(const Inputs& in, const AlertTable&, SysTime now, std::optional<SysTime>& w) const override {
    if (!in.secrets) return;
    for (const auto& s : *in.secrets)
      if (counts(s) && s.updated_at + s.max_age > now)
        min_into(w, s.updated_at + s.max_age + std::chrono::milliseconds(1));
  }

 private:
  static bool counts(const SecretAge& s) { return s.max_age > Duration::zero() && s.updated_at != SysTime{}; }
  void evaluate(const Inputs& in, AlertTable& t, SysTime now, Transitions& out) {
    if (!in.secrets) return;
    std::vector<Result> results;
    for (const auto& s : *in.secrets) {
      if (!c_.paths.empty() && !match_any(c_.paths, s.path)) continue;
      if (!counts(s)) continue;
      const auto age = now - s.updated_at;
      if (age > s.max_age)
        results.push_back({{{"path", s.path}}, std::chrono::duration<double>(age).count()});
    }
    t.apply(rule_, std::move(results), now, out);
  }

  SecretAgeCond c_;
};

}  // namespace

std::unique_ptr<Evaluator> make_evaluator(const SecretAgeCond& c, Rule rule) {
  return std::make_unique<SecretAgeEvaluator>(c, std::move(rule));
}

}  // namespace vw::rules
