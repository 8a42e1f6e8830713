#include "web/web_security.hpp"

#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <cerrno>

#include "http/tls.hpp"

namespace vw::web {

namespace bhttp = boost::beast::http;

FileStamp stamp_file(const std::string& path) {
  FileStamp s;
  s.path = path;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    s.error = errno;
    return s;
  }
  s.dev = st.st_dev;
  s.ino = st.st_ino;
  s.size = st.st_size;
  s.mtime_ns = static_cast<long long>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  s.ctime_ns = static_cast<long long>(st.st_ctim.tv_sec) * 1'000'000'000 + st.st_ctim.tv_nsec;
  return s;
}

WebSecurityLoad load_web_security(const std::string& path, const WebConfigReader& read) {
  WebSecurityLoad out;
  if (path.empty()) {
    out.state = std::make_shared<WebSecurityState>();
    return out;
  }
  out.stamps.push_back(stamp_file(path));
  if (!read) {
    out.error = path + ": no reader for web config files";  // a wiring mistake, not the file's
    return out;
  }
  auto parsed = read(path);
  if (!parsed) {
    out.error = std::move(parsed.error().message);
    return out;
  }
  auto state = std::make_shared<WebSecurityState>();
  state->config = std::move(*parsed);
  if (state->config.tls) {
    for (const auto& f : state->config.tls->files()) out.stamps.push_back(stamp_file(f));
    auto ctx = http::make_server_tls_context(*state->config.tls);
    if (!ctx) {
      out.error = path + ": tls_server_config: " + ctx.error().message;
      return out;
    }
    state->tls = std::move(*ctx);
  }
  out.state = std::move(state);
  return out;
}

WebSecurity::WebSecurity(std::string path, WebSecurityLoad initial, WebConfigReader read,
                         std::shared_ptr<spdlog::logger> log, http::BasicAuthOptions auth_options)
    : path_(std::move(path)),
      tls_(initial.state && initial.state->tls),
      read_(std::move(read)),
      log_(std::move(log)),
      auth_options_(auth_options) {
  adopt(std::move(initial));
}

WebSecurity::~WebSecurity() = default;

std::string WebSecurity::check_replace(const WebSecurityLoad& next) const {
  if (!next.state) return next.error;
  const bool tls = next.state->tls != nullptr;
  if (tls != tls_)
    return tls ? "the web config now enables TLS: restart vaultwatch to switch to HTTPS"
               : "the web config no longer enables TLS: restart vaultwatch to switch to HTTP";
  return {};
}

void WebSecurity::replace(std::string path, WebSecurityLoad next) {
  path_ = std::move(path);
  adopt(std::move(next));
}

void WebSecurity::adopt(WebSecurityLoad load) {
  stamps_ = std::move(load.stamps);
  if (load.state && (load.state->tls != nullptr) != tls_) {
    load.error = check_replace(load);
    load.state = nullptr;
  }
  if (!load.state) {
    if (load.error != error_) log_->error("web config rejected, refusing requests until it is fixed: {}", load.error);
    error_ = std::move(load.error);
    state_ = nullptr;
    return;
  }
  if (!error_.empty()) log_->info("web config valid again: file={}", path_);
  error_.clear();
  state_ = std::move(load.state);
  const auto& rl = state_->config.rate_limit;
  if (rl.interval <= Duration::zero()) {
    limiter_.reset();
  } else if (!limiter_ || rl != limiter_config_) {
    limiter_.emplace(rl.interval, rl.burst, TokenBucket::Clock::now());
  }
  limiter_config_ = rl;
}

void WebSecurity::refresh() {
  if (path_.empty()) return;
  bool changed = false;
  for (const auto& s : stamps_) {
    if (stamp_file(s.path) != s) {
      changed = true;
      break;
    }
  }
  if (!changed) return;
  log_->info("web config changed, reloading: file={}", path_);
  adopt(load_web_security(path_, read_));
}

std::shared_ptr<boost::asio::ssl::context> WebSecurity::tls_context() {
  refresh();
  return state_ ? state_->tls : nullptr;
}

net::awaitable<http::StringResponse> WebSecurity::handle(const http::StringRequest& req,
                                                         const http::RouteHandler& next) {
  refresh();
  // A local reference: a change of the file while this request waits for bcrypt must not
  // change what it is answered with.
  std::shared_ptr<const WebSecurityState> state = state_;
  const bool open = http::target_path(req.target()) == "/healthz";
  auto text = [&](bhttp::status status, std::string body) {
    return http::make_response(req, status, "text/plain; charset=utf-8", std::move(body));
  };
  http::StringResponse res;
  if (open) {
    res = next(req);
  } else if (!state) {
    res = text(bhttp::status::internal_server_error, "Internal Server Error\n");
  } else if (limiter_ && !limiter_->allow(TokenBucket::Clock::now())) {
    res = text(bhttp::status::too_many_requests, "Too Many Requests\n");
  } else if (state->config.basic_auth_users.empty()) {
    res = next(req);
  } else {
    auto outcome = http::BasicAuthenticator::Outcome::denied;
    if (auto creds = http::parse_basic_authorization(req[bhttp::field::authorization])) {
      if (!auth_) auth_ = std::make_unique<http::BasicAuthenticator>(auth_options_);
      outcome = co_await auth_->check(state->config.basic_auth_users, std::move(*creds));
    }
    switch (outcome) {
      case http::BasicAuthenticator::Outcome::ok: res = next(req); break;
      case http::BasicAuthenticator::Outcome::busy:
        res = text(bhttp::status::service_unavailable, "Service Unavailable\n");
        res.set(bhttp::field::retry_after, "1");
        break;
      case http::BasicAuthenticator::Outcome::denied:
        log_->debug("basic auth failed: target={}", std::string(http::target_path(req.target())));
        res = text(bhttp::status::unauthorized, "Unauthorized\n");
        res.set(bhttp::field::www_authenticate, "Basic");
        break;
    }
  }
  if (state)
    for (const auto& [name, value] : state->config.headers) res.set(name, value);
  co_return res;
}

}  // namespace vw::web
