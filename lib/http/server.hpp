#pragma once
// The embedded HTTP(S) server behind /metrics and the status API.
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "core/result.hpp"
#include "http/router.hpp"
#include "net/net.hpp"

namespace spdlog {
class logger;
}

namespace vw::http {

/// Bounds on what one client can make the server hold (SPEC §8).
struct ServerLimits {
  std::size_t header_limit = 16 * 1024;
  std::size_t body_limit = 64 * 1024;
  std::chrono::milliseconds read_timeout{10'000};   // a request must arrive whole within this
  std::chrono::milliseconds idle_timeout{60'000};   // keep-alive wait for the next request
  std::chrono::milliseconds write_timeout{10'000};
  std::size_t max_connections = 256;
  // At max_connections, a connection that has waited this long for (the rest of) a request is
  // closed to make room for a new one (slowloris, idle keep-alive). Younger waiters are left
  // alone so a flood of fresh connections cannot evict each other before being served.
  std::chrono::milliseconds evict_waiting_after{500};
};

/// An asynchronous stage around the router (authentication, rate limiting, response headers):
/// gets each request and the router, returns the response to send. Runs on the io thread; the
/// request reference stays valid until the returned awaitable completes.
using Middleware =
    std::function<net::awaitable<StringResponse>(const StringRequest&, const RouteHandler&)>;

struct ServerOptions {
  std::string listen_address = ":9410";  // host:port, ":port" for all interfaces, port 0 = any
  ServerLimits limits;
  Middleware middleware;  // optional
  /// When set, every connection is TLS; called once per handshake so rotated certificates are
  /// picked up without a restart. Returns null when the TLS config cannot be loaded (the
  /// connection is then closed).
  std::function<std::shared_ptr<boost::asio::ssl::context>()> tls_context;
};

/// Accepts connections and serves each with `handler`. Owns the acceptor and every session;
/// stop() closes them all. Not thread-safe: io thread only. Sessions keep the shared state they
/// need alive, so destroying the Server after stop() is safe while handlers are still queued.
class Server {
 public:
  Server(net::any_io_executor ex, ServerOptions opts, std::shared_ptr<spdlog::logger> log,
         RouteHandler handler);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Binds and starts accepting. The error names the address and the reason.
  result<void> start();
  void stop();
  /// The bound address (useful with port 0).
  boost::asio::ip::tcp::endpoint local_endpoint() const;

  struct State;

 private:
  net::any_io_executor ex_;
  std::shared_ptr<State> state_;
};

}  // namespace vw::http
