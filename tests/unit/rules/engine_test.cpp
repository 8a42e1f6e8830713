// The rule engine with explicit `now`: no clock, no sleeps. Each test drives observations and
// ticks at chosen instants and checks states, transitions and notifications.
#include "rules/engine.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "rules_test_util.hpp"

namespace vw::rules {
namespace {

using namespace test;
using ::testing::HasSubstr;

EngineOptions opts() {
  EngineOptions o;
  o.resend_interval = 1min;
  o.generator_url = "http://vw:9410/api/v1/alerts";
  return o;
}

// ---- for ----------------------------------------------------------------------------------

TEST(RuleEngine, ForEdges) {
  struct Case {
    Duration for_;
    Duration second_poll;
    AlertState expected;
  } cases[] = {
      {0s, 0s, AlertState::firing},          // no `for`: firing at the first evaluation
      {30s, 29999ms, AlertState::pending},   // one millisecond short
      {30s, 30s, AlertState::firing},        // exactly `for`: fires (Prometheus: >=)
      {30s, 45s, AlertState::firing},
      {5min, 4min, AlertState::pending},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(format_duration(c.for_) + " / " + format_duration(c.second_poll));
    Engine e({health("VaultSealed", HealthCondition::sealed, c.for_)}, opts());
    e.observe(node(NodeState::sealed, 503), at(0s));
    EXPECT_EQ(state_of(e, "VaultSealed"), c.for_ == 0s ? AlertState::firing : AlertState::pending);
    e.observe(node(NodeState::sealed, 503), at(c.second_poll));
    EXPECT_EQ(state_of(e, "VaultSealed"), c.expected);
    EXPECT_EQ(find(e, "VaultSealed")->active_at, at(0s)) << "activeAt is the first poll that saw it";
  }
}

TEST(RuleEngine, PendingThatClearsIsDroppedAndStartsOverNextTime) {
  Engine e({health("VaultSealed", HealthCondition::sealed, 30s)}, opts());
  auto t1 = e.observe(node(NodeState::sealed, 503), at(0s));
  ASSERT_EQ(t1.size(), 1u);
  EXPECT_EQ(t1[0].to, AlertState::pending);
  auto t2 = e.observe(node(NodeState::active, 200), at(20s));
  ASSERT_EQ(t2.size(), 1u);
  EXPECT_EQ(t2[0].from, AlertState::pending);
  EXPECT_EQ(t2[0].to, AlertState::inactive);
  EXPECT_TRUE(e.alerts().empty()) << "a pending alert that clears leaves nothing behind";
  e.observe(node(NodeState::sealed, 503), at(25s));
  e.observe(node(NodeState::sealed, 503), at(50s));
  EXPECT_EQ(state_of(e, "VaultSealed"), AlertState::pending) << "the clock restarted at 25s";
  e.observe(node(NodeState::sealed, 503), at(55s));
  EXPECT_EQ(state_of(e, "VaultSealed"), AlertState::firing);
  EXPECT_TRUE(e.collect_notifications(at(55s)).size() == 1);
  EXPECT_EQ(find(e, "VaultSealed")->fired_at, at(55s));
}

// ---- every health condition ---------------------------------------------------------------

TEST(RuleEngine, EveryHealthCondition) {
  const std::pair<NodeState, unsigned> states[] = {
      {NodeState::unreachable, 0},   {NodeState::active, 200},
      {NodeState::standby, 429},     {NodeState::dr_secondary, 472},
      {NodeState::performance_standby, 473}, {NodeState::ha_unhealthy, 474},
      {NodeState::uninitialized, 501}, {NodeState::sealed, 503},
      {NodeState::removed, 530},     {NodeState::other, 500},
  };
  struct Case {
    HealthCondition c;
    std::vector<NodeState> holds_in;
  } cases[] = {
      {HealthCondition::unreachable, {NodeState::unreachable}},
      {HealthCondition::uninitialized, {NodeState::uninitialized}},
      {HealthCondition::sealed, {NodeState::sealed}},
      {HealthCondition::standby, {NodeState::standby}},
      {HealthCondition::performance_standby, {NodeState::performance_standby}},
      {HealthCondition::dr_secondary, {NodeState::dr_secondary}},
      {HealthCondition::ha_unhealthy, {NodeState::ha_unhealthy}},
      {HealthCondition::removed, {NodeState::removed}},
      {HealthCondition::not_active,
       {NodeState::unreachable, NodeState::standby, NodeState::dr_secondary,
        NodeState::performance_standby, NodeState::ha_unhealthy, NodeState::uninitialized,
        NodeState::sealed, NodeState::removed, NodeState::other}},
  };
  for (const auto& c : cases) {
    for (const auto& [s, code] : states) {
      SCOPED_TRACE(std::string(to_string(c.c)) + " in state with code " + std::to_string(code));
      Engine e({health("A", c.c)}, opts());
      e.observe(node(s, code), at(0s));
      const bool expect = std::find(c.holds_in.begin(), c.holds_in.end(), s) != c.holds_in.end();
      EXPECT_EQ(state_of(e, "A"), expect ? AlertState::firing : AlertState::inactive);
      if (expect) {
        EXPECT_EQ(find(e, "A")->value, code) << "$value is the status code";
      }
    }
  }
}

TEST(RuleEngine, ClockSkewAbove) {
  struct Case {
    std::optional<double> skew;
    bool fires;
  } cases[] = {{4.9, false}, {5.0, false}, {5.1, true}, {-6, true}, {std::nullopt, false}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.skew ? std::to_string(*c.skew) : "none");
    Engine e({health("Skew", HealthCondition::clock_skew)}, opts());
    auto h = node(NodeState::active, 200);
    h.skew_seconds = c.skew;
    e.observe(h, at(0s));
    EXPECT_EQ(state_of(e, "Skew"), c.fires ? AlertState::firing : AlertState::inactive);
    if (c.fires) {
      EXPECT_EQ(find(e, "Skew")->value, *c.skew);
    }
  }
}

TEST(RuleEngine, LeaderChangedFiresOnTheChangeAndResolvesAfterKeepFiringFor) {
  Rule r = health("VaultLeaderChanged", HealthCondition::leader_changed, 0s, 10min);
  r.annotations["description"] = tmpl("now {{ $event.current }} (was {{ $event.previous }})");
  Engine e({r}, opts());
  EXPECT_TRUE(e.observe(LeaderObservation{"https://a:8200"}, at(0s)).empty()) << "first leader seen";
  EXPECT_TRUE(e.observe(LeaderObservation{""}, at(10s)).empty()) << "no address is not a change";
  EXPECT_TRUE(e.observe(LeaderObservation{"https://a:8200"}, at(20s)).empty());
  auto t = e.observe(LeaderObservation{"https://b:8200"}, at(30s));
  ASSERT_EQ(t.size(), 2u);  // inactive -> pending -> firing, like Prometheus with for: 0s
  EXPECT_EQ(t[1].to, AlertState::firing);
  const Alert* a = find(e, "VaultLeaderChanged");
  EXPECT_EQ(a->annotations.at("description"), "now https://b:8200 (was https://a:8200)");
  EXPECT_EQ(a->keep_firing_since, at(30s));
  EXPECT_EQ(e.next_wakeup(at(30s)), at(30s)) << "the firing notification is due now";
  e.collect_notifications(at(30s));
  EXPECT_EQ(e.next_wakeup(at(30s)), at(90s)) << "the next re-send comes before the keep deadline";
  EXPECT_TRUE(e.tick(at(10min + 29s)).empty());
  auto r2 = e.tick(at(10min + 30s));
  ASSERT_EQ(r2.size(), 1u);
  EXPECT_EQ(r2[0].to, AlertState::inactive);
  EXPECT_EQ(find(e, "VaultLeaderChanged")->resolved_at, at(10min + 30s));
}

TEST(RuleEngine, VersionChangeWhileKeptFiringExtendsIt) {
  Engine e({health("VaultVersionChanged", HealthCondition::version_changed, 0s, 1h)}, opts());
  auto h = node(NodeState::active, 200);
  e.observe(h, at(0s));
  h.version = "1.19.3";
  e.observe(h, at(10s));
  EXPECT_EQ(state_of(e, "VaultVersionChanged"), AlertState::firing);
  e.observe(h, at(20s));  // same version: nothing new
  EXPECT_EQ(find(e, "VaultVersionChanged")->keep_firing_since, at(10s));
  h.version = "1.20.0";
  e.observe(h, at(30min));
  EXPECT_EQ(find(e, "VaultVersionChanged")->keep_firing_since, at(30min));
  e.tick(at(1h + 10s));
  EXPECT_EQ(state_of(e, "VaultVersionChanged"), AlertState::firing);
  e.tick(at(1h + 30min));
  EXPECT_EQ(state_of(e, "VaultVersionChanged"), AlertState::inactive);
}

// ---- keep_firing_for and flapping -----------------------------------------------------------

TEST(RuleEngine, KeepFiringForBridgesFlapping) {
  Engine e({health("VaultSealed", HealthCondition::sealed, 0s, 1min)}, opts());
  e.observe(node(NodeState::sealed, 503), at(0s));
  ASSERT_EQ(e.collect_notifications(at(0s)).size(), 1u);
  // Flaps every 10 s for a while: stays firing, no new notifications.
  for (int i = 1; i <= 11; ++i) {
    e.observe(node(i % 2 ? NodeState::active : NodeState::sealed, i % 2 ? 200 : 503), at(i * 10s));
    EXPECT_EQ(state_of(e, "VaultSealed"), AlertState::firing) << i;
    for (const auto& n : e.collect_notifications(at(i * 10s))) EXPECT_FALSE(n.state_change) << i;
  }
  // Then stays up: resolves one minute after the condition was last seen false.
  e.observe(node(NodeState::active, 200), at(130s));
  EXPECT_EQ(find(e, "VaultSealed")->keep_firing_since, at(110s));
  e.observe(node(NodeState::active, 200), at(169s));
  EXPECT_EQ(state_of(e, "VaultSealed"), AlertState::firing);
  e.observe(node(NodeState::active, 200), at(170s));
  EXPECT_EQ(state_of(e, "VaultSealed"), AlertState::inactive);
  EXPECT_EQ(find(e, "VaultSealed")->resolved_at, at(170s));
}

TEST(RuleEngine, FlappingWithoutKeepFiringResolvesAndRefiresAsANewAlert) {
  Engine e({health("VaultSealed", HealthCondition::sealed)}, opts());
  std::vector<AlertNotification> sent;
  for (int i = 0; i < 4; ++i) {
    e.observe(node(i % 2 ? NodeState::active : NodeState::sealed, i % 2 ? 200 : 503), at(i * 10s));
    auto n = e.collect_notifications(at(i * 10s));
    sent.insert(sent.end(), n.begin(), n.end());
  }
  ASSERT_EQ(sent.size(), 4u);
  EXPECT_FALSE(sent[0].resolved);
  EXPECT_TRUE(sent[1].resolved);
  EXPECT_EQ(sent[1].ends_at, at(10s));
  EXPECT_FALSE(sent[2].resolved);
  EXPECT_EQ(sent[2].starts_at, at(20s)) << "a new activation has a new startsAt";
  EXPECT_TRUE(sent[3].resolved);
  for (const auto& n : sent) EXPECT_TRUE(n.state_change);
}

// ---- notifications --------------------------------------------------------------------------

TEST(RuleEngine, ResendsFiringEveryResendIntervalAndResolvedFor15Minutes) {
  Rule r = health("VaultSealed", HealthCondition::sealed);
  r.annotations["summary"] = tmpl("sealed ({{ $value }})");
  Engine e({r}, opts());
  e.observe(node(NodeState::sealed, 503), at(0s));
  auto n = e.collect_notifications(at(0s));
  ASSERT_EQ(n.size(), 1u);
  EXPECT_TRUE(n[0].state_change);
  EXPECT_FALSE(n[0].resolved);
  EXPECT_EQ(n[0].starts_at, at(0s));
  EXPECT_EQ(n[0].ends_at, at(4min)) << "endsAt = now + 4 x resend_interval";
  EXPECT_EQ(n[0].generator_url, "http://vw:9410/api/v1/alerts");
  EXPECT_EQ(n[0].annotations.at("summary"), "sealed (503)");
  EXPECT_EQ(n[0].labels, (Labels{{"alertname", "VaultSealed"}, {"severity", "critical"}}));
  EXPECT_TRUE(e.collect_notifications(at(59s)).empty());
  EXPECT_EQ(e.next_wakeup(at(59s)), at(60s));
  n = e.collect_notifications(at(60s));
  ASSERT_EQ(n.size(), 1u);
  EXPECT_FALSE(n[0].state_change);
  EXPECT_EQ(n[0].ends_at, at(5min));
  e.observe(node(NodeState::active, 200), at(90s));
  n = e.collect_notifications(at(90s));
  ASSERT_EQ(n.size(), 1u);
  EXPECT_TRUE(n[0].resolved);
  EXPECT_TRUE(n[0].state_change);
  EXPECT_EQ(n[0].starts_at, at(0s));
  EXPECT_EQ(n[0].ends_at, at(90s)) << "resolved: endsAt = resolve time";
  int resends = 0;
  for (Duration d = 91s; d < 90s + 15min; d += 1s) {
    for (const auto& x : e.collect_notifications(at(d))) {
      EXPECT_TRUE(x.resolved);
      EXPECT_FALSE(x.state_change);
      EXPECT_EQ(x.ends_at, at(90s));
      ++resends;
    }
  }
  EXPECT_EQ(resends, 14);
  e.collect_notifications(at(90s + 15min));
  EXPECT_TRUE(e.alerts().empty()) << "forgotten after the resolved retention";
  EXPECT_EQ(e.next_wakeup(at(90s + 15min)), std::nullopt);
}

TEST(RuleEngine, FiredAndResolvedBeforeCollectionStillAnnouncesTheFiring) {
  Rule r = make_rule("Burst", audit_paths({"sys/raw/**"}), 0s, 0s);
  Engine e({r}, opts());
  e.observe(event("sys/raw/core/x"), at(0s));
  EXPECT_EQ(state_of(e, "Burst"), AlertState::inactive);
  auto n = e.collect_notifications(at(0s));
  ASSERT_EQ(n.size(), 2u);
  EXPECT_FALSE(n[0].resolved);
  EXPECT_TRUE(n[1].resolved);
}

TEST(RuleEngine, ExternalLabelsJoinTheIdentityWithoutOverridingRuleLabels) {
  auto o = opts();
  o.external_labels = {{"instance", "vault-1"}, {"severity", "page"}, {"cluster", "shared"}};
  Engine e({health("VaultSealed", HealthCondition::sealed)}, o);
  e.observe(node(NodeState::sealed, 503), at(0s));
  ASSERT_EQ(e.alerts().size(), 1u);
  EXPECT_EQ(e.alerts().begin()->first,
            (Labels{{"alertname", "VaultSealed"}, {"cluster", "shared"}, {"instance", "vault-1"},
                    {"severity", "critical"}}));
}

// ---- audit rules ----------------------------------------------------------------------------

TEST(RuleEngine, AuditRuleFiresPerEventAndKeepsFiring15MinutesAfterTheLastMatch) {
  AuditCond c;
  c.match.types = {AuditEvent::Type::request};
  c.match.policies = {"root"};
  Rule r = make_rule("VaultRootTokenUsed", c);
  ASSERT_EQ(r.keep_firing_for, 15min) << "audit rules default to keep_firing_for 15m";
  r.annotations["description"] =
      tmpl("{{ $event.display_name }} did {{ $event.operation }} on {{ $event.path }} ({{ $count }})");
  Engine e({r}, opts());
  EXPECT_TRUE(e.observe(event("secret/data/x", "approle"), at(0s)).empty());
  auto t = e.observe(event("sys/policy/admin", "root", {"root"}), at(1s));
  ASSERT_FALSE(t.empty());
  EXPECT_EQ(t.back().to, AlertState::firing);
  auto n = e.collect_notifications(at(1s));
  ASSERT_EQ(n.size(), 1u);
  EXPECT_EQ(n[0].annotations.at("description"), "root did update on sys/policy/admin (1)");
  const Alert* a = find(e, "VaultRootTokenUsed");
  ASSERT_TRUE(a->last_event);
  EXPECT_EQ(a->last_event->accessor, "") << "never kept";
  e.observe(event("sys/mounts/x", "root", {"root"}), at(10min));
  EXPECT_EQ(find(e, "VaultRootTokenUsed")->annotations.at("description"),
            "root did update on sys/mounts/x (2)");
  for (const auto& n : e.collect_notifications(at(10min))) EXPECT_FALSE(n.state_change);
  e.tick(at(24min + 59s));
  e.collect_notifications(at(24min + 59s));
  EXPECT_EQ(state_of(e, "VaultRootTokenUsed"), AlertState::firing);
  EXPECT_EQ(e.next_wakeup(at(24min + 59s)).value(), at(25min));
  e.tick(at(25min));
  EXPECT_EQ(state_of(e, "VaultRootTokenUsed"), AlertState::inactive);
  EXPECT_EQ(find(e, "VaultRootTokenUsed")->resolved_at, at(25min));
  // The next use is a new alert with a fresh count.
  e.observe(event("sys/mounts/y", "root", {"root"}), at(30min));
  EXPECT_THAT(find(e, "VaultRootTokenUsed")->annotations.at("description"), HasSubstr("(1)"));
}

TEST(RuleEngine, AuditThresholdWindowEdges) {
  AuditCond c = audit_paths({"secret/**"});
  c.threshold = 3;
  c.window = 10s;
  struct Case {
    std::vector<Duration> events;
    bool fires;
  } cases[] = {
      {{0s, 5s, 9s}, true},
      {{0s, 5s, 9999ms}, true},
      {{0s, 5s, 10s}, false},  // the first one left the window exactly when the third came
      {{0s, 1s}, false},
      {{0s, 20s, 21s, 22s}, true},
  };
  for (const auto& cs : cases) {
    SCOPED_TRACE(cs.events.size());
    Engine e({make_rule("Burst", c, 0s, 0s)}, opts());
    for (auto d : cs.events) e.observe(event("secret/data/a"), at(d));
    const SysTime last = at(cs.events.back());
    EXPECT_EQ(find(e, "Burst") && find(e, "Burst")->state == AlertState::firing, cs.fires);
    if (cs.fires) {
      // Holds until the oldest of the last three events leaves the window.
      const SysTime end = at(cs.events[cs.events.size() - 3]) + 10s;
      e.collect_notifications(last);
      EXPECT_EQ(e.next_wakeup(last + 1ms).value(), end);
      e.tick(end - 1ms);
      EXPECT_EQ(state_of(e, "Burst"), AlertState::firing);
      e.tick(end);
      EXPECT_EQ(state_of(e, "Burst"), AlertState::inactive);
      EXPECT_EQ(find(e, "Burst")->resolved_at, end);
    }
  }
}

TEST(RuleEngine, AuditWindowWithForFiresWhenTheCountHoldsLongEnough) {
  AuditCond c = audit_paths({"secret/**"});
  c.threshold = 2;
  c.window = 1min;
  Engine e({make_rule("Sustained", c, 30s, 0s)}, opts());
  e.observe(event("secret/a"), at(0s));
  e.observe(event("secret/a"), at(1s));
  EXPECT_EQ(state_of(e, "Sustained"), AlertState::pending);
  EXPECT_EQ(e.next_wakeup(at(1s)).value(), at(31s));
  e.tick(at(31s));
  EXPECT_EQ(state_of(e, "Sustained"), AlertState::firing);
  EXPECT_EQ(find(e, "Sustained")->fired_at, at(31s));
  e.tick(at(60s));  // the first event leaves the window: one left, below the threshold
  EXPECT_EQ(state_of(e, "Sustained"), AlertState::inactive);

  // A tick that comes late still fires first (the condition held for `for`), then resolves.
  Engine late({make_rule("Sustained", c, 30s, 0s)}, opts());
  late.observe(event("secret/a"), at(0s));
  late.observe(event("secret/a"), at(1s));
  auto t = late.tick(at(5min));
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0].to, AlertState::firing);
  EXPECT_EQ(t[0].at, at(31s));
  EXPECT_EQ(t[1].to, AlertState::inactive);
  EXPECT_EQ(t[1].at, at(60s));
}

