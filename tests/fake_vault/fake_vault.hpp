#pragma once
// A scriptable fake HashiCorp Vault for tests and the demo. It answers the endpoints vaultwatch
// uses the way Vault's docs and code say (status codes, bodies in Go struct key order, 307 on a
// standby's authenticated sys/metrics, 400 "prometheus is not enabled", 403/404/503 errors), and
// injects faults (delay, hang, 500, garbage, close mid-body, non-JSON, TCP reset, slow drip,
// TLS handshake failure). It runs on its own
// threads (blocking I/O, one thread per connection: simple, and faults like "hang" are trivial);
// every public method is thread-safe. Bind to 127.0.0.1:0 and ask port().
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace vw::fake {

/// Node states, each with Vault's sys/health code: active 200, standby 429, dr_secondary 472,
/// perf_standby 473, ha_unhealthy 474, uninitialized 501, sealed 503, removed 530.
enum class VaultState { active, standby, dr_secondary, perf_standby, ha_unhealthy, uninitialized, sealed, removed };
std::optional<VaultState> parse_state(std::string_view s);
const char* to_string(VaultState s);

/// reset: the connection is reset (RST, SO_LINGER 0) after the request is read. slow_drip: the
/// normal answer, written one byte every delay_ms (default 200 ms), so only a whole-request
/// deadline stops it. tls_error: on an HTTPS fake, plaintext junk instead of the TLS handshake
/// (the client sees a TLS error; applies to any endpoint, since the path is unknown before the
/// handshake); on a plain fake, a TLS alert record instead of an HTTP answer.
enum class FaultKind { none, delay, hang, error500, garbage, close_mid_body, not_json, reset, slow_drip, tls_error };
std::optional<FaultKind> parse_fault(std::string_view s);

struct Fault {
  FaultKind kind = FaultKind::none;
  std::string endpoint;        // health, leader, metrics, token, secrets; "" = every /v1 endpoint
  std::chrono::milliseconds delay{0};  // for delay and slow_drip (per byte)
  int count = -1;              // how many requests it applies to; -1 = until cleared
  std::string body;            // error500: the body to send ("" = Vault's {"errors":["internal error"]})
};

/// How sys/metrics is exposed: `authenticated` (needs a token; a standby answers 307),
/// `unauthenticated` (listener unauthenticated_metrics_access), `disabled` (no prometheus
/// retention: 400 "prometheus is not enabled").
enum class MetricsMode { authenticated, unauthenticated, disabled };

struct KvSecret {
  std::string created_time = "2026-01-01T00:00:00Z";  // RFC 3339
  std::string updated_time = "2026-01-01T00:00:00Z";
  int current_version = 1;
};

struct RecordedRequest {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;  // lower-case names
};

struct FakeVaultOptions {
  std::string listen_host = "127.0.0.1";
  unsigned short port = 0;
  std::string tls_cert_file;  // both set: HTTPS
  std::string tls_key_file;
  std::string tls_client_ca_file;  // set: require a client certificate signed by it
};

class FakeVault {
 public:
  explicit FakeVault(FakeVaultOptions opts = {});
  ~FakeVault();
  FakeVault(const FakeVault&) = delete;
  FakeVault& operator=(const FakeVault&) = delete;

  void start();
  void stop();
  unsigned short port() const;
  std::string address() const;  // "http(s)://127.0.0.1:<port>"

  void set_state(VaultState s);
  VaultState state() const;
  void set_version(std::string v);
  void set_leader_address(std::string a);     // what sys/leader reports
  void set_clock_skew(std::chrono::seconds s);  // server_time_utc offset
  void set_fault(Fault f);
  void clear_fault() { set_fault(Fault{}); }
  void set_metrics_mode(MetricsMode m);
  void set_metrics_body(std::string prometheus_text);  // "" = built-in sample
  void add_token(std::string token, std::chrono::seconds ttl, std::vector<std::string> policies = {"vaultwatch"});
  void remove_token(const std::string& token);
  void set_secret(const std::string& path, KvSecret s);  // "<mount>/<path>"
  void remove_secret(const std::string& path);
  void deny_path(const std::string& api_path);          // e.g. "secret/metadata/x": 403

  std::vector<RecordedRequest> requests() const;
  std::size_t request_count(const std::string& path_prefix) const;
  void clear_requests();

  /// Handles one request (exposed for unit tests of the fake itself): status, content type, body.
  struct Reply {
    unsigned status = 200;
    std::string content_type = "application/json";
    std::string body;
    std::map<std::string, std::string> headers;
  };
  Reply handle(const std::string& method, const std::string& target,
               const std::map<std::string, std::string>& headers);

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace vw::fake
