// The `rotation` condition (issue 13): engine tables from RotationObservation snapshots, as the
// daemon's rotation service pushes them.
#include <gtest/gtest.h>

#include "rules_test_util.hpp"

namespace vw::rules {
namespace {

using namespace test;

RotationConsumer consumer(std::string id, std::uint64_t version, Duration last_read, Duration due,
                          Duration window = 7 * 24h) {
  return {std::move(id), "10.0.0.7", version, at(last_read), at(due), at(last_read) + window};
}

RotationSecret secret(std::string path, std::uint64_t version, std::vector<RotationConsumer> behind,
                      bool deleted = false) {
  return {std::move(path), version, deleted, std::move(behind)};
}

Rule rotation_rule(std::vector<std::string> globs = {}) {
  RotationCond c;
  for (const auto& g : globs) c.paths.push_back(Glob::compile(g).value());
  Rule r = make_rule("VaultSecretRotationNotPropagated", c, 0s, std::nullopt, {{"severity", "warning"}});
  r.annotations["summary"] = tmpl("{{ $value }} stale on {{ $labels.path }}");
  return r;
}

EngineOptions options() {
  EngineOptions o;
  o.resend_interval = 1min;
  return o;
}

struct Case {
  const char* name;
  std::vector<std::string> globs;
  RotationObservation obs;           // pushed at t0
  Duration check;                    // evaluated (tick) at t0 + check
  std::map<std::string, double> firing;  // path -> stale count
};

TEST(RotationRule, Table) {
  const std::vector<Case> cases = {
      {"nothing behind", {}, {}, 1min, {}},
      {"pending: deadline not passed", {}, {{secret("secret/data/app", 2, {consumer("app", 1, -1min, 2min)})}}, 1min, {}},
      {"stale: deadline passed", {}, {{secret("secret/data/app", 2, {consumer("app", 1, -1min, 30s)})}}, 1min,
       {{"secret/data/app", 1}}},
      {"stale exactly at its deadline", {}, {{secret("secret/data/app", 2, {consumer("app", 1, -1min, 1min)})}}, 1min,
       {{"secret/data/app", 1}}},
      {"aged out of consumer_window: not a consumer", {},
       {{secret("secret/data/app", 2, {consumer("app", 1, -2h, 30s, 1h)})}}, 1min, {}},
      {"current version soft-deleted: nobody can read it", {},
       {{secret("secret/data/app", 2, {consumer("app", 1, -1min, 30s)}, true)}}, 1min, {}},
      {"one alert per secret, counting its stale consumers", {},
       {{secret("secret/data/a", 3, {consumer("x", 1, -1min, 0s), consumer("y", 2, -1min, 0s), consumer("z", 2, -1min, 1h)}),
         secret("secret/data/b", 7, {consumer("x", 6, -1min, 0s)})}},
       1min, {{"secret/data/a", 2}, {"secret/data/b", 1}}},
      {"path globs narrow the rule", {"secret/data/b*"},
       {{secret("secret/data/a", 3, {consumer("x", 1, -1min, 0s)}), secret("secret/data/b", 7, {consumer("x", 6, -1min, 0s)})}},
       1min, {{"secret/data/b", 1}}},
  };
  for (const auto& c : cases) {
    Engine e({rotation_rule(c.globs)}, options());
    e.observe(c.obs, t0);
    e.tick(at(c.check));
    std::map<std::string, double> got;
    for (const auto& [labels, a] : e.alerts())
      if (a.state == AlertState::firing) got[labels.at("path")] = a.value;
    EXPECT_EQ(got, c.firing) << c.name;
  }
}

TEST(RotationRule, FiresAtTheDeadlineWithoutANewPushAndResolvesOnPickup) {
  Engine e({rotation_rule()}, options());
  e.observe(RotationObservation{{secret("secret/data/app", 2, {consumer("billing", 1, -10s, 2s)})}}, t0);
  EXPECT_TRUE(e.alerts().empty());
  // The engine asks to be woken at the consumer's deadline (issue 13: within 1 s of it).
  auto wake = e.next_wakeup(t0);
  ASSERT_TRUE(wake);
  EXPECT_EQ(*wake, at(2s));
  e.tick(*wake);
  ASSERT_EQ(state_of(e, "VaultSecretRotationNotPropagated"), AlertState::firing);
  const Alert* a = find(e, "VaultSecretRotationNotPropagated");
  EXPECT_EQ(a->labels.at("path"), "secret/data/app");
  EXPECT_EQ(a->labels.count("identity"), 0u) << "identities are never labels";
  EXPECT_EQ(a->annotations.at("summary"), "1 stale on secret/data/app");
  EXPECT_EQ(a->annotations.at("current_version"), "2");
  EXPECT_EQ(a->annotations.at("stale_consumers"),
            "billing (version 1, last read " + format_rfc3339_ms(at(-10s)) + " from 10.0.0.7)");
  auto n = e.collect_notifications(at(2s));
  ASSERT_EQ(n.size(), 1u);
  EXPECT_FALSE(n[0].resolved);
  // The consumer reads the new version: the service pushes a snapshot without it.
  e.observe(RotationObservation{}, at(5s));
  EXPECT_EQ(state_of(e, "VaultSecretRotationNotPropagated"), AlertState::inactive);
  n = e.collect_notifications(at(5s));
  ASSERT_EQ(n.size(), 1u);
  EXPECT_TRUE(n[0].resolved);
}

TEST(RotationRule, ResolvesWhenTheLastStaleConsumerAgesOut) {
  Engine e({rotation_rule()}, options());
  e.observe(RotationObservation{{secret("secret/data/app", 2, {consumer("old-host", 1, -50min, 0s, 1h)})}}, t0);
  ASSERT_EQ(state_of(e, "VaultSecretRotationNotPropagated"), AlertState::firing);
  auto wake = e.next_wakeup(at(1s));
  ASSERT_TRUE(wake);
  EXPECT_LE(*wake, at(10min));
  e.tick(at(10min));
  EXPECT_EQ(state_of(e, "VaultSecretRotationNotPropagated"), AlertState::inactive);
}

TEST(RotationRule, NamesAtMostTenStaleConsumersOldestReadFirst) {
  std::vector<RotationConsumer> behind;
  for (int i = 0; i < 12; ++i)
    behind.push_back(consumer("c" + std::to_string(i), 1, -std::chrono::minutes(i + 1), 0s));
  Engine e({rotation_rule()}, options());
  e.observe(RotationObservation{{secret("secret/data/app", 2, behind)}}, t0);
  const Alert* a = find(e, "VaultSecretRotationNotPropagated");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->value, 12);
  const auto& text = a->annotations.at("stale_consumers");
  EXPECT_EQ(text.rfind("c11 (", 0), 0u) << text;  // read 12 minutes ago: the oldest
  EXPECT_NE(text.find("c2 ("), std::string::npos);
  EXPECT_EQ(text.find("c1 ("), std::string::npos) << "the 11th is not named";
  EXPECT_NE(text.find("; and 2 more"), std::string::npos) << text;
}

TEST(RotationRule, NoSnapshotYetKeepsARestoredAlert) {
  // After a restart the alert state is restored before the rotation service's first push: a
  // tick in between must not resolve it (and announce a resolution that is not one).
  Engine first({rotation_rule()}, options());
  first.observe(RotationObservation{{secret("secret/data/app", 2, {consumer("app", 1, -1min, 0s)})}}, t0);
  first.collect_notifications(t0);
  Engine second({rotation_rule()}, options());
  second.restore(first.save(at(1s)), at(2s));
  second.tick(at(3s));
  EXPECT_EQ(state_of(second, "VaultSecretRotationNotPropagated"), AlertState::firing);
  EXPECT_TRUE(second.collect_notifications(at(3s)).empty()) << "neither resolved nor announced again";
  second.observe(RotationObservation{{secret("secret/data/app", 2, {consumer("app", 1, -1min, 0s)})}}, at(4s));
  EXPECT_EQ(state_of(second, "VaultSecretRotationNotPropagated"), AlertState::firing);
  EXPECT_TRUE(second.collect_notifications(at(4s)).empty());
}

}  // namespace
}  // namespace vw::rules