// A window that stopped holding leaves its firing alert to keep_firing_for: the engine has
// nothing to do until then (it used to ask to be woken at once, over and over: a busy loop
// for the whole keep_firing_for after every VaultPermissionDeniedSpike).
TEST(RuleEngine, WindowThatStoppedHoldingSleepsUntilKeepFiringForEnds) {
  AuditCond c = audit_paths({"secret/**"});
  c.threshold = 2;
  c.window = 10s;
  Engine e({make_rule("Burst", c, 0s, 15min)}, opts());
  e.observe(event("secret/a"), at(0s));
  e.observe(event("secret/a"), at(1s));
  e.collect_notifications(at(1s));
  e.tick(at(10s));
  EXPECT_EQ(state_of(e, "Burst"), AlertState::firing);
  EXPECT_EQ(find(e, "Burst")->keep_firing_since, at(10s));
  EXPECT_TRUE(e.collect_notifications(at(10s)).empty());
  EXPECT_EQ(e.next_wakeup(at(10s)), at(61s)) << "the next re-send, not now";
}

// ---- history never pages as "now" (issue 17.2) -------------------------------------------

AuditEvent at_time(AuditEvent e, SysTime t) {
  e.time = t;
  return e;
}

TEST(RuleEngine, EntriesOlderThanAuditMaxAgeRaiseNoAlert) {
  Rule r = make_rule("VaultRootTokenUsed", audit_paths({"sys/**"}));
  const auto now = at(6 * 24h);
  Engine e({r}, opts());
  EXPECT_TRUE(e.observe(at_time(event("sys/mounts/x", "root"), at(0s)), now).empty());
  EXPECT_EQ(e.alerts().size(), 0u) << "six days old: history";
  EXPECT_EQ(e.audit_timing().too_old, 1u);
  // Within the age: alerted, at the entry's own time.
  e.observe(at_time(event("sys/mounts/x", "root"), now - 14min), now);
  const Alert* a = find(e, "VaultRootTokenUsed");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->state, AlertState::firing);
  EXPECT_EQ(a->active_at, now - 14min);
  EXPECT_EQ(a->fired_at, now - 14min) << "startsAt is when it happened";
  EXPECT_EQ(a->annotations.count("late"), 0u);
  EXPECT_EQ(a->keep_firing_since, now) << "keep_firing_for runs from when it was read";
  // A Vault clock a little ahead: counted at now, not in the future.
  Engine ahead({r}, opts());
  ahead.observe(at_time(event("sys/mounts/x", "root"), now + 2s), now);
  EXPECT_EQ(find(ahead, "VaultRootTokenUsed")->active_at, now);
  // 0 turns the limit off.
  auto o = opts();
  o.audit_max_age = 0s;
  Engine unlimited({r}, o);
  unlimited.observe(at_time(event("sys/mounts/x", "root"), at(0s)), now);
  EXPECT_EQ(state_of(unlimited, "VaultRootTokenUsed"), AlertState::firing);
}

