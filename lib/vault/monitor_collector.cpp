#include "vault/monitor_collector.hpp"

namespace vw::vault {

using prometheus::ClientMetric;
using prometheus::MetricFamily;

MonitorCollector::MonitorCollector(std::vector<WatchedSecret> secrets, Clock clock) : clock_(std::move(clock)) {
  if (!clock_) clock_ = [] { return std::chrono::system_clock::now(); };
  for (auto& w : secrets) {
    SecretSample s;
    s.path = std::move(w.path);
    s.max_age = w.max_age;
    secrets_.push_back(std::move(s));
  }
}

void MonitorCollector::update(const TokenSample& s) { token_ = s; }

void MonitorCollector::update(const SecretSample& s) {
  for (auto& mine : secrets_) {
    if (mine.path == s.path) {
      mine = s;
      return;
    }
  }
}

namespace {

MetricFamily gauge_family(const char* name, const char* help) {
  MetricFamily f;
  f.name = name;
  f.help = help;
  f.type = prometheus::MetricType::Gauge;
  return f;
}

ClientMetric gauge(double v, std::vector<ClientMetric::Label> labels = {}) {
  ClientMetric m;
  m.label = std::move(labels);
  m.gauge.value = v;
  return m;
}

}  // namespace

std::vector<MetricFamily> MonitorCollector::Collect() const {
  const SysTime now = clock_();
  std::vector<MetricFamily> out;
  if (token_) {
    if (auto ttl = token_->ttl_seconds(now)) {
      auto f = gauge_family("vaultwatch_token_ttl_seconds",
                            "Remaining TTL of vaultwatch's own Vault token (auth/token/lookup-self, counted down "
                            "between lookups); 0 when Vault rejects it; absent when it never expires.");
      f.metric.push_back(gauge(*ttl));
      out.push_back(std::move(f));
    }
  }
  if (secrets_.empty()) return out;
  auto max_age = gauge_family("vaultwatch_secret_max_age_seconds",
                              "Configured max_age of a watched KV v2 secret (vault.secrets).");
  auto age = gauge_family("vaultwatch_secret_age_seconds",
                          "Seconds since the current version of a watched KV v2 secret was written.");
  auto version = gauge_family("vaultwatch_secret_version", "Current version of a watched KV v2 secret.");
  auto avail = gauge_family("vaultwatch_secret_metadata_available",
                            "1 if the last read of a watched secret's KV v2 metadata worked, else 0 with the "
                            "reason (not_found, forbidden, no_token, sealed, standby, error).");
  for (const auto& s : secrets_) {
    std::vector<ClientMetric::Label> path{{"path", s.path}};
    max_age.metric.push_back(gauge(std::chrono::duration<double>(s.max_age).count(), path));
    if (auto a = s.age_seconds(now)) age.metric.push_back(gauge(*a, path));
    if (s.version) version.metric.push_back(gauge(*s.version, path));
    if (s.state == SecretState::ok) {
      avail.metric.push_back(gauge(1, path));
    } else if (s.state != SecretState::unknown) {
      auto labels = path;
      labels.push_back({"reason", to_string(s.state)});
      avail.metric.push_back(gauge(0, std::move(labels)));
    }
  }
  for (auto* f : {&max_age, &age, &version, &avail})
    if (!f->metric.empty()) out.push_back(std::move(*f));
  return out;
}

}  // namespace vw::vault
