// The rotation tracker fed with audit lines (both key layouts) through the real decoder.
#include "rotation/tracker.hpp"

#include <gtest/gtest.h>
#include <malloc.h>

#include <sstream>

#include "audit/decoder.hpp"
#include "rotation/state_codec.hpp"
#include "support/kv_audit_line.hpp"
#include "support/test_support.hpp"

namespace vw::rotation {
namespace {

using namespace std::chrono_literals;

const SysTime t0 = *parse_rfc3339("2026-12-01T00:00:00Z");
SysTime at(Duration d) { return t0 + d; }

using Entry = test::KvAuditEntry;
std::string line(const Entry& e) { return test::kv_audit_line(e, t0); }

Options opts(std::vector<std::string> globs = {"secret/data/app/**"}) {
  Options o;
  for (const auto& g : globs) o.secrets.push_back(*Glob::compile(g));
  o.consumer_window = 7 * 24h;
  o.deadline = 15min;
  return o;
}

struct Feed {
  Tracker tracker;
  audit::Decoder decoder;
  std::vector<double> pickups;
  explicit Feed(Options o, Tracker::ReportSink sink = {}) : tracker(std::move(o), std::move(sink)) {}
  Observed::Kind add(const Entry& e) {
    audit::AuditEntryView v;
    const std::string l = line(e);
    auto err = decoder.decode(l, v);
    EXPECT_FALSE(err) << l;
    auto r = tracker.observe(v);
    if (r.pickup_seconds) pickups.push_back(*r.pickup_seconds);
    return r.kind;
  }
  void add_all(const std::vector<Entry>& es) {
    for (const auto& e : es) add(e);
  }
  // "identity:state:last_version" for each consumer of `path` at `now`, in status order.
  std::vector<std::string> states(const std::string& path, Duration now) const {
    std::vector<std::string> out;
    for (const auto& s : tracker.status(at(now))) {
      if (s.path != path) continue;
      for (const auto& c : s.consumers)
        out.push_back(c.identity + ":" + to_string(c.state) + ":" + std::to_string(c.last_version));
    }
    return out;
  }
  std::optional<SecretStatus> secret(const std::string& path, Duration now) const {
    for (auto& s : tracker.status(at(now)))
      if (s.path == path) return s;
    return std::nullopt;
  }
};

using V = std::vector<std::string>;
const char* db = "secret/data/app/db";

TEST(RotationKvOp, ClassifiesKvV2PathsOfAnyMount) {
  struct Row {
    const char* op;
    const char* path;
    const char* mount;
    KvOp want;
    const char* secret;
  };
  const Row rows[] = {
      {"read", "secret/data/app/db", "secret/", KvOp::read, "app/db"},
      {"update", "secret/data/app/db", "secret/", KvOp::write, "app/db"},
      {"create", "secret/data/app/db", "secret/", KvOp::write, "app/db"},
      {"patch", "secret/data/app/db", "secret/", KvOp::write, "app/db"},
      {"delete", "secret/data/app/db", "secret/", KvOp::delete_latest, "app/db"},
      {"update", "secret/delete/app/db", "secret/", KvOp::delete_versions, "app/db"},
      {"update", "secret/undelete/app/db", "secret/", KvOp::undelete, "app/db"},
      {"update", "secret/destroy/app/db", "secret/", KvOp::destroy, "app/db"},
      {"delete", "secret/metadata/app/db", "secret/", KvOp::metadata_delete, "app/db"},
      {"read", "secret/metadata/app/db", "secret/", KvOp::none, ""},
      {"list", "secret/metadata/app/", "secret/", KvOp::none, ""},
      {"read", "secret/data/", "secret/", KvOp::none, ""},
      // A mount named data/ whose path has another data/ segment: the mount_point decides.
      {"read", "team/kv/data/x/data/y", "team/kv/", KvOp::read, "x/data/y"},
      {"read", "data/data/z", "data/", KvOp::read, "z"},
      // Old logs without mount_point: the first kind segment ends the mount.
      {"read", "team/kv/data/x", "", KvOp::read, "x"},
      {"update", "kv/undelete/x", "", KvOp::undelete, "x"},
      {"read", "sys/mounts", "", KvOp::none, ""},
  };
  for (const auto& r : rows) {
    SCOPED_TRACE(std::string(r.op) + " " + r.path);
    audit::AuditEntryView v;
    v.operation = r.op;
    v.path = r.path;
    v.mount_point = r.mount;
    auto ref = classify(v);
    EXPECT_EQ(ref.op, r.want);
    EXPECT_EQ(ref.secret, r.secret);
  }
  audit::AuditEntryView pki;
  pki.operation = "read";
  pki.path = "pki/data/x";
  pki.mount_point = "pki/";
  pki.mount_type = "pki";
  EXPECT_EQ(classify(pki).op, KvOp::none);
}

TEST(RotationDecoder, ReadsTheVersionOfKvWritesAndReadsInBothLayouts) {
  std::istringstream in(test::read_fixture("vault/audit_docs_log_mdx.jsonl"));
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  audit::Decoder d;
  audit::AuditEntryView v;
  ASSERT_FALSE(d.decode(lines.at(0), v));  // KV write response (old layout)
  EXPECT_EQ(v.path, "secret/data/cli");
  EXPECT_EQ(v.kv_version, 1);
  ASSERT_FALSE(d.decode(lines.at(1), v));  // KV read response: metadata.version
  EXPECT_EQ(v.kv_version, 2);
  ASSERT_FALSE(d.decode(lines.at(2), v));  // request entry: no response
  EXPECT_EQ(v.kv_version, -1);
  // Vault >= 1.17 layout (alphabetical keys), and a version that is not a number.
  ASSERT_FALSE(d.decode(line({0s, "read", db, "e1", 7}), v));
  EXPECT_EQ(v.kv_version, 7);
  ASSERT_FALSE(d.decode(R"({"type":"response","time":"2026-12-01T00:00:00Z","request":{"operation":"read","path":"a"},"response":{"data":{"version":"hmac-sha256:aa","metadata":null}}})", v));
  EXPECT_EQ(v.kv_version, -1);
}

TEST(RotationTracker, WriteThenReadsOfOldAndNewVersions) {
  Feed f(opts());
  f.add_all({
      {0s, "read", db, "alice", 1},
      {10s, "read", db, "bob", 1, "10.0.0.2"},
      {60s, "update", db, "admin", 2},
      {5min, "read", db, "alice", 2},   // picks up after 4 minutes
      {6min, "read", db, "bob", 1, "10.0.0.2"},  // still on the old one
  });
  auto s = f.secret(db, 6min);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->version, 2u);
  EXPECT_EQ(s->writer, "admin");
  EXPECT_EQ(s->written_at, at(60s));
  EXPECT_EQ(f.states(db, 6min), (V{"bob:pending:1", "alice:current:2"}));
  EXPECT_EQ(f.pickups, (std::vector<double>{240.0}));
  // The deadline runs from the write: 60s + 15m.
  EXPECT_EQ(f.states(db, 16min - 1ms), (V{"bob:pending:1", "alice:current:2"}));
  EXPECT_EQ(f.states(db, 16min), (V{"bob:stale:1", "alice:current:2"}));
  EXPECT_EQ(f.tracker.next_change(at(6min)), at(16min));
  s = f.secret(db, 16min);
  EXPECT_EQ(s->consumers[0].remote_address, "10.0.0.2");
  EXPECT_EQ(s->consumers[0].deadline, at(16min));
  EXPECT_EQ(s->consumers[0].last_read, at(6min));
  // Bob reads the new version late: current, and a late pickup is still a pickup.
  f.add({20min, "read", db, "bob", 2});
  EXPECT_EQ(f.states(db, 20min), (V{"alice:current:2", "bob:current:2"}));
  EXPECT_EQ(f.pickups, (std::vector<double>{240.0, 19 * 60.0}));
  // A second read of the new version is not a second pickup.
  f.add({21min, "read", db, "bob", 2});
  EXPECT_EQ(f.pickups.size(), 2u);
}

TEST(RotationTracker, AnExplicitOldVersionReadCountsAsStale) {
  Feed f(opts());
  f.add_all({
      {0s, "read", db, "alice", 1},
      {1min, "update", db, "admin", 2},
      {2min, "read", db, "alice", 2},
      {30min, "read", db, "alice", 1},  // ?version=1 after the deadline
  });
  EXPECT_EQ(f.states(db, 30min), (V{"alice:stale:1"}));
  // A consumer first seen reading an old version is behind since the current write too.
  f.add({31min, "read", db, "carol", 1});
  EXPECT_EQ(f.states(db, 31min), (V{"alice:stale:1", "carol:stale:1"}));
  f.add({32min, "read", db, "alice", 2});
  EXPECT_EQ(f.states(db, 32min), (V{"carol:stale:1", "alice:current:2"}));
}

TEST(RotationTracker, DeleteUndeleteDestroyAndMetadataDelete) {
  Feed f(opts());
  f.add_all({
      {0s, "read", db, "alice", 1},
      {1min, "update", db, "admin", 2},
  });
  EXPECT_EQ(f.add({2min, "delete", db, "admin", -1}), Observed::Kind::deleted);
  // While the current version is deleted nobody can read it: pending, never stale.
  EXPECT_EQ(f.states(db, 1h), (V{"alice:pending:1"}));
  EXPECT_TRUE(f.secret(db, 1h)->deleted);
  EXPECT_EQ(f.tracker.next_change(at(1h)), at(7 * 24h));  // only alice's ageing
  EXPECT_EQ(f.add({2h, "update", "secret/undelete/app/db", "admin", -1}), Observed::Kind::undeleted);
  EXPECT_EQ(f.states(db, 2h), (V{"alice:stale:1"}));
  // Destroying versions: their numbers are HMAC'd in the request, nothing changes.
  EXPECT_EQ(f.add({3h, "update", "secret/destroy/app/db", "admin", -1}), Observed::Kind::ignored);
  EXPECT_EQ(f.add({3h, "update", "secret/delete/app/db", "admin", -1}), Observed::Kind::ignored);
  EXPECT_EQ(f.states(db, 3h), (V{"alice:stale:1"}));
  // Deleting the metadata deletes the secret: forgotten with its consumers.
  EXPECT_EQ(f.add({4h, "delete", "secret/metadata/app/db", "admin", -1}), Observed::Kind::forgotten);
  EXPECT_FALSE(f.secret(db, 4h));
  EXPECT_EQ(f.tracker.pairs(), 0u);
  // A new write after that starts afresh.
  EXPECT_EQ(f.add({5h, "create", db, "admin", 1}), Observed::Kind::write);
  EXPECT_EQ(f.states(db, 6h), V{});
}

TEST(RotationTracker, TwoRotationsInQuickSuccessionKeepTheFirstDeadline) {
  Feed f(opts());
  f.add_all({
      {0s, "read", db, "alice", 1},
      {0s, "read", db, "bob", 1},
      {1min, "update", db, "admin", 2},
      {3min, "read", db, "alice", 2},
      {5min, "patch", db, "admin", 3},
  });
  // Bob missed both: due since the first write (1m + 15m); alice only the second (5m + 15m).
  EXPECT_EQ(f.states(db, 16min), (V{"bob:stale:1", "alice:pending:2"}));
  EXPECT_EQ(f.states(db, 20min), (V{"bob:stale:1", "alice:stale:2"}));  // oldest read first
  f.add({21min, "read", db, "bob", 3});
  EXPECT_EQ(f.states(db, 21min), (V{"alice:stale:2", "bob:current:3"}));
  // Pickups are measured from the write of the version each consumer was due to read.
  EXPECT_EQ(f.pickups, (std::vector<double>{120.0, 16 * 60.0}));
}

TEST(RotationTracker, AConsumerAgesOutOfTheWindow) {
  Feed f(opts());
  f.add_all({
      {0s, "read", db, "old", 1},          // 8 days before the write: not a consumer any more
      {2 * 24h, "read", db, "mid", 1},     // 6 days before the write: a consumer
      {8 * 24h, "update", db, "admin", 2},
  });
  EXPECT_EQ(f.states(db, 8 * 24h + 1h), (V{"mid:stale:1"}));
  // Mid's last read turns 7 days old at day 9: it is no longer a consumer, nothing is stale.
  EXPECT_EQ(f.tracker.next_change(at(8 * 24h + 1h)), at(9 * 24h));
  EXPECT_EQ(f.states(db, 9 * 24h), V{});
  EXPECT_EQ(f.tracker.pairs(), 2u);
  f.tracker.expire(at(9 * 24h));
  EXPECT_EQ(f.tracker.pairs(), 0u);
  EXPECT_EQ(f.secret(db, 9 * 24h)->version, 2u);  // the secret itself is kept
}

TEST(RotationTracker, MountsNamespacesLayoutsAndTheGlob) {
  Feed f(opts({"secret/data/app/**", "team/kv/data/**"}));
  f.add_all({
      {0s, "read", "team/kv/data/pay", "alice", 4, "10.1.1.1", "ns1/", "team/kv/"},
      {0s, "read", "team/kv/data/pay", "alice", 9, "10.1.1.1", "ns2/", "team/kv/"},
      {0s, "read", db, "bob", 1, "::1", "", nullptr, true},   // old layout
      {0s, "read", "secret/data/other", "bob", 1},             // matches no glob
      {1min, "update", "team/kv/data/pay", "admin", 5, "10.9.9.9", "ns1/", "team/kv/"},
      {1min, "update", db, "admin", 2, "10.9.9.9", "", nullptr, true},
  });
  EXPECT_EQ(f.states("ns1/team/kv/data/pay", 20min), (V{"alice:stale:4"}));
  EXPECT_EQ(f.states("ns2/team/kv/data/pay", 20min), (V{"alice:current:9"}));
  EXPECT_EQ(f.states(db, 20min), (V{"bob:stale:1"}));
  EXPECT_FALSE(f.secret("secret/data/other", 0s));
  EXPECT_EQ(f.secret("ns1/team/kv/data/pay", 0s)->glob, "team/kv/data/**");
}

TEST(RotationTracker, FailedCallsRequestsAndUnknownIdentitiesChangeNothing) {
  Feed f(opts());
  f.add({0s, "read", db, "alice", 1});
  EXPECT_EQ(f.add({1min, "update", db, "admin", 2, "10.0.0.1", "", nullptr, false, "permission denied"}),
            Observed::Kind::ignored);
  EXPECT_EQ(f.add({1min, "update", db, "admin", -1}), Observed::Kind::ignored);  // no version
  EXPECT_EQ(f.add({1min, "read", db, "", 1}), Observed::Kind::ignored);          // no entity, no name
  EXPECT_EQ(f.secret(db, 1min)->version, 1u);
  // A request entry is ignored even with a response-looking body.
  audit::Decoder d;
  audit::AuditEntryView v;
  std::string l = line({2min, "update", db, "admin", 3});
  l.replace(l.find(R"("type":"response")"), 17, R"("type":"request")");
  ASSERT_FALSE(d.decode(l, v));
  EXPECT_EQ(f.tracker.observe(v).kind, Observed::Kind::ignored);
}

TEST(RotationTracker, ConsumerKeyFirstNonEmptyWins) {
  auto o = opts();
  o.consumer_key = {KeyField::display_name, KeyField::entity_id};
  Feed f(o);
  f.add({0s, "read", db, "alice", 1});
  EXPECT_EQ(f.states(db, 0s), (V{"dn-alice:current:1"}));
  o.consumer_key = {KeyField::remote_address};
  Feed g(o);
  g.add({0s, "read", db, "alice", 1, "10.7.7.7"});
  EXPECT_EQ(g.states(db, 0s), (V{"10.7.7.7:current:1"}));
}

TEST(RotationTracker, AVersionNewerThanTheKnownOneIsARotationSeenByItsReads) {
  Feed f(opts());
  f.add_all({
      {0s, "read", db, "alice", 3},  // first sight: version 3, written when? unknown
      {0s, "read", db, "bob", 3},
      {1min, "read", db, "alice", 4},  // written elsewhere (another node's log)
  });
  auto s = f.secret(db, 1min);
  EXPECT_EQ(s->version, 4u);
  EXPECT_EQ(s->writer, "");
  EXPECT_EQ(f.states(db, 16min), (V{"bob:stale:3", "alice:current:4"}));
  EXPECT_TRUE(f.pickups.empty());  // no write seen: no pickup time
}

TEST(RotationTracker, EvictsTheOldestPairsBeyondMaxTracked) {
  auto o = opts();
  o.max_tracked = 128;
  Feed f(o);
  for (int i = 0; i < 300; ++i) f.add({std::chrono::seconds(i), "read", db, ("c" + std::to_string(i)).c_str(), 1});
  EXPECT_LE(f.tracker.pairs(), 128u);
  EXPECT_EQ(f.tracker.evicted(), 300u - f.tracker.pairs());
  auto s = f.secret(db, 300s);
  // The newest reader is always kept; the oldest went first.
  auto has = [&](const std::string& id) {
    return std::any_of(s->consumers.begin(), s->consumers.end(), [&](auto& c) { return c.identity == id; });
  };
  EXPECT_TRUE(has("c299"));
  EXPECT_FALSE(has("c0"));
  EXPECT_FALSE(has("c150"));
  // Secrets are bounded the same way.
  o.max_tracked = 4;
  o.secrets = {*Glob::compile("secret/data/**")};
  Feed g(o);
  for (int i = 0; i < 10; ++i) g.add({std::chrono::seconds(i), "read", ("secret/data/s" + std::to_string(i)).c_str(), "a", 1});
  EXPECT_LE(g.tracker.secrets().size(), 4u);
  EXPECT_GE(g.tracker.evicted(), 6u);
  EXPECT_TRUE(g.tracker.secrets().contains(std::string_view("secret/data/s9")));
}

TEST(RotationTracker, WriteReportsListEveryConsumerAndItsPickup) {
  std::vector<WriteReport> reports;
  Feed f(opts(), [&](const WriteReport& r) { reports.push_back(r); });
  f.add_all({
      {0s, "read", db, "alice", 1},
      {0s, "read", db, "bob", 1},
      {1min, "update", db, "admin", 2},
      {2min, "read", db, "alice", 2},
      {3min, "read", db, "carol", 2},   // new consumer after the write
      {10min, "update", db, "admin", 3},  // closes the report of version 2
      {11min, "read", db, "bob", 3},
  });
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].version, 2u);
  EXPECT_EQ(reports[0].written_at, at(1min));
  EXPECT_EQ(reports[0].writer, "admin");
  ASSERT_EQ(reports[0].consumers.size(), 3u);
  EXPECT_EQ(reports[0].consumers[0].identity, "alice");
  EXPECT_EQ(reports[0].consumers[0].picked_up_at, at(2min));
  EXPECT_EQ(reports[0].consumers[1].identity, "bob");
  EXPECT_FALSE(reports[0].consumers[1].picked_up_at);
  EXPECT_EQ(reports[0].consumers[1].last_version, 1u);
  EXPECT_EQ(reports[0].consumers[2].identity, "carol");
  EXPECT_EQ(reports[0].consumers[2].picked_up_at, at(3min));
  f.tracker.finish();
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_EQ(reports[1].version, 3u);
  ASSERT_EQ(reports[1].consumers.size(), 3u);
  EXPECT_EQ(reports[1].consumers[1].identity, "bob");
  EXPECT_EQ(reports[1].consumers[1].picked_up_at, at(11min));
}

