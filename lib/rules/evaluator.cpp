#include "rules/evaluator.hpp"

namespace vw::rules {

std::unique_ptr<Evaluator> make_evaluator(Rule rule) {
  const Condition c = rule.condition;
  return std::visit([&](const auto& cond) { return make_evaluator(cond, std::move(rule)); }, c);
}

}  // namespace vw::rules
