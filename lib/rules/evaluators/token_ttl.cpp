// token_ttl: the monitor token's remaining TTL below a bound (an invalid token counts as TTL
// 0). The TTL runs down between lookups: the crossing is a deadline.
#include <algorithm>

#include "rules/evaluator.hpp"

namespace vw::rules {

namespace {

class TokenTtlEvaluator final : public Evaluator {
 public:
  TokenTtlEvaluator(const TokenTtlCond& c, Rule r) : Evaluator(std::move(r)), c_(c) {}

  void on_token(const Inputs& in, AlertTable& t, SysTime now, Transitions& out) override {
    evaluate(in, t, now, out);
  }
  void tick(const Inputs& in, AlertTable& t, SysTime now, Transitions& out) override {
    evaluate(in, t, now, out);
  }
  void deadline(const Inputs& in, const AlertTable&, SysTime now, std::optional<SysTime>& w) const override {
    if (!in.token) return;
    const auto& [tt, at] = *in.token;
    if (!tt.valid || !tt.ttl) return;
    const SysTime crossing = at + *tt.ttl - c_.below;
    if (crossing > now) min_into(w, crossing + std::chrono::milliseconds(1));
  }

 private:
  void evaluate(const Inputs& in, AlertTable& t, SysTime now, Transitions& out) {
    if (!in.token) return;
    const auto& [tt, at] = *in.token;
    std::vector<Result> results;
    if (!tt.valid) {
      results.push_back({{}, 0});
    } else if (tt.ttl) {
      const auto remaining = *tt.ttl - std::chrono::duration_cast<Duration>(now - at);
      if (remaining < c_.below)
        results.push_back({{}, std::max(0.0, std::chrono::duration<double>(remaining).count())});
    }
    t.apply(rule_, std::move(results), now, out);
  }

  TokenTtlCond c_;
};

}  // namespace

std::unique_ptr<Evaluator> make_evaluator(const TokenTtlCond& c, Rule rule) {
  return std::make_unique<TokenTtlEvaluator>(c, std::move(rule));
}

}  // namespace vw::rules
