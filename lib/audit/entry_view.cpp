#include "audit/entry_view.hpp"

#include <algorithm>

#include "core/ip_address.hpp"

namespace vw::audit {

ClientEndpoint client_endpoint(const AuditEntryView& v) {
  auto hp = split_host_port(v.remote_address);
  return {hp.host, v.remote_port != 0 ? v.remote_port : hp.port};
}

AuditEvent::Type type_of(std::string_view t) {
  using T = AuditEvent::Type;
  if (t == "request" || (t.size() > 8 && t.ends_with("-request"))) return T::request;
  if (t == "response" || (t.size() > 9 && t.ends_with("-response"))) return T::response;
  return T::other;
}

void materialize(const AuditEntryView& v, AuditEvent& out) {
  out.time = v.time;
  out.type = v.type;
  out.type_name.assign(v.type_name);
  out.operation.assign(v.operation);
  out.path.assign(v.path);
  out.mount_point.assign(v.mount_point);
  out.mount_type.assign(v.mount_type);
  out.namespace_id.assign(v.namespace_id);
  out.namespace_path.assign(v.namespace_path);
  // Alerts group by remote_address: the client, not its TCP connection.
  const auto client = client_endpoint(v);
  out.remote_address.assign(client.address);
  out.remote_port = client.port;
  out.request_id.assign(v.request_id);
  out.has_auth = v.has_auth;
  out.display_name.assign(v.display_name);
  out.entity_id.assign(v.entity_id);
  // resize() keeps the strings (and their buffers) that are already there.
  out.policies.resize(v.policies.size());
  for (std::size_t i = 0; i < v.policies.size(); ++i) out.policies[i].assign(v.policies[i]);
  out.token_type.assign(v.token_type);
  // Metadata keys repeat from line to line (role_name, project_path, ...): keep the map nodes of
  // keys the new entry also has and only assign their values.
  for (auto it = out.metadata.begin(); it != out.metadata.end();) {
    bool keep = std::any_of(v.metadata.begin(), v.metadata.end(),
                            [&](const auto& kv) { return kv.first == it->first; });
    it = keep ? std::next(it) : out.metadata.erase(it);
  }
  for (const auto& [k, val] : v.metadata) {
    auto it = out.metadata.find(std::string(k));
    if (it == out.metadata.end()) it = out.metadata.emplace(std::string(k), std::string()).first;
    it->second.assign(val);
  }
  out.accessor.assign(v.accessor);
  out.error.assign(v.error);
}

AuditEvent to_event(const AuditEntryView& v) {
  AuditEvent e;
  materialize(v, e);
  return e;
}

}  // namespace vw::audit
