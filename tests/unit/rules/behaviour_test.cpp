// The behavioural kinds (issue 14): new_value and baseline_rate, driven through the Engine at
// the entries' own times.
#include <gtest/gtest.h>

#include <cmath>

#include "rules/learnt_store.hpp"
#include "rules_test_util.hpp"

namespace vw::rules::test {
namespace {

constexpr auto day = 24h;

EngineOptions live_opts() {
  EngineOptions o;
  o.audit_max_age = 15min;
  return o;
}

AuditEvent entry(SysTime when, std::string remote, std::string entity = "ent-1", std::string path = "secret/data/app/db") {
  AuditEvent e = event(std::move(path), "approle-app");
  e.operation = "read";
  e.time = when;
  e.entity_id = std::move(entity);
  e.remote_address = std::move(remote);
  return e;
}

Rule new_network(Duration learn = 7 * day, Duration forget = 28 * day, std::size_t max_values = 100000) {
  NewValueCond c;
  c.common.match.types = {AuditEvent::Type::request};
  c.common.learn = learn;
  c.common.forget_after = forget;
  c.common.max_values = max_values;
  c.common.cooldown = 0s;
  return make_rule("NewNetwork", c);
}

// Feeds one live entry (read the moment it was written).
Transitions live(Engine& e, const AuditEvent& ev) { return e.observe(ev, ev.time); }

std::size_t firings(const Transitions& t) {
  std::size_t n = 0;
  for (const auto& x : t) n += x.to == AlertState::firing;
  return n;
}

TEST(NewValue, LearnsPerKeyFromItsFirstSightingThenFiresOnTheFirstNewValue) {
  Engine e({new_network()}, live_opts());
  EXPECT_EQ(firings(live(e, entry(at(0s), "10.1.2.3"))), 0u);
  EXPECT_TRUE(e.learnt_stats(at(0s)).at("NewNetwork").learning);
  // Day 6: a new network while the key is still learning: learnt, no alert.
  EXPECT_EQ(firings(live(e, entry(at(6 * day), "10.7.0.1"))), 0u);
  // Day 7 + 1s: a third network fires; the two learnt ones do not.
  EXPECT_EQ(firings(live(e, entry(at(7 * day + 1s), "10.1.2.99"))), 0u) << "same /24 as the first";
  EXPECT_EQ(firings(live(e, entry(at(7 * day + 2s), "10.7.0.200"))), 0u);
  EXPECT_FALSE(e.learnt_stats(at(7 * day)).at("NewNetwork").learning);
  EXPECT_EQ(firings(live(e, entry(at(7 * day + 3s), "192.0.2.7:51234"))), 1u);
  const Alert* a = find(e, "NewNetwork");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->labels.at("key"), "ent-1");
  EXPECT_EQ(a->annotations.at("value"), "192.0.2.0/24");
  EXPECT_EQ(a->annotations.at("key"), "ent-1");
  EXPECT_EQ(a->annotations.at("key_first_seen"), format_rfc3339_ms(at(0s)));
  EXPECT_EQ(a->annotations.at("remote_address"), "192.0.2.7:51234");
  EXPECT_EQ(a->value, static_cast<double>(std::chrono::seconds(7 * day + 3s).count())) << "$value: the key's age";
  EXPECT_EQ(a->active_at, at(7 * day + 3s));
  // The second sighting is known.
  EXPECT_EQ(firings(live(e, entry(at(8 * day), "192.0.2.8"))), 0u);
  EXPECT_EQ(e.learnt_stats(at(8 * day)).at("NewNetwork").values, 3u);
  // Another key is learning on its own clock, even though the rule is not.
  EXPECT_EQ(firings(live(e, entry(at(8 * day), "198.51.100.1", "ent-2"))), 0u);
  EXPECT_EQ(firings(live(e, entry(at(9 * day), "198.51.100.200", "ent-2"))), 0u);
}

TEST(NewValue, ForgetsValuesNotSeenForForgetAfter) {
  Engine e({new_network(1 * day, 10 * day)}, live_opts());
  live(e, entry(at(0s), "10.1.2.3"));
  live(e, entry(at(1h), "10.9.9.9"));
  // Keep the key alive from the first network only.
  for (int d = 2; d <= 12; ++d) live(e, entry(at(d * day), "10.1.2.3"));
  EXPECT_EQ(firings(live(e, entry(at(12 * day + 1s), "10.9.9.9"))), 1u) << "unseen for 12 days: new again";
}

TEST(NewValue, EvictsTheLeastRecentlySeenAtMaxValuesAndCountsThem) {
  Engine e({new_network(1h, 28 * day, 16)}, live_opts());
  live(e, entry(at(0s), "10.0.0.1"));
  for (int i = 1; i <= 40; ++i) live(e, entry(at(std::chrono::seconds(i)), "10.0." + std::to_string(i) + ".1"));
  const auto st = e.learnt_stats(at(41s)).at("NewNetwork");
  EXPECT_LE(st.values, 16u);
  EXPECT_EQ(st.evicted, 41u - st.values);
  // The most recent survive, the oldest went.
  EXPECT_EQ(firings(live(e, entry(at(2h), "10.0.40.9"))), 0u);
  EXPECT_EQ(firings(live(e, entry(at(2h + 1s), "10.0.1.9"))), 1u);
}

TEST(NewValue, RemoteNetworkOfEveryAddressShape) {
  struct Case {
    const char* a;
    const char* b;
    bool same;
  } cases[] = {
      {"10.1.2.3", "10.1.2.250", true},
      {"10.1.2.3", "10.1.2.4:8200", true},
      {"10.1.2.3", "::ffff:10.1.2.9", true},
      {"10.1.2.3", "10.1.3.3", false},
      {"2001:db8:1:2::5", "[2001:db8:1:2:ffff::1]:8200", true},
      {"2001:db8:1:2::5", "2001:db8:1:3::5", false},
      {"[fe80::1%eth0]:36778", "fe80::2", true},
  };
  for (const auto& c : cases) {
    Engine e({new_network(1s)}, live_opts());
    live(e, entry(at(0s), c.a));
    EXPECT_EQ(firings(live(e, entry(at(10s), c.b))), c.same ? 0u : 1u) << c.a << " then " << c.b;
  }
  // No address (internal requests): nothing learnt, nothing fired.
  Engine e({new_network(1s)}, live_opts());
  live(e, entry(at(0s), "10.1.2.3"));
  EXPECT_EQ(firings(live(e, entry(at(10s), ""))), 0u);
  EXPECT_EQ(e.learnt_stats(at(10s)).at("NewNetwork").values, 1u);
}

TEST(NewValue, ReplayedHistoryCountsAtItsOwnTimeAndNeverAlerts) {
  const auto now = at(30 * day);
  Engine e({new_network()}, live_opts());
  // An archive: 20 days of one network, then a second one on day 25, all read "now".
  for (int d = 0; d < 20; ++d) e.observe(entry(at(d * day), "10.1.2.3"), now);
  EXPECT_EQ(firings(e.observe(entry(at(25 * day), "10.4.4.4"), now)), 0u) << "history never pages";
  EXPECT_EQ(e.audit_timing().too_old, 21u);
  EXPECT_FALSE(e.learnt_stats(now).at("NewNetwork").learning) << "20 days of history is past learn";
  EXPECT_EQ(firings(live(e, entry(now, "10.1.2.77"))), 0u) << "known from history";
  EXPECT_EQ(firings(live(e, entry(now + 1s, "10.4.4.5"))), 0u) << "known from history";
  EXPECT_EQ(firings(live(e, entry(now + 2s, "203.0.113.9"))), 1u);
}

TEST(NewValue, BlobRoundTripAndCorruptBlobs) {
  Engine e({new_network()}, live_opts());
  live(e, entry(at(0s), "10.1.2.3"));
  live(e, entry(at(8 * day), "10.1.2.3"));
  const auto blobs = e.save_learnt();
  ASSERT_EQ(blobs.count("NewNetwork"), 1u);

  // A restart (or a reload: the new engine adopts the old one's blobs the same way).
  Engine back({new_network()}, live_opts());
  EXPECT_EQ(back.restore_learnt(blobs, at(8 * day)), std::set<std::string>{"NewNetwork"});
  EXPECT_EQ(back.learnt_stats(at(8 * day)).at("NewNetwork").values, 1u);
  EXPECT_FALSE(back.learnt_stats(at(8 * day)).at("NewNetwork").learning);
  EXPECT_EQ(firings(live(back, entry(at(8 * day + 1s), "10.1.2.8"))), 0u);
  EXPECT_EQ(firings(live(back, entry(at(8 * day + 2s), "10.5.5.5"))), 1u);

  // Damaged: every single-byte flip, truncation and trailing garbage is refused.
  const std::string good = blobs.at("NewNetwork");
  for (std::size_t i = 0; i < good.size(); ++i) {
    std::string bad = good;
    bad[i] = static_cast<char>(bad[i] ^ 0x40);
    Engine x({new_network()}, live_opts());
    EXPECT_TRUE(x.restore_learnt({{"NewNetwork", bad}}, at(8 * day)).empty()) << "byte " << i;
    EXPECT_TRUE(x.learnt_stats(at(8 * day)).at("NewNetwork").learning);
  }
  for (std::string bad : {good.substr(0, good.size() - 1), good + "x", std::string()}) {
    Engine x({new_network()}, live_opts());
    EXPECT_TRUE(x.restore_learnt({{"NewNetwork", bad}}, at(8 * day)).empty());
  }
  // Other settings under the same name: another value field, another kind.
  NewValueCond paths = std::get<NewValueCond>(new_network().condition);
  paths.value = {*parse_audit_field("path_prefix:2")};
  Engine other({make_rule("NewNetwork", paths)}, live_opts());
  EXPECT_TRUE(other.restore_learnt(blobs, at(8 * day)).empty());
  BaselineRateCond rate;
  Engine kind({make_rule("NewNetwork", rate)}, live_opts());
  EXPECT_TRUE(kind.restore_learnt(blobs, at(8 * day)).empty());
  // A changed learn period keeps what was learnt.
  Engine longer({new_network(14 * day)}, live_opts());
  EXPECT_EQ(longer.restore_learnt(blobs, at(8 * day)).size(), 1u);
}

TEST(NewValue, BuiltInExclusionsUiNavigationAndTheMonitorToken) {
  Engine e({new_network(1s)}, live_opts());
  live(e, entry(at(0s), "10.1.2.3"));
  EXPECT_EQ(firings(live(e, entry(at(10s), "10.8.8.8", "ent-1", "sys/internal/ui/mounts"))), 0u);
  TokenTtl self;
  self.entity_id = "ent-monitor";
  e.observe(self, at(10s));
  live(e, entry(at(11s), "10.1.2.3", "ent-monitor"));
  EXPECT_EQ(firings(live(e, entry(at(20s), "10.9.9.9", "ent-monitor"))), 0u);
  EXPECT_EQ(e.learnt_stats(at(20s)).at("NewNetwork").values, 1u);
  EXPECT_EQ(firings(live(e, entry(at(21s), "10.8.8.8"))), 1u) << "the UI read was not learnt";
}

TEST(NewValue, CooldownAndGroupLimit) {
  Rule r = new_network(1s);
  auto& c = std::get<NewValueCond>(r.condition).common;
  c.cooldown = 1h;
  c.group_limit = 2;
  Engine e({r}, live_opts());
  for (const char* k : {"a", "b", "c"}) live(e, entry(at(0s), "10.1.2.3", k));
  EXPECT_EQ(firings(live(e, entry(at(10s), "10.2.0.1", "a"))), 1u);
  EXPECT_EQ(firings(live(e, entry(at(11s), "10.3.0.1", "a"))), 0u) << "cooling down";
  EXPECT_EQ(firings(live(e, entry(at(12s), "10.2.0.1", "b"))), 1u);
  EXPECT_EQ(firings(live(e, entry(at(13s), "10.2.0.1", "c"))), 1u);
  std::set<std::string> keys;
  for (const auto& [l, a] : e.alerts()) keys.insert(l.at("key"));
  EXPECT_EQ(keys, (std::set<std::string>{"a", "b", "other"}));
  auto alert_of = [&](const std::string& key) -> const Alert& {
    for (const auto& [l, a] : e.alerts())
      if (l.at("key") == key) return a;
    throw std::runtime_error("no alert for " + key);
  };
  EXPECT_EQ(alert_of("a").annotations.at("value"), "10.2.0.0/24") << "the cooled-down one did not touch it";
  // After the cool-down the key alerts again.
  live(e, entry(at(50min), "10.4.0.1", "a"));
  EXPECT_EQ(alert_of("a").annotations.at("value"), "10.2.0.0/24");
  live(e, entry(at(61min), "10.5.0.1", "a"));
  EXPECT_EQ(alert_of("a").annotations.at("value"), "10.5.0.0/24");
}

TEST(NewValue, KeyIsTheFirstNonEmptyFieldAndValuesCanBePathPrefixes) {
  NewValueCond c;
  c.common.match.types = {AuditEvent::Type::request};
  c.common.learn = 1s;
  c.common.cooldown = 0s;
  c.value = {*parse_audit_field("path_prefix:3")};
  Engine e({make_rule("NewPrefix", c)}, live_opts());
  auto root = entry(at(0s), "10.1.2.3", "", "secret/data/app/db");
  root.display_name = "root";
  live(e, root);
  root.time = at(5s);
  root.path = "secret/data/app/other";
  EXPECT_EQ(firings(live(e, root)), 0u) << "same first three segments";
  root.path = "secret/data/billing/x";
  EXPECT_EQ(firings(live(e, root)), 1u);
  EXPECT_EQ(find(e, "NewPrefix")->labels.at("key"), "root") << "no entity: display_name";
  EXPECT_EQ(find(e, "NewPrefix")->annotations.at("value"), "secret/data/billing");
  // Unauthenticated entries have no key: nothing learnt.
  auto anon = entry(at(6s), "10.1.2.3", "", "sys/health");
  anon.display_name.clear();
  live(e, anon);
  EXPECT_EQ(e.learnt_stats(at(6s)).at("NewPrefix").values, 2u);
}

TEST(AuditField, ParsesAndPrints) {
  EXPECT_EQ(to_string(*parse_audit_field("path_prefix:2")), "path_prefix:2");
  EXPECT_EQ(to_string(*parse_audit_field("remote_network")), "remote_network");
  for (const char* bad : {"path_prefix:", "path_prefix:0", "path_prefix:x", "path_prefix", "nope", ""})
    EXPECT_FALSE(parse_audit_field(bad)) << bad;
  AuditEvent e;
  e.path = "sys/seal";
  std::string out;
  append_audit_field(e, *parse_audit_field("path_prefix:3"), out);
  EXPECT_EQ(out, "sys/seal");
  e.policies = {"b", "a"};
  out.clear();
  append_audit_field(e, *parse_audit_field("policy"), out);
  EXPECT_EQ(out, "a,b");
  e.metadata = {{"role_name", "ci"}};
  out.clear();
  append_audit_field(e, *parse_audit_field("role"), out);
  EXPECT_EQ(out, "ci");
}

// ---- baseline_rate ----------------------------------------------------------------------------

Rule rate_rule(Duration learn = 1h) {
  BaselineRateCond c;
  c.common.match.types = {AuditEvent::Type::request};
  c.common.learn = learn;
  c.common.cooldown = 0s;
  c.bucket = 5min;
  c.factor = 10;
  c.min_count = 50;
  return make_rule("RateSpike", c);
}

// n entries of `key` spread over the bucket starting at `start`.
std::size_t burst(Engine& e, SysTime start, int n, const std::string& key = "ent-1") {
  std::size_t fired = 0;
  for (int i = 0; i < n; ++i) fired += firings(live(e, entry(start + std::chrono::milliseconds(i * 250), "10.1.2.3", key)));
  return fired;
}

TEST(BaselineRate, FiresMidBucketAboveFactorTimesBaselineOnceLearnt) {
  const SysTime start = from_unix_seconds(1'800'000'000 / 300 * 300);
  Engine e({rate_rule()}, live_opts());
  // A spike while learning: no alert.
  EXPECT_EQ(burst(e, start, 500), 0u);
  // Steady 10 per bucket for two hours.
  for (int b = 1; b <= 24; ++b) EXPECT_EQ(burst(e, start + b * 5min, 10), 0u) << b;
  EXPECT_EQ(e.learnt_stats(start + 2h).at("RateSpike").values, 1u);
  // The baseline is now close to 10 (the learning spike decays); 40 stays under min_count 50.
  EXPECT_EQ(burst(e, start + 25 * 5min, 40), 0u);
  // A bucket of 300: fires once, at the entry that crossed max(50, 10 x baseline).
  const SysTime spike = start + 26 * 5min;
  EXPECT_EQ(burst(e, spike, 300), 1u);
  const Alert* a = find(e, "RateSpike");
  ASSERT_TRUE(a);
  const double limit = std::stod(a->annotations.at("limit"));
  const double base = std::stod(a->annotations.at("baseline"));
  EXPECT_NEAR(limit, std::max(50.0, 10 * base), 0.02);
  EXPECT_GT(base, 9);
  EXPECT_LT(base, 40);
  EXPECT_EQ(a->value, std::floor(limit) + 1) << "$value: the count when it crossed";
  EXPECT_EQ(a->annotations.at("count"), format_value(a->value));
  EXPECT_EQ(a->annotations.at("bucket_start"), format_rfc3339_ms(spike));
  EXPECT_EQ(a->labels.at("key"), "ent-1");
}

TEST(BaselineRate, NewKeyLearnsFirstAndStateSurvivesARestart) {
  const SysTime start = from_unix_seconds(1'800'000'000 / 300 * 300);
  Engine e({rate_rule()}, live_opts());
  for (int b = 0; b <= 13; ++b) burst(e, start + b * 5min, 5);
  Engine back({rate_rule()}, live_opts());
  ASSERT_EQ(back.restore_learnt(e.save_learnt(), start + 70min).size(), 1u);
  EXPECT_EQ(burst(back, start + 70min, 200, "ent-new"), 0u) << "a key seen for the first time is learning";
  EXPECT_EQ(burst(back, start + 70min, 60), 1u) << "the restored key has its baseline (5)";
}

TEST(LearntStore, TableInsertFindEvictRetain) {
  struct P {
    learnt::Secs last = 0;
  };
  learnt::Table<P> t;
  for (std::uint32_t i = 1; i <= 1000; ++i) t.insert(learnt::hash(std::to_string(i))).first->last = i;
  EXPECT_EQ(t.size(), 1000u);
  EXPECT_LE(t.bytes(), 2048u * 16u);
  EXPECT_EQ(t.find(learnt::hash("500"))->last, 500u);
  EXPECT_EQ(t.evict_oldest(100), 900u);
  EXPECT_FALSE(t.find(learnt::hash("900")));
  EXPECT_TRUE(t.find(learnt::hash("901")));
  EXPECT_EQ(t.retain([](const P& p) { return p.last > 950; }), 50u);
  EXPECT_EQ(t.size(), 50u);
  EXPECT_NE(learnt::hash(""), 0u);
  EXPECT_NE(learnt::hash("a", 1), learnt::hash("a", 2));
}

}  // namespace
}  // namespace vw::rules::test
