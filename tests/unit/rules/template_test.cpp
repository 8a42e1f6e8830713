#include "rules/template.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <limits>

namespace vw::rules {
namespace {

using ::testing::HasSubstr;

TemplateScope audit_scope() {
  TemplateScope s;
  s.audit = true;
  s.labels = {"alertname", "severity", "display_name", "instance"};
  return s;
}

TEST(Template, RendersEverySubstitution) {
  auto t = Template::compile(
      "{{ $labels.display_name }} did {{$event.operation}} on {{ $event.path }} "
      "[{{ $event.policies }}] ns={{ $event.namespace }} at {{ $event.time }} "
      "x{{ $count }} v={{   $value   }} missing=<{{ $labels.instance }}>",
      audit_scope());
  ASSERT_TRUE(t) << t.error().message;
  Labels l = {{"display_name", "approle"}};
  AuditEvent e;
  e.time = parse_rfc3339("2026-11-28T12:01:48.632Z").value();
  e.operation = "update";
  e.path = "secret/data/a";
  e.policies = {"default", "app"};
  TemplateData d;
  d.labels = &l;
  d.event = &e;
  d.count = 3;
  d.value = 3;
  EXPECT_EQ(t->render(d),
            "approle did update on secret/data/a [default,app] ns=root at "
            "2026-11-28T12:01:48.632Z x3 v=3 missing=<>");
}

TEST(Template, ChangeEventsHavePreviousCurrentAndTime) {
  TemplateScope s;
  s.change_event = true;
  auto t = Template::compile("{{ $event.previous }} -> {{ $event.current }}", s);
  ASSERT_TRUE(t);
  std::map<std::string, std::string> c = {{"previous", "1.19.2"}, {"current", "1.20.0"}};
  TemplateData d;
  d.change = &c;
  EXPECT_EQ(t->render(d), "1.19.2 -> 1.20.0");
}

TEST(Template, RejectsWhatItCannotEvaluate) {
  struct Case {
    std::string text;
    TemplateScope scope;
    std::string error;
  } cases[] = {
      {"{{ $foo }}", audit_scope(), "unknown template variable {{ $foo }}"},
      {"{{ $event.accessor }}", audit_scope(), "unknown template variable {{ $event.accessor }}"},
      {"{{ $event.client_token }}", audit_scope(), "audit event fields are"},
      {"{{ $labels.nope }}", audit_scope(), "this alert's labels are"},
      {"{{ $labels.bad-name }}", audit_scope(), "not a valid label name"},
      {"{{ $event.path }}", TemplateScope{}, "only available in audit rules"},
      {"{{ $count }}", TemplateScope{}, "$count is only available in audit rules"},
      {"{{ $event.other }}", TemplateScope{.change_event = true}, "previous, current and time"},
      {"{{ .Labels.x }}", audit_scope(), "only plain substitutions"},
      {"{{ $value | humanise }}", audit_scope(), "unknown function \"humanise\""},
      {"{{ printf $value }}", audit_scope(), "only plain substitutions"},
      {"{{ $value | humanize | humanize }}", audit_scope(), "unknown function"},
      {"{{ humanize $nope }}", audit_scope(), "unknown template variable"},
      {"{{ if $value }}x{{ end }}", audit_scope(), "only plain substitutions"},
      {"abc {{ $value", audit_scope(), "unterminated {{"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    auto t = Template::compile(c.text, c.scope);
    ASSERT_FALSE(t);
    EXPECT_THAT(t.error().message, HasSubstr(c.error));
  }
}

TEST(Template, MetricRulesMayNameAnyLabel) {
  TemplateScope s;
  s.any_label = true;
  EXPECT_TRUE(Template::compile("{{ $labels.cluster }} {{ $labels.mount_point }}", s));
}

TEST(Template, FormatsValues) {
  EXPECT_EQ(format_value(503), "503");
  EXPECT_EQ(format_value(-120), "-120");
  EXPECT_EQ(format_value(0.25), "0.25");
  EXPECT_EQ(format_value(2.0 / 90), "0.022222222222222223");
  EXPECT_EQ(format_value(2147483648.0), "2147483648");
  EXPECT_EQ(format_value(1e300), "1e+300");
}

// Expected strings are Prometheus' own (prometheus/template/template_test.go and
// prometheus/common/helpers/templates/time_test.go).
TEST(Template, HumanizeHelpersMatchPrometheus) {
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  struct Case {
    std::string (*fn)(double);
    double in;
    std::string out;
  } cases[] = {
      {humanize, 0.0, "0"},
      {humanize, 1.0, "1"},
      {humanize, 1234567.0, "1.235M"},
      {humanize, .12, "120m"},
      {humanize, -1, "-1"},
      {humanize, 9223372036854775807.0, "9.223E"},
      {humanize, 18446744073709551615.0, "18.45E"},
      {humanize1024, 0.0, "0"},
      {humanize1024, 1.0, "1"},
      {humanize1024, 1048576.0, "1Mi"},
      {humanize1024, .12, "0.12"},
      {humanize1024, -1, "-1"},
      {humanize1024, 1234567, "1.177Mi"},
      {humanize1024, 9223372036854775807.0, "8Ei"},
      {humanize_duration, 0, "0s"},
      {humanize_duration, 1, "1s"},
      {humanize_duration, 60, "1m 0s"},
      {humanize_duration, 3600, "1h 0m 0s"},
      {humanize_duration, 86400, "1d 0h 0m 0s"},
      {humanize_duration, 86400 + 3600, "1d 1h 0m 0s"},
      {humanize_duration, -(86400 * 2 + 3600 * 3 + 60 * 4 + 5), "-2d 3h 4m 5s"},
      {humanize_duration, 899.99, "14m 59s"},
      {humanize_duration, .1, "100ms"},
      {humanize_duration, .0001, "100us"},
      {humanize_duration, .12345, "123.5ms"},
      {humanize_duration, 60.1, "1m 0s"},
      {humanize_duration, 60.5, "1m 0s"},
      {humanize_duration, 1.2345, "1.234s"},
      {humanize_duration, 12.345, "12.35s"},
      {humanize_duration, -1, "-1s"},
      {humanize_duration, 1234567, "14d 6h 56m 7s"},
      {humanize_percentage, -0.22222, "-22.22%"},
      {humanize_percentage, 0.0, "0%"},
      {humanize_percentage, 0.1234567, "12.35%"},
      {humanize_percentage, 1.23456, "123.5%"},
      {humanize_percentage, 1234567, "1.235e+08%"},
      {humanize_timestamp, 0, "1970-01-01 00:00:00 +0000 UTC"},
      {humanize_timestamp, -1, "1969-12-31 23:59:59 +0000 UTC"},
      {humanize_timestamp, 1, "1970-01-01 00:00:01 +0000 UTC"},
      {humanize_timestamp, 1234567, "1970-01-15 06:56:07 +0000 UTC"},
      {humanize_timestamp, 9223372036, "2262-04-11 23:47:16 +0000 UTC"},
      {humanize_timestamp, 1435065584.128, "2015-06-23 13:19:44.128 +0000 UTC"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.out);
    EXPECT_EQ(c.fn(c.in), c.out);
  }
  for (auto fn : {humanize, humanize1024, humanize_duration, humanize_timestamp}) {
    EXPECT_EQ(fn(inf), "+Inf");
    EXPECT_EQ(fn(-inf), "-Inf");
    EXPECT_EQ(fn(nan), "NaN");
  }
}

TEST(Template, HelpersInBothSpellingsAndOnTextValues) {
  auto t = Template::compile(
      "{{ $value | humanizeDuration }} / {{ humanize $value }} / {{humanizePercentage $count}} / "
      "{{ $labels.bytes | humanize1024 }} / {{ humanizeTimestamp $labels.at }} / {{ humanize $labels.display_name }}",
      TemplateScope{.audit = true, .any_label = true});
  ASSERT_TRUE(t) << t.error().message;
  Labels l = {{"bytes", "1048576"}, {"at", "1435065584.128"}, {"display_name", "approle"}};
  TemplateData d;
  d.labels = &l;
  d.value = -63096083.18375969;  // the clock-skew description of issue 17
  d.count = 1;
  EXPECT_EQ(t->render(d),
            "-730d 6h 41m 23s / -63.1M / 100% / 1Mi / 2015-06-23 13:19:44.128 +0000 UTC / approle");
}

TEST(Template, LiteralTextAndLabelDetection) {
  EXPECT_EQ(Template::literal("plain {{ text").render({}), "plain {{ text");
  EXPECT_TRUE(looks_templated("a {{ $labels.x }}"));
  EXPECT_FALSE(looks_templated("critical"));
}

}  // namespace
}  // namespace vw::rules
