#pragma once
// The secured endpoint (SPEC §3): TLS, basic auth, rate limit and extra response headers from the
// exporter-toolkit web config file, applied in front of the router.
//
// Like exporter-toolkit, the file takes effect without a restart: it is re-read when it changes,
// checked on every TLS handshake and every request. The check is one stat() of the web config
// file and of each certificate/key/CA file it names (device, inode, size, mtime, ctime); the file
// is parsed, and the TLS context rebuilt, only when one of them changed, so rotated certificates
// and changed passwords apply to the next connection/request at the cost of a few syscalls.
// A file that becomes invalid fails closed, as in exporter-toolkit: handshakes are refused and
// requests get 500 until it is fixed (logged once per distinct problem). Whether the server
// speaks TLS at all is decided at start (also as in exporter-toolkit); a file that later adds or
// removes tls_server_config counts as invalid until a restart.
//
// /healthz stays open whatever the file says (liveness must not depend on credentials); every
// other path, unknown ones included, needs the password when basic_auth_users is set.
#include <boost/asio/ssl/context.hpp>
#include <sys/types.h>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/duration.hpp"
#include "core/result.hpp"
#include "core/tls_settings.hpp"
#include "core/token_bucket.hpp"
#include "http/basic_auth.hpp"
#include "http/router.hpp"
#include "net/net.hpp"

namespace spdlog {
class logger;
}

namespace vw::web {

/// The identity of a file as stat() sees it; a rewrite, a replace-by-rename or a delete changes it.
struct FileStamp {
  std::string path;
  int error = 0;  // errno of stat(), 0 when it exists
  dev_t dev = 0;
  ino_t ino = 0;
  off_t size = 0;
  long long mtime_ns = 0, ctime_ns = 0;
  bool operator==(const FileStamp&) const = default;
};
FileStamp stamp_file(const std::string& path);

/// exporter-toolkit's `rate_limit`: requests refused with 429 beyond `burst` per `interval`.
struct RateLimit {
  Duration interval{0};  // 0 = no limit
  int burst = 0;
  bool operator==(const RateLimit&) const = default;
};

/// What the web config file says, as lib/web applies it. The daemon builds it from
/// config::WebConfig (daemon/options.cpp): lib/web reads no configuration files itself.
struct WebOptions {
  /// Set when the file turns TLS on; relative paths already resolved against its directory.
  std::optional<TlsServerOptions> tls;
  std::map<std::string, std::string> headers;           // added to every response
  std::map<std::string, std::string> basic_auth_users;  // user -> bcrypt hash
  RateLimit rate_limit;
  bool operator==(const WebOptions&) const = default;
};

/// Reads and validates the web config file at `path`: its options, or every problem (one per
/// line). Supplied by the daemon (daemon::web_config_reader()).
using WebConfigReader = std::function<result<WebOptions>(const std::string& path)>;

/// A loaded web config: the parsed file and the TLS context built from it (null without TLS).
struct WebSecurityState {
  WebOptions config;
  std::shared_ptr<boost::asio::ssl::context> tls;
};

/// The outcome of reading a web config file: the state, or every problem (one per line), and the
/// stamps of the files read, taken before reading them (so a change racing the read is seen
/// next time).
struct WebSecurityLoad {
  std::shared_ptr<const WebSecurityState> state;  // null on error
  std::string error;
  std::vector<FileStamp> stamps;
};

/// Reads (with `read`), validates and builds `path` ("" = no web config: plain HTTP, no auth).
/// Blocking file I/O on small files. Used at start, on reload, by --check-config and on change.
WebSecurityLoad load_web_security(const std::string& path, const WebConfigReader& read);

/// Applies the current web config to connections and requests. Owns the basic-auth verifier
/// (and through it the bcrypt worker thread, created on first use). io thread only.
class WebSecurity {
 public:
  /// `initial` must be a successful load; it decides whether the server speaks TLS. `read`
  /// re-reads the file when it changes.
  WebSecurity(std::string path, WebSecurityLoad initial, WebConfigReader read,
              std::shared_ptr<spdlog::logger> log, http::BasicAuthOptions auth_options = {});
  ~WebSecurity();

  bool tls_enabled() const { return tls_; }
  const std::string& path() const { return path_; }

  /// Reload: why `next` (for `path`) cannot replace the current file, or "" when it can. Only a
  /// switch between HTTP and HTTPS is refused (it needs a restart).
  std::string check_replace(const WebSecurityLoad& next) const;
  /// Reload: swaps in a load that check_replace accepted. Never fails.
  void replace(std::string path, WebSecurityLoad next);

  /// For http::ServerOptions::tls_context: the context for the next handshake, null to refuse it.
  std::shared_ptr<boost::asio::ssl::context> tls_context();
  /// For http::ServerOptions::middleware.
  net::awaitable<http::StringResponse> handle(const http::StringRequest& req,
                                              const http::RouteHandler& next);

 private:
  void refresh();
  void adopt(WebSecurityLoad load);

  std::string path_;
  bool tls_;
  WebConfigReader read_;
  std::shared_ptr<spdlog::logger> log_;
  http::BasicAuthOptions auth_options_;
  std::shared_ptr<const WebSecurityState> state_;  // null while the file is invalid
  std::string error_;                              // why state_ is null
  std::vector<FileStamp> stamps_;
  std::optional<TokenBucket> limiter_;
  RateLimit limiter_config_;
  std::unique_ptr<http::BasicAuthenticator> auth_;  // created on first use; lives as long as this
};

}  // namespace vw::web