TEST(RuleEngine, ThresholdWindowsRunOnTheEntriesOwnTime) {
  AuditCond c = audit_paths({"secret/**"});
  c.threshold = 20;
  c.window = 5min;
  Engine e({make_rule("VaultPermissionDeniedSpike", c, 0s, 0s)}, opts());
  // 21 entries 30 s apart (10 minutes of traffic) read in one burst: never 20 within 5 minutes.
  const auto now = at(10min);
  for (int i = 0; i <= 20; ++i) e.observe(at_time(event("secret/a"), at(i * 30s)), now);
  EXPECT_TRUE(e.alerts().empty());
  // The same 21 entries 1 s apart: 20 within 5 minutes at the 20th.
  Engine burst({make_rule("VaultPermissionDeniedSpike", c, 0s, 0s)}, opts());
  for (int i = 0; i <= 20; ++i) burst.observe(at_time(event("secret/a"), at(i * 1s)), now);
  const Alert* a = find(burst, "VaultPermissionDeniedSpike");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->active_at, at(19s)) << "activeAt: the entry that reached the threshold";
}

TEST(RuleEngine, EntriesWrittenWhileDownAreDeliveredMarkedLate) {
  Rule r = make_rule("VaultRootTokenUsed", audit_paths({"sys/**"}));
  Engine before({r}, opts());
  const auto saved = before.save(at(0s));  // the previous run's last state: it stopped at 0s
  Engine e({r}, opts());
  const auto now = at(2h);
  e.restore(saved, now);
  EXPECT_EQ(e.audit_timing().down_since, at(0s));
  e.observe(at_time(event("sys/mounts/old", "root"), at(-1h)), now);
  EXPECT_TRUE(e.alerts().empty()) << "written before the previous run stopped: history";
  e.observe(at_time(event("sys/mounts/x", "root"), at(1h)), now);
  const Alert* a = find(e, "VaultRootTokenUsed");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->state, AlertState::firing);
  EXPECT_EQ(a->annotations.at("late"), "true");
  EXPECT_EQ(a->active_at, at(1h));
  EXPECT_EQ(a->fired_at, at(1h));
  EXPECT_EQ(e.audit_timing().late, 1u);
  EXPECT_EQ(e.audit_timing().too_old, 1u);
  auto n = e.collect_notifications(now);
  ASSERT_EQ(n.size(), 1u);
  EXPECT_FALSE(n[0].resolved) << "delivered as firing, so that Alertmanager shows it";
  EXPECT_EQ(n[0].starts_at, at(1h));
  e.tick(now + 15min);
  EXPECT_EQ(state_of(e, "VaultRootTokenUsed"), AlertState::inactive) << "then keep_firing_for from now";
  // A reload keeps the boundary of the start (it is not a restart).
  Engine reloaded({r}, opts());
  reloaded.carry_inputs_from(e);
  reloaded.restore(e.save(now + 16min), now + 16min);
  EXPECT_EQ(reloaded.audit_timing().down_since, at(0s));
}

