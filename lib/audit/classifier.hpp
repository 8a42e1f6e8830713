#pragma once
// Classifies one decoded audit entry for the SPEC §4.4 counters: its outcome, root-token use,
// sensitive-operation kind (paths from research/vault-api.md §4), login, KV write and the
// `audit.watch` groups it falls in; and whether it is skipped altogether (Vault's enable-time
// test probe, identities in `audit.ignore`).
//
// Which half of an API call carries a fact (SPEC §4.4: "count each API call once, from its
// request entry"): root use, sensitive kinds, watched paths and KV writes are set on `request`
// entries only ("kmip-request" entries are request entries too; entries of an unknown type get
// only their outcome). Logins are the exception and are set on the `response` entry: a login's
// outcome (wrong password, unknown role) is decided by the auth method after Vault wrote the
// request entry, so only the response knows whether it failed.
//
// Pure: no I/O, no clock, no metrics. The globs of `audit.watch` are compiled once. Immutable
// after construction; classify() may be called from any thread.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "audit/entry_view.hpp"
#include "core/glob.hpp"
#include "core/result.hpp"

namespace vw::audit {

enum class Outcome : std::uint8_t { ok, error, permission_denied };
const char* to_string(Outcome o);

/// SPEC §4.4 `kind` label values, in the order listed there.
enum class SensitiveKind : std::uint8_t {
  none,
  generate_root,
  seal,
  step_down,
  audit_device_change,
  policy_change,
  auth_method_change,
  mount_change,
  token_create,
  token_revoke,
  lease_revoke_prefix,
  raw_storage,
  rotate_keyring,
  raft_snapshot,
  plugin_change,
};
inline constexpr std::size_t sensitive_kind_count = 15;  // including none
const char* to_string(SensitiveKind k);

enum class Skip : std::uint8_t { none, test_probe, ignored_identity };

struct Classification {
  Skip skip = Skip::none;
  Outcome outcome = Outcome::ok;
  bool root_token = false;                  // request entries: auth.policies contains "root"
  SensitiveKind sensitive = SensitiveKind::none;  // request entries not rejected up front
  bool login = false;                       // response entries of logins
  bool kv_write = false;                    // request entries: a successful-so-far KV write
  std::vector<std::uint32_t> watches;       // request entries: indexes into the watch groups
  bool operator==(const Classification&) const = default;
};

struct WatchGroup {
  std::string name;
  std::vector<std::string> paths;  // globs: '*' within a segment, '**' across
};

struct ClassifierOptions {
  std::vector<std::string> ignore_display_names;
  std::vector<std::string> ignore_accessors;
  std::vector<WatchGroup> watch;
};

class Classifier {
 public:
  /// Compiles every watch glob; fails on the first bad one (config validation already rejects
  /// them, so this only fails for options built by hand).
  static result<Classifier> create(ClassifierOptions opts);

  /// Fills `out` (reusing its `watches` capacity).
  void classify(const AuditEntryView& e, Classification& out) const;
  Classification classify(const AuditEntryView& e) const {
    Classification c;
    classify(e, c);
    return c;
  }

  std::size_t watch_count() const { return watch_.size(); }
  const std::string& watch_name(std::size_t i) const { return watch_[i].name; }

 private:
  struct CompiledGroup {
    std::string name;
    std::vector<Glob> globs;
  };
  std::vector<std::string> ignore_display_names_;
  std::vector<std::string> ignore_accessors_;
  std::vector<CompiledGroup> watch_;
};

// The pieces, exposed for table tests.
Outcome outcome_of(std::string_view error);
SensitiveKind sensitive_kind(std::string_view path, std::string_view operation);
bool is_login(std::string_view path);
bool is_kv_write(std::string_view path, std::string_view operation, std::string_view mount_point,
                 std::string_view mount_type);

}  // namespace vw::audit
