// fake-vault: the fake Vault as a program, for the demo and for tests that drive it over HTTP.
//
//   fake-vault [--listen=127.0.0.1:0] [--tls-cert=F --tls-key=F] [--port-file=F] [--token=T]
//              [--state=active] [--metrics=authenticated|unauthenticated|disabled]
//              [--secret=PATH:AGE_DAYS]... [--audit-log=PATH] [--audit-rate=N] [--demo]
//
// Control API (JSON bodies): POST /_fake/state {"state":"sealed"}, /_fake/fault
// {"kind":"hang","endpoint":"health","delay_ms":0,"count":-1} (kinds: none delay hang error500
// garbage close_mid_body not_json reset slow_drip tls_error), /_fake/leader {"address":...},
// /_fake/version, /_fake/clock_skew {"seconds":N}, /_fake/metrics {"mode":...,"body":...},
// /_fake/token {"token":...,"ttl":N}, /_fake/secret {"path":...,"updated_time":...,"version":N};
// GET /_fake/requests.
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <thread>

#include "fake_vault/audit_writer.hpp"
#include "fake_vault/fake_vault.hpp"

namespace {

std::atomic<bool> stop{false};
void on_signal(int) { stop = true; }

std::string iso_days_ago(int days) {
  auto t = std::chrono::system_clock::now() - std::chrono::hours(24 * days);
  auto secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace vw::fake;
  FakeVaultOptions opts;
  std::string port_file, audit_log, token, state = "active", metrics_mode = "unauthenticated";
  std::vector<std::string> secrets;
  double audit_rate = 5;
  bool demo = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto val = [&](const char* name) -> std::optional<std::string> {
      std::string p = std::string(name) + "=";
      if (a.starts_with(p)) return a.substr(p.size());
      return std::nullopt;
    };
    if (auto v = val("--listen")) {
      auto c = v->rfind(':');
      opts.listen_host = v->substr(0, c);
      opts.port = static_cast<unsigned short>(std::stoi(v->substr(c + 1)));
    } else if (auto v = val("--tls-cert")) opts.tls_cert_file = *v;
    else if (auto v = val("--tls-key")) opts.tls_key_file = *v;
    else if (auto v = val("--port-file")) port_file = *v;
    else if (auto v = val("--token")) token = *v;
    else if (auto v = val("--state")) state = *v;
    else if (auto v = val("--metrics")) metrics_mode = *v;
    else if (auto v = val("--secret")) secrets.push_back(*v);
    else if (auto v = val("--audit-log")) audit_log = *v;
    else if (auto v = val("--audit-rate")) audit_rate = std::stod(*v);
    else if (a == "--demo") demo = true;
    else {
      std::fprintf(stderr, "fake-vault: unknown argument %s\n", a.c_str());
      return 2;
    }
  }
  FakeVault vault(opts);
  auto s = parse_state(state);
  if (!s) {
    std::fprintf(stderr, "fake-vault: unknown state %s\n", state.c_str());
    return 2;
  }
  vault.set_state(*s);
  vault.set_metrics_mode(metrics_mode == "authenticated"  ? MetricsMode::authenticated
                         : metrics_mode == "disabled"     ? MetricsMode::disabled
                                                          : MetricsMode::unauthenticated);
  if (!token.empty()) vault.add_token(token, std::chrono::hours(24 * 30));
  for (const auto& spec : secrets) {
    auto c = spec.rfind(':');
    KvSecret k;
    int age = std::stoi(spec.substr(c + 1));
    k.created_time = iso_days_ago(age + 30);
    k.updated_time = iso_days_ago(age);
    k.current_version = 3;
    vault.set_secret(spec.substr(0, c), k);
  }
  vault.start();
  std::signal(SIGTERM, on_signal);
  std::signal(SIGINT, on_signal);
  std::printf("fake vault listening on %s\n", vault.address().c_str());
  std::fflush(stdout);
  if (!port_file.empty()) {
    std::ofstream(port_file + ".tmp") << vault.port() << "\n";
    std::rename((port_file + ".tmp").c_str(), port_file.c_str());
  }

  std::optional<AuditWriter> audit;
  if (!audit_log.empty()) audit.emplace(audit_log);
  const auto start = std::chrono::steady_clock::now();
  const auto tick = std::chrono::milliseconds(audit_rate > 0 ? static_cast<long>(1000 / audit_rate) : 200);
  long last_second = -1;
  while (!stop) {
    std::this_thread::sleep_for(tick);
    const long t = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - start).count();
    const bool serving = vault.state() != VaultState::sealed;
    if (audit && serving && audit_rate > 0) audit->normal();
    if (!demo || t == last_second) {
      if (audit) audit->flush();
      continue;
    }
    last_second = t;
    // A four-minute story that makes every kind of signal move, then repeats.
    const long p = t % 240;
    auto say = [&](const char* what) { std::printf("demo t=%lds: %s\n", p, what), std::fflush(stdout); };
    if (p == 20 && audit) say("root token used"), audit->root_token_use();
    if (p >= 30 && p < 40 && audit) {
      if (p == 30) say("permission-denied burst from jwt-gitlab-ci");
      for (int i = 0; i < 3; ++i) audit->permission_denied("jwt-gitlab-ci");
    }
    if (p == 50 && audit) say("ACL policy billing-read rewritten"), audit->policy_write("billing-read");
    if (p == 60) say("vault sealed"), vault.set_state(VaultState::sealed);
    if (p == 110) {
      say("vault unsealed; leader moved to vault-2");
      vault.set_state(VaultState::active);
      vault.set_leader_address("https://vault-2.example:8200");
    }
    if (p == 150) say("node became a standby"), vault.set_state(VaultState::standby);
    if (p == 180) {
      say("node active again");
      vault.set_state(VaultState::active);
      vault.set_leader_address("https://127.0.0.1:8200");
    }
    if (audit) audit->flush();
  }
  vault.stop();
  return 0;
}
