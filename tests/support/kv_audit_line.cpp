#include "support/kv_audit_line.hpp"

namespace vw::test {

std::string kv_audit_line(const KvAuditEntry& e, SysTime epoch) {
  std::string mount = e.mount ? e.mount : std::string(e.path).substr(0, std::string(e.path).find('/') + 1);
  std::string ns = std::string(R"({"id":)") + (*e.ns ? R"("abc12","path":")" + std::string(e.ns) + "\"" : R"("root")") + "}";
  std::string auth = std::string(R"({"accessor":"hmac-sha256:aa","client_token":"hmac-sha256:bb","display_name":")") +
                     (*e.who ? "dn-" : "") + e.who +
                     R"(","entity_id":")" + e.who + R"(","policies":["default"],"token_type":"service"})";
  std::string data;
  if (e.version >= 0) {
    data = std::string(e.op) == "read"
               ? R"({"data":{"data":{"password":"hmac-sha256:cc"},"metadata":{"created_time":"hmac-sha256:dd","custom_metadata":null,"deletion_time":"hmac-sha256:ee","destroyed":false,"version":)" +
                     std::to_string(e.version) + "}}}"
               : R"({"data":{"created_time":"hmac-sha256:dd","deletion_time":"hmac-sha256:ee","destroyed":false,"version":)" +
                     std::to_string(e.version) + "}}";
  }
  const std::string time = format_rfc3339_ms(epoch + e.when);
  const std::string err = *e.error ? std::string(R"(,"error":")") + e.error + "\"" : "";
  if (e.old_layout) {
    return R"({"time":")" + time + R"(","type":"response","auth":)" + auth + R"(,"request":{"id":"r1","operation":")" + e.op +
           R"(","client_token":"hmac-sha256:bb","namespace":)" + ns + R"(,"path":")" + e.path +
           R"(","data":{"version":"hmac-sha256:ff"},"remote_address":")" + e.remote + R"("},"response":)" +
           (data.empty() ? "{}" : data) + err + "}";
  }
  return R"({"auth":)" + auth + err + R"(,"request":{"client_token":"hmac-sha256:bb","id":"r1","mount_point":")" + mount +
         R"(","mount_type":"kv","namespace":)" + ns + R"(,"operation":")" + e.op + R"(","path":")" + e.path +
         R"(","remote_address":")" + e.remote + R"(","remote_port":4242})" +
         (data.empty() ? "" : R"(,"response":)" + data) + R"(,"time":")" + time + R"(","type":"response"})";
}

}  // namespace vw::test
