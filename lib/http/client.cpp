#include "http/client.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <stdexcept>
#include <strings.h>
#include <variant>

namespace vw::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;
using boost::system::error_code;
constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

const char* to_string(FailureKind k) {
  switch (k) {
    case FailureKind::timeout: return "timeout";
    case FailureKind::connect: return "connect";
    case FailureKind::tls: return "tls";
    case FailureKind::protocol: return "protocol";
    case FailureKind::body_too_large: return "body_too_large";
  }
  return "unknown";
}

void throw_exception_from_error(const Failure& f, const boost::source_location&) {
  throw std::runtime_error(std::string(to_string(f.kind)) + ": " + f.message);
}

std::string Response::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (k.size() == name.size() && strncasecmp(k.data(), name.data(), k.size()) == 0) return v;
  return {};
}

namespace {

Failure fail(FailureKind kind, std::string what, const error_code& ec) {
  return Failure{kind, std::move(what) + ": " + ec.message()};
}

// Classifies an error from a write or read step.
Failure classify_io(const char* step, const error_code& ec) {
  if (ec == beast::error::timeout) return fail(FailureKind::timeout, step, ec);
  if (ec == bhttp::error::body_limit) return fail(FailureKind::body_too_large, step, ec);
  if (ec.category() == net::error::get_ssl_category() || ec == ssl::error::stream_truncated)
    return fail(FailureKind::tls, step, ec);
  return fail(FailureKind::protocol, step, ec);
}

template <class Stream>
net::awaitable<Outcome> exchange(Stream& stream, bhttp::request<bhttp::string_body>& req,
                                 std::size_t body_limit) {
  auto [wec, wn] = co_await bhttp::async_write(stream, req, use_tuple);
  if (wec) co_return classify_io("write", wec);
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(body_limit);
  auto [rec, rn] = co_await bhttp::async_read(stream, buffer, parser, use_tuple);
  if (rec) co_return classify_io("read", rec);
  auto msg = parser.release();
  Response out;
  out.status = msg.result_int();
  for (const auto& f : msg) out.headers.emplace_back(f.name_string(), f.value());
  out.body = std::move(msg.body());
  co_return out;
}

}  // namespace

result<std::unique_ptr<Client>> Client::create(ClientOptions opts) {
  std::shared_ptr<ssl::context> tls;
  if (opts.base.tls) {
    auto ctx = make_client_tls_context(opts.tls);
    if (!ctx) return ctx.error();
    tls = *ctx;
  }
  return std::unique_ptr<Client>(new Client(std::move(opts), std::move(tls)));
}

net::awaitable<Outcome> Client::request(Request r) const {
  using namespace net::experimental::awaitable_operators;
  auto ex = co_await net::this_coro::executor;
    // Copies taken before the first suspension: the request may outlive *this (a reload
  // replaces clients while their requests are in flight).
  const ClientOptions o = opts_;
  const Url& base = o.base;
  const auto tls = tls_;
  const auto& tls_opts = o.tls;
  const auto deadline = std::chrono::steady_clock::now() + o.timeout;

  // Resolve, raced against the deadline (the resolver has no timeout of its own).
  tcp::resolver resolver(ex);
  net::steady_timer timer(ex, deadline);
  auto raced = co_await (resolver.async_resolve(base.host, base.port, use_tuple) ||
                         timer.async_wait(use_tuple));
  if (raced.index() == 1)
    co_return Failure{FailureKind::timeout, "resolving " + base.host + ": deadline exceeded"};
  auto [rec, endpoints] = std::get<0>(std::move(raced));
  if (rec) co_return fail(FailureKind::connect, "resolving " + base.host, rec);

  bhttp::request<bhttp::string_body> req{r.method, base.path + r.target, 11};
  req.set(bhttp::field::host, base.host_header());
  if (!o.user_agent.empty()) req.set(bhttp::field::user_agent, o.user_agent);
  for (const auto& [k, v] : r.headers) req.set(k, v);
  req.body() = std::move(r.body);
  req.keep_alive(false);
  req.prepare_payload();

  beast::tcp_stream tcp_stream(ex);
  tcp_stream.expires_at(deadline);  // one deadline for every step from here on
  auto [cec, ep] = co_await tcp_stream.async_connect(endpoints, use_tuple);
  if (cec) {
    if (cec == beast::error::timeout) co_return fail(FailureKind::timeout, "connect", cec);
    co_return fail(FailureKind::connect, "connect to " + base.origin(), cec);
  }
  if (!tls) {
    auto out = co_await exchange(tcp_stream, req, o.body_limit);
    error_code ignored;
    tcp_stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    co_return out;
  }

  beast::ssl_stream<beast::tcp_stream> stream(std::move(tcp_stream), *tls);
  const std::string& name = tls_opts.server_name.empty() ? base.host : tls_opts.server_name;
  error_code ip_ec;
  net::ip::make_address(name, ip_ec);
  if (ip_ec && !SSL_set_tlsext_host_name(stream.native_handle(), name.c_str()))
    co_return Failure{FailureKind::tls, "cannot set SNI name " + name};
  if (!tls_opts.insecure_skip_verify) stream.set_verify_callback(ssl::host_name_verification(name));
  auto [hec] = co_await stream.async_handshake(ssl::stream_base::client, use_tuple);
  if (hec) {
    if (hec == beast::error::timeout) co_return fail(FailureKind::timeout, "TLS handshake", hec);
    co_return fail(FailureKind::tls, "TLS handshake with " + base.origin(), hec);
  }
  auto out = co_await exchange(stream, req, o.body_limit);
  // No TLS close_notify exchange: the response is complete (Content-Length or chunked end), and
  // waiting for the peer's close_notify only adds a round trip that some servers never answer.
  error_code ignored;
  beast::get_lowest_layer(stream).socket().shutdown(tcp::socket::shutdown_both, ignored);
  co_return out;
}

}  // namespace vw::http
