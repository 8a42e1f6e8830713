#include "http/server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <spdlog/spdlog.h>

#include <boost/asio/steady_timer.hpp>

#include <unordered_map>

#include "core/url.hpp"

namespace vw::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;
using boost::system::error_code;
constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

struct Server::State {
  ServerOptions opts;
  std::shared_ptr<spdlog::logger> log;
  RouteHandler handler;
  tcp::acceptor acceptor;
  bool stopped = false;
  bool at_cap_logged = false;  // "connection limit reached" logged for the current episode
  bool accept_failing = false;
  // A new connection is held (accepted, not served yet) because every slot is taken: answers
  // are sent with "Connection: close" so keep-alive clients give their slot up in turn.
  bool holding = false;
  // The accept loop waits on it while it holds a connection; a session that ends cancels it, so
  // the held connection gets the freed slot at once.
  net::steady_timer slot_timer;
  // Live connections, closed by stop() and shed at the cap. Raw pointers are removed by each
  // session before its stream dies (single thread, so no race).
  struct Conn {
    // Waiting for (the rest of) a request: TLS handshake, first byte, headers, body, or the
    // next request on a keep-alive connection. Such a connection costs the server nothing to
    // drop; one being answered is never dropped.
    bool waiting = true;
    std::chrono::steady_clock::time_point since = std::chrono::steady_clock::now();
    bool evicted = false;  // closed by the cap, its session not finished yet
  };
  std::unordered_map<beast::tcp_stream*, Conn> connections;
  std::size_t evicting = 0;

  std::size_t live() const { return connections.size() - evicting; }

  void set_waiting(beast::tcp_stream* s, bool w) {
    auto it = connections.find(s);
    if (it == connections.end()) return;
    it->second.waiting = w;
    it->second.since = std::chrono::steady_clock::now();
  }

  // At the cap, make room by closing the connection that has been waiting for a request the
  // longest, if it has waited at least evict_waiting_after (slowloris clients, idle
  // keep-alive). Returns false when there is none (every connection is busy or just arrived).
  // Evicting the oldest waiter (not refusing the newcomer) is what keeps /metrics answering
  // while hundreds of idle or trickling connections are open.
  bool evict_one() {
    beast::tcp_stream* victim = nullptr;
    std::chrono::steady_clock::time_point oldest{};
    const auto cutoff = std::chrono::steady_clock::now() - opts.limits.evict_waiting_after;
    for (auto& [s, c] : connections) {
      if (c.evicted || !c.waiting || c.since > cutoff) continue;
      if (!victim || c.since < oldest) victim = s, oldest = c.since;
    }
    if (!victim) return false;
    connections[victim].evicted = true;
    ++evicting;
    victim->close();  // its pending read completes with operation_aborted; the session ends
    return true;
  }

  State(net::any_io_executor ex, ServerOptions o, std::shared_ptr<spdlog::logger> l,
        RouteHandler h)
      : opts(std::move(o)), log(std::move(l)), handler(std::move(h)), acceptor(ex), slot_timer(ex) {}
};

