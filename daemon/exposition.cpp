#include "daemon/exposition.hpp"

#include "daemon/options.hpp"

namespace vw::daemon {

std::optional<StartupProblem> start_exposition(net::any_io_executor ex, const config::ServerConfig& s,
                                               const http::Router& router, Logging& logging,
                                               std::unique_ptr<web::WebSecurity>& security,
                                               std::unique_ptr<http::Server>& server) {
  auto web = web::load_web_security(s.web_config_file, web_config_reader());
  if (!web.state) return StartupProblem{true, web.error};
  security = std::make_unique<web::WebSecurity>(s.web_config_file, std::move(web), web_config_reader(),
                                                logging.get("web"));

  auto sopts = server_options(s);
  // The web config file may change under a running server, but the WebSecurity object stays.
  sopts.middleware = [sec = security.get()](const http::StringRequest& r, const http::RouteHandler& next) {
    return sec->handle(r, next);
  };
  if (security->tls_enabled()) sopts.tls_context = [sec = security.get()] { return sec->tls_context(); };
  server = std::make_unique<http::Server>(ex, sopts, logging.get("http_server"),
                                          [&router](const http::StringRequest& r) { return router(r); });
  if (auto r = server->start(); !r) return StartupProblem{false, r.error().message};
  return std::nullopt;
}

}  // namespace vw::daemon