TEST(RuleEngine, AuditWindowPendingThatStopsHoldingIsDropped) {
  AuditCond c = audit_paths({"secret/**"});
  c.threshold = 2;
  c.window = 10s;
  Engine e({make_rule("Sustained", c, 30s, 0s)}, opts());
  e.observe(event("secret/a"), at(0s));
  e.observe(event("secret/a"), at(1s));
  auto t = e.tick(at(10s));
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].from, AlertState::pending);
  EXPECT_EQ(t[0].to, AlertState::inactive);
  EXPECT_TRUE(e.alerts().empty());
}

TEST(RuleEngine, PermissionDeniedSpikeCountsPerDisplayName) {
  AuditCond c;
  c.match.types = {AuditEvent::Type::request};
  c.match.errors = {"permission denied"};
  c.threshold = 20;
  c.window = 5min;
  c.group_by = {"display_name"};
  Rule r = make_rule("VaultPermissionDeniedSpike", c, 0s, std::nullopt, {{"severity", "warning"}});
  r.annotations["summary"] = tmpl("{{ $count }} denied for {{ $labels.display_name }}");
  Engine e({r}, opts());
  for (int i = 0; i < 19; ++i) {
    auto a = event("secret/data/x", "alice");
    a.error = "1 error occurred:\n\t* Permission Denied\n\n";
    e.observe(a, at(i * 1s));
    auto b = event("secret/data/x", "bob");
    b.error = "permission denied";
    e.observe(b, at(i * 1s));
  }
  EXPECT_TRUE(e.alerts().empty());
  auto a = event("secret/data/x", "alice");
  a.error = "permission denied";
  e.observe(a, at(20s));
  ASSERT_EQ(e.alerts().size(), 1u);
  const auto& [labels, alert] = *e.alerts().begin();
  EXPECT_EQ(labels.at("display_name"), "alice");
  EXPECT_EQ(alert.state, AlertState::firing);
  EXPECT_EQ(alert.annotations.at("summary"), "20 denied for alice");
  EXPECT_EQ(alert.value, 20);
  e.observe(event("secret/data/x", "alice"), at(21s));  // no error: does not count
  EXPECT_EQ(e.alerts().begin()->second.value, 20);
}

