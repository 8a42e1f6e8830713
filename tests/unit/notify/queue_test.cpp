#include "notify/queue.hpp"

#include <gtest/gtest.h>

#include "notify/fingerprint.hpp"

namespace vw::notify {
namespace {

QueuedNotification n(const std::string& name, bool state_change = true, bool resolved = false,
                     int enqueued_s = 0) {
  QueuedNotification q;
  q.alert.labels = {{"alertname", name}};
  q.alert.state_change = state_change;
  q.alert.resolved = resolved;
  q.fingerprint = fingerprint(q.alert.labels);
  q.enqueued_at = SysTime{} + std::chrono::seconds(enqueued_s);
  return q;
}

std::vector<std::string> names(const NotificationQueue& q) {
  std::vector<std::string> out;
  for (const auto& x : q.snapshot()) out.push_back(x.alert.labels.at("alertname"));
  return out;
}

TEST(NotificationQueue, DropsTheOldestWhenFull) {
  NotificationQueue q(3);
  EXPECT_EQ(q.push(n("a"), false), 0u);
  EXPECT_EQ(q.push(n("b"), false), 0u);
  EXPECT_EQ(q.push(n("c"), false), 0u);
  EXPECT_EQ(q.push(n("d"), false), 1u);
  EXPECT_EQ(q.push(n("e"), false), 1u);
  EXPECT_EQ(names(q), (std::vector<std::string>{"c", "d", "e"}));
  EXPECT_EQ(q.size(), 3u);
}

TEST(NotificationQueue, NeverDropsTheBatchInFlight) {
  NotificationQueue q(2);
  q.push(n("a"), false);
  q.push(n("b"), false);
  ASSERT_EQ(q.take(1).size(), 1u);
  EXPECT_EQ(q.push(n("c"), false), 1u);  // b goes, a is in flight
  EXPECT_EQ(names(q), (std::vector<std::string>{"a", "c"}));
  q.take(0);
  // Everything in flight: a new one has no room.
  NotificationQueue full(1);
  full.push(n("x"), false);
  full.take(1);
  EXPECT_EQ(full.push(n("y"), false), 1u);
  EXPECT_EQ(names(full), (std::vector<std::string>{"x"}));
}

TEST(NotificationQueue, TakeFinishAndPutBack) {
  NotificationQueue q(10);
  for (auto s : {"a", "b", "c"}) q.push(n(s), false);
  EXPECT_EQ(q.take(2).size(), 2u);
  EXPECT_EQ(q.waiting().size(), 1u);
  EXPECT_EQ(q.size(), 3u);
  EXPECT_EQ(q.put_back(), 0u);
  EXPECT_EQ(names(q), (std::vector<std::string>{"a", "b", "c"}));
  q.take(2);
  q.finish();
  EXPECT_EQ(names(q), (std::vector<std::string>{"c"}));
}

TEST(NotificationQueue, InFlightCountsTowardTheCapacitySoPutBackNeverOverflows) {
  NotificationQueue q(2);
  q.push(n("a"), false);
  q.take(1);
  EXPECT_EQ(q.push(n("b"), false), 0u);
  EXPECT_EQ(q.push(n("c"), false), 1u);  // a (in flight) + b was full: b goes
  EXPECT_EQ(q.put_back(), 0u);
  EXPECT_EQ(names(q), (std::vector<std::string>{"a", "c"}));
  EXPECT_EQ(q.size(), q.capacity());
}

TEST(NotificationQueue, CoalescesWaitingResendsOfTheSameAlert) {
  NotificationQueue q(10);
  q.push(n("a", true, false, 1), true);    // firing: a state change, kept
  q.push(n("a", false, false, 2), true);   // re-send
  q.push(n("b", false, false, 3), true);
  EXPECT_EQ(q.push(n("a", false, false, 4), true), 0u);  // replaces the waiting re-send of a
  EXPECT_EQ(names(q), (std::vector<std::string>{"a", "a", "b"}));
  EXPECT_EQ(q.snapshot()[1].enqueued_at, SysTime{} + std::chrono::seconds(2)) << "keeps the older budget";
  EXPECT_TRUE(q.snapshot()[0].alert.state_change);
  // Without coalescing (Alertmanager), every copy is queued.
  q.push(n("a", false, false, 5), false);
  EXPECT_EQ(q.size(), 4u);
  // A re-send in flight is not replaced.
  NotificationQueue r(10);
  r.push(n("a", false), true);
  r.take(1);
  r.push(n("a", false), true);
  EXPECT_EQ(r.size(), 2u);
}

TEST(NotificationQueue, DrainReturnsInFlightFirst) {
  NotificationQueue q(10);
  for (auto s : {"a", "b", "c"}) q.push(n(s), false);
  q.take(1);
  auto all = q.drain();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].alert.labels.at("alertname"), "a");
  EXPECT_TRUE(q.empty());
}

}  // namespace
}  // namespace vw::notify