TEST(RotationTracker, RestoreKeepsEveryConsumerAndState) {
  Feed f(opts());
  f.add_all({{0s, "read", db, "alice", 1}, {1min, "update", db, "admin", 2}});
  Tracker back(opts());
  back.restore(f.tracker.secrets(), 7);
  EXPECT_EQ(back.status(at(20min)), f.tracker.status(at(20min)));
  EXPECT_EQ(back.evicted(), 7u);
  EXPECT_EQ(back.pairs(), 1u);
}

// prepare() before observe() (how the daemon feeds it: before and after the rules' sink) gives
// what observe() alone gives, for every kind of entry, including reads of a secret not tracked
// yet (prepare finds none) and a view object reused for every line.
TEST(RotationTracker, PrepareThenObserveGivesWhatObserveAloneGives) {
  const std::vector<Entry> entries{
      {0s, "read", db, "alice", 1},           // new secret: prepare finds nothing
      {1s, "read", db, "alice", 1},           // known pair
      {2s, "read", db, "bob", 1},             // new pair of a known secret
      {1min, "update", db, "admin", 2},       // write
      {2min, "read", db, "alice", 2},         // pickup
      {3min, "read", db, "bob", 1},           // explicit old version
      {4min, "read", "secret/data/app/x", "carol", 3},  // a newer version seen first by a read
      {5min, "delete", db, "admin", -1},      // delete latest
      {6min, "update", "secret/undelete/app/db", "admin", -1},
      {7min, "read", "secret/data/other", "dave", 1},   // not matched by the glob
      {8min, "delete", "secret/metadata/app/x", "admin", -1},
      {9min, "read", db, "", 2},              // no identity
  };
  Feed plain(opts()), prepared(opts());
  audit::AuditEntryView v;  // one view for every line, as in the pipeline
  for (const auto& e : entries) {
    plain.add(e);
    const std::string l = line(e);
    ASSERT_FALSE(prepared.decoder.decode(l, v)) << l;
    prepared.tracker.prepare(v);
    auto r = prepared.tracker.observe(v);
    if (r.pickup_seconds) prepared.pickups.push_back(*r.pickup_seconds);
  }
  EXPECT_EQ(prepared.tracker.status(at(20min)), plain.tracker.status(at(20min)));
  EXPECT_EQ(prepared.tracker.pairs(), plain.tracker.pairs());
  EXPECT_EQ(prepared.pickups, plain.pickups);
  EXPECT_EQ(plain.pickups.size(), 1u);
}