TEST(RuleEngine, GroupByCapFoldsTheRestIntoOneOtherInstance) {
  AuditCond c = audit_paths({"**"});
  c.group_by = {"display_name", "remote_address"};
  c.group_limit = 3;
  Engine e({make_rule("Seen", c)}, opts());
  for (int i = 0; i < 10; ++i) e.observe(event("secret/a", "user-" + std::to_string(i)), at(i * 1s));
  std::vector<std::string> names;
  for (const auto& [l, a] : e.alerts()) names.push_back(l.at("display_name") + "@" + l.at("remote_address"));
  EXPECT_THAT(names, ::testing::UnorderedElementsAre("user-0@10.1.2.3", "user-1@10.1.2.3",
                                                     "user-2@10.1.2.3", "other@other"));
  const Alert* other = nullptr;
  for (const auto& [l, a] : e.alerts())
    if (l.at("display_name") == "other") other = &a;
  ASSERT_TRUE(other);
  EXPECT_EQ(other->value, 7) << "seven events folded";
  // Once the first groups resolve (keep_firing_for 15m), new values get their own instance.
  e.tick(at(20min));
  e.observe(event("secret/a", "user-42"), at(21min));
  bool found = false;
  for (const auto& [l, a] : e.alerts()) found = found || (l.at("display_name") == "user-42" && a.state == AlertState::firing);
  EXPECT_TRUE(found);
}

