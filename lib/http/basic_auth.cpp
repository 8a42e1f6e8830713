#include "http/basic_auth.hpp"

#include <boost/asio/async_result.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <crypt.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <array>
#include <cctype>
#include <cstring>
#include <memory>

namespace vw::http {

namespace {

// Standard base64 with padding (Go's base64.StdEncoding, which Request.BasicAuth uses).
// Hand-written: OpenSSL's EVP_DecodeBlock does not report the padding it decoded, and Beast's
// decoder is in a detail namespace.
std::optional<std::string> base64_decode(std::string_view in) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  if (in.size() % 4 != 0) return std::nullopt;
  std::string out;
  out.reserve(in.size() / 4 * 3);
  for (std::size_t i = 0; i < in.size(); i += 4) {
    const bool last = i + 4 == in.size();
    int v[4];
    int pad = 0;
    for (int j = 0; j < 4; ++j) {
      const char c = in[i + j];
      if (c == '=' && last && j >= 2) {
        v[j] = 0;
        ++pad;
        continue;
      }
      if (pad > 0) return std::nullopt;  // data after '='
      v[j] = value(c);
      if (v[j] < 0) return std::nullopt;
    }
    const std::uint32_t n = (std::uint32_t(v[0]) << 18) | (std::uint32_t(v[1]) << 12) |
                            (std::uint32_t(v[2]) << 6) | std::uint32_t(v[3]);
    out.push_back(static_cast<char>((n >> 16) & 0xff));
    if (pad < 2) out.push_back(static_cast<char>((n >> 8) & 0xff));
    if (pad < 1) out.push_back(static_cast<char>(n & 0xff));
  }
  return out;
}

// The cache key: SHA-256 over length-prefixed user, hash and password, so that no password is
// kept and no two triples collide by concatenation.
std::string cache_key(std::string_view user, std::string_view hash, std::string_view password) {
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  EVP_DigestInit_ex(md, EVP_sha256(), nullptr);
  for (std::string_view part : {user, hash, password}) {
    const std::uint64_t len = part.size();
    EVP_DigestUpdate(md, &len, sizeof len);
    EVP_DigestUpdate(md, part.data(), part.size());
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int n = 0;
  EVP_DigestFinal_ex(md, digest.data(), &n);
  EVP_MD_CTX_free(md);
  return std::string(reinterpret_cast<const char*>(digest.data()), n);
}

// Runs bcrypt_verify on `pool` and completes on the caller's executor. A plain handler hop,
// not a coroutine spawned onto the pool: the hash and password are moved to the worker and
// only a bool comes back, so no coroutine frame ever lives on the worker thread.
template <class Token>
auto async_bcrypt_verify(boost::asio::thread_pool& pool, std::string password, std::string hash,
                         Token&& token) {
  return net::async_initiate<Token, void(bool)>(
      [&pool](auto handler, std::string pw, std::string h) {
        auto work = net::make_work_guard(handler);  // keeps the io executor's loop alive
        net::post(pool, [handler = std::move(handler), work = std::move(work), pw = std::move(pw),
                         h = std::move(h)]() mutable {
          const bool ok = bcrypt_verify(pw, h);
          auto ex = work.get_executor();
          net::post(ex, [handler = std::move(handler), ok]() mutable { std::move(handler)(ok); });
          work.reset();
        });
      },
      token, std::move(password), std::move(hash));
}

}  // namespace

std::optional<BasicCredentials> parse_basic_authorization(std::string_view header) {
  constexpr std::string_view scheme = "basic ";
  if (header.size() < scheme.size()) return std::nullopt;
  for (std::size_t i = 0; i < scheme.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(header[i])) != scheme[i]) return std::nullopt;
  auto decoded = base64_decode(header.substr(scheme.size()));
  if (!decoded) return std::nullopt;
  auto colon = decoded->find(':');
  if (colon == std::string::npos) return std::nullopt;
  return BasicCredentials{decoded->substr(0, colon), decoded->substr(colon + 1)};
}

bool bcrypt_verify(std::string_view password, const std::string& hash) {
  // crypt_r needs a NUL-terminated password; one with an embedded NUL can never match what
  // htpasswd produced, and must not be truncated into matching.
  if (password.find('\0') != std::string_view::npos) return false;
  const std::string pw(password);
  auto data = std::make_unique<crypt_data>();  // 32 KiB of scratch state; zeroed
  const char* out = crypt_r(pw.c_str(), hash.c_str(), data.get());
  // On failure libxcrypt returns a string starting with '*' that never equals a valid hash.
  if (out == nullptr || std::strlen(out) != hash.size()) return false;
  return CRYPTO_memcmp(out, hash.data(), hash.size()) == 0;
}

BasicAuthenticator::BasicAuthenticator(BasicAuthOptions opts) : opts_(opts) {}

BasicAuthenticator::~BasicAuthenticator() {
  worker_.stop();
  worker_.join();
}

bool BasicAuthenticator::cached(const std::string& key) {
  auto it = index_.find(key);
  if (it == index_.end()) return false;
  lru_.splice(lru_.begin(), lru_, it->second);
  return true;
}

void BasicAuthenticator::remember(const std::string& key) {
  if (opts_.cache_capacity == 0 || cached(key)) return;
  lru_.push_front(key);
  index_[key] = lru_.begin();
  if (lru_.size() > opts_.cache_capacity) {
    index_.erase(lru_.back());
    lru_.pop_back();
  }
}

net::awaitable<BasicAuthenticator::Outcome> BasicAuthenticator::check(
    std::map<std::string, std::string> users, BasicCredentials creds) {
  auto it = users.find(creds.user);
  const bool known = it != users.end();
  // Unknown users cost one bcrypt too, so that response time does not reveal which users exist.
  std::string hash = known ? it->second : std::string(dummy_bcrypt_hash);
  const std::string key = cache_key(creds.user, hash, creds.password);
  if (known && cached(key)) {
    ++stats_.cache_hits;
    co_return Outcome::ok;
  }
  if (pending_ >= opts_.max_pending) {
    ++stats_.busy;
    co_return Outcome::busy;
  }
  ++pending_;
  ++stats_.bcrypt_runs;
  const bool match = co_await async_bcrypt_verify(worker_, std::move(creds.password),
                                                  std::move(hash), net::use_awaitable);
  --pending_;
  if (!known || !match) co_return Outcome::denied;
  remember(key);
  co_return Outcome::ok;
}

}  // namespace vw::http
