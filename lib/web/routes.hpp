#pragma once
// The exposition endpoints (SPEC §3) as pure request -> response handlers. App registers them on
// an http::Router; nothing here touches a socket or Vault.
#include <functional>
#include <string>
#include <string_view>

#include "http/router.hpp"
#include "web/status.hpp"

namespace vw::web {

/// What the routes read. Every callback runs on the io thread and must not block.
struct Sources {
  std::function<std::string()> render_metrics;  // Prometheus text 0.0.4 of the last snapshot
  std::function<bool()> ready;                   // config loaded and first health poll done
  /// POST /-/reload: returns "" on success, else the reason the new config was rejected.
  std::function<std::string()> reload;
  /// The daemon's state for GET / and GET /api/v1/status.
  std::function<StatusSnapshot()> status;
  /// Pending and firing alerts for the status page (GET /api/v1/alerts is add_alerts_route).
  std::function<std::vector<AlertView>()> alerts;
  /// Where GET of the Prometheus text is served (server.telemetry_path, --web.telemetry-path).
  std::string metrics_path = "/metrics";
};

inline constexpr const char* prometheus_text_content_type = "text/plain; version=0.0.4; charset=utf-8";

/// GET <metrics_path> (gzip when the client accepts it), GET /healthz, GET /readyz, POST /-/reload,
/// GET /api/v1/status and the HTML status page GET /.
///
/// The JSON answers (/api/v1/status, POST /-/reload, and /api/v1/alerts from lib/rules) share
/// Prometheus' HTTP API envelope: {"status":"success","data":{...}} on success,
/// {"status":"error","errorType":"...","error":"..."} with a 4xx/5xx status otherwise, compact,
/// one line ending in a newline, Content-Type application/json.
void add_core_routes(http::Router& router, Sources sources);

/// `data` (a JSON value) in the success envelope: {"status":"success","data":<data>}\n.
std::string api_success(std::string_view data_json);
/// The error envelope: {"status":"error","errorType":<type>,"error":<message>}\n.
std::string api_error(std::string_view error_type, std::string_view message);

/// GET /api/v1/alerts (SPEC §3): `render` returns the JSON body (rules::alerts_api_json).
void add_alerts_route(http::Router& router, std::function<std::string()> render);

/// GET /api/v1/rotation (issue 13): `render` returns the JSON body, envelope included
/// (rotation::rotation_api_json).
void add_rotation_route(http::Router& router, std::function<std::string()> render);

}  // namespace vw::web
