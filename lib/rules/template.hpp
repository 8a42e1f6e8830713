#pragma once
// Annotation templates (SPEC §5.1): plain substitutions of {{ $labels.NAME }}, {{ $value }},
// {{ $event.FIELD }} and {{ $count }}, each optionally through one of Prometheus' humanize
// helpers written either way Go templates allow: {{ $value | humanizeDuration }} or
// {{ humanizeDuration $value }}. Nothing else (no chains, no other functions, no control
// flow). Written by hand because Go's text/template is not available in C++ and a general
// template engine would accept constructs Alertmanager users might expect to work but that we
// never evaluate; here an unknown variable is a configuration error at load time.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/alert.hpp"
#include "core/audit_event.hpp"
#include "core/result.hpp"

namespace vw::rules {

/// What a template may refer to; decided by the rule it belongs to.
struct TemplateScope {
  bool audit = false;         // audit rules: $event.<audit field> and $count
  bool change_event = false;  // leader_changed / version_changed: $event.previous/current/time
  bool any_label = false;     // metric rules: series labels are unknown until data arrives
  std::set<std::string> labels;  // otherwise: the labels the alert can carry
};

/// The values a template is rendered with.
struct TemplateData {
  const Labels* labels = nullptr;
  double value = 0;
  const AuditEvent* event = nullptr;                             // audit rules
  const std::map<std::string, std::string>* change = nullptr;    // change events
  std::optional<std::uint64_t> count;
};

class Template {
 public:
  /// Parses and checks every {{ }} against the scope. Pure; never throws.
  static result<Template> compile(std::string_view text, const TemplateScope& scope);
  /// A template that is just text (no substitutions).
  static Template literal(std::string text);

  std::string render(const TemplateData& data) const;
  const std::string& source() const { return source_; }
  bool operator==(const Template& o) const { return source_ == o.source_; }

 private:
  enum class Kind { text, label, value, event, change, count };
  enum class Fn { none, humanize, humanize1024, humanize_duration, humanize_percentage, humanize_timestamp };
  struct Part {
    Kind kind;
    std::string text;  // literal text, label name or field name
    Fn fn = Fn::none;
  };
  static std::string apply(Fn fn, double v);
  std::string source_;
  std::vector<Part> parts_;
};

/// True when the text contains "{{" (label values are not templated: a config error).
bool looks_templated(std::string_view text);

/// How {{ $value }} prints a number: integers without a fraction, others in the shortest form
/// that reads back to the same double.
std::string format_value(double v);

// Prometheus' template helpers (prometheus/template/template.go and
// prometheus/common/helpers/templates), with the same output: Go's %.4g, SI or binary prefixes,
// "1d 2h 3m 4s", and Go's time.Time String() in UTC at millisecond precision.
std::string humanize(double v);             // 1234567 -> "1.235M", 0.12 -> "120m"
std::string humanize1024(double v);         // 1048576 -> "1Mi"
std::string humanize_duration(double seconds);    // 899.99 -> "14m 59s", 0.1 -> "100ms"
std::string humanize_percentage(double ratio);    // 0.1234567 -> "12.35%"
std::string humanize_timestamp(double unix_seconds);  // -> "2015-06-23 13:19:44.128 +0000 UTC"

}  // namespace vw::rules
