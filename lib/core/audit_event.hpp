#pragma once
// One decoded audit-log entry: the fields classification, rules, alerts and `audit search`
// need, and nothing else. Produced by lib/audit's decoder, consumed by the classifier, the rule
// engine and the forensics CLI. HMAC'd values (client_token, accessor) are kept only where a
// consumer needs them for matching (audit.ignore.accessors) and are never exported.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/time.hpp"

namespace vw {

struct AuditEvent {
  /// Which half of an API call the entry is. Vault's own types map to the half they name:
  /// "request" and "kmip-request" (Enterprise KMIP) are requests, "response" and "kmip-response"
  /// responses; any other type Vault may add is `other` (counted and kept, never classified as
  /// either half).
  enum class Type { request, response, other };

  SysTime time{};
  Type type = Type::request;
  std::string type_name;         // `type` as Vault wrote it ("request", "kmip-response", ...)
  std::string operation;         // create, read, update, patch, delete, list, ...
  std::string path;              // request.path, relative to the namespace
  std::string mount_point;       // request.mount_point, "" on old Vault versions
  std::string mount_type;        // request.mount_type
  std::string namespace_id;      // request.namespace.id ("root")
  std::string namespace_path;    // request.namespace.path ("" for root)
  std::string remote_address;    // the client address, without the port some entries carry
  std::uint16_t remote_port = 0; // request.remote_port, or the port in remote_address; 0 = none
  std::string request_id;        // request.id
  bool has_auth = false;         // false when `auth` is absent or {"token_type":"default"}
  std::string display_name;      // auth.display_name
  std::string entity_id;         // auth.entity_id
  std::vector<std::string> policies;  // auth.policies
  std::string token_type;        // auth.token_type
  std::map<std::string, std::string> metadata;  // auth.metadata (role_name, project_path, ...)
  std::string accessor;          // auth.accessor as logged (HMAC'd unless hmac_accessor=false)
  std::string error;             // top-level error, "" when none
  bool operator==(const AuditEvent&) const = default;
};

inline const char* to_string(AuditEvent::Type t) {
  switch (t) {
    case AuditEvent::Type::request: return "request";
    case AuditEvent::Type::response: return "response";
    case AuditEvent::Type::other: break;
  }
  return "other";
}

}  // namespace vw