namespace {

// Registers a connection for stop() and unregisters it on every exit path.
struct ConnectionGuard {
  Server::State& state;
  beast::tcp_stream* stream;
  ConnectionGuard(Server::State& s, beast::tcp_stream* t) : state(s), stream(t) {
    state.connections.emplace(stream, Server::State::Conn{});
  }
  ~ConnectionGuard() {
    auto it = state.connections.find(stream);
    if (it == state.connections.end()) return;
    if (it->second.evicted) --state.evicting;
    state.connections.erase(it);
    if (state.holding) state.slot_timer.cancel();
  }
};

StringResponse error_response(unsigned version, bhttp::status status, std::string body) {
  StringResponse res{status, version};
  res.set(bhttp::field::content_type, "text/plain; charset=utf-8");
  res.keep_alive(false);
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

template <class Stream>
net::awaitable<void> serve(std::shared_ptr<Server::State> st, Stream& stream) {
  auto& lowest = beast::get_lowest_layer(stream);
  const auto& lim = st->opts.limits;
  beast::flat_buffer buffer(lim.header_limit + lim.body_limit);
  auto* const conn = &lowest;
  for (bool first = true;; first = false) {
    st->set_waiting(conn, true);
    // Wait for the first byte of the next request within the idle (or, for a new connection,
    // read) timeout, then give the whole request read_timeout: a slow client cannot hold a
    // connection slot longer than that (slowloris).
    if (buffer.size() == 0) {
      lowest.expires_after(first ? lim.read_timeout : lim.idle_timeout);
      auto [ec, n] = co_await stream.async_read_some(buffer.prepare(512), use_tuple);
      if (ec) co_return;
      buffer.commit(n);
    }
    lowest.expires_after(lim.read_timeout);
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(lim.header_limit));
    parser.body_limit(lim.body_limit);
    auto [ec, n] = co_await bhttp::async_read(stream, buffer, parser, use_tuple);
    if (ec) {
      std::optional<StringResponse> err;
      if (ec == bhttp::error::header_limit)
        err = error_response(11, bhttp::status::request_header_fields_too_large, "headers too large\n");
      else if (ec == bhttp::error::body_limit)
        err = error_response(11, bhttp::status::payload_too_large, "body too large\n");
      else if (ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message &&
               ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category())
        err = error_response(11, bhttp::status::bad_request, "bad request\n");
      if (err) {
        lowest.expires_after(lim.write_timeout);
        co_await bhttp::async_write(stream, *err, use_tuple);
      }
      co_return;
    }
    auto req = parser.release();
    st->set_waiting(conn, false);
    StringResponse res;
    try {
      if (st->opts.middleware)
        res = co_await st->opts.middleware(req, st->handler);
      else
        res = st->handler(req);
    } catch (const std::exception& e) {
      // A handler bug must not take the server down: answer 500, log, keep serving.
      st->log->error("handler failed: target={} err={}", std::string(target_path(req.target())),
                     e.what());
      res = error_response(req.version(), bhttp::status::internal_server_error, "internal error\n");
    }
    // At the cap, close after each answer: clients queued in the listen backlog then get slots
    // in arrival order instead of waiting behind keep-alive connections that never let go.
    const bool keep = res.keep_alive() && req.keep_alive() && !st->stopped && !st->holding &&
                      st->live() < st->opts.limits.max_connections;
    res.keep_alive(keep);
    lowest.expires_after(lim.write_timeout);
    auto [wec, wn] = co_await bhttp::async_write(stream, res, use_tuple);
    if (wec || !keep) co_return;
  }
}

net::awaitable<void> session(std::shared_ptr<Server::State> st, tcp::socket socket) {
  beast::tcp_stream plain(std::move(socket));
  ConnectionGuard guard(*st, &plain);
  if (!st->opts.tls_context) {
    co_await serve(st, plain);
    error_code ignored;
    plain.socket().shutdown(tcp::socket::shutdown_send, ignored);
    co_return;
  }
  auto ctx = st->opts.tls_context();
  if (!ctx) co_return;
  beast::ssl_stream<beast::tcp_stream&> tls(plain, *ctx);
  plain.expires_after(st->opts.limits.read_timeout);
  auto [hec] = co_await tls.async_handshake(ssl::stream_base::server, use_tuple);
  if (hec) {
    error_code pec;
    auto peer = plain.socket().remote_endpoint(pec);
    st->log->debug("TLS handshake failed: peer={} err={}", pec ? "?" : peer.address().to_string(),
                   hec.message());
    co_return;
  }
  co_await serve(st, tls);
  plain.expires_after(st->opts.limits.write_timeout);
  co_await tls.async_shutdown(use_tuple);
}

net::awaitable<void> accept_loop(std::shared_ptr<Server::State> st) {
  auto backoff = std::chrono::milliseconds(5);
  net::steady_timer pause(st->acceptor.get_executor());
  for (;;) {
    auto [ec, socket] = co_await st->acceptor.async_accept(use_tuple);
    if (st->stopped || ec == net::error::operation_aborted) co_return;
    if (ec) {
      // EMFILE and friends: retry after a pause that doubles up to 1 s (what Go's net/http
      // does), logging once per episode; retrying at once would spin the loop and the log.
      if (!st->accept_failing)
        st->log->warn("accept failed (retrying with backoff): err={}", ec.message());
      st->accept_failing = true;
      pause.expires_after(backoff);
      co_await pause.async_wait(use_tuple);
      backoff = std::min(backoff * 2, std::chrono::milliseconds(1000));
      continue;
    }
    if (st->accept_failing) st->log->info("accepting connections again");
    st->accept_failing = false;
    backoff = std::chrono::milliseconds(5);
    // At the cap: close a connection that has waited long enough for a request, or else hold
    // this one until a slot frees. Meanwhile the next clients wait in the kernel's listen
    // backlog (as behind Go's netutil.LimitListener, which Prometheus uses) instead of being
    // refused, and answers go out with "Connection: close" so busy keep-alive clients take
    // turns. A 1 000-connection flood is then served in turns, not refused or thrashed.
    if (st->live() >= st->opts.limits.max_connections) {
      if (!st->at_cap_logged)
        st->log->warn("connection limit reached: max_connections={} (closing connections that "
                      "wait longest for a request, queueing new ones)",
                      st->opts.limits.max_connections);
      st->at_cap_logged = true;
      while (st->live() >= st->opts.limits.max_connections && !st->evict_one()) {
        st->holding = true;
        // Woken when a session ends; the timeout re-checks for a waiter old enough to evict.
        st->slot_timer.expires_after(std::chrono::milliseconds(100));
        co_await st->slot_timer.async_wait(use_tuple);
        if (st->stopped) co_return;
      }
      st->holding = false;
    } else if (st->live() * 2 < st->opts.limits.max_connections) {
      st->at_cap_logged = false;  // well clear of the cap: the next episode is logged again
    }
    net::co_spawn(st->acceptor.get_executor(), session(st, std::move(socket)),
                  [st](std::exception_ptr e) {
                    if (!e) return;
                    try {
                      std::rethrow_exception(e);
                    } catch (const std::exception& ex) {
                      st->log->error("session failed: err={}", ex.what());
                    }
                  });
  }
}

}  // namespace

