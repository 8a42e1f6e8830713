#include "rules/template.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "rules/rule.hpp"

namespace vw::rules {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

const char* const supported =
    "supported: {{ $labels.NAME }}, {{ $value }}, {{ $event.FIELD }} (audit rules), "
    "{{ $count }} (audit rules)";

}  // namespace

bool looks_templated(std::string_view text) { return text.find("{{") != std::string_view::npos; }

std::string format_value(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  if (std::trunc(v) == v && std::fabs(v) < 1e15) {
    auto [p, ec] = std::to_chars(buf, buf + sizeof buf, static_cast<long long>(v));
    return std::string(buf, p);
  }
  auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, p);
}

Template Template::literal(std::string text) {
  Template t;
  t.source_ = text;
  t.parts_.push_back({Kind::text, std::move(text)});
  return t;
}

result<Template> Template::compile(std::string_view text, const TemplateScope& scope) {
  Template t;
  t.source_ = std::string(text);
  std::size_t i = 0;
  while (i < text.size()) {
    auto open = text.find("{{", i);
    if (open == std::string_view::npos) {
      t.parts_.push_back({Kind::text, std::string(text.substr(i))});
      break;
    }
    if (open > i) t.parts_.push_back({Kind::text, std::string(text.substr(i, open - i))});
    auto close = text.find("}}", open + 2);
    if (close == std::string_view::npos)
      return make_error("unterminated {{ in template \"" + std::string(text) + "\"");
    std::string_view expr = trim(text.substr(open + 2, close - open - 2));
    const std::string shown = "{{ " + std::string(expr) + " }}";
    if (expr == "$value") {
      t.parts_.push_back({Kind::value, {}});
    } else if (expr == "$count") {
      if (!scope.audit) return make_error(shown + ": $count is only available in audit rules");
      t.parts_.push_back({Kind::count, {}});
    } else if (expr.starts_with("$labels.")) {
      std::string name(expr.substr(8));
      if (!valid_label_name(name)) return make_error(shown + ": not a valid label name");
      if (!scope.any_label && !scope.labels.count(name)) {
        std::string known;
        for (const auto& l : scope.labels) known += (known.empty() ? "" : ", ") + l;
        return make_error("unknown template variable " + shown + ": this alert's labels are " +
                          known);
      }
      t.parts_.push_back({Kind::label, std::move(name)});
    } else if (expr.starts_with("$event.")) {
      std::string field(expr.substr(7));
      if (scope.audit) {
        const auto& fields = audit_event_fields();
        if (std::find(fields.begin(), fields.end(), field) == fields.end()) {
          std::string known;
          for (const auto& f : fields) known += (known.empty() ? "" : ", ") + f;
          return make_error("unknown template variable " + shown + ": audit event fields are " +
                            known);
        }
        t.parts_.push_back({Kind::event, std::move(field)});
      } else if (scope.change_event) {
        if (field != "previous" && field != "current" && field != "time")
          return make_error("unknown template variable " + shown +
                            ": change events have previous, current and time");
        t.parts_.push_back({Kind::change, std::move(field)});
      } else {
        return make_error(shown + ": $event is only available in audit rules and in "
                                  "leader_changed/version_changed rules");
      }
    } else if (expr.starts_with("$")) {
      return make_error("unknown template variable " + shown + " (" + supported + ")");
    } else {
      return make_error(shown + ": only plain substitutions are supported (" + supported + ")");
    }
    i = close + 2;
  }
  return t;
}

std::string Template::render(const TemplateData& d) const {
  std::string out;
  for (const auto& p : parts_) {
    switch (p.kind) {
      case Kind::text: out += p.text; break;
      case Kind::value: out += format_value(d.value); break;
      case Kind::count: out += d.count ? std::to_string(*d.count) : "0"; break;
      case Kind::label:
        if (d.labels)
          if (auto it = d.labels->find(p.text); it != d.labels->end()) out += it->second;
        break;
      case Kind::event:
        if (d.event) out += audit_event_field(*d.event, p.text);
        break;
      case Kind::change:
        if (d.change)
          if (auto it = d.change->find(p.text); it != d.change->end()) out += it->second;
        break;
    }
  }
  return out;
}

}  // namespace vw::rules
