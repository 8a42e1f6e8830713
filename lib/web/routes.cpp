#include "web/routes.hpp"

#include "http/gzip.hpp"

namespace vw::web {

namespace bhttp = boost::beast::http;

void add_core_routes(http::Router& router, Sources s) {
  router.add(bhttp::verb::get, "/metrics", [render = s.render_metrics](const http::StringRequest& req) {
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
  router.add(bhttp::verb::post, "/-/reload", [reload = s.reload](const http::StringRequest& req) {
    std::string err = reload();
    if (err.empty())
      return http::make_response(req, bhttp::status::ok, "text/plain; charset=utf-8", "reloaded\n");
    return http::make_response(req, bhttp::status::internal_server_error,
                               "text/plain; charset=utf-8", "reload failed: " + err + "\n");
  });
  router.add(bhttp::verb::get, "/api/v1/status", [status = s.status](const http::StringRequest& req) {
    return http::make_response(req, bhttp::status::ok, "application/json",
                               render_status_json(status(), std::chrono::system_clock::now()));
  });
  router.add(bhttp::verb::get, "/", [status = s.status](const http::StringRequest& req) {
    auto res = http::make_response(req, bhttp::status::ok, "text/html; charset=utf-8",
                                   render_status_html(status(), std::chrono::system_clock::now()));
    // The page is self-contained: forbid anything it does not need.
    res.set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
    res.set("X-Content-Type-Options", "nosniff");
    return res;
  });
}

void add_alerts_route(http::Router& router, std::function<std::string()> render) {
  router.add(bhttp::verb::get, "/api/v1/alerts", [render = std::move(render)](const http::StringRequest& req) {
    auto res = http::make_response(req, bhttp::status::ok, "application/json", render());
    res.set(bhttp::field::cache_control, "no-store");
    return res;
  });
}

}  // namespace vw::web
