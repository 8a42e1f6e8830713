#include "rules/rule.hpp"

#include <algorithm>

#include "core/time.hpp"

namespace vw::rules {

// ---- Regex --------------------------------------------------------------------------------

result<Regex> Regex::compile(std::string pattern) {
  try {
    auto re = std::make_shared<const std::regex>(pattern, std::regex::ECMAScript);
    Regex r;
    r.pattern_ = std::move(pattern);
    r.re_ = std::move(re);
    return r;
  } catch (const std::regex_error& e) {
    return make_error("bad regex \"" + pattern + "\": " + e.what());
  }
}

bool Regex::match(std::string_view s) const {
  return re_ && std::regex_match(s.begin(), s.end(), *re_);
}

// ---- names --------------------------------------------------------------------------------

namespace {
struct HealthName {
  HealthCondition c;
  const char* name;
};
constexpr HealthName health_names[] = {
    {HealthCondition::unreachable, "unreachable"},
    {HealthCondition::uninitialized, "uninitialized"},
    {HealthCondition::sealed, "sealed"},
    {HealthCondition::standby, "standby"},
    {HealthCondition::performance_standby, "performance_standby"},
    {HealthCondition::dr_secondary, "dr_secondary"},
    {HealthCondition::ha_unhealthy, "ha_unhealthy"},
    {HealthCondition::removed, "removed"},
    {HealthCondition::not_active, "not_active"},
    {HealthCondition::leader_changed, "leader_changed"},
    {HealthCondition::version_changed, "version_changed"},
    {HealthCondition::clock_skew, "clock_skew"},
};
}  // namespace

const char* to_string(HealthCondition c) {
  for (const auto& h : health_names)
    if (h.c == c) return h.name;
  return "unreachable";
}

std::optional<HealthCondition> parse_health_condition(std::string_view s) {
  for (const auto& h : health_names)
    if (s == h.name) return h.c;
  return std::nullopt;
}

bool is_event_condition(HealthCondition c) {
  return c == HealthCondition::leader_changed || c == HealthCondition::version_changed;
}

const char* to_string(CompareOp op) {
  switch (op) {
    case CompareOp::gt: return ">";
    case CompareOp::ge: return ">=";
    case CompareOp::lt: return "<";
    case CompareOp::le: return "<=";
    case CompareOp::eq: return "==";
    case CompareOp::ne: return "!=";
  }
  return ">";
}

std::optional<CompareOp> parse_compare_op(std::string_view s) {
  for (auto op : {CompareOp::gt, CompareOp::ge, CompareOp::lt, CompareOp::le, CompareOp::eq,
                  CompareOp::ne})
    if (s == to_string(op)) return op;
  return std::nullopt;
}

bool compare(double v, CompareOp op, double t) {
  switch (op) {
    case CompareOp::gt: return v > t;
    case CompareOp::ge: return v >= t;
    case CompareOp::lt: return v < t;
    case CompareOp::le: return v <= t;
    case CompareOp::eq: return v == t;
    case CompareOp::ne: return v != t;
  }
  return false;
}

ConditionKind kind_of(const Condition& c) { return static_cast<ConditionKind>(c.index()); }

const char* to_string(ConditionKind k) {
  switch (k) {
    case ConditionKind::health: return "health";
    case ConditionKind::metric: return "metric";
    case ConditionKind::audit: return "audit";
    case ConditionKind::audit_silent: return "audit_silent";
    case ConditionKind::secret_age: return "secret_age";
    case ConditionKind::token_ttl: return "token_ttl";
    case ConditionKind::rotation: return "rotation";
    case ConditionKind::new_value: return "new_value";
    case ConditionKind::baseline_rate: return "baseline_rate";
  }
  return "health";
}

bool is_instant(const Condition& c) {
  if (auto* h = std::get_if<HealthCond>(&c)) return is_event_condition(h->what);
  if (auto* a = std::get_if<AuditCond>(&c)) return a->window == Duration::zero();
  return behaviour_of(c) != nullptr;
}

const BehaviourCommon* behaviour_of(const Condition& c) {
  if (auto* n = std::get_if<NewValueCond>(&c)) return &n->common;
  if (auto* b = std::get_if<BaselineRateCond>(&c)) return &b->common;
  return nullptr;
}

Duration default_keep_firing_for(const Condition& c) {
  if (std::holds_alternative<AuditCond>(c) || behaviour_of(c)) return 15min;
  if (auto* h = std::get_if<HealthCond>(&c); h && is_event_condition(h->what)) return 15min;
  return Duration::zero();
}

bool is_own_family(std::string_view n) {
  if (n.starts_with("vaultwatch_") || n.starts_with("process_")) return true;
  static const char* const node_state[] = {
      "vault_health_up", "vault_health_status_code", "vault_up", "vault_initialized", "vault_sealed",
      "vault_standby", "vault_performance_standby", "vault_replication_dr_mode",
      "vault_replication_performance_mode", "vault_info", "vault_server_time_skew_seconds",
      "vault_ha_connection_healthy", "vault_last_request_forwarding_heartbeat_seconds",
      "vault_is_leader"};
  for (const char* x : node_state)
    if (n == x) return true;
  return false;
}

bool valid_label_name(std::string_view s) {
  if (s.empty()) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

bool valid_metric_name(std::string_view s) {
  if (s.empty()) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

// ---- audit matching ------------------------------------------------------------------------

namespace {

bool contains_icase(std::string_view hay, std::string_view needle) {
  if (needle.empty()) return true;
  auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; };
  auto it = std::search(hay.begin(), hay.end(), needle.begin(), needle.end(),
                        [&](char a, char b) { return lower(a) == lower(b); });
  return it != hay.end();
}

bool in(const std::vector<std::string>& set, std::string_view v) {
  return std::find(set.begin(), set.end(), v) != set.end();
}

std::string_view namespace_of(const AuditEvent& e) {
  std::string_view p = e.namespace_path;
  while (!p.empty() && p.back() == '/') p.remove_suffix(1);
  return p.empty() ? std::string_view("root") : p;
}

}  // namespace

bool AuditMatch::empty() const {
  return types.empty() && paths.empty() && operations.empty() && policies.empty() &&
         errors.empty() && display_names.empty() && mount_types.empty() && remotes.empty() &&
         namespaces.empty() && !outside;
}

// Cheapest and most selective tests first: most entries fail on type, operation or path.
bool AuditMatch::matches(const AuditEvent& e) const {
  if (!types.empty() && std::find(types.begin(), types.end(), e.type) == types.end()) return false;
  // Operations before paths: a few short string compares, and rules that name both (the
  // sensitive-change rules) mostly see reads.
  if (!operations.empty() && !in(operations, e.operation)) return false;
  if (!paths.empty() && !match_any(paths, e.path)) return false;
  if (!mount_types.empty() && !in(mount_types, e.mount_type)) return false;
  if (!policies.empty()) {
    bool any = false;
    for (const auto& p : e.policies) any = any || in(policies, p);
    if (!any) return false;
  }
  if (!errors.empty()) {
    if (e.error.empty()) return false;
    bool any = false;
    for (const auto& s : errors) any = any || contains_icase(e.error, s);
    if (!any) return false;
  }
  if (!display_names.empty() && !match_any(display_names, e.display_name)) return false;
  if (!remotes.empty()) {
    bool any = false;
    for (const auto& c : remotes) any = any || c.contains(e.remote_address);
    if (!any) return false;
  }
  if (!namespaces.empty()) {
    auto ns = namespace_of(e);
    bool any = false;
    for (const auto& n : namespaces) {
      std::string_view want = n;
      while (!want.empty() && want.back() == '/') want.remove_suffix(1);
      if (want.empty()) want = "root";
      any = any || want == ns || (!e.namespace_id.empty() && want == e.namespace_id);
    }
    if (!any) return false;
  }
  // Last: the only test that converts a time (a binary search in the zone's transitions).
  if (outside && (e.time == SysTime{} || outside->contains(e.time))) return false;
  return true;
}

const std::vector<std::string>& audit_event_fields() {
  static const std::vector<std::string> fields = {
      "time",         "type",      "operation", "path",           "mount_point", "mount_type",
      "display_name", "entity_id", "policies",  "remote_address", "namespace",   "error"};
  return fields;
}

std::string audit_event_field(const AuditEvent& e, std::string_view f) {
  if (f == "path") return e.path;
  if (f == "operation") return e.operation;
  if (f == "display_name") return e.display_name;
  if (f == "remote_address") return e.remote_address;
  if (f == "mount_point") return e.mount_point;
  if (f == "mount_type") return e.mount_type;
  if (f == "entity_id") return e.entity_id;
  if (f == "error") return e.error;
  if (f == "type") return to_string(e.type);
  if (f == "namespace") return std::string(namespace_of(e));
  if (f == "time") return e.time == SysTime{} ? std::string() : format_rfc3339_ms(e.time);
  if (f == "policies") {
    std::string out;
    for (const auto& p : e.policies) out += (out.empty() ? "" : ",") + p;
    return out;
  }
  return {};
}

// ---- behavioural fields ---------------------------------------------------------------------

namespace {
struct FieldName {
  AuditField::Kind kind;
  const char* name;
};
constexpr FieldName field_names[] = {
    {AuditField::Kind::display_name, "display_name"},
    {AuditField::Kind::entity_id, "entity_id"},
    {AuditField::Kind::role, "role"},
    {AuditField::Kind::remote_network, "remote_network"},
    {AuditField::Kind::remote_address, "remote_address"},
    {AuditField::Kind::path, "path"},
    {AuditField::Kind::path_prefix, "path_prefix"},
    {AuditField::Kind::mount_point, "mount_point"},
    {AuditField::Kind::operation, "operation"},
    {AuditField::Kind::policy, "policy"},
    {AuditField::Kind::namespace_, "namespace"},
};
}  // namespace

const char* audit_field_names() {
  return "display_name, entity_id, role, remote_network, remote_address, path, path_prefix:N, "
         "mount_point, operation, policy, namespace";
}

std::optional<AuditField> parse_audit_field(std::string_view s) {
  if (s.starts_with("path_prefix:")) {
    auto digits = s.substr(12);
    unsigned n = 0;
    if (digits.empty() || digits.size() > 2) return std::nullopt;
    for (char c : digits) {
      if (c < '0' || c > '9') return std::nullopt;
      n = n * 10 + static_cast<unsigned>(c - '0');
    }
    if (n == 0) return std::nullopt;
    return AuditField{AuditField::Kind::path_prefix, n};
  }
  for (const auto& f : field_names)
    if (f.kind != AuditField::Kind::path_prefix && s == f.name) return AuditField{f.kind, 0};
  return std::nullopt;
}

std::string to_string(const AuditField& f) {
  for (const auto& x : field_names)
    if (x.kind == f.kind)
      return f.kind == AuditField::Kind::path_prefix ? std::string(x.name) + ":" + std::to_string(f.n)
                                                     : std::string(x.name);
  return "entity_id";
}

void append_audit_field(const AuditEvent& e, const AuditField& f, std::string& out) {
  using K = AuditField::Kind;
  switch (f.kind) {
    case K::display_name: out += e.display_name; return;
    case K::entity_id: out += e.entity_id; return;
    case K::role: {
      for (const char* k : {"role_name", "role"})
        if (auto it = e.metadata.find(k); it != e.metadata.end() && !it->second.empty()) {
          out += it->second;
          return;
        }
      return;
    }
    case K::remote_network: {
      if (auto a = IpAddress::from_remote_address(e.remote_address)) out += client_network(*a).text();
      return;
    }
    case K::remote_address: out += e.remote_address; return;
    case K::path: out += e.path; return;
    case K::path_prefix: {
      // The first n segments; a shorter path is its own prefix ("sys/seal" for n = 3).
      std::string_view p = e.path;
      std::size_t from = 0;
      for (unsigned seg = 1;; ++seg) {
        const auto slash = p.find('/', from);
        if (slash == std::string_view::npos) break;
        if (seg == f.n) {
          p = p.substr(0, slash);
          break;
        }
        from = slash + 1;
      }
      out += p;
      return;
    }
    case K::mount_point: out += e.mount_point; return;
    case K::operation: out += e.operation; return;
    case K::policy: {
      // A set: the order Vault lists them in is not meaningful.
      std::vector<std::string_view> ps(e.policies.begin(), e.policies.end());
      std::sort(ps.begin(), ps.end());
      for (std::size_t i = 0; i < ps.size(); ++i) (out += i ? "," : "") += ps[i];
      return;
    }
    case K::namespace_: out += namespace_of(e); return;
  }
}

}  // namespace vw::rules
