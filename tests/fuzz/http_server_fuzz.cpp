// libFuzzer target for the HTTP server's request handling: the input is the raw byte stream a
// client sends on one connection. It goes through the real http::Server (Beast's parser with
// the server's header/body limits, keep-alive and pipelining, error answers), the WebSecurity
// middleware and the daemon's own routes (/metrics with gzip negotiation, /healthz, /readyz,
// POST /-/reload, /api/v1/status, /, /api/v1/alerts), on a loopback connection in this
// process, all on one io_context as in the daemon. Must never crash, leak or hang; every
// response the server writes must be a well-formed HTTP/1.1 response.
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/dynamic_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "http/router.hpp"
#include "http/server.hpp"
#include "web/routes.hpp"
#include "web/web_security.hpp"

namespace {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

struct Harness {
  asio::io_context ioc;
  std::shared_ptr<spdlog::logger> log = std::make_shared<spdlog::logger>(
      "fuzz", std::make_shared<spdlog::sinks::null_sink_st>());
  std::unique_ptr<vw::web::WebSecurity> security;
  std::unique_ptr<vw::http::Server> server;
  tcp::endpoint ep;

  Harness() {
    // No web config file: the reader is never called.
    security = std::make_unique<vw::web::WebSecurity>("", vw::web::load_web_security("", {}), nullptr, log);
    vw::http::Router router;
    vw::web::Sources s;
    s.render_metrics = [] {
      return std::string("# HELP vault_up vault_up\n# TYPE vault_up gauge\nvault_up 1\n");
    };
    s.ready = [] { return true; };
    s.reload = [] { return std::string(); };
    s.status = [] {
      vw::web::StatusSnapshot st;
      st.version = "fuzz";
      st.ready = true;
      return st;
    };
    s.alerts = [] { return std::vector<vw::web::AlertView>{}; };
    vw::web::add_core_routes(router, s);
    vw::web::add_alerts_route(router, [] { return std::string("{\"alerts\":[]}"); });
    vw::http::ServerOptions o;
    o.listen_address = "127.0.0.1:0";
    o.limits.header_limit = 4 * 1024;  // small limits so the fuzzer reaches them
    o.limits.body_limit = 4 * 1024;
    o.limits.read_timeout = std::chrono::seconds(5);
    o.limits.max_connections = 4;
    o.middleware = [this](const vw::http::StringRequest& r, const vw::http::RouteHandler& next) {
      return security->handle(r, next);
    };
    server = std::make_unique<vw::http::Server>(ioc.get_executor(), std::move(o), log,
                                                std::move(router));
    if (!server->start()) __builtin_trap();
    ep = server->local_endpoint();
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Harness* h = new Harness;  // lives for the process (libFuzzer never returns)
  const std::string input(reinterpret_cast<const char*>(data), size);

  tcp::socket client(h->ioc);
  bool done = false;
  std::string answer;
  client.async_connect(h->ep, [&](boost::system::error_code ec) {
    if (ec) __builtin_trap();
    asio::async_write(client, asio::buffer(input), [&](boost::system::error_code, std::size_t) {
      // Half-close: the server sees end of stream after the input, as from a client that
      // sent its requests and waits for the answers.
      boost::system::error_code ignored;
      client.shutdown(tcp::socket::shutdown_send, ignored);
      asio::async_read(client, asio::dynamic_buffer(answer),
                       [&](boost::system::error_code, std::size_t) { done = true; });
    });
  });
  h->ioc.restart();
  while (!done) {
    if (h->ioc.run_one() == 0) __builtin_trap();  // nothing left to run but no answer: a hang
  }
  h->ioc.poll();  // let the server's session finish its shutdown

  // Whatever came back must split into complete HTTP responses. An answer to HEAD has a
  // Content-Length but no body, and which requests were HEAD is the server's parser's business:
  // from each offset a response is parsed both ways, and the answer must be reachable to its end
  // (a walk over offsets, each visited once).
  std::vector<char> seen(answer.size() + 1, 0);
  std::vector<std::size_t> todo{0};
  seen[0] = 1;
  while (!todo.empty()) {
    const std::size_t off = todo.back();
    todo.pop_back();
    if (off == answer.size()) continue;
    for (const bool head : {false, true}) {
      bhttp::response_parser<bhttp::dynamic_body> p;
      p.eager(true);
      p.skip(head);
      p.body_limit(16 * 1024 * 1024);
      boost::system::error_code ec;
      const std::size_t n = p.put(asio::buffer(answer.data() + off, answer.size() - off), ec);
      if (!ec && p.is_done() && n > 0 && !seen[off + n]) {
        seen[off + n] = 1;
        todo.push_back(off + n);
      }
    }
  }
  if (!seen[answer.size()]) __builtin_trap();
  return 0;
}
