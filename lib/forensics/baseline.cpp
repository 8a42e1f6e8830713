#include "forensics/baseline.hpp"

#include <chrono>
#include <cstdio>
#include <memory>

#include "audit/decoder.hpp"
#include "audit/entry_view.hpp"
#include "forensics/input.hpp"

namespace vw::forensics {

namespace {
constexpr Duration history_lag = std::chrono::seconds(1);
}  // namespace

rules::EngineOptions history_engine_options(rules::EngineOptions o) {
  o.audit_max_age = history_lag / 2;
  return o;
}

BaselineSummary replay_into(rules::Engine& engine, const BaselineOptions& opts,
                            const std::vector<std::string>& inputs) {
  BaselineSummary sum;
  const auto started = std::chrono::steady_clock::now();
  audit::Decoder decoder(opts.prefix);
  auto classifier = audit::Classifier::create(opts.classifier);
  if (!classifier) {
    sum.errors.push_back(classifier.error().message);
    return sum;
  }
  audit::AuditEntryView view;
  audit::Classification cls;
  AuditEvent event;  // reused: materialize() keeps its capacity from line to line
  std::optional<SysTime> now;  // engine time: the newest entry time fed (never goes back)
  SysTime next_tick{};
  LineScanner scanner(opts.scanner);
  for (const auto& name : inputs) {
    auto in = Input::open(name);
    if (!in) {
      sum.errors.push_back(in.error().message);
      continue;
    }
    ++sum.inputs;
    const auto too_long_before = scanner.too_long();
    scanner.scan(**in, [&](std::string_view line) {
      ++sum.lines;
      if (decoder.decode_padded(line, view)) {
        ++sum.bad_lines;
        return;
      }
      ++sum.entries;
      classifier->classify(view, cls);
      if (cls.skip != audit::Skip::none) {
        ++sum.skipped;
        return;
      }
      audit::materialize(view, event);
      // The entry's own time is the engine's clock (replayed history counts as it happened).
      // The clock never runs back: an entry older than one already fed (logs given out of order)
      // moves it no further, and is still learnt at its own time.
      SysTime t = event.time;
      if (t == SysTime{}) {
        if (!now) return;  // no time at all, nothing fed yet: nothing to learn it at
        t = *now;
      }
      if (now && t < *now) {
        ++sum.backwards;
        t = *now;
      }
      now = t;
      if (!sum.first) {
        sum.first = t;
        next_tick = t + opts.tick_every;
      }
      sum.last = t;
      if (t >= next_tick) {
        engine.tick(t);
        next_tick = t + opts.tick_every;
      }
      // One second "later" with the engine's audit_max_age below it (history_engine_options):
      // the engine's history path, where the behavioural rules learn exactly as the daemon's do
      // from old entries, and nothing raises an alert.
      engine.observe(event, t + history_lag);
      ++sum.fed;
    });
    sum.bad_lines += scanner.too_long() - too_long_before;
    if (!(*in)->error().empty()) sum.errors.push_back((*in)->name() + ": " + (*in)->error());
    if (!(*in)->damage().empty()) sum.damaged.push_back((*in)->name() + ": " + (*in)->damage());
  }
  if (now) engine.tick(*now);
  sum.bytes = scanner.bytes();
  sum.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return sum;
}

std::string format_baseline_summary(const BaselineSummary& s) {
  char buf[256];
  const double mb = static_cast<double>(s.bytes) / 1e6;
  std::snprintf(buf, sizeof buf, "Read %.1f MB (%llu lines) from %llu input%s in %.2f s (%.0f MB/s): ",
                mb, static_cast<unsigned long long>(s.lines), static_cast<unsigned long long>(s.inputs),
                s.inputs == 1 ? "" : "s", s.seconds, s.seconds > 0 ? mb / s.seconds : 0.0);
  std::string out = buf;
  out += std::to_string(s.fed) + " entries fed, " + std::to_string(s.skipped) +
         " skipped like the daemon does (test probe, audit.ignore), " + std::to_string(s.bad_lines) +
         " bad lines";
  if (s.backwards > 0)
    out += ", " + std::to_string(s.backwards) +
           " entries older than one before them (give rotated files oldest first)";
  if (s.first && s.last)
    out += "; entries from " + format_rfc3339_ms(*s.first) + " to " + format_rfc3339_ms(*s.last);
  out += ".";
  return out;
}

}  // namespace vw::forensics