TEST(RuleEngine, NotBlockExcludesMatchingEvents) {
  AuditCond c = audit_paths({"secret/**"});
  AuditMatch ex;
  ex.display_names = {Glob::compile("vaultwatch*").value()};
  ex.operations = {"read"};
  c.exclude = ex;
  Engine e({make_rule("Access", c)}, opts());
  auto mine = event("secret/data/a", "vaultwatch-agent");
  mine.operation = "read";
  e.observe(mine, at(0s));
  EXPECT_TRUE(e.alerts().empty()) << "excluded: both keys of `not` match";
  mine.operation = "update";
  e.observe(mine, at(1s));
  EXPECT_EQ(state_of(e, "Access"), AlertState::firing) << "not excluded: only one key matches";
}

TEST(RuleEngine, AuditEventsOfTheResponseHalfAreNotCountedByDefault) {
  AuditCond c = audit_paths({"sys/raw/**"});  // types = {request}, as the loader defaults
  Engine e({make_rule("Raw", c)}, opts());
  auto resp = event("sys/raw/x");
  resp.type = AuditEvent::Type::response;
  e.observe(resp, at(0s));
  EXPECT_TRUE(e.alerts().empty());
}

// ---- audit silence --------------------------------------------------------------------------

TEST(RuleEngine, AuditSilentWhileVaultActive) {
  Engine e({make_rule("VaultAuditLogSilent", AuditSilentCond{15min})}, opts());
  e.observe(node(NodeState::active, 200), at(0s));
  e.note_audit_activity(at(1min));
  EXPECT_EQ(e.next_wakeup(at(1min)).value(), at(16min));
  e.tick(at(16min) - 1ms);
  EXPECT_TRUE(e.alerts().empty());
  e.tick(at(16min));
  EXPECT_EQ(state_of(e, "VaultAuditLogSilent"), AlertState::firing);
  EXPECT_EQ(find(e, "VaultAuditLogSilent")->value, 900);
  e.observe(event("secret/a"), at(17min));  // any entry proves the log is alive
  EXPECT_EQ(state_of(e, "VaultAuditLogSilent"), AlertState::inactive);

  // A standby is quiet by design; the clock starts when the node becomes active.
  Engine s({make_rule("VaultAuditLogSilent", AuditSilentCond{15min})}, opts());
  s.observe(node(NodeState::standby, 429), at(0s));
  s.tick(at(30min));
  EXPECT_TRUE(s.alerts().empty());
  s.observe(node(NodeState::active, 200), at(30min));
  s.tick(at(44min));
  EXPECT_TRUE(s.alerts().empty());
  s.tick(at(45min));
  EXPECT_EQ(state_of(s, "VaultAuditLogSilent"), AlertState::firing);
  s.observe(node(NodeState::sealed, 503), at(46min));
  EXPECT_EQ(state_of(s, "VaultAuditLogSilent"), AlertState::inactive);

  auto o = opts();
  o.audit_enabled = false;
  Engine off({make_rule("VaultAuditLogSilent", AuditSilentCond{15min})}, o);
  off.observe(node(NodeState::active, 200), at(0s));
  off.tick(at(1h));
  EXPECT_TRUE(off.alerts().empty()) << "no tailer, no opinion";
}

// ---- metrics, secrets, token ----------------------------------------------------------------

