#include "core/glob.hpp"

namespace vw {

result<Glob> Glob::compile(std::string_view pattern) {
  if (pattern.empty()) return make_error("empty glob");
  Glob g;
  g.pattern_ = pattern;
  std::size_t i = 0;
  while (i < pattern.size()) {
    if (pattern[i] == '*') {
      std::size_t n = 0;
      while (i + n < pattern.size() && pattern[i + n] == '*') ++n;
      if (n > 2)
        return make_error("bad glob \"" + std::string(pattern) +
                          "\": use * within a segment or ** across segments");
      g.tokens_.push_back({n == 2 ? Kind::globstar : Kind::star, {}});
      i += n;
    } else {
      std::size_t end = pattern.find('*', i);
      if (end == std::string_view::npos) end = pattern.size();
      g.tokens_.push_back({Kind::literal, std::string(pattern.substr(i, end - i))});
      i = end;
    }
  }
  if (!g.tokens_.empty() && g.tokens_.front().kind == Kind::literal) g.prefix_ = g.tokens_.front().text;
  return g;
}

bool Glob::match(std::string_view path) const {
  if (!path.starts_with(prefix_)) return false;
  return match_from(0, path);
}

// Backtracking matcher. Patterns are short and operator-written; the worst case (many '**')
// is quadratic in the path length per wildcard, which is fine for Vault paths.
bool Glob::match_from(std::size_t ti, std::string_view s) const {
  for (; ti < tokens_.size(); ++ti) {
    const Token& t = tokens_[ti];
    if (t.kind == Kind::literal) {
      if (!s.starts_with(t.text)) return false;
      s.remove_prefix(t.text.size());
      continue;
    }
    if (ti + 1 == tokens_.size()) {
      return t.kind == Kind::globstar || s.find('/') == std::string_view::npos;
    }
    for (std::size_t k = 0; k <= s.size(); ++k) {
      if (match_from(ti + 1, s.substr(k))) return true;
      if (k < s.size() && t.kind == Kind::star && s[k] == '/') return false;
    }
    return false;
  }
  return s.empty();
}

bool match_any(const std::vector<Glob>& globs, std::string_view path) {
  for (const auto& g : globs)
    if (g.match(path)) return true;
  return false;
}

}  // namespace vw
