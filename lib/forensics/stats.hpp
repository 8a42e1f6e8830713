#pragma once
// `audit stats` (SPEC §1): counts over the matching entries, rendered as a table for people or as
// one JSON object.
//
// What is counted over which entries (the same split as the daemon's SPEC §4.4 counters):
// type, operation, mount, identity and outcome count every matching entry — both halves of an
// API call, like vaultwatch_audit_entries_total; add `--type request` to count each call once.
// Type is Vault's (request, response, kmip-request, ...); an entry without an operation or a
// mount (KMIP) counts as "(none)".
// Sensitive-operation kinds and root-token uses are counted from request entries only, as the
// classifier reports them (vaultwatch_audit_sensitive_operations_total,
// vaultwatch_audit_root_token_uses_total). Identity is auth.display_name ("(no auth)" for
// unauthenticated requests such as logins); the table shows the top N, with the number of
// distinct values.
//
// Memory grows with the number of distinct operations, mounts and display names (small in
// practice: they are not per-request values). Pure; not thread-safe.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "audit/classifier.hpp"
#include "audit/entry_view.hpp"
#include "core/time.hpp"

namespace vw::forensics {

class Stats {
 public:
  void add(const audit::AuditEntryView& e, const audit::Classification& c);

  void render_table(std::string& out, std::size_t top) const;
  void render_json(std::string& out, std::size_t top) const;

  // For tests.
  std::uint64_t entries() const { return entries_; }
  /// By Vault's type name: "request", "response", "kmip-request", ...
  std::uint64_t by_type(std::string_view type_name) const { return count("type", type_name); }
  std::uint64_t by_outcome(audit::Outcome o) const { return outcomes_[static_cast<int>(o)]; }
  std::uint64_t by_sensitive(audit::SensitiveKind k) const { return sensitive_[static_cast<int>(k)]; }
  std::uint64_t root_token_uses() const { return root_; }
  std::uint64_t count(std::string_view dimension, std::string_view key) const;
  /// Sorted by count (descending), then name; at most `top` (0 = all).
  std::vector<std::pair<std::string, std::uint64_t>> top(std::string_view dimension, std::size_t n) const;
  std::optional<SysTime> first() const { return first_; }
  std::optional<SysTime> last() const { return last_; }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using Counts = std::unordered_map<std::string, std::uint64_t, Hash, std::equal_to<>>;
  static void bump(Counts& m, std::string_view key);
  const Counts* dim(std::string_view name) const;
  std::vector<std::pair<std::string, std::uint64_t>> type_rows() const;

  std::uint64_t entries_ = 0;
  std::array<std::uint64_t, 3> outcomes_{};
  std::array<std::uint64_t, audit::sensitive_kind_count> sensitive_{};
  std::uint64_t root_ = 0;
  Counts types_, operations_, mounts_, identities_, root_operations_;
  std::optional<SysTime> first_, last_;
};

}  // namespace vw::forensics
