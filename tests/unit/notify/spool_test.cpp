#include "notify/spool.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "notify/fingerprint.hpp"
#include "support/test_support.hpp"

namespace vw::notify {
namespace {

using namespace std::chrono;

QueuedNotification sample(const std::string& name, int i) {
  QueuedNotification q;
  q.alert.labels = {{"alertname", name}, {"i", std::to_string(i)}, {"odd", "\"quoted\" <&> \xc3\xa9\n"}};
  q.alert.annotations = {{"summary", "s " + std::to_string(i)}, {"empty", ""}};
  q.alert.starts_at = sys_days{year{2026} / 3 / 1} + 123456789ns * (i + 1);
  q.alert.ends_at = q.alert.starts_at + 4min;
  q.alert.generator_url = "http://h:9410/alerts?x=1&y=2";
  q.alert.resolved = i % 2 == 1;
  q.alert.state_change = i % 3 != 0;
  q.fingerprint = fingerprint(q.alert.labels);
  q.enqueued_at = sys_days{year{2026} / 3 / 1} + seconds(i);
  return q;
}

TEST(Spool, EncodeDecodeRoundTripsEveryField) {
  std::vector<QueuedNotification> items;
  for (int i = 0; i < 5; ++i) items.push_back(sample("A", i));
  std::size_t omitted = 99;
  auto text = encode_spool("ops/team \"x\"", items, 1 << 20, &omitted);
  EXPECT_EQ(omitted, 0u);
  auto back = decode_spool(text);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->receiver, "ops/team \"x\"");
  EXPECT_EQ(back->bad_lines, 0u);
  EXPECT_EQ(back->items, items);
}

TEST(Spool, KeepsTheNewestWithinTheByteBound) {
  std::vector<QueuedNotification> items;
  for (int i = 0; i < 10; ++i) items.push_back(sample("A", i));
  const auto one = encode_spool("r", {items[0]}, 1 << 20).size();
  std::size_t omitted = 0;
  auto text = encode_spool("r", items, one * 3, &omitted);  // header + about 3 lines
  EXPECT_LE(text.size(), one * 3);
  auto back = decode_spool(text);
  ASSERT_TRUE(back);
  EXPECT_EQ(omitted + back->items.size(), 10u);
  EXPECT_GE(back->items.size(), 2u);
  EXPECT_EQ(back->items.back(), items.back());
}

TEST(Spool, SkipsBadLinesAndRejectsForeignFiles) {
  auto text = encode_spool("r", {sample("A", 0), sample("B", 1)}, 1 << 20);
  auto pos = text.find('\n');
  text.insert(pos + 1, "{not json\n{\"labels\":{}}\n");
  auto back = decode_spool(text);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->items.size(), 2u);
  EXPECT_EQ(back->bad_lines, 2u);
  EXPECT_FALSE(decode_spool("hello\n"));
  EXPECT_FALSE(decode_spool(R"({"format":"vaultwatch-notify-spool","version":2})"));
  EXPECT_FALSE(decode_spool(""));
}

TEST(Spool, FileNamesAreSafeAndDistinct) {
  EXPECT_EQ(spool_file_name("ops"), "webhook-ops.spool");
  EXPECT_EQ(spool_file_name("a/b c"), "webhook-a%2Fb%20c.spool");
  EXPECT_EQ(spool_file_name(".."), "webhook-...spool");
  EXPECT_NE(spool_file_name("a b"), spool_file_name("a%20b"));
}

TEST(Spool, SaveIsAtomicPrivateAndRemovesTheFileWhenEmpty) {
  test::TempDir dir;
  Spool s(dir / "webhook-ops.spool", "ops", 1 << 20);
  auto empty = s.load();
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->items.empty());
  std::vector<QueuedNotification> items = {sample("A", 0), sample("A", 1)};
  ASSERT_TRUE(s.save(items));
  struct stat st {};
  ASSERT_EQ(::stat(s.file().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_FALSE(std::filesystem::exists(s.file().string() + ".tmp"));
  auto loaded = s.load();
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->items, items);
  ASSERT_TRUE(s.save({}));
  EXPECT_FALSE(std::filesystem::exists(s.file()));
}

TEST(Spool, WriteErrorsAreReported) {
  Spool s("/nonexistent-dir-for-vaultwatch-tests/webhook-x.spool", "x", 1 << 20);
  auto r = s.save({sample("A", 0)});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("cannot create"), std::string::npos);
}

}  // namespace
}  // namespace vw::notify