TEST(RuleEngine, MetricThresholdPerSeries) {
  MetricCond m;
  m.name = "vault_runtime_alloc_bytes";
  m.op = CompareOp::gt;
  m.threshold = 2147483648.0;
  Engine e({make_rule("VaultHighMemory", m, 10min)}, opts());
  e.observe(MetricSource::vault, {{"vault_runtime_alloc_bytes", {{"cluster", "c1"}}, 3e9}}, at(0s));
  EXPECT_EQ(state_of(e, "VaultHighMemory"), AlertState::pending);
  EXPECT_EQ(e.alerts().begin()->first.at("cluster"), "c1") << "series labels join the identity";
  e.observe(MetricSource::vault, {{"vault_runtime_alloc_bytes", {{"cluster", "c1"}}, 3e9}}, at(10min));
  EXPECT_EQ(state_of(e, "VaultHighMemory"), AlertState::firing);
  e.observe(MetricSource::vault, {{"vault_runtime_alloc_bytes", {{"cluster", "c1"}}, 1e9}}, at(11min));
  EXPECT_EQ(state_of(e, "VaultHighMemory"), AlertState::inactive);
}

TEST(RuleEngine, MetricRateOverCountersIncrementedByZero) {
  MetricCond m;
  m.name = "vault_audit_log_request_failure";
  m.op = CompareOp::gt;
  m.threshold = 0;
  m.rate_over = 5min;
  Engine e({make_rule("VaultAuditWriteFailures", m, 0s)}, opts());
  auto feed = [&](Duration d, double v) {
    e.observe(MetricSource::vault, {{"vault_audit_log_request_failure", {}, v}}, at(d));
  };
  feed(0s, 0);
  feed(30s, 0);
  feed(60s, 0);
  EXPECT_TRUE(e.alerts().empty()) << "present but flat: no failures";
  feed(90s, 2);
  EXPECT_EQ(state_of(e, "VaultAuditWriteFailures"), AlertState::firing);
  EXPECT_NEAR(find(e, "VaultAuditWriteFailures")->value, 2.0 / 90, 1e-9);
  for (Duration d = 120s; d <= 6min + 30s; d += 30s) feed(d, 2);
  EXPECT_EQ(state_of(e, "VaultAuditWriteFailures"), AlertState::inactive)
      << "the increase left the 5m window";
  feed(7min, 1);  // counter reset (Vault restarted) and one new failure
  EXPECT_EQ(state_of(e, "VaultAuditWriteFailures"), AlertState::firing);
}

TEST(RuleEngine, MetricMatchersAndStaleSources) {
  MetricCond m;
  m.name = "vault_core_unsealed";
  m.match = {{"cluster", "prod"}};
  m.match_re = {{"host", Regex::compile("vault-[0-9]+").value()}};
  m.op = CompareOp::eq;
  m.threshold = 0;
  Engine e({make_rule("Sealed", m)}, opts());
  e.observe(MetricSource::vault,
            {{"vault_core_unsealed", {{"cluster", "prod"}, {"host", "vault-1"}}, 0},
             {"vault_core_unsealed", {{"cluster", "dev"}, {"host", "vault-2"}}, 0},
             {"vault_core_unsealed", {{"cluster", "prod"}, {"host", "vault-x"}}, 0},
             {"vault_core_unsealed", {{"cluster", "prod"}, {"host", "vault-3"}}, 1}},
            at(0s));
  ASSERT_EQ(e.alerts().size(), 1u);
  EXPECT_EQ(e.alerts().begin()->first.at("host"), "vault-1");
  e.collect_notifications(at(0s));
  EXPECT_EQ(e.next_wakeup(at(1s)).value(), at(60s)) << "the re-send comes before staleness";
  e.tick(at(5min) - 1ms);
  EXPECT_EQ(state_of(e, "Sealed"), AlertState::firing);
  e.tick(at(5min));
  EXPECT_EQ(state_of(e, "Sealed"), AlertState::inactive) << "no data for the lookback: resolved";
}

TEST(RuleEngine, SecretAgePerPathAndCrossingBetweenPolls) {
  SecretAgeCond s;
  s.paths = {Glob::compile("secret/cwiq/**").value()};
  Rule r = make_rule("VaultSecretRotationOverdue", s);
  r.annotations["summary"] = tmpl("{{ $labels.path }} is {{ $value }}s old");
  Engine e({r}, opts());
  e.observe(std::vector<SecretAge>{{"secret/cwiq/shared/db", at(-91 * 24h), 90 * 24h},
                                   {"secret/cwiq/shared/api", at(-10 * 24h), 90 * 24h},
                                   {"secret/other/x", at(-200 * 24h), 90 * 24h}},
            at(0s));
  ASSERT_EQ(e.alerts().size(), 1u);
  EXPECT_EQ(e.alerts().begin()->first.at("path"), "secret/cwiq/shared/db");
  EXPECT_EQ(e.alerts().begin()->second.annotations.at("summary"),
            "secret/cwiq/shared/db is " + std::to_string(91 * 86400) + "s old");
  // The api secret crosses 90d at +80d; the engine wakes for it without a new poll.
  auto wake = e.next_wakeup(at(1s));
  ASSERT_TRUE(wake);
  EXPECT_LE(*wake, at(80 * 24h) + 1ms);
  e.tick(at(80 * 24h + 1ms));
  EXPECT_EQ(e.alerts().size(), 2u);
  // Rotated: the next poll reports a fresh updated_at.
  e.observe(std::vector<SecretAge>{{"secret/cwiq/shared/db", at(80 * 24h), 90 * 24h},
                                   {"secret/cwiq/shared/api", at(-10 * 24h), 90 * 24h}},
            at(80 * 24h + 2ms));
  for (const auto& [l, a] : e.alerts())
    EXPECT_EQ(a.state, l.at("path") == "secret/cwiq/shared/db" ? AlertState::inactive : AlertState::firing)
        << l.at("path");
}

