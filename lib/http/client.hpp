#pragma once
// Outgoing HTTP(S) requests with one deadline covering resolve, connect, TLS, write and read.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/http/verb.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/result.hpp"
#include "http/tls.hpp"
#include "http/url.hpp"
#include "net/net.hpp"

namespace vw::http {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Request {
  boost::beast::http::verb method = boost::beast::http::verb::get;
  std::string target;  // path and query, appended to the client's base path ("/v1/sys/health")
  Headers headers;
  std::string body;
};

struct Response {
  unsigned status = 0;
  Headers headers;     // as received, in order
  std::string body;
  /// First header with this (case-insensitive) name, or "".
  std::string header(std::string_view name) const;
};

/// Why a request produced no response. The names are the `reason` label values of
/// vaultwatch_poll_errors_total (`protocol` is reported as bad_body by pollers).
enum class FailureKind { timeout, connect, tls, protocol, body_too_large };
const char* to_string(FailureKind k);

struct Failure {
  FailureKind kind = FailureKind::connect;
  std::string message;  // never contains header values
};

using Outcome = boost::system::result<Response, Failure>;

struct ClientOptions {
  Url base;
  TlsClientOptions tls;
  std::chrono::milliseconds timeout{5000};  // whole request: resolve+connect+TLS+write+read
  std::size_t body_limit = 16 * 1024 * 1024;
  std::string user_agent;
};

/// A client for one base URL. Each request opens its own connection (every caller polls at
/// most every few seconds, so keep-alive would buy nothing and cost stale-connection handling).
/// Redirects are never followed: a standby's 307 is data for the caller.
/// Not thread-safe: use only from the io thread. Safe to destroy with requests in flight only
/// if the io_context is stopped (requests hold a shared_ptr to the TLS context, not to *this).
class Client {
 public:
  /// Fails when the TLS files cannot be loaded (a startup error naming the file).
  static result<std::unique_ptr<Client>> create(ClientOptions opts);

  net::awaitable<Outcome> request(Request req) const;

  const Url& base() const { return opts_.base; }
  std::chrono::milliseconds timeout() const { return opts_.timeout; }

 private:
  Client(ClientOptions opts, std::shared_ptr<boost::asio::ssl::context> tls)
      : opts_(std::move(opts)), tls_(std::move(tls)) {}
  ClientOptions opts_;
  std::shared_ptr<boost::asio::ssl::context> tls_;  // null for http://
};

/// Throws Failure (for result::value()).
[[noreturn]] void throw_exception_from_error(const Failure& f, const boost::source_location&);

}  // namespace vw::http
