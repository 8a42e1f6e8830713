#include "forensics/rotation_report.hpp"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>

#include "audit/decoder.hpp"
#include "core/duration.hpp"
#include "forensics/input.hpp"

namespace vw::forensics {

namespace {

std::string rfc3339(SysTime t) {
  std::string s;
  append_rfc3339(t, s);
  return s;
}

}  // namespace

void append_write_json(const rotation::WriteReport& r, Duration deadline, std::string& out) {
  const SysTime due = r.written_at + deadline;
  out += "{\"path\":";
  append_json_string(r.path, out);
  out += ",\"version\":" + std::to_string(r.version);
  out += ",\"written_at\":\"" + rfc3339(r.written_at) + "\"";
  out += ",\"writer\":";
  append_json_string(r.writer, out);
  out += ",\"deadline\":\"" + rfc3339(due) + "\"";
  out += ",\"consumers\":[";
  bool first = true;
  for (const auto& c : r.consumers) {
    if (!first) out += ',';
    first = false;
    out += "{\"identity\":";
    append_json_string(c.identity, out);
    out += ",\"remote_address\":";
    append_json_string(c.remote_address, out);
    out += ",\"last_version\":" + std::to_string(c.last_version);
    out += ",\"last_read\":\"" + rfc3339(c.last_read) + "\"";
    out += ",\"picked_up_at\":";
    out += c.picked_up_at ? "\"" + rfc3339(*c.picked_up_at) + "\"" : std::string("null");
    out += ",\"on_time\":";
    out += c.picked_up_at && *c.picked_up_at <= due ? "true" : "false";
    out += '}';
  }
  out += "]}\n";
}

void append_write_table(const rotation::WriteReport& r, Duration deadline, std::string& out) {
  const SysTime due = r.written_at + deadline;
  std::size_t on_time = 0, width = 8;
  for (const auto& c : r.consumers) {
    if (c.picked_up_at && *c.picked_up_at <= due) ++on_time;
    width = std::max(width, terminal_safe(c.identity).size());
  }
  out += terminal_safe(r.path) + "  version " + std::to_string(r.version) + "  written " + rfc3339(r.written_at) +
         " by " + (r.writer.empty() ? std::string("(unknown)") : terminal_safe(r.writer)) + "  " +
         std::to_string(on_time) + " of " + std::to_string(r.consumers.size()) + " consumers picked it up by " +
         rfc3339(due) + "\n";
  for (const auto& c : r.consumers) {
    std::string id = terminal_safe(c.identity);
    id.resize(width, ' ');
    std::string remote = terminal_safe(c.remote_address);
    remote.resize(std::max<std::size_t>(remote.size(), 15), ' ');
    out += "  " + id + "  " + remote + "  v" + std::to_string(c.last_version) + "  ";
    if (c.picked_up_at) {
      const auto after = std::chrono::duration_cast<Duration>(*c.picked_up_at - r.written_at);
      out += "picked up " + rfc3339(*c.picked_up_at) + " (+" + format_duration(after) + ")" +
             (*c.picked_up_at <= due ? "" : " LATE");
    } else {
      out += "NOT picked up (last read " + rfc3339(c.last_read) + ")";
    }
    out += '\n';
  }
  out += '\n';
}

RotationSummary run_rotation(const RotationRunOptions& opts, const std::vector<std::string>& inputs,
                             int out_fd, int err_fd) {
  RotationSummary sum;
  const auto started = std::chrono::steady_clock::now();
  // stdio for the output: buffered, and one place that handles short writes and EINTR.
  std::unique_ptr<FILE, int (*)(FILE*)> out_file(::fdopen(::dup(out_fd), "w"), &std::fclose);
  std::unique_ptr<FILE, int (*)(FILE*)> err_file(::fdopen(::dup(err_fd), "w"), &std::fclose);
  auto err = [&](const std::string& msg) {
    if (err_file) std::fprintf(err_file.get(), "vaultwatch: %s\n", msg.c_str());
  };
  std::string out;
  auto flush = [&] {
    if (out.empty()) return;
    if (!out_file || std::fwrite(out.data(), 1, out.size(), out_file.get()) != out.size()) {
      if (sum.errors.empty() || sum.errors.back().rfind("writing output", 0) != 0) {
        sum.errors.push_back(std::string("writing output: ") + std::strerror(errno));
        err(sum.errors.back());
      }
    }
    out.clear();
  };

  rotation::Options topts;
  for (const auto& p : opts.paths.empty() ? std::vector<std::string>{"**"} : opts.paths) {
    auto g = Glob::compile(p);
    if (g) topts.secrets.push_back(std::move(*g));
  }
  topts.consumer_window = opts.consumer_window;
  topts.deadline = opts.deadline;
  topts.consumer_key = opts.consumer_key;
  topts.max_tracked = opts.max_tracked;
  rotation::Tracker tracker(topts, [&](const rotation::WriteReport& r) {
    ++sum.writes;
    if (opts.format == Format::json) append_write_json(r, opts.deadline, out);
    else append_write_table(r, opts.deadline, out);
    if (out.size() >= (1u << 20)) flush();
  });

  audit::Decoder decoder(opts.prefix);
  audit::AuditEntryView view;
  LineScanner scanner(opts.scanner);
  for (const auto& name : inputs) {
    auto in = Input::open(name);
    if (!in) {
      sum.errors.push_back(in.error().message);
      err(sum.errors.back());
      continue;
    }
    ++sum.inputs;
    const std::uint64_t too_long_before = scanner.too_long();
    scanner.scan(**in, [&](std::string_view line) {
      ++sum.lines;
      if (auto e = decoder.decode_padded(line, view)) {
        ++sum.bad[static_cast<int>(*e)];
        return;
      }
      ++sum.entries;
      tracker.observe(view);
    });
    sum.bad[static_cast<int>(audit::DecodeError::too_long)] += scanner.too_long() - too_long_before;
    if (!(*in)->error().empty()) {
      sum.errors.push_back((*in)->name() + ": " + (*in)->error());
      err(sum.errors.back());
    }
    if (!(*in)->damage().empty()) sum.damaged.push_back((*in)->name() + ": " + (*in)->damage());
  }
  tracker.finish();
  flush();
  if (out_file) std::fflush(out_file.get());
  sum.bytes = scanner.bytes();
  sum.evicted = tracker.evicted();
  sum.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  for (const auto& d : sum.damaged) err("warning: " + d + " (entries before the damage were read)");
  if (!opts.quiet && err_file) {
    const double mbps = sum.seconds > 0 ? static_cast<double>(sum.bytes) / 1e6 / sum.seconds : 0;
    std::fprintf(err_file.get(),
                 "vaultwatch audit rotation: %llu writes; %llu entries, %llu lines in %llu input%s, %.1f MB in "
                 "%.2f s (%.0f MB/s); %llu bad lines",
                 static_cast<unsigned long long>(sum.writes), static_cast<unsigned long long>(sum.entries),
                 static_cast<unsigned long long>(sum.lines), static_cast<unsigned long long>(sum.inputs),
                 sum.inputs == 1 ? "" : "s", static_cast<double>(sum.bytes) / 1e6, sum.seconds, mbps,
                 static_cast<unsigned long long>(sum.bad[0] + sum.bad[1] + sum.bad[2]));
    if (sum.evicted) std::fprintf(err_file.get(), "; %llu evicted (over --max-tracked)", static_cast<unsigned long long>(sum.evicted));
    if (!sum.damaged.empty()) std::fprintf(err_file.get(), "; %zu damaged input(s)", sum.damaged.size());
    if (!sum.errors.empty()) std::fprintf(err_file.get(), "; %zu error(s)", sum.errors.size());
    std::fprintf(err_file.get(), "\n");
  }
  return sum;
}

}  // namespace vw::forensics
