// CIDRs, audit matchers and the sliding window: the building blocks of audit rules.
#include <gtest/gtest.h>

#include "rules/rule.hpp"
#include "rules/window.hpp"
#include "rules_test_util.hpp"

namespace vw::rules {
namespace {

using namespace test;

TEST(Cidr, ParsesAndMatches) {
  struct Case {
    std::string cidr;
    std::string address;
    bool contains;
  } cases[] = {
      {"10.0.0.0/8", "10.1.2.3", true},
      {"10.0.0.0/8", "11.1.2.3", false},
      {"10.0.0.0/8", "::ffff:10.1.2.3", true},
      {"192.168.1.0/25", "192.168.1.127", true},
      {"192.168.1.0/25", "192.168.1.128", false},
      {"0.0.0.0/0", "8.8.8.8", true},
      {"0.0.0.0/0", "2001:db8::1", false},
      {"203.0.113.7", "203.0.113.7", true},
      {"203.0.113.7", "203.0.113.8", false},
      {"2001:db8::/32", "2001:db8:ffff::1", true},
      {"2001:db8::/32", "2001:db9::1", false},
      {"::1", "::1", true},
      {"10.0.0.0/8", "", false},
      {"10.0.0.0/8", "vault.internal", false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.cidr + " " + c.address);
    auto n = Cidr::parse(c.cidr);
    ASSERT_TRUE(n) << n.error().message;
    EXPECT_EQ(n->contains(c.address), c.contains);
  }
  for (const char* bad : {"10.0.0.0/33", "10.0.0/8", "10.1.2.3/8", "::/129", "x", "", "10.0.0.0/",
                          "10.0.0.0/a"}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(Cidr::parse(bad));
  }
}

TEST(AuditMatch, EveryKey) {
  AuditEvent e = event("secret/data/cwiq/shared/db", "approle-billing", {"default", "billing"});
  e.mount_type = "kv";
  e.error = "1 error occurred:\n\t* permission denied\n\n";
  e.namespace_path = "team-a/";
  e.namespace_id = "Xy12";
  struct Case {
    std::string name;
    AuditMatch m;
    bool matches;
  };
  auto glob = [](const char* g) { return Glob::compile(g).value(); };
  std::vector<Case> cases = {
      {"empty", {}, true},
      {"type", {.types = {AuditEvent::Type::response}}, false},
      {"path", {.paths = {glob("secret/data/cwiq/**")}}, true},
      {"path-star", {.paths = {glob("secret/data/*")}}, false},
      {"operation", {.operations = {"read", "update"}}, true},
      {"policy", {.policies = {"root"}}, false},
      {"policy-any", {.policies = {"root", "billing"}}, true},
      {"error-icase", {.errors = {"Permission Denied"}}, true},
      {"error-missing", {.errors = {"unsupported path"}}, false},
      {"display", {.display_names = {glob("approle-*")}}, true},
      {"mount_type", {.mount_types = {"kv"}}, true},
      {"remote", {.remotes = {Cidr::parse("10.0.0.0/8").value()}}, true},
      {"remote-no", {.remotes = {Cidr::parse("192.168.0.0/16").value()}}, false},
      {"namespace", {.namespaces = {"team-a"}}, true},
      {"namespace-id", {.namespaces = {"Xy12"}}, true},
      {"namespace-root", {.namespaces = {"root"}}, false},
      {"all", {.types = {AuditEvent::Type::request}, .paths = {glob("secret/**")}, .operations = {"update"},
               .policies = {"billing"}, .errors = {"denied"}, .display_names = {glob("approle-*")},
               .mount_types = {"kv"}, .remotes = {Cidr::parse("10.1.2.0/24").value()},
               .namespaces = {"team-a/"}},
       true},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(c.m.matches(e), c.matches);
  }
  AuditEvent root = event("sys/health");
  EXPECT_TRUE((AuditMatch{.namespaces = {"root"}}).matches(root));
  EXPECT_TRUE((AuditMatch{.namespaces = {""}}).matches(root));
  root.error.clear();
  EXPECT_FALSE((AuditMatch{.errors = {""}}).matches(root)) << "an error matcher needs an error";
}

TEST(SlidingWindow, ExactBelowTheThresholdAndBoundedAbove) {
  SlidingWindow w(5min, 20);
  for (int i = 0; i < 19; ++i) w.add(at(i * 1s));
  EXPECT_FALSE(w.holds(at(19s)));
  EXPECT_EQ(w.count(at(19s)), 19u);
  EXPECT_EQ(w.count(at(5min + 5s)), 13u) << "events 0..5 have left";
  w.add(at(20s));
  EXPECT_TRUE(w.holds(at(20s)));
  EXPECT_EQ(w.holds_until(at(20s)), at(0s) + 5min) << "when the first of the twenty leaves";
  EXPECT_EQ(w.hold_end(), at(0s) + 5min);
  w.add(at(21s));
  EXPECT_EQ(w.hold_end(), at(1s) + 5min) << "only the last twenty count";

  // A flood: a million events, memory stays at threshold timestamps + 65 buckets.
  SlidingWindow flood(5min, 20);
  for (int i = 0; i < 1'000'000; ++i) flood.add(t0 + std::chrono::microseconds(i * 300));
  auto saved = flood.save();
  EXPECT_EQ(saved.recent.size(), 20u);
  EXPECT_LE(saved.buckets.size(), SlidingWindow::bucket_count + 1);
  EXPECT_NEAR(static_cast<double>(flood.count(at(300s))), 1'000'000.0, 1.0) << "all within 5 minutes";
  const auto later = flood.count(at(400s));
  EXPECT_NEAR(static_cast<double>(later), 1'000'000.0 * 200 / 300, 1'000'000.0 / 64)
      << "within one bucket at the old edge";
  EXPECT_FALSE(flood.expire(at(299s) + 5min));
  EXPECT_TRUE(flood.expire(at(301s) + 5min));
}

TEST(RuleModel, NamesAndDefaults) {
  EXPECT_TRUE(valid_label_name("display_name"));
  EXPECT_FALSE(valid_label_name("1x"));
  EXPECT_FALSE(valid_label_name("a-b"));
  EXPECT_TRUE(valid_metric_name("vault:rule_x"));
  for (const char* n : {"unreachable", "uninitialized", "sealed", "standby", "performance_standby",
                        "dr_secondary", "ha_unhealthy", "removed", "not_active", "leader_changed",
                        "version_changed", "clock_skew"}) {
    auto c = parse_health_condition(n);
    ASSERT_TRUE(c) << n;
    EXPECT_STREQ(to_string(*c), n);
  }
  EXPECT_EQ(default_keep_firing_for(AuditCond{}), 15min);
  EXPECT_EQ(default_keep_firing_for(HealthCond{HealthCondition::leader_changed}), 15min);
  EXPECT_EQ(default_keep_firing_for(HealthCond{HealthCondition::sealed}), 0s);
  EXPECT_TRUE(is_instant(AuditCond{}));
  AuditCond windowed;
  windowed.window = 1min;
  EXPECT_FALSE(is_instant(windowed));
  EXPECT_TRUE(is_own_family("vaultwatch_notifications_total"));
  EXPECT_TRUE(is_own_family("vault_up"));
  EXPECT_TRUE(is_own_family("process_resident_memory_bytes"));
  EXPECT_FALSE(is_own_family("vault_runtime_alloc_bytes")) << "Vault's own telemetry";
  EXPECT_FALSE(is_own_family("vault_core_unsealed"));
  EXPECT_TRUE(compare(1, CompareOp::ge, 1));
  EXPECT_FALSE(compare(1, CompareOp::ne, 1));
}

}  // namespace
}  // namespace vw::rules
