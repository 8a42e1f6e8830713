// rotation: a tracked KV v2 secret whose rotation deadline passed while at least one consumer
// still reads an older version (issue 13). One alert per secret path; it resolves when every
// consumer is current or has aged out of consumer_window.
//
// The daemon's rotation tracker pushes a RotationObservation whenever the set of behind
// consumers changes (a write, a pickup, an old-version read, an eviction). Each behind consumer
// carries its own deadline and age-out time, so the evaluator decides stale-or-not at `now`
// itself and asks to be woken at the next of those instants (deadline()): the alert leaves
// within the RuleManager's wake-up latency of the deadline, not at the next push.
#include <algorithm>
#include <tuple>

#include "core/time.hpp"
#include "rules/evaluator.hpp"

namespace vw::rules {

namespace {

// Annotations name at most this many stale consumers (issue 13: "up to 10").
constexpr std::size_t max_named = 10;

class RotationEvaluator final : public Evaluator {
 public:
  RotationEvaluator(const RotationCond& c, Rule r) : Evaluator(std::move(r)), c_(c) {}

  void on_rotation(const Inputs& in, AlertTable& t, SysTime now, Transitions& out) override {
    evaluate(in, t, now, out);
  }
  void tick(const Inputs& in, AlertTable& t, SysTime now, Transitions& out) override {
    evaluate(in, t, now, out);
  }
  void deadline(const Inputs& in, const AlertTable&, SysTime now, std::optional<SysTime>& w) const override {
    if (!in.rotation) return;
    for (const auto& s : in.rotation->secrets) {
      if (!wanted(s)) continue;
      for (const auto& c : s.behind) {
        if (c.due > now) min_into(w, c.due);
        if (c.ages_out > now) min_into(w, c.ages_out);
      }
    }
  }

 private:
  bool wanted(const RotationSecret& s) const {
    return !s.deleted && (c_.paths.empty() || match_any(c_.paths, s.path));
  }

  static bool stale(const RotationConsumer& c, SysTime now) { return c.due <= now && now < c.ages_out; }

  void evaluate(const Inputs& in, AlertTable& t, SysTime now, Transitions& out) {
    if (!in.rotation) return;  // no snapshot yet (start-up): keep restored alerts as they are
    std::vector<Result> results;
    for (const auto& s : in.rotation->secrets) {
      if (!wanted(s)) continue;
      std::vector<const RotationConsumer*> st;
      for (const auto& c : s.behind)
        if (stale(c, now)) st.push_back(&c);
      if (st.empty()) continue;
      // The longest-silent first: those are the ones most likely still running the old secret.
      std::sort(st.begin(), st.end(), [](const auto* a, const auto* b) {
        return std::tie(a->last_read, a->identity) < std::tie(b->last_read, b->identity);
      });
      Result r;
      r.extra = {{"path", s.path}};
      r.value = static_cast<double>(st.size());
      std::string names;
      for (std::size_t i = 0; i < st.size() && i < max_named; ++i) {
        const auto& c = *st[i];
        if (!names.empty()) names += "; ";
        names += c.identity + " (version " + std::to_string(c.last_version) + ", last read " +
                 format_rfc3339_ms(c.last_read) + " from " +
                 (c.remote_address.empty() ? std::string("unknown") : c.remote_address) + ")";
      }
      if (st.size() > max_named) names += "; and " + std::to_string(st.size() - max_named) + " more";
      r.annotations = {{"stale_consumers", std::move(names)},
                       {"current_version", std::to_string(s.version)}};
      results.push_back(std::move(r));
    }
    t.apply(rule_, std::move(results), now, out);
  }

  RotationCond c_;
};

}  // namespace

std::unique_ptr<Evaluator> make_evaluator(const RotationCond& c, Rule rule) {
  return std::make_unique<RotationEvaluator>(c, std::move(rule));
}

}  // namespace vw::rules
