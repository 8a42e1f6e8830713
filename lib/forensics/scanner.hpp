#pragma once
// Splits an Input into lines with large reads and memchr, without copying lines: each line is
// handed out as a view into one reused buffer, followed in memory by at least
// audit::line_padding readable bytes, so audit::Decoder::decode_padded reads it in place.
//
// A line longer than `max_line_bytes` is skipped (counted in too_long()) without ever buffering
// more than max_line_bytes of it; the buffer grows from `buffer_bytes` up to that limit only when
// a line needs it. The last line is delivered even without its '\n' (a log cut mid-line then
// shows up as one bad line).
//
// Not thread-safe; one scanner per thread.
#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "forensics/input.hpp"

namespace vw::forensics {

struct ScannerOptions {
  std::size_t buffer_bytes = 4u << 20;
  std::size_t max_line_bytes = 64u << 20;
};

class LineScanner {
 public:
  explicit LineScanner(ScannerOptions opts = {});

  /// Calls `on_line(line)` for each line of `in` (without '\n'), and `on_chunk(bytes)` after
  /// each read with the number of decompressed bytes it added (progress).
  void scan(Input& in, const std::function<void(std::string_view)>& on_line,
            const std::function<void(std::size_t)>& on_chunk = {});

  std::uint64_t too_long() const { return too_long_; }
  std::uint64_t bytes() const { return bytes_; }

 private:
  ScannerOptions opts_;
  std::vector<char> buf_;
  std::uint64_t too_long_ = 0;
  std::uint64_t bytes_ = 0;
};

}  // namespace vw::forensics
