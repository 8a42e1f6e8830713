#pragma once
// One decoded audit-log entry: the fields classification, rules, alerts and `audit search`
// need, and nothing else. Produced by lib/audit's decoder, consumed by the classifier, the rule
// engine and the forensics CLI. HMAC'd values (client_token, accessor) are kept only where a
// consumer needs them for matching (audit.ignore.accessors) and are never exported.
#include <map>
#include <string>
#include <vector>

#include "core/time.hpp"

namespace vw {

struct AuditEvent {
  enum class Type { request, response };

  SysTime time{};
  Type type = Type::request;
  std::string operation;         // create, read, update, patch, delete, list, ...
  std::string path;              // request.path, relative to the namespace
  std::string mount_point;       // request.mount_point, "" on old Vault versions
  std::string mount_type;        // request.mount_type
  std::string namespace_id;      // request.namespace.id ("root")
  std::string namespace_path;    // request.namespace.path ("" for root)
  std::string remote_address;
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
  return t == AuditEvent::Type::request ? "request" : "response";
}

}  // namespace vw
