#pragma once
// The alert-rule model of SPEC §5.1: one rule = a name, exactly one condition, `for`,
// `keep_firing_for`, static labels and templated annotations. Rules are plain values built (and
// validated) by lib/config's loader; the compiled parts (globs, regexes, CIDRs, templates) carry
// their source text so that two rules compare equal when they were written the same way.
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/alert.hpp"
#include "core/audit_event.hpp"
#include "core/duration.hpp"
#include "core/glob.hpp"
#include "core/ip_address.hpp"
#include "core/schedule.hpp"
#include "core/result.hpp"
#include "rules/template.hpp"

namespace vw::rules {

using namespace std::chrono_literals;

/// An anchored ECMAScript regex (the whole value must match, as in Prometheus' =~).
class Regex {
 public:
  static result<Regex> compile(std::string pattern);
  bool match(std::string_view s) const;
  const std::string& pattern() const { return pattern_; }
  bool operator==(const Regex& o) const { return pattern_ == o.pattern_; }

 private:
  std::string pattern_;
  std::shared_ptr<const std::regex> re_;  // shared: rules are copied on every reload
};

/// An IPv4 or IPv6 network ("10.0.0.0/8", "2001:db8::/32"); a bare address is a /32 or /128.
/// Matches every shape of remote_address Vault writes (with a port, bracketed, IPv4-mapped):
/// core/ip_address.hpp. Host bits set ("10.1.2.3/8") are rejected.
using Cidr = IpNetwork;

// ---- conditions -------------------------------------------------------------------------

/// SPEC §5.2. The state conditions compare the node state of each health poll; the event
/// conditions (leader_changed, version_changed) hold only at the poll that saw the change.
enum class HealthCondition {
  unreachable,
  uninitialized,
  sealed,
  standby,
  performance_standby,
  dr_secondary,
  ha_unhealthy,
  removed,
  not_active,
  leader_changed,
  version_changed,
  clock_skew,
};
const char* to_string(HealthCondition c);
std::optional<HealthCondition> parse_health_condition(std::string_view s);
bool is_event_condition(HealthCondition c);

struct HealthCond {
  HealthCondition what = HealthCondition::unreachable;
  Duration above{0};  // clock_skew only: |skew| > above
  bool operator==(const HealthCond&) const = default;
};

enum class CompareOp { gt, ge, lt, le, eq, ne };
const char* to_string(CompareOp op);
std::optional<CompareOp> parse_compare_op(std::string_view s);
bool compare(double value, CompareOp op, double threshold);

/// A series of a scraped family (Vault's sys/metrics or our own /metrics) compared with a
/// threshold; with rate_over > 0 the per-second rate of the counter over that window is compared.
struct MetricCond {
  std::string name;
  Labels match;                          // exact label values
  std::map<std::string, Regex> match_re;  // anchored regexes
  CompareOp op = CompareOp::gt;
  double threshold = 0;
  Duration rate_over{0};
  bool operator==(const MetricCond&) const = default;
};

/// The per-event matchers of an audit condition. Every key that is set must match (AND); a key
/// with several values matches when any value does (OR). Empty = not constrained.
struct AuditMatch {
  std::vector<AuditEvent::Type> types;
  std::vector<Glob> paths;
  std::vector<std::string> operations;
  std::vector<std::string> policies;       // any of the event's policies
  std::vector<std::string> errors;         // case-insensitive substrings of the error
  std::vector<Glob> display_names;
  std::vector<std::string> mount_types;
  std::vector<Cidr> remotes;
  std::vector<std::string> namespaces;     // namespace path ("root" or "" = the root namespace)
  /// `outside:` the entry's own `time` falls outside these hours (an entry without a time does
  /// not match: no alert can be justified by a time that is unknown).
  std::optional<WeeklySchedule> outside;
  bool empty() const;
  bool matches(const AuditEvent& e) const;
  bool operator==(const AuditMatch&) const = default;
};

/// Fields of an audit event that group_by and {{ $event.FIELD }} may name.
const std::vector<std::string>& audit_event_fields();
/// The text of one field ("" when the event has none); policies are comma-separated, the root
/// namespace is "root", time is RFC 3339 with milliseconds.
std::string audit_event_field(const AuditEvent& e, std::string_view field);

inline constexpr std::size_t default_group_limit = 100;
inline constexpr std::size_t max_threshold = 10000;

struct AuditCond {
  AuditMatch match;
  std::optional<AuditMatch> exclude;  // YAML `not:`: events matching all of its keys are skipped
  std::size_t threshold = 1;          // matching events within `window`
  Duration window{0};                 // 0: the condition holds only at the instant of each event
  std::vector<std::string> group_by;  // event fields; each distinct tuple is its own alert
  std::size_t group_limit = default_group_limit;  // more tuples fold into one "other" instance
  bool operator==(const AuditCond&) const = default;
};

/// VaultAuditLogSilent: holds while Vault is active (sys/health 200), the audit tailer is
/// enabled, and no audit line has been read for `after` (measured from the later of the last
/// line and the moment Vault was last seen becoming active).
struct AuditSilentCond {
  Duration after = 15min;
  bool operator==(const AuditSilentCond&) const = default;
};

/// A watched KV v2 secret older than its max_age; one alert per secret path.
struct SecretAgeCond {
  std::vector<Glob> paths;  // empty: every watched secret
  bool operator==(const SecretAgeCond&) const = default;
};

/// The monitor token's remaining TTL below a bound (an invalid token counts as TTL 0).
struct TokenTtlCond {
  Duration below = 24h;
  bool operator==(const TokenTtlCond&) const = default;
};

/// Rotation propagation (issue 13): a watched secret whose rotation deadline passed while at
/// least one consumer still reads an older version; one alert per secret path. Fed by the
/// daemon's rotation tracker (RotationObservation).
struct RotationCond {
  std::vector<Glob> paths;  // empty: every tracked secret
  bool operator==(const RotationCond&) const = default;
};

// ---- behavioural kinds (issue 14): what an identity usually does, learnt from the stream ----

/// A field a behavioural rule reads from an audit entry, as its key (who) or its value (what).
struct AuditField {
  enum class Kind {
    display_name,
    entity_id,
    role,            // auth.metadata role_name (AppRole, Kubernetes, JWT...), else role
    remote_network,  // client_network(remote_address): the /24 or /64
    remote_address,
    path,
    path_prefix,     // the first n segments of the path ("secret/data/app" for n = 3)
    mount_point,
    operation,
    policy,          // the sorted, comma-separated policy set
    namespace_,      // "root" for the root namespace
  };
  Kind kind = Kind::entity_id;
  unsigned n = 0;  // path_prefix only
  bool operator==(const AuditField&) const = default;
};
/// "display_name", "path_prefix:3", ...; nullopt for anything else.
std::optional<AuditField> parse_audit_field(std::string_view s);
std::string to_string(const AuditField& f);
/// The names parse_audit_field accepts (error messages).
const char* audit_field_names();
/// The field's text in `e` ("" when the entry has none). Appends to `out` (no allocation when
/// `out` has room: this runs per entry per behavioural rule).
void append_audit_field(const AuditEvent& e, const AuditField& f, std::string& out);

/// What both behavioural kinds share: the audit filters of an `audit:` rule (same keys, same
/// loader), who is who (`key`: the first non-empty of the listed fields), how long a key is
/// learnt before it may fire, how long an unseen value is remembered, the memory bound, and the
/// noise controls.
struct BehaviourCommon {
  AuditMatch match;
  std::optional<AuditMatch> exclude;  // YAML `not:`
  std::vector<AuditField> key = {AuditField{AuditField::Kind::entity_id},
                                 AuditField{AuditField::Kind::display_name}};
  Duration learn = std::chrono::hours(24 * 7);
  Duration forget_after = std::chrono::hours(24 * 28);
  std::size_t max_values = 100000;
  Duration cooldown = 1h;  // per key: after an alert, the key raises no new one for this long
  std::size_t group_limit = default_group_limit;  // more active keys fold into key="other"
  bool operator==(const BehaviourCommon&) const = default;
};

/// new_value: fires the first time a (key, value) pair is seen, once the key has been known for
/// `learn` (from its first sighting in any entry, at the entries' own times).
struct NewValueCond {
  BehaviourCommon common;
  std::vector<AuditField> value = {AuditField{AuditField::Kind::remote_network}};  // joined
  bool operator==(const NewValueCond&) const = default;
};

/// baseline_rate: per key, matching entries per `bucket` against the key's own baseline (an
/// EWMA of its past buckets); fires as soon as the current bucket's count exceeds
/// max(min_count, factor x baseline), never while the key is still learning.
struct BaselineRateCond {
  BehaviourCommon common;
  Duration bucket = 5min;
  double factor = 10;
  std::uint64_t min_count = 100;
  bool operator==(const BaselineRateCond&) const = default;
};

using Condition = std::variant<HealthCond, MetricCond, AuditCond, AuditSilentCond, SecretAgeCond,
                               TokenTtlCond, RotationCond, NewValueCond, BaselineRateCond>;

enum class ConditionKind {
  health,
  metric,
  audit,
  audit_silent,
  secret_age,
  token_ttl,
  rotation,
  new_value,
  baseline_rate,
};
/// The behavioural kinds (new_value, baseline_rate).
const BehaviourCommon* behaviour_of(const Condition& c);
ConditionKind kind_of(const Condition& c);
const char* to_string(ConditionKind k);

/// True when the condition holds only at instants (audit rules without a window, leader and
/// version changes): such rules fire at once and resolve keep_firing_for after the last match.
bool is_instant(const Condition& c);

struct Rule {
  std::string alert;
  Condition condition;
  Duration for_{0};
  Duration keep_firing_for{0};
  Labels labels;                            // static values (not templated)
  std::map<std::string, Template> annotations;
  bool operator==(const Rule&) const = default;
};

/// The keep_firing_for a rule gets when the YAML does not set it: 15m for audit rules and the
/// event health conditions (SPEC §5.1), 0 otherwise.
Duration default_keep_firing_for(const Condition& c);

/// Families vaultwatch computes itself (vaultwatch_*, process_*, and the SPEC §4.1 node-state
/// gauges such as vault_up and vault_sealed), as opposed to Vault's own telemetry families
/// (vault_core_*, vault_runtime_*, ...) that come from sys/metrics. Metric rules on the former
/// are fed from our registry (MetricSource::self), on the latter from the sys/metrics poller.
bool is_own_family(std::string_view metric_name);

/// [A-Za-z_][A-Za-z0-9_]*
bool valid_label_name(std::string_view s);
/// [a-zA-Z_:][a-zA-Z0-9_:]*
bool valid_metric_name(std::string_view s);

}  // namespace vw::rules
