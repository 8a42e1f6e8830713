#pragma once
// The `audit search` / `audit stats` filters (SPEC §1): which decoded audit entries an operator
// asked for, plus a cheap pre-filter on the raw line that lets the scanner skip most lines of a
// selective query without decoding them.
//
// Semantics (the contract docs/forensics.md documents and the Python reference in
// tests/integration/forensics_cli_test.py re-implements independently):
//   - each flag may be repeated; values of one flag are OR-ed, different flags are AND-ed;
//   - --path GLOB: request.path matches the glob ('*' within a segment, '**' across, vw::Glob);
//     an entry without a path (Enterprise KMIP) matches no --path;
//   - --operation OP: request.operation equals OP;
//   - --identity NAME: auth.display_name, auth.entity_id or any auth.metadata value equals NAME;
//   - --policy NAME: auth.policies contains NAME;
//   - --remote CIDR: request.remote_address is inside the network (a bare IP is /32 or /128;
//     host bits are ignored); every shape Vault writes matches: "10.1.2.3", "10.1.2.3:36776",
//     "[2001:db8::5]:36778", "::ffff:10.1.2.3" (core/ip_address.hpp);
//   - --since/--until T: since <= time <= until (both inclusive); T is RFC 3339, a date
//     (YYYY-MM-DD, midnight UTC) or a duration before `now` ("2h", "7d", "1h30m");
//   - --errors: the entry carries an error (top-level `error`, or response.data.error);
//   - --type request|response.
//
// Pure: no I/O; `now` is a parameter. Immutable after create(); thread-compatible.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "audit/entry_view.hpp"
#include "core/glob.hpp"
#include "core/ip_address.hpp"
#include "core/result.hpp"
#include "core/time.hpp"

namespace vw::forensics {

struct FilterOptions {
  std::vector<std::string> paths;
  std::vector<std::string> operations;
  std::vector<std::string> identities;
  std::vector<std::string> policies;
  std::vector<std::string> remotes;
  std::string since;  // "" = unbounded
  std::string until;
  bool errors_only = false;
  std::optional<AuditEvent::Type> type;
};

/// RFC 3339, YYYY-MM-DD (midnight UTC) or a duration before `now`.
result<SysTime> parse_time_bound(std::string_view text, SysTime now);

class Filter {
 public:
  /// Compiles globs, CIDRs and time bounds; the error names the offending flag (usage error).
  static result<Filter> create(const FilterOptions& opts, SysTime now);

  /// The full test on a decoded entry.
  bool matches(const audit::AuditEntryView& e) const;

  /// False only when the raw line cannot possibly match (a required literal is absent and the
  /// line has no \u escape that could be hiding it). Conservative: true means "decode and see".
  bool may_match(std::string_view raw_line) const;

  /// True when may_match() can reject anything at all.
  bool has_prefilter() const { return !needle_groups_.empty(); }

  /// Literals the pre-filter looks for: one group per flag, any needle of a group must occur.
  const std::vector<std::vector<std::string>>& needle_groups() const { return needle_groups_; }

 private:
  std::vector<Glob> globs_;
  std::vector<std::string> operations_;
  std::vector<std::string> identities_;
  std::vector<std::string> policies_;
  std::vector<IpNetwork> remotes_;
  std::optional<SysTime> since_, until_;
  bool errors_only_ = false;
  std::optional<AuditEvent::Type> type_;
  std::vector<std::vector<std::string>> needle_groups_;
};

/// The longest run of `literal` that a JSON writer can only ever write verbatim or with a
/// \uXXXX escape (no '/', '"', '\\' or control characters, which have other escapes); "" when
/// there is none. For a glob, pass the pattern: '*' splits runs too.
std::string prefilter_needle(std::string_view literal);

}  // namespace vw::forensics
