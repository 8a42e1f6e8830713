#pragma once
// HTTP basic authentication against bcrypt hashes, the way the Prometheus exporter-toolkit does
// it (`basic_auth_users`): bcrypt checked with libxcrypt's crypt_r, unknown users compared
// against a dummy hash so that timing does not tell which users exist, and a cache so that a
// scrape every few seconds does not pay ~70 ms of bcrypt each time.
#include <boost/asio/thread_pool.hpp>

#include <cstddef>
#include <list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/bcrypt_hash.hpp"
#include "core/result.hpp"
#include "net/net.hpp"

namespace vw::http {

struct BasicCredentials {
  std::string user;
  std::string password;
  bool operator==(const BasicCredentials&) const = default;
};

/// Parses an `Authorization: Basic <base64(user:password)>` header value (scheme matched
/// case-insensitively, split at the first ':', as Go's Request.BasicAuth). nullopt for any other
/// scheme or malformed base64.
std::optional<BasicCredentials> parse_basic_authorization(std::string_view header);

/// The shape check of a hash is core's (core/bcrypt_hash.hpp: lib/config validates
/// basic_auth_users with it); this name keeps http's spelling of it.
using vw::bcrypt_cost;

/// True when `password` matches the bcrypt `hash` (constant-time comparison of the result).
/// CPU-bound: about 70 ms at cost 10. Thread-safe (crypt_r with per-call state).
bool bcrypt_verify(std::string_view password, const std::string& hash);

/// The hash unknown users are checked against (exporter-toolkit's, of "fakepassword", cost 10).
inline constexpr const char* dummy_bcrypt_hash =
    "$2y$10$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5DUmpZ/VcEd00UAV/LDeSi";

struct BasicAuthOptions {
  /// Successful (user, hash, password) checks remembered, least recently used evicted. Only
  /// successes are cached: a legitimate scraper pays bcrypt once, a guesser pays it every time.
  /// Keys are SHA-256 digests, so no password is kept in memory. A changed hash in the web
  /// config is a different key, so a password change takes effect on the next request.
  std::size_t cache_capacity = 64;
  /// bcrypt checks waiting for the worker. Beyond this a request is answered "busy" (503) at
  /// once: a flood of wrong passwords cannot queue unbounded work, and scrapers whose
  /// credentials are cached never wait behind it.
  std::size_t max_pending = 8;
};

/// Verifies basic-auth credentials. bcrypt runs on one worker thread owned by this object (the
/// only thread besides the io thread: bcrypt is deliberately slow CPU work and must not stall
/// the event loop that tails the audit log); everything else, the cache included, is io thread
/// only, and the worker touches nothing but its arguments. Destroying it joins the worker.
class BasicAuthenticator {
 public:
  enum class Outcome { ok, denied, busy };
  struct Stats {
    std::size_t cache_hits = 0;
    std::size_t bcrypt_runs = 0;
    std::size_t busy = 0;
  };

  explicit BasicAuthenticator(BasicAuthOptions opts = {});
  ~BasicAuthenticator();
  BasicAuthenticator(const BasicAuthenticator&) = delete;
  BasicAuthenticator& operator=(const BasicAuthenticator&) = delete;

  /// Checks `creds` against `users` (user -> bcrypt hash). Must be awaited on the io thread; the
  /// coroutine resumes there. `users` is copied from before the first suspension.
  net::awaitable<Outcome> check(std::map<std::string, std::string> users, BasicCredentials creds);

  const Stats& stats() const { return stats_; }

 private:
  bool cached(const std::string& key);
  void remember(const std::string& key);

  BasicAuthOptions opts_;
  std::size_t pending_ = 0;
  Stats stats_;
  std::list<std::string> lru_;  // most recent first
  std::unordered_map<std::string, std::list<std::string>::iterator> index_;
  boost::asio::thread_pool worker_{1};  // last: joined first on destruction
};

}  // namespace vw::http
