#include "audit/classifier.hpp"

#include <algorithm>

namespace vw::audit {

namespace {

bool starts(std::string_view s, std::string_view p) { return s.starts_with(p); }

// Operations that change state. Vault maps POST/PUT to update (create when the backend's
// existence check says the object is new), PATCH to patch, DELETE to delete.
bool is_change(std::string_view op) {
  return op == "update" || op == "create" || op == "delete" || op == "patch";
}

// `prefix` followed by at least one more character: "sys/audit/" + name.
bool under(std::string_view path, std::string_view prefix) {
  return path.size() > prefix.size() && path.starts_with(prefix);
}

}  // namespace

const char* to_string(Outcome o) {
  switch (o) {
    case Outcome::ok: return "ok";
    case Outcome::error: return "error";
    case Outcome::permission_denied: return "permission_denied";
  }
  return "error";
}

const char* to_string(SensitiveKind k) {
  switch (k) {
    case SensitiveKind::none: return "none";
    case SensitiveKind::generate_root: return "generate_root";
    case SensitiveKind::seal: return "seal";
    case SensitiveKind::step_down: return "step_down";
    case SensitiveKind::audit_device_change: return "audit_device_change";
    case SensitiveKind::policy_change: return "policy_change";
    case SensitiveKind::auth_method_change: return "auth_method_change";
    case SensitiveKind::mount_change: return "mount_change";
    case SensitiveKind::token_create: return "token_create";
    case SensitiveKind::token_revoke: return "token_revoke";
    case SensitiveKind::lease_revoke_prefix: return "lease_revoke_prefix";
    case SensitiveKind::raw_storage: return "raw_storage";
    case SensitiveKind::rotate_keyring: return "rotate_keyring";
    case SensitiveKind::raft_snapshot: return "raft_snapshot";
    case SensitiveKind::plugin_change: return "plugin_change";
  }
  return "none";
}

Outcome outcome_of(std::string_view error) {
  if (error.empty()) return Outcome::ok;
  // Vault wraps it: "1 error occurred:\n\t* permission denied\n\n".
  if (error.find("permission denied") != std::string_view::npos) return Outcome::permission_denied;
  return Outcome::error;
}

SensitiveKind sensitive_kind(std::string_view path, std::string_view op) {
  using K = SensitiveKind;
  if (starts(path, "sys/")) {
    const std::string_view p = path.substr(4);
    // Any use of raw storage is suspicious, reads included (research/vault-api.md §4).
    if (p == "raw" || starts(p, "raw/")) return K::raw_storage;
    // A GET of the snapshot endpoint exports all (encrypted) data; POSTs restore.
    if (p == "storage/raft/snapshot" || p == "storage/raft/snapshot-force") return K::raft_snapshot;
    if (!is_change(op)) return K::none;
    // Starting, cancelling or completing root-token generation (and its recovery-mode twin).
    if (under(p, "generate-root/") || p == "generate-root" || under(p, "generate-recovery-token/"))
      return K::generate_root;
    if (p == "seal") return K::seal;
    if (p == "step-down") return K::step_down;
    // sys/audit/<device> enables or disables a device; which request headers are audited is part
    // of what the audit trail records. (sys/audit-hash/ is a different prefix.)
    if (under(p, "audit/") || under(p, "config/auditing/request-headers/"))
      return K::audit_device_change;
    if (under(p, "policy/") || under(p, "policies/")) return K::policy_change;
    if (under(p, "auth/")) return K::auth_method_change;
    if (under(p, "mounts/") || p == "remount" || under(p, "remount/")) return K::mount_change;
    if (under(p, "leases/revoke-prefix/") || under(p, "leases/revoke-force/") ||
        under(p, "revoke-prefix/") || under(p, "revoke-force/"))
      return K::lease_revoke_prefix;
    if (p == "rotate" || under(p, "rotate/")) return K::rotate_keyring;
    if (under(p, "storage/raft/snapshot-auto/")) return K::raft_snapshot;
    if (under(p, "plugins/")) return K::plugin_change;
    return K::none;
  }
  if (starts(path, "auth/token/")) {
    if (!is_change(op)) return K::none;
    const std::string_view p = path.substr(11);
    if (p == "create" || p == "create-orphan" || under(p, "create/")) return K::token_create;
    if (p == "revoke" || p == "revoke-accessor" || p == "revoke-orphan" || p == "revoke-self" ||
        under(p, "revoke/") || under(p, "revoke-orphan/") || under(p, "revoke-accessor/"))
      return K::token_revoke;
  }
  return K::none;
}

bool is_login(std::string_view path) {
  if (!starts(path, "auth/") || starts(path, "auth/token/")) return false;
  // Auth methods take logins on `<mount>/login` (approle, jwt, kubernetes, cert, aws, github),
  // `<mount>/login/<name>` (userpass, ldap, okta, radius) and, for the OIDC browser flow,
  // `<mount>/oidc/callback`. Mounts may be nested (auth/corp/ldap/), so look at every segment
  // after "auth/<mount>".
  std::string_view rest = path.substr(5);
  auto slash = rest.find('/');
  if (slash == std::string_view::npos) return false;
  rest.remove_prefix(slash + 1);
  while (!rest.empty()) {
    auto next = rest.find('/');
    std::string_view seg = rest.substr(0, next);
    if (seg == "login") return true;
    if (rest == "oidc/callback") return true;
    if (next == std::string_view::npos) break;
    rest.remove_prefix(next + 1);
  }
  return false;
}

bool is_kv_write(std::string_view path, std::string_view op, std::string_view mount_point,
                 std::string_view mount_type) {
  // "generic" is the historical name of KV version 1.
  if (mount_type != "kv" && mount_type != "generic") return false;
  if (op != "create" && op != "update" && op != "patch") return false;
  std::string_view rel;
  if (!mount_point.empty() && path.starts_with(mount_point)) {
    rel = path.substr(mount_point.size());
  } else {
    auto slash = path.find('/');
    rel = slash == std::string_view::npos ? std::string_view{} : path.substr(slash + 1);
  }
  if (rel.empty()) return false;
  // KV v2 writes secrets under data/; metadata/, delete/, undelete/, destroy/, subkeys/ and
  // config are bookkeeping, not new secret versions. Anything else is a KV v1 write.
  if (starts(rel, "data/")) return rel.size() > 5;
  for (std::string_view p : {"metadata/", "delete/", "undelete/", "destroy/", "subkeys/"})
    if (starts(rel, p)) return false;
  if (rel == "config" || rel == "metadata" || rel == "data") return false;
  return true;
}

result<Classifier> Classifier::create(ClassifierOptions opts) {
  Classifier c;
  c.ignore_display_names_ = std::move(opts.ignore_display_names);
  c.ignore_accessors_ = std::move(opts.ignore_accessors);
  for (auto& g : opts.watch) {
    CompiledGroup cg;
    cg.name = std::move(g.name);
    for (const auto& p : g.paths) {
      auto glob = Glob::compile(p);
      if (!glob) return make_error("audit.watch " + cg.name + ": " + glob.error().message);
      cg.globs.push_back(std::move(*glob));
    }
    c.watch_.push_back(std::move(cg));
  }
  return c;
}

void Classifier::classify(const AuditEntryView& e, Classification& out) const {
  out.skip = Skip::none;
  out.outcome = Outcome::ok;
  out.root_token = false;
  out.sensitive = SensitiveKind::none;
  out.login = false;
  out.kv_write = false;
  out.watches.clear();

  // Vault's enable-time test probe: a request entry on sys/audit/test with no auth. A real token
  // enabling a device *named* "test" carries auth and is an audit device change, not a probe.
  if (!e.has_auth && e.path == "sys/audit/test") {
    out.skip = Skip::test_probe;
    return;
  }
  if (e.has_auth) {
    auto in = [](const std::vector<std::string>& set, std::string_view v) {
      return !v.empty() && std::find(set.begin(), set.end(), v) != set.end();
    };
    if (in(ignore_display_names_, e.display_name) || in(ignore_accessors_, e.accessor)) {
      out.skip = Skip::ignored_identity;
      return;
    }
  }
  out.outcome = outcome_of(e.error);
  if (out.outcome == Outcome::ok && e.response_error) out.outcome = Outcome::error;
  if (e.type == AuditEvent::Type::response) {
    out.login = is_login(e.path);
    return;
  }
  // A type Vault may add later is neither half of a call: its outcome is all we know.
  if (e.type != AuditEvent::Type::request) return;
  out.root_token =
      e.has_auth && std::find(e.policies.begin(), e.policies.end(), "root") != e.policies.end();
  // A call rejected before it ran (permission denied, bad token) changed nothing: it shows in
  // entries_total{outcome="permission_denied"}, not as a sensitive operation.
  if (out.outcome == Outcome::ok) out.sensitive = sensitive_kind(e.path, e.operation);
  out.kv_write = out.outcome == Outcome::ok &&
                 is_kv_write(e.path, e.operation, e.mount_point, e.mount_type);
  // No path (KMIP entries): not a request on any watched path, not even under "**".
  if (e.path.empty()) return;
  for (std::size_t i = 0; i < watch_.size(); ++i)
    if (match_any(watch_[i].globs, e.path)) out.watches.push_back(static_cast<std::uint32_t>(i));
}

}  // namespace vw::audit