// The pair index (a read of a known pair finds its Consumer without the per-secret map) is
// rebuilt whenever pairs or secrets go: after each of those, a read updates the pair it names,
// never another one, and creates no duplicate.
TEST(RotationTracker, ReadsFindTheirPairAfterEvictionExpiryDeleteAndRestore) {
  auto o = opts({"secret/data/**"});
  o.max_tracked = 64;
  Feed f(o);
  const char* other = "secret/data/other";
  for (int i = 0; i < 100; ++i)
    f.add({std::chrono::seconds(i), "read", i % 2 ? db : other, ("c" + std::to_string(i)).c_str(), 1});
  ASSERT_GT(f.tracker.evicted(), 0u);  // eviction happened (and the index was rebuilt)
  const auto pairs = f.tracker.pairs();
  f.add({200s, "read", db, "c99", 1});  // kept pair: updated in place
  EXPECT_EQ(f.tracker.pairs(), pairs);
  f.add({201s, "read", other, "c99", 1});  // same identity, other secret: a pair of its own
  EXPECT_LE(f.tracker.pairs(), 64u);        // (over max_tracked again: the oldest two went)
  auto last_read = [&](const char* path, const char* id) -> std::optional<SysTime> {
    auto s = f.secret(path, 300s);
    if (!s) return std::nullopt;
    for (const auto& c : s->consumers)
      if (c.identity == id) return c.last_read;
    return std::nullopt;
  };
  EXPECT_EQ(last_read(db, "c99"), at(200s));
  EXPECT_EQ(last_read(other, "c99"), at(201s));
  // Metadata delete forgets one secret; the other's pairs are still found.
  f.add({202s, "delete", "secret/metadata/other", "admin", 0});
  EXPECT_FALSE(f.secret(other, 300s));
  const auto after_delete = f.tracker.pairs();
  f.add({203s, "read", db, "c99", 1});
  EXPECT_EQ(f.tracker.pairs(), after_delete);
  EXPECT_EQ(last_read(db, "c99"), at(203s));
  // Expiry: everything but c99 ages out; c99 is still found, the others come back as new pairs.
  f.tracker.expire(at(203s) + o.consumer_window - 1s);
  EXPECT_EQ(f.tracker.pairs(), 1u);
  f.add({204s, "read", db, "c99", 1});
  f.add({204s, "read", db, "c97", 1});
  EXPECT_EQ(f.tracker.pairs(), 2u);
  // Restore into a new tracker: reads update the restored pairs.
  Tracker back(o);
  back.restore(f.tracker.secrets(), 0);
  audit::AuditEntryView v;
  const std::string l = line({205s, "read", db, "c99", 1});
  ASSERT_FALSE(f.decoder.decode(l, v));
  back.observe(v);
  EXPECT_EQ(back.pairs(), 2u);
  EXPECT_EQ(back.secrets().at(db).consumers.at("c99").last_read_ns,
            std::chrono::duration_cast<std::chrono::nanoseconds>(at(205s).time_since_epoch()).count());
}

