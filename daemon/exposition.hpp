#pragma once
// The exposition side as App::start builds it (SPEC §3): the web config in front of the router
// (TLS, basic auth, rate limit, headers) and the server bound to server.listen_address. App
// owns what this builds; reloading the web config is App's reload participant "web".
#include <memory>
#include <optional>

#include "config/config.hpp"
#include "daemon/logging.hpp"
#include "daemon/startup.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "net/net.hpp"
#include "web/web_security.hpp"

namespace vw::daemon {

/// Loads the web config (a problem with it is a configuration problem) into `security`, then
/// binds `server`, which answers with `router` behind `security`. Both must outlive the
/// server's sessions: `security` is destroyed after `server`.
std::optional<StartupProblem> start_exposition(net::any_io_executor ex, const config::ServerConfig& s,
                                               const http::Router& router, Logging& logging,
                                               std::unique_ptr<web::WebSecurity>& security,
                                               std::unique_ptr<http::Server>& server);

}  // namespace vw::daemon
