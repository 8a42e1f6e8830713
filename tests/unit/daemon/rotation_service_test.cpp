// The daemon's rotation service without a daemon: entries in, rules' input out, state file across
// a restart, reload keeping what still matches, metrics at scrape time.
#include "daemon/rotation_service.hpp"

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>

#include "audit/decoder.hpp"
#include "support/kv_audit_line.hpp"
#include "support/test_support.hpp"

namespace vw::daemon {
namespace {

using namespace std::chrono_literals;
using test::KvAuditEntry;

const SysTime t0 = *parse_rfc3339("2026-12-01T00:00:00Z");

class RotationServiceTest : public ::testing::Test {
 protected:
  RotationServiceOptions options(std::vector<std::string> globs) {
    RotationServiceOptions o;
    for (const auto& g : globs) o.tracker.secrets.push_back(*Glob::compile(g));
    o.tracker.deadline = 15min;
    o.state_file = (dir_ / "state" / "rotation.json").string();
    o.clock = [this] { return now_; };
    o.min_push_interval = 0ms;  // io_.poll() runs the coalesced push at once
    return o;
  }
  std::unique_ptr<RotationService> make(RotationServiceOptions o) {
    return std::make_unique<RotationService>(io_.get_executor(), telemetry_, std::move(o),
                                             std::make_shared<spdlog::logger>("test"),
                                             [this](const rules::RotationObservation& r) { seen_.push_back(r); });
  }
  void feed(RotationService& s, const KvAuditEntry& e) {
    audit::AuditEntryView v;
    const std::string l = test::kv_audit_line(e, t0);
    ASSERT_FALSE(decoder_.decode(l, v)) << l;
    s.on_entry(v);
  }
  std::vector<std::string> behind() const {
    std::vector<std::string> out;
    if (seen_.empty()) return out;
    for (const auto& s : seen_.back().secrets)
      for (const auto& c : s.behind) out.push_back(s.path + " " + c.identity);
    return out;
  }

  test::TempDir dir_;
  boost::asio::io_context io_;
  telemetry::Telemetry telemetry_;
  audit::Decoder decoder_;
  SysTime now_ = t0 + 1min;
  std::vector<rules::RotationObservation> seen_;
};

TEST_F(RotationServiceTest, PushesTheBehindConsumersKeepsThemAcrossARestartAndAReload) {
  const char* app = "secret/data/app/db";
  const char* other = "secret/data/other/x";
  {
    auto s = make(options({"secret/data/app/**", "secret/data/other/**"}));
    s->start();
    ASSERT_EQ(seen_.size(), 1u) << "the first observation at start";
    feed(*s, {0s, "read", app, "alice", 1});
    feed(*s, {1s, "read", other, "carol", 3});
    feed(*s, {10s, "update", app, "admin", 2});
    feed(*s, {11s, "update", other, "admin", 4});
    io_.poll();  // the coalesced flush
    EXPECT_EQ(seen_.size(), 2u) << "one push for the batch";
    EXPECT_EQ(behind(), (std::vector<std::string>{"secret/data/app/db alice", "secret/data/other/x carol"}));
    EXPECT_EQ(seen_.back().secrets[0].behind[0].due, t0 + 10s + 15min);
    // A current consumer's read changes nothing the rule sees: no push.
    feed(*s, {20s, "read", app, "bob", 2});
    io_.poll();
    EXPECT_EQ(seen_.size(), 2u);
    const auto text = telemetry_.render();
    EXPECT_NE(text.find("vaultwatch_rotation_consumers{path=\"secret/data/app/db\",state=\"pending\"} 1"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("vaultwatch_rotation_secret_version{path=\"secret/data/other/x\"} 4"), std::string::npos);
    s->stop();  // saves
  }
  ASSERT_TRUE(std::filesystem::exists(dir_ / "state" / "rotation.json"));
  seen_.clear();
  auto s = make(options({"secret/data/app/**", "secret/data/other/**"}));
  s->start();
  EXPECT_EQ(behind(), (std::vector<std::string>{"secret/data/app/db alice", "secret/data/other/x carol"}))
      << "restored before any new entry";
  // Reload without the other glob: its secret goes, app's consumers stay.
  s->reload(options({"secret/data/app/**"}));
  EXPECT_EQ(behind(), (std::vector<std::string>{"secret/data/app/db alice"}));
  const auto st = s->status();
  ASSERT_EQ(st.size(), 1u);
  EXPECT_EQ(st[0].consumers.size(), 2u);
  // States are computed at the clock's now: at the deadline the consumer is stale.
  EXPECT_TRUE(s->api_json().find("\"state\":\"pending\"") != std::string::npos);
  now_ = t0 + 10s + 15min;
  EXPECT_NE(s->api_json().find("\"state\":\"stale\""), std::string::npos);
}

}  // namespace
}  // namespace vw::daemon
