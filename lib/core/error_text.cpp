#include "core/error_text.hpp"

#include <vector>

namespace vw {

namespace {

// Whitespace runs (newlines and tabs included) as one space, trimmed.
std::string one_line(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool space = true;  // drops leading whitespace
  for (char c : s) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      if (!space) out += ' ';
      space = true;
    } else {
      out += c;
      space = false;
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace

std::string readable_error(std::string_view text) {
  // go-multierror's ListFormatFunc, which Vault uses for the `error` of audit entries and API
  // answers: "%d error(s) occurred:\n\t* <item>\n\t* <item>\n\n".
  std::size_t at = std::string_view::npos, after = 0;
  for (std::string_view head : {"errors occurred:", "error occurred:"}) {
    const auto p = text.find(head);
    if (p != std::string_view::npos && p < at) {
      at = p;
      after = p + head.size();
    }
  }
  std::size_t start = at;  // back over " <digits> "
  if (at != std::string_view::npos) {
    while (start > 0 && text[start - 1] == ' ') --start;
    const std::size_t digits_end = start;
    while (start > 0 && text[start - 1] >= '0' && text[start - 1] <= '9') --start;
    if (start == digits_end) at = std::string_view::npos;  // "... error occurred:" without a count
  }
  if (at == std::string_view::npos) return one_line(text);
  std::vector<std::string> items;
  std::string_view body = text.substr(after);
  while (!body.empty()) {
    const auto nl = body.find('\n');
    std::string line = one_line(body.substr(0, nl));
    body = nl == std::string_view::npos ? std::string_view() : body.substr(nl + 1);
    if (line.empty()) continue;
    if (line.starts_with("* ")) items.push_back(line.substr(2));
    else if (items.empty()) items.push_back(std::move(line));
    else items.back() += " " + line;  // an item's own continuation line
  }
  std::string out = one_line(text.substr(0, start));
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (!out.empty()) out += i == 0 ? " " : "; ";
    out += items[i];
  }
  return out;
}

}  // namespace vw
