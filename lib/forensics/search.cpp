#include "forensics/search.hpp"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>

#include "audit/classifier.hpp"
#include "audit/decoder.hpp"
#include "forensics/stats.hpp"

namespace vw::forensics {

namespace {

constexpr std::size_t flush_bytes = 1u << 20;

// Writes all of `data`; false (errno set) on failure.
bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t w = ::write(fd, data.data(), data.size());
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) return false;
    data.remove_prefix(static_cast<std::size_t>(w));
  }
  return true;
}

std::string human_bytes(double b) {
  const char* units[] = {"B", "kB", "MB", "GB", "TB"};
  int u = 0;
  while (b >= 1000 && u < 4) {
    b /= 1000;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", b, units[u]);
  return buf;
}

// A one-line progress bar on a terminal, redrawn at most 5 times a second, erased at the end.
class Progress {
 public:
  Progress(int fd, std::uint64_t total) : fd_(fd), total_(total), start_(clock::now()) {}
  void update(std::uint64_t done) {
    auto now = clock::now();
    if (now - last_ < std::chrono::milliseconds(200)) return;
    last_ = now;
    double secs = std::chrono::duration<double>(now - start_).count();
    double frac = total_ ? std::min(1.0, static_cast<double>(done) / static_cast<double>(total_)) : 0;
    constexpr int width = 30;
    int fill = static_cast<int>(frac * width);
    std::string line = "\r[";
    line.append(static_cast<std::size_t>(fill), '#');
    line.append(static_cast<std::size_t>(width - fill), ' ');
    char buf[128];
    std::snprintf(buf, sizeof buf, "] %3.0f%%  %s / %s  %s/s ", frac * 100,
                  human_bytes(static_cast<double>(done)).c_str(),
                  human_bytes(static_cast<double>(total_)).c_str(),
                  human_bytes(secs > 0 ? static_cast<double>(done) / secs : 0).c_str());
    line += buf;
    write_all(fd_, line);
    drawn_ = true;
  }
  ~Progress() {
    if (drawn_) write_all(fd_, "\r\033[K");
  }

 private:
  using clock = std::chrono::steady_clock;
  int fd_;
  std::uint64_t total_;
  clock::time_point start_, last_{};
  bool drawn_ = false;
};

}  // namespace

