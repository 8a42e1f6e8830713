#include "vault/token_checker.hpp"

#include <spdlog/spdlog.h>

#include "vault/health_poller.hpp"

namespace vw::vault {

const char* to_string(TokenState s) {
  switch (s) {
    case TokenState::unknown: return "unknown";
    case TokenState::no_token: return "no_token";
    case TokenState::valid: return "valid";
    case TokenState::rejected: return "rejected";
    case TokenState::unavailable: return "unavailable";
    case TokenState::error: return "error";
  }
  return "unknown";
}

std::optional<double> TokenSample::ttl_seconds(SysTime now) const {
  if (!expires) return std::nullopt;
  return std::max(0.0, std::chrono::duration<double>(*expires - now).count());
}

TokenSample make_token_sample(const http::Outcome& outcome, SysTime now, const TokenSample& previous) {
  TokenSample s;
  s.at = now;
  s.expires = previous.expires;
  s.renewable = previous.renewable;
  s.entity_id = previous.entity_id;
  s.display_name = previous.display_name;
  if (!outcome) {
    s.state = TokenState::error;
    s.error = outcome.error().message;
    s.error_reason = poll_error_reason(outcome.error().kind);
    return s;
  }
  const auto& r = *outcome;
  if (r.status == 200) {
    auto l = decode_token_lookup(r.body);
    if (!l) {
      s.state = TokenState::error;
      s.error = l.error().message;
      s.error_reason = "bad_body";
      return s;
    }
    s.state = TokenState::valid;
    s.renewable = l->renewable;
    s.entity_id = l->entity_id;
    s.display_name = l->display_name;
    s.expires.reset();
    if (l->ttl_seconds) s.expires = now + std::chrono::seconds(*l->ttl_seconds);
    return s;
  }
  if (r.status == 403) {
    // Every token may look itself up (Vault's default policy, and deploy/vault-policy.hcl), so
    // a 403 means Vault no longer accepts the token: its remaining TTL is 0.
    s.state = TokenState::rejected;
    s.expires = now;
    return s;
  }
  if ((r.status >= 300 && r.status < 400) ||
      (r.status == 503 && r.body.find("Vault is sealed") != std::string::npos)) {
    s.state = TokenState::unavailable;
    s.error = "HTTP " + std::to_string(r.status);
    return s;
  }
  s.state = TokenState::error;
  s.error = "HTTP " + std::to_string(r.status);
  s.error_reason = "http_status";
  return s;
}

TokenChecker::TokenChecker(net::any_io_executor ex, const VaultClient& vault, TokenSource& tokens,
                           Duration interval, PollMetrics& metrics, std::shared_ptr<spdlog::logger> log,
                           Sink sink)
    : vault_(vault),
      tokens_(tokens),
      metrics_(metrics),
      log_(std::move(log)),
      sink_(std::move(sink)),
      generation_(tokens.generation()),
      loop_(ex, "token", interval, log_,
            [this](PollLoop::StopFlag stopped) { return once(std::move(stopped)); }) {}

net::awaitable<void> TokenChecker::once(PollLoop::StopFlag stopped) {
  TokenSample sample;
  // At most twice: when the token changes while a lookup is in flight, that answer describes
  // the old token and the new one is looked up right away.
  for (int attempt = 0; attempt < 2; ++attempt) {
    const bool has_token = tokens_.token().has_value();
    if (tokens_.generation() != generation_) {
      generation_ = tokens_.generation();
      last_.expires.reset();
    }
    if (!has_token) {
      sample = TokenSample{};
      sample.at = std::chrono::system_clock::now();
      sample.state = TokenState::no_token;
      break;
    }
    const auto t0 = std::chrono::steady_clock::now();
    auto outcome = co_await vault_.get("auth/token/lookup-self", true);
    if (*stopped) co_return;
    const auto now = std::chrono::system_clock::now();
    const bool changed = tokens_.generation() != generation_;
    sample = make_token_sample(outcome, now, changed ? TokenSample{} : last_);
    metrics_.record("token", std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(),
                    sample.error_reason, to_unix_seconds(now));
    if (!changed) break;
  }
  if (sample.state != last_.state) {
    switch (sample.state) {
      case TokenState::valid:
        if (auto ttl = sample.ttl_seconds(sample.at))
          log_->info("monitor token valid: ttl={}s renewable={}", static_cast<long long>(*ttl), sample.renewable);
        else
          log_->info("monitor token valid: it never expires");
        break;
      case TokenState::no_token:
        log_->warn("no monitor token: sys/metrics, lookup-self and KV metadata need one (vault.token_file, "
                   "$VAULT_TOKEN or $CREDENTIALS_DIRECTORY/vault-token)");
        break;
      case TokenState::rejected:
        log_->error("monitor token rejected by Vault (403 on auth/token/lookup-self): expired or revoked; "
                    "source={}",
                    tokens_.describe());
        break;
      case TokenState::unavailable:
        log_->info("monitor token check: vault unavailable ({})", sample.error);
        break;
      case TokenState::error:
        log_->warn("monitor token check failed: address={} err={}", vault_.address().origin(), sample.error);
        break;
      case TokenState::unknown: break;
    }
  }
  last_ = sample;
  sink_(sample);
}

}  // namespace vw::vault