TEST(RuleEngine, TokenTtlBelow) {
  Engine e({make_rule("VaultMonitorTokenExpiring", TokenTtlCond{24h})}, opts());
  e.observe(TokenTtl{true, 48h}, at(0s));
  EXPECT_TRUE(e.alerts().empty());
  e.tick(at(24h));
  EXPECT_TRUE(e.alerts().empty()) << "exactly 24h left is not below 24h";
  e.tick(at(24h + 1ms));
  EXPECT_EQ(state_of(e, "VaultMonitorTokenExpiring"), AlertState::firing);
  e.observe(TokenTtl{true, 768h}, at(25h));  // renewed
  EXPECT_EQ(state_of(e, "VaultMonitorTokenExpiring"), AlertState::inactive);
  e.observe(TokenTtl{true, std::nullopt}, at(26h));  // a token that never expires
  EXPECT_EQ(state_of(e, "VaultMonitorTokenExpiring"), AlertState::inactive);
  e.observe(TokenTtl{false, std::nullopt}, at(27h));  // invalid: lookup-self refused it
  EXPECT_EQ(state_of(e, "VaultMonitorTokenExpiring"), AlertState::firing);
  EXPECT_EQ(find(e, "VaultMonitorTokenExpiring")->value, 0);
}

// ---- restart persistence --------------------------------------------------------------------

TEST(RuleEngine, RestoredFiringAlertIsNeitherForgottenNorAnnouncedAgain) {
  std::vector<Rule> rules = {health("VaultSealed", HealthCondition::sealed, 30s),
                             make_rule("VaultRootTokenUsed", [] {
                               AuditCond c;
                               c.match.types = {AuditEvent::Type::request};
                               c.match.policies = {"root"};
                               return c;
                             }())};
  Engine before(rules, opts());
  before.observe(node(NodeState::sealed, 503), at(0s));
  before.observe(node(NodeState::sealed, 503), at(30s));
  before.observe(event("sys/mounts/x", "root", {"root"}), at(40s));
  ASSERT_EQ(before.collect_notifications(at(40s)).size(), 2u);
  const auto saved = before.save(at(45s));

  Engine after(rules, opts());
  EXPECT_TRUE(after.restore(saved, at(2min)).empty());
  EXPECT_EQ(state_of(after, "VaultSealed"), AlertState::firing);
  EXPECT_EQ(find(after, "VaultSealed")->active_at, at(0s));
  EXPECT_EQ(find(after, "VaultSealed")->fired_at, at(30s));
  after.observe(node(NodeState::sealed, 503), at(2min));
  for (const auto& n : after.collect_notifications(at(2min)))
    EXPECT_FALSE(n.state_change) << "a re-send, not a new alert";
  // The root-token alert keeps its keep_firing_for deadline across the restart.
  after.tick(at(40s + 15min) - 1ms);
  EXPECT_EQ(state_of(after, "VaultRootTokenUsed"), AlertState::firing);
  after.tick(at(40s + 15min));
  EXPECT_EQ(state_of(after, "VaultRootTokenUsed"), AlertState::inactive);
}

TEST(RuleEngine, RestoredPendingKeepsActiveAtUnlessTheOutageWasLong) {
  std::vector<Rule> rules = {health("VaultSealed", HealthCondition::sealed, 30s)};
  Engine before(rules, opts());
  before.observe(node(NodeState::sealed, 503), at(0s));
  const auto saved = before.save(at(10s));

  Engine after(rules, opts());
  after.restore(saved, at(20s));
  after.observe(node(NodeState::sealed, 503), at(30s));
  EXPECT_EQ(state_of(after, "VaultSealed"), AlertState::firing) << "activeAt 0s survived";

  Engine late(rules, opts());
  late.restore(saved, at(10s + 1h + 1s));
  EXPECT_TRUE(late.alerts().empty()) << "beyond the outage tolerance";
}

TEST(RuleEngine, RestoreResolvesFiringAlertsOfRulesThatNoLongerExist) {
  Engine before({health("Gone", HealthCondition::sealed)}, opts());
  before.observe(node(NodeState::sealed, 503), at(0s));
  before.collect_notifications(at(0s));
  Engine after({health("VaultSealed", HealthCondition::sealed)}, opts());
  auto t = after.restore(before.save(at(1s)), at(1s));
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].to, AlertState::inactive);
  auto n = after.collect_notifications(at(1s));
  ASSERT_EQ(n.size(), 1u);
  EXPECT_TRUE(n[0].resolved);
  EXPECT_EQ(n[0].labels.at("alertname"), "Gone");
}

TEST(RuleEngine, RestoreKeepsAuditWindows) {
  AuditCond c = audit_paths({"secret/**"});
  c.threshold = 3;
  c.window = 1min;
  std::vector<Rule> rules = {make_rule("Burst", c, 0s, 0s)};
  Engine before(rules, opts());
  before.observe(event("secret/a"), at(0s));
  before.observe(event("secret/a"), at(1s));
  Engine after(rules, opts());
  after.restore(before.save(at(2s)), at(3s));
  after.observe(event("secret/a"), at(4s));
  EXPECT_EQ(state_of(after, "Burst"), AlertState::firing) << "two before the restart, one after";
}

TEST(RuleEngine, LastLeaderSurvivesARestartSoAChangeWhileDownIsReported) {
  std::vector<Rule> rules = {health("VaultLeaderChanged", HealthCondition::leader_changed, 0s, 10min)};
  Engine before(rules, opts());
  before.observe(LeaderObservation{"https://a:8200"}, at(0s));
  Engine after(rules, opts());
  after.restore(before.save(at(1s)), at(1min));
  after.observe(LeaderObservation{"https://b:8200"}, at(1min));
  EXPECT_EQ(state_of(after, "VaultLeaderChanged"), AlertState::firing);
}

}  // namespace
}  // namespace vw::rules
