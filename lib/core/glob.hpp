#pragma once
// Path globs as used in audit.watch, rule conditions and `audit search --path`:
// '*' matches any run of characters within one path segment (no '/'), '**' matches any run of
// characters including '/'. Everything else is literal. Compiled once, matched many times.
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace vw {

class Glob {
 public:
  /// Rejects empty patterns and runs of three or more '*'.
  static result<Glob> compile(std::string_view pattern);

  bool match(std::string_view path) const;
  const std::string& pattern() const { return pattern_; }
  bool operator==(const Glob& o) const { return pattern_ == o.pattern_; }

 private:
  enum class Kind { literal, star, globstar };
  struct Token {
    Kind kind;
    std::string text;  // literal text
  };
  std::string pattern_;
  std::vector<Token> tokens_;
  // Literal prefix (before the first wildcard): a cheap reject for most paths.
  std::string prefix_;
  bool match_from(std::size_t ti, std::string_view s) const;
};

/// Matches when any glob matches (an empty set matches nothing).
bool match_any(const std::vector<Glob>& globs, std::string_view path);

}  // namespace vw
