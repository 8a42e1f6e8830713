#include "vault/secret_poller.hpp"

#include <spdlog/spdlog.h>

#include "vault/health_poller.hpp"

namespace vw::vault {

std::string kv_metadata_path(std::string_view path) {
  auto slash = path.find('/');
  std::string mount(path.substr(0, slash));
  std::string rest = slash == std::string_view::npos ? "" : std::string(path.substr(slash + 1));
  auto encode = [](std::string_view s) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
          c == '.' || c == '_' || c == '~' || c == '/') {
        out += static_cast<char>(c);
      } else {
        out += '%';
        out += hex[c >> 4];
        out += hex[c & 15];
      }
    }
    return out;
  };
  return encode(mount) + "/metadata/" + encode(rest);
}

const char* to_string(SecretState s) {
  switch (s) {
    case SecretState::unknown: return "";
    case SecretState::ok: return "";
    case SecretState::not_found: return "not_found";
    case SecretState::forbidden: return "forbidden";
    case SecretState::no_token: return "no_token";
    case SecretState::sealed: return "sealed";
    case SecretState::standby: return "standby";
    case SecretState::error: return "error";
  }
  return "error";
}

std::optional<double> SecretSample::age_seconds(SysTime now) const {
  if (!version_created) return std::nullopt;
  return std::max(0.0, std::chrono::duration<double>(now - *version_created).count());
}

bool SecretSample::overdue(SysTime now) const {
  auto age = age_seconds(now);
  return age && *age > std::chrono::duration<double>(max_age).count();
}

SecretSample make_secret_sample(const http::Outcome& outcome, SysTime now, const SecretSample& previous) {
  SecretSample s;
  s.path = previous.path;
  s.max_age = previous.max_age;
  s.at = now;
  auto keep_last = [&] {
    s.version = previous.version;
    s.version_created = previous.version_created;
  };
  if (!outcome) {
    s.state = SecretState::error;
    s.error = outcome.error().message;
    s.error_reason = poll_error_reason(outcome.error().kind);
    keep_last();
    return s;
  }
  const auto& r = *outcome;
  switch (r.status) {
    case 200: {
      auto m = decode_kv_metadata(r.body);
      if (!m) {
        s.state = SecretState::error;
        s.error = m.error().message;
        s.error_reason = "bad_body";
        keep_last();
        return s;
      }
      if (m->current_version == 0) {
        // Metadata without any version (written through the metadata endpoint only) is a
        // secret without data: as good as missing.
        s.state = SecretState::not_found;
        s.error = "the secret has metadata but no version";
        return s;
      }
      s.state = SecretState::ok;
      s.version = m->current_version;
      s.version_created = m->current_created;
      return s;
    }
    case 404:
      s.state = SecretState::not_found;
      s.error = "HTTP 404";
      return s;
    case 403:
      s.state = SecretState::forbidden;
      s.error = "HTTP 403";
      return s;
    default: break;
  }
  if (r.status >= 300 && r.status < 400) {
    s.state = SecretState::standby;
    s.error = "HTTP " + std::to_string(r.status);
  } else if (r.status == 503 && r.body.find("Vault is sealed") != std::string::npos) {
    s.state = SecretState::sealed;
    s.error = "HTTP 503";
  } else {
    s.state = SecretState::error;
    s.error = "HTTP " + std::to_string(r.status);
    s.error_reason = "http_status";
  }
  keep_last();
  return s;
}

SecretPoller::SecretPoller(net::any_io_executor ex, const VaultClient& vault, TokenSource& tokens,
                           std::vector<WatchedSecret> secrets, Duration interval, PollMetrics& metrics,
                           std::shared_ptr<spdlog::logger> log, Sink sink)
    : vault_(vault),
      tokens_(tokens),
      secrets_(std::move(secrets)),
      metrics_(metrics),
      log_(std::move(log)),
      sink_(std::move(sink)),
      loop_(ex, "secrets", interval, log_,
            [this](PollLoop::StopFlag stopped) { return once(std::move(stopped)); }) {
  for (const auto& w : secrets_) {
    SecretSample s;
    s.path = w.path;
    s.max_age = w.max_age;
    last_.push_back(std::move(s));
  }
}

net::awaitable<void> SecretPoller::once(PollLoop::StopFlag stopped) {
  for (std::size_t i = 0; i < secrets_.size(); ++i) {
    SecretSample sample;
    if (!tokens_.token()) {
      // KV metadata always needs a token; asking without one would only collect 403s.
      sample.path = last_[i].path;
      sample.max_age = last_[i].max_age;
      sample.at = std::chrono::system_clock::now();
      sample.state = SecretState::no_token;
    } else {
      const auto t0 = std::chrono::steady_clock::now();
      auto outcome = co_await vault_.get(kv_metadata_path(secrets_[i].path), true);
      if (*stopped) co_return;
      const auto now = std::chrono::system_clock::now();
      sample = make_secret_sample(outcome, now, last_[i]);
      metrics_.record("secrets", std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(),
                      sample.error_reason, to_unix_seconds(now));
    }
    const auto& prev = last_[i];
    if (sample.state != prev.state) {
      switch (sample.state) {
        case SecretState::ok:
          log_->info("watched secret readable: path={} version={} age={}s", sample.path, *sample.version,
                     static_cast<long long>(sample.age_seconds(sample.at).value_or(0)));
          break;
        case SecretState::not_found:
          log_->warn("watched secret not found: path={} api={} ({})", sample.path,
                     kv_metadata_path(sample.path), sample.error);
          break;
        case SecretState::forbidden:
          log_->warn("watched secret metadata forbidden (403): path={} (the token needs read on {})",
                     sample.path, kv_metadata_path(sample.path));
          break;
        case SecretState::no_token:
          log_->warn("watched secret not checked: path={} (no monitor token)", sample.path);
          break;
        case SecretState::sealed:
        case SecretState::standby:
          log_->info("watched secret metadata unavailable: path={} reason={}", sample.path, to_string(sample.state));
          break;
        case SecretState::error:
          log_->warn("watched secret metadata poll failed: path={} err={}", sample.path, sample.error);
          break;
        case SecretState::unknown: break;
      }
    }
    last_[i] = sample;
    sink_(sample);
  }
}

}  // namespace vw::vault