Server::Server(net::any_io_executor ex, ServerOptions opts, std::shared_ptr<spdlog::logger> log,
               RouteHandler handler)
    : ex_(ex),
      state_(std::make_shared<State>(ex, std::move(opts), std::move(log), std::move(handler))) {}

Server::~Server() { stop(); }

result<void> Server::start() {
  auto hp = split_listen_address(state_->opts.listen_address);
  if (!hp) return hp.error();
  auto [host, port] = *hp;
  const std::string what = "cannot listen on " + state_->opts.listen_address + ": ";
  error_code ec;
  tcp::endpoint ep;
  if (host.empty()) {
    // ":port" = every interface, IPv4 and IPv6 where the host has IPv6 (Go's behaviour, which
    // the exporters' --web.listen-address spelling comes from).
    ep = tcp::endpoint(tcp::v6(), static_cast<unsigned short>(std::stoi(port)));
    auto& acc = state_->acceptor;
    acc.open(tcp::v6(), ec);
    if (!ec) acc.set_option(net::ip::v6_only(false), ec);
    if (ec) {
      error_code ignored;
      acc.close(ignored);
      ep = tcp::endpoint(tcp::v4(), ep.port());
      ec.clear();
    } else {
      acc.close(ec);
    }
  } else {
    tcp::resolver resolver(ex_);
    auto results = resolver.resolve(host, port, tcp::resolver::passive, ec);
    if (ec || results.empty()) return make_error(what + (ec ? ec.message() : "no address"));
    ep = *results.begin();
  }
  auto& acc = state_->acceptor;
  acc.open(ep.protocol(), ec);
  if (ec) return make_error(what + ec.message());
  if (ep.protocol() == tcp::v6() && host.empty()) acc.set_option(net::ip::v6_only(false), ec);
  acc.set_option(net::socket_base::reuse_address(true), ec);
  acc.bind(ep, ec);
  if (ec) return make_error(what + ec.message());
  acc.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return make_error(what + ec.message());
  net::co_spawn(ex_, accept_loop(state_), [log = state_->log](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      log->critical("accept loop failed: err={}", ex.what());
    }
  });
  return {};
}

void Server::stop() {
  if (state_->stopped) return;
  state_->stopped = true;
  error_code ignored;
  state_->acceptor.close(ignored);
  for (auto& [c, info] : state_->connections) c->socket().close(ignored);
  state_->slot_timer.cancel();
}

tcp::endpoint Server::local_endpoint() const {
  error_code ec;
  return state_->acceptor.local_endpoint(ec);
}

}  // namespace vw::http
