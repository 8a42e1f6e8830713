#include "rules/template.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <optional>

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
    "{{ $count }} (audit rules), each optionally as {{ X | humanize }} or {{ humanize X }} "
    "(humanize, humanize1024, humanizeDuration, humanizePercentage, humanizeTimestamp)";

// Go's fmt %.4g (C's %.4g prints the same digits, exponent form and trailing-zero trimming),
// with Go's spelling of the non-finite values.
std::string g4(double v, std::string_view suffix = "") {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return std::string(buf) + std::string(suffix);
}

bool finite(double v) { return !std::isnan(v) && !std::isinf(v); }

}  // namespace

std::string humanize(double v) {
  if (!finite(v)) return g4(v);
  const char* prefix = "";
  if (std::fabs(v) >= 1) {
    for (const char* p : {"k", "M", "G", "T", "P", "E", "Z", "Y"}) {
      if (std::fabs(v) < 1000) break;
      prefix = p;
      v /= 1000;
    }
    return g4(v, prefix);
  }
  for (const char* p : {"m", "u", "n", "p", "f", "a", "z", "y"}) {
    if (v == 0 || std::fabs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return g4(v, prefix);
}

std::string humanize1024(double v) {
  if (!finite(v) || std::fabs(v) <= 1) return g4(v);
  const char* prefix = "";
  for (const char* p : {"ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"}) {
    if (std::fabs(v) < 1024) break;
    prefix = p;
    v /= 1024;
  }
  return g4(v, prefix);
}

std::string humanize_duration(double v) {
  if (!finite(v)) return g4(v);
  if (v == 0) return "0s";
  if (std::fabs(v) >= 1) {
    const char* sign = v < 0 ? "-" : "";
    v = std::fabs(v);
    const auto d = static_cast<long long>(v);
    const long long seconds = d % 60, minutes = (d / 60) % 60, hours = (d / 3600) % 24, days = d / 86400;
    char buf[96];
    if (days != 0)
      std::snprintf(buf, sizeof buf, "%s%lldd %lldh %lldm %llds", sign, days, hours, minutes, seconds);
    else if (hours != 0)
      std::snprintf(buf, sizeof buf, "%s%lldh %lldm %llds", sign, hours, minutes, seconds);
    else if (minutes != 0)
      std::snprintf(buf, sizeof buf, "%s%lldm %llds", sign, minutes, seconds);
    else
      return sign + g4(v, "s");
    return buf;
  }
  const char* prefix = "";
  for (const char* p : {"m", "u", "n", "p", "f", "a", "z", "y"}) {
    if (std::fabs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return g4(v, std::string(prefix) + "s");
}

std::string humanize_percentage(double v) { return g4(v * 100, "%"); }

std::string humanize_timestamp(double v) {
  if (!finite(v)) return g4(v);
  // Prometheus: model.TimeFromUnixNano(int64(v * 1e9)), i.e. milliseconds truncated toward 0.
  const double ns = v * 1e9;
  if (ns >= 9.2233720368547758e18 || ns < -9.2233720368547758e18) return format_value(v);
  const long long ms = static_cast<long long>(ns) / 1'000'000;
  long long secs = ms / 1000, frac = ms % 1000;
  if (frac < 0) {
    frac += 1000;
    --secs;
  }
  const std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  if (!gmtime_r(&t, &tm)) return format_value(v);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  std::string out = buf;
  if (frac != 0) {
    char f[8];
    std::snprintf(f, sizeof f, ".%03lld", frac);
    std::string fs = f;
    while (fs.back() == '0') fs.pop_back();
    out += fs;
  }
  return out + " +0000 UTC";
}

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
    // `X | fn` or `fn X`.
    static constexpr std::pair<std::string_view, Fn> fns[] = {
        {"humanize", Fn::humanize},
        {"humanize1024", Fn::humanize1024},
        {"humanizeDuration", Fn::humanize_duration},
        {"humanizePercentage", Fn::humanize_percentage},
        {"humanizeTimestamp", Fn::humanize_timestamp},
    };
    auto fn_named = [&](std::string_view name) -> std::optional<Fn> {
      for (const auto& [n, f] : fns)
        if (n == name) return f;
      return std::nullopt;
    };
    Fn fn = Fn::none;
    if (auto bar = expr.find('|'); bar != std::string_view::npos) {
      const auto name = trim(expr.substr(bar + 1));
      auto f = fn_named(name);
      if (!f) return make_error(shown + ": unknown function \"" + std::string(name) + "\" (" + supported + ")");
      fn = *f;
      expr = trim(expr.substr(0, bar));
    } else if (auto sp = expr.find_first_of(" \t"); sp != std::string_view::npos && !expr.starts_with("$")) {
      auto f = fn_named(expr.substr(0, sp));
      if (!f) return make_error(shown + ": only plain substitutions are supported (" + supported + ")");
      fn = *f;
      expr = trim(expr.substr(sp));
    }
    const std::size_t before = t.parts_.size();
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
    if (t.parts_.size() > before) t.parts_.back().fn = fn;
    i = close + 2;
  }
  return t;
}

std::string Template::apply(Fn fn, double v) {
  switch (fn) {
    case Fn::humanize: return humanize(v);
    case Fn::humanize1024: return humanize1024(v);
    case Fn::humanize_duration: return humanize_duration(v);
    case Fn::humanize_percentage: return humanize_percentage(v);
    case Fn::humanize_timestamp: return humanize_timestamp(v);
    case Fn::none: break;
  }
  return format_value(v);
}

std::string Template::render(const TemplateData& d) const {
  std::string out;
  for (const auto& p : parts_) {
    if (p.fn != Fn::none && p.kind != Kind::value && p.kind != Kind::count) {
      // A text value through a helper: a number is converted as Prometheus converts strings;
      // anything else is shown as it is (Prometheus would fail the whole template).
      Template plain;
      plain.parts_.push_back({p.kind, p.text});
      const std::string text = plain.render(d);
      double v = 0;
      const char* end = text.data() + text.size();
      auto [ptr, ec] = std::from_chars(text.data(), end, v);
      out += ec == std::errc() && ptr == end && !text.empty() ? apply(p.fn, v) : text;
      continue;
    }
    switch (p.kind) {
      case Kind::text: out += p.text; break;
      case Kind::value: out += apply(p.fn, d.value); break;
      case Kind::count: out += apply(p.fn, d.count ? static_cast<double>(*d.count) : 0.0); break;
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
