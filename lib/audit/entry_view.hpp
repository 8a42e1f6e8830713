#pragma once
// The decoder's zero-copy view of one audit entry, and its conversion into the owning
// vw::AuditEvent that crosses component boundaries.
//
// Why a view: at the SPEC §9 ingest rate (≈350k entries/s) a std::string per field per line
// would be millions of small allocations a second. The view's string_views point into the
// decoder's own buffers (the unescaped strings simdjson writes) or into the line itself, and stay
// valid until the next decode() on the same Decoder. Counting and classification work on the
// view; only the sink (rules, later `audit search`) gets a materialised AuditEvent, and even that
// reuses its capacity from line to line (materialize()).
#include <cstdint>
#include <span>
#include <string_view>
#include <utility>

#include "core/audit_event.hpp"

namespace vw::audit {

struct AuditEntryView {
  AuditEvent::Type type = AuditEvent::Type::request;
  std::string_view type_name;  // `type` verbatim: "request", "response", "kmip-request", ...
  SysTime time{};
  std::string_view operation;
  std::string_view path;
  std::string_view mount_point;
  std::string_view mount_type;
  std::string_view namespace_id;
  std::string_view namespace_path;
  std::string_view remote_address;  // verbatim: may carry a port ("192.168.0.10:36776")
  std::uint16_t remote_port = 0;    // request.remote_port (Vault >= 1.9); 0 when absent
  std::string_view request_id;
  bool has_auth = false;  // false when `auth` is absent, null, or the empty {"token_type":"default"}
  std::string_view display_name;
  std::string_view entity_id;
  std::span<const std::string_view> policies;
  std::string_view token_type;
  std::span<const std::pair<std::string_view, std::string_view>> metadata;
  std::string_view accessor;
  // auth.client_token as logged (HMAC'd). Only `audit search --show-hmac` prints it; it is never
  // copied into the AuditEvent.
  std::string_view client_token;
  std::string_view error;
  // response.data.error is present: Vault answered with an error body (logical.ErrorResponse),
  // e.g. a wrong password on a login, which some versions log without a top-level `error`.
  bool response_error = false;
  // The KV v2 version number a response carries: response.data.version (the version a write
  // created) or response.data.metadata.version (the version a read served); -1 when absent.
  // Numbers are not HMAC'd, so this is readable in every audit configuration (rotation tracking).
  std::int64_t kv_version = -1;
};

/// The entry's client address without a port, and its port: request.remote_port, or the port
/// KMIP entries put into remote_address ("192.168.0.10:36776", "[2001:db8::10]:36778").
struct ClientEndpoint {
  std::string_view address;
  std::uint16_t port = 0;  // 0: unknown
};
ClientEndpoint client_endpoint(const AuditEntryView& v);

/// Half of an API call an entry of Vault type `type_name` is (see AuditEvent::Type).
AuditEvent::Type type_of(std::string_view type_name);

/// Copies the view into `out`, reusing the capacity `out` already has (its strings, its policy
/// vector and its metadata map nodes), so a long-lived AuditEvent costs no allocation per line
/// once it has seen lines of the usual shape.
void materialize(const AuditEntryView& v, AuditEvent& out);

/// The owning copy of a view (tests and one-off decodes).
AuditEvent to_event(const AuditEntryView& v);

}  // namespace vw::audit