TEST(RotationStateCodec, RoundTripsAndRejectsDamage) {
  Feed f(opts());
  f.add_all({{0s, "read", db, "alice", 1, "10.0.0.9"},
             {0s, "read", "secret/data/app/x", "b\\\"ob", 4},
             {1min, "update", db, "admin", 2},
             {2min, "read", db, "carol", 1},
             {3min, "delete", "secret/data/app/x", "admin", -1}});
  auto back = decode_state(encode_state(f.tracker));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->secrets, f.tracker.secrets());
  EXPECT_EQ(back->evicted, 0u);
  Tracker t(opts());
  t.restore(std::move(back->secrets), back->evicted);
  EXPECT_EQ(t.status(at(20min)), f.tracker.status(at(20min)));
  for (const char* bad : {"", "{", "[]", R"({"version":2,"evicted":0,"secrets":[]})",
                          R"({"version":1,"evicted":0,"secrets":[{"path":"a"}]})"}) {
    EXPECT_FALSE(decode_state(bad)) << bad;
  }
}

TEST(RotationStateCodec, ApiJsonNamesEveryConsumerWithItsState) {
  Feed f(opts());
  f.add_all({{0s, "read", db, "alice", 1, "10.0.0.9"}, {1min, "update", db, "admin", 2}});
  const std::string body = rotation_api_json(f.tracker.status(at(20min)), f.tracker.pairs(), 3);
  EXPECT_EQ(body,
            R"({"data":{"evicted":3,"pairs":1,"secrets":[{"consumers":[{"deadline":"2026-12-01T00:16:00.000Z",)"
            R"("identity":"alice","last_read":"2026-12-01T00:00:00.000Z","last_version":1,"picked_up_at":null,)"
            R"("remote_address":"10.0.0.9","state":"stale"}],"current":0,"deleted":false,"glob":"secret/data/app/**",)"
            R"("path":"secret/data/app/db","pending":0,"stale":1,"version":2,"writer":"admin",)"
            R"("written_at":"2026-12-01T00:01:00.000Z"}]},"status":"success"})");
}

// Issue 13: <= ~200 B per (secret, consumer) pair. Measured with glibc's own accounting over
// 100 000 pairs keyed by entity_id (a 36-char UUID) with an IPv4 remote address.
TEST(RotationTracker, MemoryPerPairIsAtMost200Bytes) {
  auto o = opts();
  o.max_tracked = 200000;
  Tracker t(o);
  audit::AuditEntryView v;
  v.type = AuditEvent::Type::response;
  v.operation = "read";
  v.mount_point = "secret/";
  v.kv_version = 1;
  v.remote_address = "10.123.234.101";
  std::vector<std::string> paths, ids;
  for (int s = 0; s < 100; ++s) paths.push_back("secret/data/app/s" + std::to_string(s));
  for (int c = 0; c < 1000; ++c) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%08x-1b8c-3b5e-2a41-0f6c1e9d%04x", c * 2654435761u, c);
    ids.push_back(buf);
  }
  // uordblks: the heap's allocated bytes; hblkhd: blocks glibc maps on their own (the large
  // tables: the pair index, the maps' bucket arrays), which uordblks does not count.
  auto allocated = [] {
    const auto mi = mallinfo2();
    return mi.uordblks + mi.hblkhd;
  };
  const auto before = allocated();
  for (const auto& p : paths) {
    for (const auto& id : ids) {
      v.path = p;
      v.entity_id = id;
      v.time = t0;
      t.observe(v);
    }
  }
  const auto after = allocated();
  ASSERT_EQ(t.pairs(), 100000u);
  const double per_pair = static_cast<double>(after - before) / 100000.0;
  std::printf("rotation tracker: %.1f bytes per (secret, consumer) pair\n", per_pair);
  EXPECT_LE(per_pair, 200.0);
}

}  // namespace
}  // namespace vw::rotation

namespace vw::rotation {
namespace {

// The daemon rebuilds the alert rule's input only when behind_touched says the set of consumers
// behind the current version can have changed; the common read of a current consumer must not.
TEST(RotationTracker, BehindTouchedOnlyWhenTheBehindSetCanChange) {
  struct Row {
    Entry e;
    bool touched;
  };
  const Row rows[] = {
      {{0s, "read", db, "alice", 1}, true},     // version 1 learnt from a read
      {{1s, "read", db, "alice", 1}, false},    // a current consumer reads again
      {{2s, "read", db, "bob", 1}, false},      // a new consumer on the current version
      {{10s, "update", db, "admin", 2}, true},  // both are due now
      {{20s, "read", db, "alice", 1}, true},    // behind, its last read moves
      {{30s, "read", db, "alice", 2}, true},    // picked up
      {{40s, "read", db, "alice", 2}, false},
      {{50s, "delete", db, "admin", -1}, true},
      {{60s, "update", "secret/undelete/app/db", "admin", -1}, true},
      {{70s, "read", "secret/data/other", "alice", 4}, false},  // not tracked
  };
  Tracker t(opts());
  audit::Decoder d;
  for (const auto& r : rows) {
    audit::AuditEntryView v;
    const std::string l = line(r.e);
    ASSERT_FALSE(d.decode(l, v)) << l;
    EXPECT_EQ(t.observe(v).behind_touched, r.touched) << l;
  }
  // behind(): only bob, with his deadline; the counts cover everyone.
  auto b = t.behind(at(2min));
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].current, 1u);
  EXPECT_EQ(b[0].pending, 1u);
  ASSERT_EQ(b[0].consumers.size(), 1u);
  EXPECT_EQ(b[0].consumers[0].identity, "bob");
  EXPECT_EQ(b[0].consumers[0].deadline, at(10s + 15min));
  auto c = t.counts(at(2min));
  ASSERT_EQ(c.size(), 1u);
  EXPECT_TRUE(c[0].consumers.empty());
  EXPECT_EQ(c[0].current + c[0].pending + c[0].stale, 2u);
}

}  // namespace
}  // namespace vw::rotation
