// Filters (SPEC §1 `audit search`), table-driven over decoded entries, and the pre-filter's
// promise: it never rejects a line the full filter would accept.
#include "forensics/filter.hpp"

#include <gtest/gtest.h>

#include "audit/decoder.hpp"

namespace vw::forensics {
namespace {

using namespace std::chrono_literals;

SysTime t(const char* s) { return *parse_rfc3339(s); }
const SysTime now = t("2026-11-28T12:00:00Z");

// An approle read at 10:00 from 10.1.2.3 and a permission-denied userpass write at 11:00 over
// IPv6; a login response with response.data.error and no auth; two Enterprise KMIP entries (no
// path, no operation, the client port in remote_address), as Elastic's integration tests log them.
const std::vector<std::string> lines = {
    R"({"time":"2026-11-28T10:00:00.5Z","type":"request","auth":{"client_token":"hmac-sha256:t1","accessor":"hmac-sha256:a1","display_name":"approle","policies":["default","billing-read"],"metadata":{"role_name":"billing"},"entity_id":"e-1"},"request":{"id":"r1","operation":"read","path":"secret/data/cwiq/shared/billing/database","mount_point":"secret/","remote_address":"10.1.2.3"}})",
    R"({"auth":{"display_name":"userpass-alice","policies":["ops"],"metadata":{"username":"alice"},"entity_id":"e-2"},"error":"1 error occurred:\n\t* permission denied\n\n","request":{"operation":"update","path":"sys/policy/ops","remote_address":"2001:db8::5"},"time":"2026-11-28T11:00:00Z","type":"request"})",
    R"({"time":"2026-11-28T11:30:00Z","type":"response","auth":{"token_type":"default"},"request":{"operation":"update","path":"auth/userpass/login/bob","remote_address":"::ffff:10.1.9.9"},"response":{"data":{"error":"invalid username or password"}}})",
    R"({"request":{"client_certificate_serial_number":"7931113","data":{"kmip_request":{"tag":"RequestMessage","value":[]}},"namespace":{"id":"root"},"remote_address":"192.168.0.10:36776"},"time":"2026-11-28T11:45:00Z","type":"kmip-request"})",
    R"({"request":{"data":{"kmip_request":{"tag":"RequestMessage","value":[]}},"namespace":{"id":"root"},"remote_address":"[2001:db8::10]:36778"},"response":{"data":{"kmip_response":{"tag":"ResponseMessage","value":[]}}},"time":"2026-11-28T11:50:00Z","type":"kmip-response"})",
};

struct Case {
  const char* name;
  FilterOptions opts;
  std::vector<int> want;  // indexes into `lines` that match
};

std::vector<Case> cases() {
  auto o = [](auto f) {
    FilterOptions x;
    f(x);
    return x;
  };
  return {
      {"none", {}, {0, 1, 2, 3, 4}},
      {"path_exact", o([](auto& x) { x.paths = {"secret/data/cwiq/shared/billing/database"}; }), {0}},
      {"path_star_stays_in_segment", o([](auto& x) { x.paths = {"secret/data/*"}; }), {}},
      {"path_star_segment", o([](auto& x) { x.paths = {"secret/data/cwiq/shared/*/database"}; }), {0}},
      {"path_globstar", o([](auto& x) { x.paths = {"secret/**"}; }), {0}},
      {"path_or", o([](auto& x) { x.paths = {"sys/**", "auth/*/login/*"}; }), {1, 2}},
      {"operation", o([](auto& x) { x.operations = {"update"}; }), {1, 2}},
      {"operation_or", o([](auto& x) { x.operations = {"read", "list"}; }), {0}},
      {"identity_display_name", o([](auto& x) { x.identities = {"userpass-alice"}; }), {1}},
      {"identity_metadata", o([](auto& x) { x.identities = {"billing"}; }), {0}},
      {"identity_entity", o([](auto& x) { x.identities = {"e-2"}; }), {1}},
      {"identity_not_a_substring", o([](auto& x) { x.identities = {"alic"}; }), {}},
      {"policy", o([](auto& x) { x.policies = {"billing-read"}; }), {0}},
      {"policy_not_a_substring", o([](auto& x) { x.policies = {"billing"}; }), {}},
      {"remote_v4", o([](auto& x) { x.remotes = {"10.1.0.0/16"}; }), {0, 2}},
      {"remote_single", o([](auto& x) { x.remotes = {"10.1.2.3"}; }), {0}},
      {"remote_v6", o([](auto& x) { x.remotes = {"2001:db8::/32"}; }), {1, 4}},
      {"remote_zero", o([](auto& x) { x.remotes = {"0.0.0.0/0"}; }), {0, 2, 3}},
      // Issue 16: addresses that carry a port (KMIP) match too.
      {"remote_with_port", o([](auto& x) { x.remotes = {"192.168.0.0/16"}; }), {3}},
      {"remote_bracketed_with_port", o([](auto& x) { x.remotes = {"2001:db8::10"}; }), {4}},
      {"remote_host_bits_ignored", o([](auto& x) { x.remotes = {"10.1.2.3/16"}; }), {0, 2}},
      {"since_inclusive", o([](auto& x) { x.since = "2026-11-28T11:00:00Z"; }), {1, 2, 3, 4}},
      {"until_inclusive", o([](auto& x) { x.until = "2026-11-28T11:00:00Z"; }), {0, 1}},
      {"since_relative", o([](auto& x) { x.since = "90m"; }), {1, 2, 3, 4}},
      {"since_offset", o([](auto& x) { x.since = "2026-11-28T11:15:00+01:00"; }), {1, 2, 3, 4}},
      {"errors", o([](auto& x) { x.errors_only = true; }), {1, 2}},
      {"type", o([](auto& x) { x.type = AuditEvent::Type::response; }), {2, 4}},
      {"type_request_includes_kmip_request", o([](auto& x) { x.type = AuditEvent::Type::request; }), {0, 1, 3}},
      {"path_globstar_needs_a_path", o([](auto& x) { x.paths = {"**"}; }), {0, 1, 2}},
      {"and_across_flags",
       o([](auto& x) {
         x.operations = {"update"};
         x.errors_only = true;
         x.remotes = {"2001:db8::/32"};
       }),
       {1}},
  };
}

TEST(Filter, MatchesTheTable) {
  audit::Decoder d;
  for (const auto& c : cases()) {
    auto f = Filter::create(c.opts, now);
    ASSERT_TRUE(f) << c.name << ": " << f.error().message;
    std::vector<int> got;
    for (int i = 0; i < static_cast<int>(lines.size()); ++i) {
      audit::AuditEntryView v;
      ASSERT_FALSE(d.decode(lines[static_cast<std::size_t>(i)], v)) << i;
      bool m = f->matches(v);
      if (m) got.push_back(i);
      // The pre-filter may let through what the filter rejects, never the reverse.
      if (m) {
        EXPECT_TRUE(f->may_match(lines[static_cast<std::size_t>(i)])) << c.name << " line " << i;
      }
    }
    EXPECT_EQ(got, c.want) << c.name;
  }
}

TEST(Filter, PrefilterRejectsLinesWithoutTheLiteral) {
  FilterOptions o;
  o.paths = {"secret/data/cwiq/shared/billing/**"};
  auto f = Filter::create(o, now);
  ASSERT_TRUE(f);
  ASSERT_TRUE(f->has_prefilter());
  EXPECT_EQ(f->needle_groups(), (std::vector<std::vector<std::string>>{{"billing"}}));
  EXPECT_FALSE(f->may_match(lines[1]));
  EXPECT_TRUE(f->may_match(lines[0]));
  // A \u escape anywhere could hide the literal: such lines are decoded.
  EXPECT_TRUE(f->may_match(R"({"request":{"path":"secret/data/cwiq/shared/b\u0069lling/x"}})"));
  // An escaped backslash followed by u is not an escape.
  EXPECT_FALSE(f->may_match(R"({"request":{"path":"x\\u"}})"));
}

TEST(Filter, PrefilterNeedsEveryFlagToHaveALiteral) {
  FilterOptions o;
  o.paths = {"secret/**", "**"};
  o.identities = {"alice"};
  auto f = Filter::create(o, now);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->needle_groups(), (std::vector<std::vector<std::string>>{{"alice"}}));
  FilterOptions none;
  none.operations = {"read"};
  EXPECT_FALSE(Filter::create(none, now)->has_prefilter());
}

TEST(Filter, PrefilterNeedleAvoidsCharactersWithOtherEscapes) {
  struct {
    const char* in;
    const char* want;
  } table[] = {
      {"secret/data/cwiq/shared/billing/**", "billing"},
      {"a/*/bcd", "bcd"},
      {"**", ""},
      {"say \"hi\"", "say "},
      {"tab\there", "here"},
      {"caf\xc3\xa9", "caf\xc3\xa9"},
  };
  for (const auto& c : table) EXPECT_EQ(prefilter_needle(c.in), c.want) << c.in;
}

TEST(Filter, RejectsBadValuesNamingTheFlag) {
  struct {
    FilterOptions o;
    const char* msg;
  } table[] = {
      {{.paths = {"a***"}}, "--path"},
      {{.remotes = {"10.0.0.0/33"}}, "--remote"},
      {{.remotes = {"host.example"}}, "--remote"},
      {{.since = "yesterday"}, "--since"},
      {{.until = "2026-13-01T00:00:00Z"}, "--until"},
  };
  for (const auto& c : table) {
    auto f = Filter::create(c.o, now);
    ASSERT_FALSE(f);
    EXPECT_NE(f.error().message.find(c.msg), std::string::npos) << f.error().message;
  }
}

TEST(Filter, TimeBoundForms) {
  EXPECT_EQ(*parse_time_bound("2026-11-28T10:00:00Z", now), t("2026-11-28T10:00:00Z"));
  EXPECT_EQ(*parse_time_bound("2026-11-27", now), t("2026-11-27T00:00:00Z"));
  EXPECT_EQ(*parse_time_bound("24h", now), now - 24h);
  EXPECT_EQ(*parse_time_bound("7d", now), now - 7 * 24h);
  EXPECT_EQ(*parse_time_bound("1h30m", now), now - 90min);
  EXPECT_FALSE(parse_time_bound("", now));
  EXPECT_FALSE(parse_time_bound("2026-11-2", now));
}

TEST(Decoder, KeepsClientTokenInTheViewForShowHmac) {
  audit::Decoder d;
  audit::AuditEntryView v;
  ASSERT_FALSE(d.decode(lines[0], v));
  EXPECT_EQ(v.client_token, "hmac-sha256:t1");
  EXPECT_EQ(v.accessor, "hmac-sha256:a1");
  EXPECT_EQ(audit::to_event(v).accessor, "hmac-sha256:a1");
}

}  // namespace
}  // namespace vw::forensics
