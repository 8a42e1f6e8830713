#include "forensics/scanner.hpp"

#include <algorithm>
#include <cstring>

#include "audit/decoder.hpp"

namespace vw::forensics {

LineScanner::LineScanner(ScannerOptions opts) : opts_(opts) {
  opts_.buffer_bytes = std::max<std::size_t>(opts_.buffer_bytes, 16);
  opts_.max_line_bytes = std::max(opts_.max_line_bytes, opts_.buffer_bytes);
}

void LineScanner::scan(Input& in, const std::function<void(std::string_view)>& on_line,
                       const std::function<void(std::size_t)>& on_chunk) {
  std::size_t cap = opts_.buffer_bytes;
  if (buf_.size() < cap + audit::line_padding) buf_.resize(cap + audit::line_padding);
  std::size_t len = 0;      // bytes in buf_[0, len)
  bool skipping = false;    // inside an over-long line, discarding until its '\n'
  for (;;) {
    if (len == cap) {
      // The buffer holds one incomplete line: grow for it, or give up on it.
      if (cap < opts_.max_line_bytes) {
        cap = std::min(cap * 2, opts_.max_line_bytes);
        buf_.resize(cap + audit::line_padding);
      } else {
        ++too_long_;
        skipping = true;
        len = 0;
      }
    }
    std::size_t r = in.read(buf_.data() + len, cap - len);
    if (r == 0) break;
    bytes_ += r;
    if (on_chunk) on_chunk(r);
    char* data = buf_.data();
    std::size_t pos = 0;
    std::size_t end = len + r;
    // Only the new bytes can hold the first '\n' (the carried-over part had none).
    std::size_t search = len;
    if (skipping) {
      auto* nl = static_cast<char*>(std::memchr(data + search, '\n', end - search));
      if (nl == nullptr) {
        len = 0;  // still inside the long line: drop what we have
        continue;
      }
      skipping = false;
      pos = search = static_cast<std::size_t>(nl - data) + 1;
    }
    for (;;) {
      auto* nl = static_cast<char*>(std::memchr(data + search, '\n', end - search));
      if (nl == nullptr) break;
      std::size_t e = static_cast<std::size_t>(nl - data);
      on_line(std::string_view(data + pos, e - pos));
      pos = search = e + 1;
    }
    len = end - pos;
    if (pos > 0 && len > 0) std::memmove(data, data + pos, len);
    // Shrink back after a long line so one huge entry does not pin its buffer for the rest.
    if (cap > opts_.buffer_bytes && len <= opts_.buffer_bytes / 2) {
      cap = opts_.buffer_bytes;
      buf_.resize(cap + audit::line_padding);
      buf_.shrink_to_fit();
    }
  }
  if (len > 0 && !skipping) on_line(std::string_view(buf_.data(), len));
}

}  // namespace vw::forensics
