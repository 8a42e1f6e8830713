#pragma once
// Writes realistic Vault audit lines (the shape of tests/tools/gen_audit.py, Vault >= 1.17
// alphabetical layout) to a file, for the demo and for tests that need a live writer.
#include <cstdint>
#include <fstream>
#include <random>
#include <string>

namespace vw::fake {

class AuditWriter {
 public:
  explicit AuditWriter(std::string path, std::uint32_t seed = 1);
  /// Appends one request/response pair of ordinary traffic (KV reads/writes, logins, renewals).
  void normal();
  /// A root token reading a secret.
  void root_token_use();
  /// A permission-denied request/response from the given identity.
  void permission_denied(const std::string& display_name);
  /// An ACL policy write by an admin.
  void policy_write(const std::string& name);
  /// Any request/response pair (path, operation, display name, policies, error).
  void pair(const std::string& op, const std::string& path, const std::string& mount,
            const std::string& mount_type, const std::string& display_name,
            const std::vector<std::string>& policies, const std::string& error = "");
  void flush();

 private:
  std::string hmac();
  std::string uuid();
  std::ofstream out_;
  std::mt19937 rng_;
};

}  // namespace vw::fake
