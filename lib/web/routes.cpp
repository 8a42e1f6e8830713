#include "web/routes.hpp"

#include <nlohmann/json.hpp>

#include "http/gzip.hpp"

namespace vw::web {

namespace bhttp = boost::beast::http;

void add_core_routes(http::Router& router, Sources s) {
  router.add(bhttp::verb::get, s.metrics_path, [render = s.render_metrics](const http::StringRequest& req) {
    std::string body = render();
    const bool gzip = http::accepts_gzip(req[bhttp::field::accept_encoding]);
    auto res = http::make_response(req, bhttp::status::ok, prometheus_text_content_type,
                                   gzip ? http::gzip_compress(body) : std::move(body));
    if (gzip) res.set(bhttp::field::content_encoding, "gzip");
    res.set(bhttp::field::vary, "Accept-Encoding");
    return res;
  });
  router.add(bhttp::verb::get, "/healthz", [](const http::StringRequest& req) {
    return http::make_response(req, bhttp::status::ok, "text/plain; charset=utf-8", "ok\n");
  });
  router.add(bhttp::verb::get, "/readyz", [ready = s.ready](const http::StringRequest& req) {
    const bool r = ready();
    return http::make_response(req, r ? bhttp::status::ok : bhttp::status::service_unavailable,
                               "text/plain; charset=utf-8", r ? "ready\n" : "not ready\n");
  });
  router.add(bhttp::verb::post, "/-/reload", [reload = s.reload, status = s.status](const http::StringRequest& req) {
    std::string err = reload();
    if (!err.empty())
      return http::make_response(req, bhttp::status::internal_server_error, "application/json",
                                 api_error("config", "reload failed, still running on the previous configuration: " + err));
    const auto snap = status();
    nlohmann::ordered_json data = {{"reloaded", true},
                                   {"config", snap.config_path.empty() ? nlohmann::ordered_json(nullptr)
                                                                      : nlohmann::ordered_json(snap.config_path)}};
    return http::make_response(req, bhttp::status::ok, "application/json", api_success(data.dump()));
  });
  router.add(bhttp::verb::get, "/api/v1/status", [status = s.status](const http::StringRequest& req) {
    auto res = http::make_response(req, bhttp::status::ok, "application/json",
                                   render_status_json(status(), std::chrono::system_clock::now()));
    res.set(bhttp::field::cache_control, "no-store");
    return res;
  });
  router.add(bhttp::verb::get, "/", [status = s.status, metrics_path = s.metrics_path](const http::StringRequest& req) {
    auto snap = status();
    snap.metrics_path = metrics_path;
    auto res = http::make_response(req, bhttp::status::ok, "text/html; charset=utf-8",
                                   render_status_html(snap, std::chrono::system_clock::now()));
    // The page is self-contained: forbid anything it does not need.
    res.set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
    res.set("X-Content-Type-Options", "nosniff");
    return res;
  });
}

std::string api_success(std::string_view data_json) {
  std::string out = R"({"status":"success","data":)";
  out += data_json;
  out += "}\n";
  return out;
}

std::string api_error(std::string_view error_type, std::string_view message) {
  nlohmann::ordered_json j = {{"status", "error"}, {"errorType", error_type}, {"error", message}};
  return j.dump() + "\n";
}

void add_alerts_route(http::Router& router, std::function<std::string()> render) {
  router.add(bhttp::verb::get, "/api/v1/alerts", [render = std::move(render)](const http::StringRequest& req) {
    auto res = http::make_response(req, bhttp::status::ok, "application/json", render());
    res.set(bhttp::field::cache_control, "no-store");
    return res;
  });
}

void add_rotation_route(http::Router& router, std::function<std::string()> render) {
  router.add(bhttp::verb::get, "/api/v1/rotation", [render = std::move(render)](const http::StringRequest& req) {
    auto res = http::make_response(req, bhttp::status::ok, "application/json", render());
    res.set(bhttp::field::cache_control, "no-store");
    return res;
  });
}

}  // namespace vw::web
