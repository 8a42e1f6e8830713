// `baseline build`'s replay (forensics/baseline): every input read in order, plain or gzip,
// through the daemon's decoder and classifier, each entry fed at its own time.
#include "forensics/baseline.hpp"

#include <gtest/gtest.h>

#include "gzip_bytes.hpp"
#include "support/test_support.hpp"

namespace vw::forensics {
namespace {

using namespace std::chrono_literals;

std::string entry(const char* time, const std::string& display_name, const std::string& path) {
  return std::string(R"({"time":")") + time +
         R"(","type":"request","auth":{"client_token":"hmac-sha256:aa","accessor":"hmac-sha256:bb",)"
         R"("display_name":")" + display_name + R"(","policies":["default"],"token_type":"service"},)"
         R"("request":{"id":"r","operation":"read","mount_point":"secret/","mount_type":"kv",)"
         R"("path":")" + path + R"(","remote_address":"10.1.2.3","namespace":{"id":"root"}}})" "\n";
}


// A plain audit rule stands in for the learning kinds: its alert's activeAt shows at which
// time the engine saw each entry.
rules::Engine engine_with_one_rule(rules::EngineOptions o = {}) {
  rules::Rule r;
  r.alert = "Read";
  rules::AuditCond a;
  a.match.types = {AuditEvent::Type::request};
  a.group_by = {"path"};
  r.condition = a;
  r.keep_firing_for = 15min;
  if (o.audit_max_age == rules::EngineOptions{}.audit_max_age) o.audit_max_age = Duration::zero();
  return rules::Engine({r}, o);
}

SysTime active_at(const rules::Engine& e, const std::string& path) {
  for (const auto& [labels, a] : e.alerts())
    if (labels.count("path") && labels.at("path") == path) return a.active_at;
  return SysTime{};
}

TEST(BaselineReplay, FeedsEveryEntryAtItsOwnTimeFromPlainAndGzipInputsInOrder) {
  vw::test::TempDir dir;
  // Oldest first: a rotated gzip, then the live file (with a bad line and an ignored identity).
  vw::test::write_file(dir / "audit.log.1.gz",
                       test_gz::gzip(entry("2026-01-01T10:00:00Z", "app", "secret/data/a") +
                          entry("2026-01-01T11:00:00Z", "app", "secret/data/b")));
  vw::test::write_file(dir / "audit.log", entry("2026-02-01T09:00:00Z", "app", "secret/data/c") +
                                              "not json\n" +
                                              entry("2026-02-01T09:30:00Z", "backup", "secret/data/d"));
  auto engine = engine_with_one_rule();
  BaselineOptions o;
  o.classifier.ignore_display_names = {"backup"};
  auto s = replay_into(engine, o, {(dir / "audit.log.1.gz").string(), (dir / "audit.log").string()});
  EXPECT_TRUE(s.errors.empty());
  EXPECT_EQ(s.inputs, 2u);
  EXPECT_EQ(s.lines, 5u);
  EXPECT_EQ(s.entries, 4u);
  EXPECT_EQ(s.bad_lines, 1u);
  EXPECT_EQ(s.skipped, 1u);
  EXPECT_EQ(s.fed, 3u);
  EXPECT_EQ(s.backwards, 0u);
  EXPECT_EQ(active_at(engine, "secret/data/a"), parse_rfc3339("2026-01-01T10:00:00Z").value());
  EXPECT_EQ(active_at(engine, "secret/data/c"), parse_rfc3339("2026-02-01T09:00:00Z").value());
  EXPECT_EQ(active_at(engine, "secret/data/d"), SysTime{}) << "audit.ignore applies as in the daemon";
  ASSERT_TRUE(s.first && s.last);
  EXPECT_EQ(format_rfc3339_ms(*s.last), "2026-02-01T09:00:00.000Z");
  EXPECT_NE(format_baseline_summary(s).find("3 entries fed, 1 skipped"), std::string::npos)
      << format_baseline_summary(s);
}

TEST(BaselineReplay, OlderEntriesAreFedAtTheNewestTimeAndCounted) {
  vw::test::TempDir dir;
  vw::test::write_file(dir / "new.log", entry("2026-02-01T09:00:00Z", "app", "secret/data/new"));
  vw::test::write_file(dir / "old.log", entry("2026-01-01T09:00:00Z", "app", "secret/data/old"));
  auto engine = engine_with_one_rule();
  auto s = replay_into(engine, {}, {(dir / "new.log").string(), (dir / "old.log").string(),
                                    (dir / "missing.log").string()});
  EXPECT_EQ(s.fed, 2u);
  EXPECT_EQ(s.backwards, 1u);
  EXPECT_NE(active_at(engine, "secret/data/old"), SysTime{}) << "fed all the same";
  ASSERT_EQ(s.errors.size(), 1u);
  EXPECT_NE(s.errors[0].find("missing.log"), std::string::npos);
  EXPECT_NE(format_baseline_summary(s).find("oldest first"), std::string::npos);
}

// What `baseline build` runs: the engine's history path, where nothing raises an alert.
TEST(BaselineReplay, HistoryOptionsRaiseNoAlert) {
  vw::test::TempDir dir;
  vw::test::write_file(dir / "a.log", entry("2026-01-01T10:00:00Z", "app", "secret/data/a"));
  auto engine = engine_with_one_rule(history_engine_options({}));
  auto s = replay_into(engine, {}, {(dir / "a.log").string()});
  EXPECT_EQ(s.fed, 1u);
  EXPECT_TRUE(engine.alerts().empty());
  EXPECT_EQ(engine.audit_timing().too_old, 1u) << "counted as history, like the daemon's old entries";
}

}  // namespace
}  // namespace vw::forensics
