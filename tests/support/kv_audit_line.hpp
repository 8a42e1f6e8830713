#pragma once
// One KV v2 response entry as Vault's file audit device writes it (both key layouts), for the
// rotation tracker's unit tests and the daemon's rotation tests: reads carry the served version
// in response.data.metadata.version, writes the new one in response.data.version.
#include <string>

#include "core/duration.hpp"
#include "core/time.hpp"

namespace vw::test {

struct KvAuditEntry {
  Duration when;     // the entry's time: the `epoch` given to kv_audit_line plus this
  const char* op;    // read, update, create, patch, delete
  const char* path;  // request.path
  const char* who;   // entity_id ("" = none) ; display_name is "dn-" + who
  int version;       // response version, < 0 = none
  const char* remote = "10.0.0.1";
  const char* ns = "";          // namespace path ("ns1/")
  const char* mount = nullptr;  // mount_point; default: the path's first segment
  bool old_layout = false;      // Vault <= 1.16 key order, no mount_point
  const char* error = "";
};

/// The entry as one JSON line, without the trailing newline.
std::string kv_audit_line(const KvAuditEntry& e, SysTime epoch);

}  // namespace vw::test
