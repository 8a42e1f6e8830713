#include "rules/template.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

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
      {"{{ $value | humanize }}", audit_scope(), "unknown template variable"},
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

TEST(Template, LiteralTextAndLabelDetection) {
  EXPECT_EQ(Template::literal("plain {{ text").render({}), "plain {{ text");
  EXPECT_TRUE(looks_templated("a {{ $labels.x }}"));
  EXPECT_FALSE(looks_templated("critical"));
}

}  // namespace
}  // namespace vw::rules