namespace {

// "1 line", "2 lines"; "1 entry", "2 entries".
std::string count(std::uint64_t n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

}  // namespace

std::string format_summary(const SearchSummary& s, SearchOptions::Mode mode) {
  // Plain words, and numbers that add up: every line read was skipped by the pre-filter,
  // decoded, or bad; the matches are among the decoded entries.
  const auto too_long = s.bad[static_cast<int>(audit::DecodeError::too_long)];
  std::string out = "vaultwatch audit ";
  out += mode == SearchOptions::Mode::search ? "search: " : "stats: ";
  out += count(s.matched, "entry", "entries") + " matched. ";
  char buf[160];
  const double mbps = s.seconds > 0 ? static_cast<double>(s.bytes) / 1e6 / s.seconds : 0;
  std::snprintf(buf, sizeof buf, " (%s) from %s in %.2f s (%.0f MB/s): ",
                human_bytes(static_cast<double>(s.bytes)).c_str(), count(s.inputs, "input", "inputs").c_str(),
                s.seconds, mbps);
  out += "Read " + count(s.lines + too_long, "line", "lines") + buf;
  if (s.prefiltered > 0) out += std::to_string(s.prefiltered) + " skipped by the pre-filter without decoding, ";
  out += std::to_string(s.entries) + " decoded, " + count(s.bad_lines(), "bad line", "bad lines");
  if (s.bad_lines() > 0) {
    const char* sep = " (";
    for (auto e : {audit::DecodeError::bad_json, audit::DecodeError::too_long, audit::DecodeError::missing_field}) {
      const auto n = s.bad[static_cast<int>(e)];
      if (n == 0) continue;
      const char* why = e == audit::DecodeError::bad_json   ? "not valid JSON"
                        : e == audit::DecodeError::too_long ? "longer than the line limit"
                                                            : "without type, time or request";
      out += sep + std::to_string(n) + " " + why + ": " + audit::to_string(e);
      sep = ", ";
    }
    out += ')';
  }
  out += '.';
  if (!s.damaged.empty())
    out += " " + count(s.damaged.size(), "damaged input", "damaged inputs") + " (warnings above).";
  if (!s.errors.empty()) out += " " + count(s.errors.size(), "error", "errors") + " (above).";
  return out;
}

SearchSummary run_search(const Filter& filter, const SearchOptions& opts,
                         const std::vector<std::string>& inputs, int out_fd, int err_fd) {
  SearchSummary sum;
  const auto started = std::chrono::steady_clock::now();
  auto err = [&](const std::string& msg) { write_all(err_fd, "vaultwatch: " + msg + "\n"); };

  // Open every input first: a typo in the 5th file name is reported before minutes of scanning,
  // and the progress bar knows the total.
  std::vector<std::unique_ptr<Input>> opened;
  std::uint64_t total = 0;
  bool sizes_known = true;
  for (const auto& name : inputs) {
    auto in = Input::open(name);
    if (!in) {
      sum.errors.push_back(in.error().message);
      err(in.error().message);
      continue;
    }
    if ((*in)->size()) total += *(*in)->size();
    else sizes_known = false;
    opened.push_back(std::move(*in));
  }
  // Nothing could be opened: the errors above are the whole answer (no empty table or report
  // on stdout, no summary of nothing).
  if (opened.empty() && !inputs.empty()) return sum;
  std::unique_ptr<Progress> progress;
  // Not when rows go to the same terminal: the bar would be torn up by the rows (stats prints
  // only at the end, so it always gets the bar).
  if (opts.progress && sizes_known && total >= opts.progress_min_bytes && ::isatty(err_fd) &&
      (opts.mode == SearchOptions::Mode::stats || !::isatty(out_fd)))
    progress = std::make_unique<Progress>(err_fd, total);

  audit::Decoder decoder(opts.prefix);
  auto classifier = audit::Classifier::create({});
  audit::AuditEntryView view;
  audit::Classification cls;
  Stats stats;
  auto writer = make_row_writer(opts.format);
  std::string out;
  out.reserve(flush_bytes + 64 * 1024);
  bool out_failed = false;
  const bool prefilter = filter.has_prefilter();
  const bool stats_mode = opts.mode == SearchOptions::Mode::stats;

  auto flush = [&] {
    if (out.empty() || out_failed) return;
    if (!write_all(out_fd, out)) {
      out_failed = true;
      sum.errors.push_back(std::string("writing output: ") + std::strerror(errno));
      err(sum.errors.back());
    }
    out.clear();
  };

  LineScanner scanner(opts.scanner);
  std::uint64_t raw_before = 0;  // raw bytes of the inputs already finished
  for (auto& in : opened) {
    if (out_failed) break;
    ++sum.inputs;
    const std::uint64_t too_long_before = scanner.too_long();
    scanner.scan(
        *in,
        [&](std::string_view line) {
          ++sum.lines;
          if (prefilter && !filter.may_match(line)) {
            ++sum.prefiltered;
            return;
          }
          if (auto e = decoder.decode_padded(line, view)) {
            ++sum.bad[static_cast<int>(*e)];
            return;
          }
          ++sum.entries;
          if (!filter.matches(view)) return;
          ++sum.matched;
          if (stats_mode) {
            classifier->classify(view, cls);
            stats.add(view, cls);
          } else {
            writer->row(view, out);
            if (out.size() >= flush_bytes) flush();
          }
        },
        [&](std::size_t) {
          if (progress) progress->update(raw_before + in->raw_bytes());
        });
    sum.bad[static_cast<int>(audit::DecodeError::too_long)] += scanner.too_long() - too_long_before;
    raw_before += in->raw_bytes();
    sum.raw_bytes += in->raw_bytes();
    if (!in->error().empty()) {
      sum.errors.push_back(in->name() + ": " + in->error());
      err(sum.errors.back());
    }
    if (!in->damage().empty()) {
      sum.damaged.push_back(in->name() + ": " + in->damage());
    }
  }
  sum.bytes = scanner.bytes();
  progress.reset();

  if (stats_mode) {
    if (opts.format.format == Format::json) stats.render_json(out, opts.top);
    else stats.render_table(out, opts.top);
  } else {
    writer->finish(out);
  }
  flush();
  sum.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  for (const auto& d : sum.damaged) err("warning: " + d + " (entries before the damage were searched)");
  if (!opts.quiet) write_all(err_fd, format_summary(sum, opts.mode) + "\n");
  return sum;
}

}  // namespace vw::forensics
