#pragma once
// The tailer's pure core, part 1: cutting what one read of the audit file returned into lines.
// No I/O and no clock: the tailer preads `state.want` bytes at its offset and hands them here;
// split_lines() says which lines are complete (handing each to a callback), how far the offset
// moves, what to count, and how much to read next. A partial last line is not consumed (it is
// read again once its '\n' arrives); a line longer than max_line_bytes is skipped in bounded
// reads and counted as too_long, never buffered whole.
#include <cstdint>
#include <cstring>
#include <string_view>

namespace vw::audit {

struct LineSplitOptions {
  std::size_t read_chunk_bytes = 256 * 1024;  // the normal read size
  std::size_t max_line_bytes = 1024 * 1024;   // longer lines are skipped (too_long)
};

/// What carries over from one read of a file to the next.
struct LineSplitState {
  std::size_t want = 0;        // size of the next read (max_line_bytes + 1 for one long line)
  bool skipping = false;       // inside a too-long line: discard up to the next '\n'
  bool skip_silently = false;  // ...the partial line start_at_end landed in: not counted
  bool operator==(const LineSplitState&) const = default;
};

/// What one read amounted to.
struct LineSplit {
  std::uint64_t advance = 0;   // how far the file offset moves
  std::uint64_t lines = 0;     // for lines_total: lines handed out, and skipped lines that ended
  std::uint64_t bytes = 0;     // for bytes_total
  std::uint64_t too_long = 0;  // lines found to be longer than max_line_bytes
  bool more = false;           // the read was full: read again at once
  bool operator==(const LineSplit&) const = default;
};

/// `data`: what a read of `st.want` bytes at the current offset returned (shorter at the end of
/// the file). Calls `line(std::string_view)` for each complete line, without its '\n'; the view
/// points into `data`.
template <typename LineFn>
LineSplit split_lines(std::string_view data, LineSplitState& st, const LineSplitOptions& o,
                      LineFn&& line) {
  LineSplit r;
  const std::size_t n = data.size();
  const bool full = n >= st.want;
  const char* const buf = data.data();
  std::size_t start = 0;
  if (st.skipping) {
    const void* nl = n ? std::memchr(buf, '\n', n) : nullptr;
    const std::size_t skipped =
        nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - buf) + 1 : n;
    r.advance += skipped;
    if (!st.skip_silently) {
      r.bytes += skipped;
      r.lines += nl ? 1 : 0;
    }
    if (!nl) {
      r.more = full;
      return r;
    }
    st.skipping = false;
    st.skip_silently = false;
    start = skipped;
  }
  const char* const end = buf + n;
  const char* p = buf + start;
  while (p < end) {
    const char* q = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
    if (!q) break;
    line(std::string_view(p, static_cast<std::size_t>(q - p)));
    ++r.lines;
    p = q + 1;
  }
  const std::size_t used = static_cast<std::size_t>(p - (buf + start));
  r.advance += used;
  r.bytes += used;
  if (start == 0 && used == 0 && full) {
    // One line fills the whole read.
    if (st.want < o.max_line_bytes + 1) {
      st.want = o.max_line_bytes + 1;  // read it whole next time (bounded by max_line_bytes)
      r.more = true;
      return r;
    }
    // Longer than max_line_bytes: skip it without ever holding more than this read.
    r.too_long = 1;
    r.bytes += n;
    r.advance += n;
    st.skipping = true;
    st.want = o.read_chunk_bytes;
    r.more = true;
    return r;
  }
  if (used > 0) st.want = o.read_chunk_bytes;
  // A full read may have more behind it; a short one reached the end (a partial last line, if
  // any, is read again once its newline arrives).
  r.more = full;
  return r;
}

/// start_at: end. Where to start in a file of `size` bytes whose last `tail.size()` bytes are
/// `tail`: just after its last complete line, so a line being written right now is read whole.
/// With no '\n' in the tail, at `size`, skipping silently what is left of that line.
struct StartAtEnd {
  std::uint64_t offset = 0;
  bool skip_rest_of_line = false;
  bool operator==(const StartAtEnd&) const = default;
};
StartAtEnd start_at_end(std::string_view tail, std::uint64_t size);

}  // namespace vw::audit
