#include "fake_vault/fake_vault.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <nlohmann/json.hpp>

#include <condition_variable>
#include <set>
#include <sstream>

#include "support/thread_server.hpp"

namespace vw::fake {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using ojson = nlohmann::ordered_json;

std::optional<VaultState> parse_state(std::string_view s) {
  static const std::map<std::string_view, VaultState> m = {
      {"active", VaultState::active},          {"standby", VaultState::standby},
      {"dr_secondary", VaultState::dr_secondary}, {"perf_standby", VaultState::perf_standby},
      {"performance_standby", VaultState::perf_standby},
      {"ha_unhealthy", VaultState::ha_unhealthy}, {"uninitialized", VaultState::uninitialized},
      {"sealed", VaultState::sealed},          {"removed", VaultState::removed}};
  auto it = m.find(s);
  if (it == m.end()) return std::nullopt;
  return it->second;
}

const char* to_string(VaultState s) {
  switch (s) {
    case VaultState::active: return "active";
    case VaultState::standby: return "standby";
    case VaultState::dr_secondary: return "dr_secondary";
    case VaultState::perf_standby: return "perf_standby";
    case VaultState::ha_unhealthy: return "ha_unhealthy";
    case VaultState::uninitialized: return "uninitialized";
    case VaultState::sealed: return "sealed";
    case VaultState::removed: return "removed";
  }
  return "?";
}

std::optional<FaultKind> parse_fault(std::string_view s) {
  static const std::map<std::string_view, FaultKind> m = {
      {"none", FaultKind::none},       {"delay", FaultKind::delay},
      {"hang", FaultKind::hang},       {"error500", FaultKind::error500},
      {"500", FaultKind::error500},    {"garbage", FaultKind::garbage},
      {"close_mid_body", FaultKind::close_mid_body}, {"not_json", FaultKind::not_json},
      {"reset", FaultKind::reset},     {"slow_drip", FaultKind::slow_drip},
      {"tls_error", FaultKind::tls_error}};
  auto it = m.find(s);
  if (it == m.end()) return std::nullopt;
  return it->second;
}

namespace {

// The default sys/metrics body: the shape of Vault's Prometheus sink output (HELP = name,
// counters without _total, summaries with NaN quantiles, go_* families, cluster labels).
constexpr const char* default_metrics_template = R"(# HELP go_goroutines Number of goroutines that currently exist.
# TYPE go_goroutines gauge
go_goroutines 412
# HELP vault_audit_log_request vault_audit_log_request
# TYPE vault_audit_log_request summary
vault_audit_log_request{quantile="0.5"} 0.005927000194787979
vault_audit_log_request{quantile="0.9"} 0.005927000194787979
vault_audit_log_request{quantile="0.99"} NaN
vault_audit_log_request_sum 0.014550999738276005
vault_audit_log_request_count 2
# HELP vault_audit_log_request_failure vault_audit_log_request_failure
# TYPE vault_audit_log_request_failure counter
vault_audit_log_request_failure 0
# HELP vault_core_active vault_core_active
# TYPE vault_core_active gauge
vault_core_active{cluster="@CLUSTER@"} @ACTIVE@
# HELP vault_core_unsealed vault_core_unsealed
# TYPE vault_core_unsealed gauge
vault_core_unsealed{cluster="@CLUSTER@"} 1
# HELP vault_expire_num_leases vault_expire_num_leases
# TYPE vault_expire_num_leases gauge
vault_expire_num_leases 1234
# HELP vault_runtime_alloc_bytes vault_runtime_alloc_bytes
# TYPE vault_runtime_alloc_bytes gauge
vault_runtime_alloc_bytes 7.3326136e+07
# HELP vault_token_count vault_token_count
# TYPE vault_token_count gauge
vault_token_count{cluster="@CLUSTER@",namespace="root"} 97
)";

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (std::size_t p = 0; (p = s.find(from, p)) != std::string::npos; p += to.size()) s.replace(p, from.size(), to);
  return s;
}

std::string errors_body(std::vector<std::string> errs) {
  return ojson{{"errors", errs}}.dump() + "\n";
}

std::map<std::string, std::string> parse_query(std::string_view q) {
  std::map<std::string, std::string> out;
  std::size_t pos = 0;
  while (pos < q.size()) {
    auto end = q.find('&', pos);
    if (end == std::string_view::npos) end = q.size();
    auto kv = q.substr(pos, end - pos);
    auto eq = kv.find('=');
    out[std::string(kv.substr(0, eq))] = eq == std::string_view::npos ? "" : std::string(kv.substr(eq + 1));
    pos = end + 1;
  }
  return out;
}

std::string rfc3339(std::chrono::system_clock::time_point t) {
  auto secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

struct FakeVault::Impl : std::enable_shared_from_this<FakeVault::Impl> {
  FakeVaultOptions opts;
  mutable std::mutex mu;
  VaultState state = VaultState::active;
  std::string version = "1.19.0";
  std::string cluster_name = "vault-cluster-5f2a1b7c";
  std::string cluster_id = "0c6b2f1e-8d3a-4c5b-9e7f-1a2b3c4d5e6f";
  std::string leader_address = "https://127.0.0.1:8200";
  std::chrono::seconds skew{0};
  Fault fault;
  MetricsMode metrics_mode = MetricsMode::authenticated;
  std::string metrics_body;
  struct Token {
    std::chrono::system_clock::time_point expires;
    std::chrono::seconds ttl;
    std::vector<std::string> policies;
  };
  std::map<std::string, Token> tokens;
  std::map<std::string, KvSecret> secrets;
  std::set<std::string> denied;
  std::vector<RecordedRequest> recorded;
  std::chrono::system_clock::time_point active_since = std::chrono::system_clock::now();

  // Networking.
  test::ThreadServer server;
  std::optional<ssl::context> tls;
  std::condition_variable hang_cv;  // hang faults wait on it (with mu) until released or stopped
  bool stopping() const { return server.stopping(); }

  static std::string endpoint_of(const std::string& path) {
    if (path == "/v1/sys/health") return "health";
    if (path == "/v1/sys/leader") return "leader";
    if (path == "/v1/sys/metrics") return "metrics";
    if (path.starts_with("/v1/auth/token/lookup-self")) return "token";
    if (path.find("/metadata/") != std::string::npos) return "secrets";
    return "other";
  }

  // Takes the fault that applies to this request, decrementing its count. A tls_error fault is
  // taken only before the handshake (connection()), where the endpoint is not known yet.
  Fault take_fault(const std::string& endpoint) {
    std::lock_guard lock(mu);
    if (fault.kind == FaultKind::none) return {};
    if (endpoint == "*") {
      if (fault.kind != FaultKind::tls_error) return {};
    } else if (fault.kind == FaultKind::tls_error && tls) {
      return {};
    } else if (!fault.endpoint.empty() && fault.endpoint != endpoint) {
      return {};
    }
    Fault f = fault;
    if (fault.count > 0 && --fault.count == 0) fault = Fault{};
    return f;
  }

  unsigned health_code(const std::map<std::string, std::string>& q, VaultState s, bool& bad) {
    auto code = [&](const char* name, unsigned def) -> unsigned {
      auto it = q.find(name);
      if (it == q.end()) return def;
      try {
        return static_cast<unsigned>(std::stoi(it->second));
      } catch (...) {
        bad = true;
        return 400;
      }
    };
    auto flag = [&](const char* name) {
      auto it = q.find(name);
      if (it == q.end()) return false;
      // parseutil.ParseBool: empty is false; a bad value is a 400.
      const auto& v = it->second;
      if (v == "true" || v == "1" || v == "t" || v == "T" || v == "TRUE" || v == "True") return true;
      if (v.empty() || v == "false" || v == "0" || v == "f" || v == "F" || v == "FALSE" || v == "False") return false;
      bad = true;
      return false;
    };
    const bool standbyok = flag("standbyok"), perfok = flag("perfstandbyok");
    const unsigned active = code("activecode", 200);
    // Vault's precedence (http/sys_health.go): first match wins.
    switch (s) {
      case VaultState::uninitialized: return code("uninitcode", 501);
      case VaultState::removed: return code("removedcode", 530);
      case VaultState::sealed: return code("sealedcode", 503);
      case VaultState::ha_unhealthy: return code("haunhealthycode", 474);
      case VaultState::dr_secondary: return code("drsecondarycode", 472);
      case VaultState::perf_standby: return perfok ? active : code("performancestandbycode", 473);
      case VaultState::standby: return standbyok ? active : code("standbycode", 429);
      case VaultState::active: return active;
    }
    return active;
  }

  std::string health_body(VaultState s) {
    const bool init = s != VaultState::uninitialized;
    const bool sealed = s == VaultState::sealed || s == VaultState::removed || s == VaultState::uninitialized;
    const bool standby = s != VaultState::active && s != VaultState::dr_secondary;
    const bool heartbeat = s == VaultState::standby || s == VaultState::perf_standby || s == VaultState::ha_unhealthy;
    ojson j;  // struct order of HealthResponse (http/sys_health.go)
    j["initialized"] = init;
    j["sealed"] = sealed;
    j["standby"] = standby;
    j["performance_standby"] = s == VaultState::perf_standby;
    j["replication_performance_mode"] = "disabled";
    j["replication_dr_mode"] = s == VaultState::dr_secondary ? "secondary" : "disabled";
    j["server_time_utc"] = std::chrono::duration_cast<std::chrono::seconds>(
                               (std::chrono::system_clock::now() + skew).time_since_epoch()).count();
    j["version"] = version;
    j["enterprise"] = false;
    if (!sealed) {
      j["cluster_name"] = cluster_name;
      j["cluster_id"] = cluster_id;
    }
    j["echo_duration_ms"] = heartbeat ? 2 : 0;
    j["clock_skew_ms"] = 0;
    j["replication_primary_canary_age_ms"] = 0;
    if (init) j["removed_from_cluster"] = s == VaultState::removed;
    if (heartbeat) {
      j["ha_connection_healthy"] = s != VaultState::ha_unhealthy;
      j["last_request_forwarding_heartbeat_ms"] = s == VaultState::ha_unhealthy ? 93125 : 812;
    }
    return j.dump() + "\n";
  }

  bool token_ok(const std::map<std::string, std::string>& h) {
    auto it = h.find("x-vault-token");
    std::string t;
    if (it != h.end()) t = it->second;
    else if (auto a = h.find("authorization"); a != h.end() && a->second.starts_with("Bearer "))
      t = a->second.substr(7);
    auto tok = tokens.find(t);
    return tok != tokens.end() && tok->second.expires > std::chrono::system_clock::now();
  }

  Reply handle(const std::string& method, const std::string& target,
               const std::map<std::string, std::string>& headers) {
    auto qpos = target.find('?');
    const std::string path = target.substr(0, qpos);
    const auto query = parse_query(qpos == std::string::npos ? "" : std::string_view(target).substr(qpos + 1));
    std::lock_guard lock(mu);
    recorded.push_back({method, target, headers});
    Reply r;
    r.headers["Cache-Control"] = "no-store";
    const bool sealed = state == VaultState::sealed || state == VaultState::uninitialized || state == VaultState::removed;
    auto err = [&](unsigned status, std::vector<std::string> e) {
      r.status = status;
      r.body = errors_body(std::move(e));
      return r;
    };
    if (path == "/v1/sys/health") {
      if (method != "GET" && method != "HEAD") return err(405, {});
      bool bad = false;
      unsigned code = health_code(query, state, bad);
      if (bad) return err(400, {});
      r.status = code;
      r.body = method == "HEAD" ? "" : health_body(state);
      return r;
    }
    if (path == "/v1/sys/leader") {
      if (sealed) return err(503, {"Vault is sealed"});
      ojson j;
      j["ha_enabled"] = true;
      j["is_self"] = state == VaultState::active;
      j["active_time"] = state == VaultState::active ? rfc3339(active_since) : "0001-01-01T00:00:00Z";
      j["leader_address"] = leader_address;
      j["leader_cluster_address"] = replace_all(leader_address, ":8200", ":8201");
      j["performance_standby"] = state == VaultState::perf_standby;
      j["performance_standby_last_remote_wal"] = 0;
      j["raft_committed_index"] = 1234;
      j["raft_applied_index"] = 1234;
      r.body = j.dump() + "\n";
      return r;
    }
    if (path == "/v1/sys/metrics") {
      if (metrics_mode == MetricsMode::authenticated) {
        if (sealed) return err(503, {"Vault is sealed"});
        // A standby cannot validate tokens (no token store): it redirects to the active node.
        if (state == VaultState::standby || state == VaultState::ha_unhealthy) {
          r.status = 307;
          r.headers["Location"] = leader_address + target;
          r.body = "";
          r.content_type = "";
          return r;
        }
        if (!token_ok(headers)) return err(403, {"permission denied"});
      }
      auto f = query.find("format");
      if (f == query.end() || f->second != "prometheus") {
        r.body = R"({"Timestamp":"2026-11-28 10:15:20 +0000 UTC","Gauges":[],"Counters":[],"Samples":[],"Points":[]})" "\n";
        return r;
      }
      if (metrics_mode == MetricsMode::disabled) {
        r.status = 400;
        r.content_type = "text/plain";
        r.body = "prometheus is not enabled";
        return r;
      }
      r.content_type = "text/plain; version=0.0.4; charset=utf-8";
      std::string body = metrics_body.empty() ? default_metrics_template : metrics_body;
      body = replace_all(body, "@CLUSTER@", cluster_name);
      body = replace_all(body, "@ACTIVE@", state == VaultState::active ? "1" : "0");
      r.body = body;
      return r;
    }
    if (path == "/v1/auth/token/lookup-self") {
      if (sealed) return err(503, {"Vault is sealed"});
      std::string t = headers.count("x-vault-token") ? headers.at("x-vault-token") : "";
      auto it = tokens.find(t);
      if (it == tokens.end() || it->second.expires <= std::chrono::system_clock::now())
        return err(403, {"permission denied"});
      auto remaining = std::chrono::duration_cast<std::chrono::seconds>(it->second.expires - std::chrono::system_clock::now());
      ojson data;
      data["accessor"] = "8609694a-cdbc-db9b-d345-e782dbb562ed";
      data["creation_ttl"] = it->second.ttl.count();
      data["display_name"] = "token-vaultwatch";
      data["expire_time"] = it->second.ttl.count() == 0 ? ojson(nullptr) : ojson(rfc3339(it->second.expires));
      data["policies"] = it->second.policies;
      data["renewable"] = true;
      data["ttl"] = it->second.ttl.count() == 0 ? 0 : remaining.count();
      data["type"] = "service";
      ojson j;
      j["request_id"] = "7ef9a6b9-2d1a-4a3b-8c1f-5c0d6e3e2a11";
      j["lease_id"] = "";
      j["renewable"] = false;
      j["lease_duration"] = 0;
      j["data"] = data;
      j["wrap_info"] = nullptr;
      j["warnings"] = nullptr;
      j["auth"] = nullptr;
      r.body = j.dump() + "\n";
      return r;
    }
    if (path.starts_with("/v1/") && path.find("/metadata/") != std::string::npos) {
      if (sealed) return err(503, {"Vault is sealed"});
      const std::string api = path.substr(4);
      if (!token_ok(headers) || denied.count(api)) return err(403, {"permission denied"});
      auto m = api.find("/metadata/");
      const std::string key = api.substr(0, m) + "/" + api.substr(m + 10);
      auto it = secrets.find(key);
      if (it == secrets.end()) return err(404, {});
      const auto& s = it->second;
      ojson versions;
      for (int v = 1; v <= s.current_version; ++v)
        versions[std::to_string(v)] = ojson{{"created_time", v == s.current_version ? s.updated_time : s.created_time},
                                            {"deletion_time", ""}, {"destroyed", false}};
      ojson data;
      data["cas_required"] = false;
      data["created_time"] = s.created_time;
      data["current_version"] = s.current_version;
      data["custom_metadata"] = nullptr;
      data["delete_version_after"] = "0s";
      data["max_versions"] = 0;
      data["oldest_version"] = 0;
      data["updated_time"] = s.updated_time;
      data["versions"] = versions;
      ojson j{{"request_id", "0e7b5e7c-1f7a-4b1c-9c5e-2d0b7a1f3c44"}, {"lease_id", ""}, {"renewable", false},
              {"lease_duration", 0}, {"data", data}, {"wrap_info", nullptr}, {"warnings", nullptr}, {"auth", nullptr}};
      r.body = j.dump() + "\n";
      return r;
    }
    if (path.starts_with("/v1/")) return err(404, {});
    return err(404, {});
  }

  // Control API used by the fake-vault program: POST /_fake/<what> with a JSON body.
  std::optional<Reply> control(FakeVault& self, const std::string& method, const std::string& path,
                               const std::string& body) {
    if (!path.starts_with("/_fake/")) return std::nullopt;
    Reply r;
    auto bad = [&](std::string why) {
      r.status = 400;
      r.body = errors_body({why});
      return r;
    };
    if (path == "/_fake/requests" && method == "GET") {
      ojson arr = ojson::array();
      for (const auto& q : self.requests()) arr.push_back({{"method", q.method}, {"target", q.target}});
      r.body = arr.dump() + "\n";
      return r;
    }
    if (method != "POST") return bad("control endpoints take POST");
    auto j = ojson::parse(body, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return bad("body must be a JSON object");
    try {
      if (path == "/_fake/state") {
        auto s = parse_state(j.at("state").get<std::string>());
        if (!s) return bad("unknown state");
        self.set_state(*s);
      } else if (path == "/_fake/fault") {
        auto k = parse_fault(j.at("kind").get<std::string>());
        if (!k) return bad("unknown fault");
        Fault f;
        f.kind = *k;
        f.endpoint = j.value("endpoint", "");
        f.delay = std::chrono::milliseconds(j.value("delay_ms", 0));
        f.count = j.value("count", -1);
        self.set_fault(f);
      } else if (path == "/_fake/leader") {
        self.set_leader_address(j.at("address").get<std::string>());
      } else if (path == "/_fake/version") {
        self.set_version(j.at("version").get<std::string>());
      } else if (path == "/_fake/clock_skew") {
        self.set_clock_skew(std::chrono::seconds(j.at("seconds").get<long>()));
      } else if (path == "/_fake/metrics") {
        auto m = j.value("mode", "");
        if (m == "authenticated") self.set_metrics_mode(MetricsMode::authenticated);
        else if (m == "unauthenticated") self.set_metrics_mode(MetricsMode::unauthenticated);
        else if (m == "disabled") self.set_metrics_mode(MetricsMode::disabled);
        else if (!m.empty()) return bad("unknown metrics mode");
        if (j.contains("body")) self.set_metrics_body(j["body"].get<std::string>());
      } else if (path == "/_fake/token") {
        self.add_token(j.at("token").get<std::string>(), std::chrono::seconds(j.value("ttl", 3600)));
      } else if (path == "/_fake/secret") {
        KvSecret s;
        s.created_time = j.value("created_time", s.created_time);
        s.updated_time = j.value("updated_time", s.updated_time);
        s.current_version = j.value("version", 1);
        self.set_secret(j.at("path").get<std::string>(), s);
      } else {
        r.status = 404;
        r.body = errors_body({"unknown control endpoint"});
        return r;
      }
    } catch (const std::exception& e) {
      return bad(e.what());
    }
    r.body = "{}\n";
    return r;
  }

  template <class Stream>
  void serve(FakeVault& self, Stream& stream, tcp::socket& sock) {
    beast::flat_buffer buf;
    for (;;) {
      bhttp::request<bhttp::string_body> req;
      beast::error_code ec;
      bhttp::read(stream, buf, req, ec);
      if (ec) return;
      std::map<std::string, std::string> headers;
      for (const auto& f : req) {
        std::string k(f.name_string());
        std::transform(k.begin(), k.end(), k.begin(), ::tolower);
        headers[k] = std::string(f.value());
      }
      const std::string target(req.target());
      const std::string method(req.method_string());
      const std::string path = target.substr(0, target.find('?'));
      Reply reply;
      bool drip = false;
      std::chrono::milliseconds drip_delay{0};
      if (auto c = control(self, method, path, req.body())) {
        reply = *c;
      } else {
        Fault f = path.starts_with("/v1/") ? take_fault(endpoint_of(path)) : Fault{};
        drip = f.kind == FaultKind::slow_drip;
        drip_delay = f.delay;
        switch (f.kind) {
          case FaultKind::none: break;
          case FaultKind::delay: {
            std::unique_lock lock(mu);
            hang_cv.wait_for(lock, f.delay, [&] { return stopping(); });
            break;
          }
          case FaultKind::hang: {
            // Answer nothing until the client gives up (its read returns 0) or we stop.
            char b;
            beast::error_code rec;
            sock.non_blocking(false);
            while (!stopping() && sock.read_some(net::buffer(&b, 1), rec) > 0 && !rec) {}
            return;
          }
          case FaultKind::error500: {
            std::lock_guard lock(mu);
            recorded.push_back({method, target, headers});
            reply.status = 500;
            reply.body = f.body.empty() ? errors_body({"internal error"}) : f.body;
            break;
          }
          case FaultKind::garbage: {
            std::string junk = "\x16\x03\x01 this is not HTTP at all \r\n\r\n\xff\xfe";
            net::write(stream, net::buffer(junk), ec);
            return;
          }
          case FaultKind::close_mid_body: {
            std::string head =
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n{\"initialized\":true,\"se";
            net::write(stream, net::buffer(head), ec);
            return;
          }
          case FaultKind::reset: {
            // SO_LINGER with a zero timeout makes close() send RST instead of FIN.
            beast::error_code lec;
            sock.set_option(net::socket_base::linger(true, 0), lec);
            sock.close(lec);
            return;
          }
          case FaultKind::tls_error: {
            // Plain fake: a TLS "handshake_failure" alert record where an HTTP answer belongs.
            const char alert[] = {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28};
            net::write(stream, net::buffer(alert, sizeof alert), ec);
            return;
          }
          case FaultKind::slow_drip: break;  // answered below, one byte at a time
          case FaultKind::not_json: {
            std::lock_guard lock(mu);
            recorded.push_back({method, target, headers});
            reply.status = 200;
            reply.content_type = "text/html";
            reply.body = "<html><body>502 Bad Gateway (from a proxy)</body></html>\n";
            break;
          }
        }
        if (f.kind != FaultKind::error500 && f.kind != FaultKind::not_json)
          reply = handle(method, target, headers);
      }
      bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(reply.status), req.version()};
      if (!reply.content_type.empty()) res.set(bhttp::field::content_type, reply.content_type);
      for (const auto& [k, v] : reply.headers) res.set(k, v);
      res.keep_alive(req.keep_alive());
      res.body() = reply.body;
      res.prepare_payload();
      if (drip) {
        // Serialize the whole answer, then write it a byte per tick until done, the client
        // goes away, or we stop.
        std::ostringstream os;
        os << res;
        const std::string wire = os.str();
        const auto tick = drip_delay.count() > 0 ? drip_delay : std::chrono::milliseconds(200);
        for (char c : wire) {
          net::write(stream, net::buffer(&c, 1), ec);
          if (ec) return;
          std::unique_lock lock(mu);
          if (hang_cv.wait_for(lock, tick, [&] { return stopping(); })) return;
        }
        return;
      }
      bhttp::write(stream, res, ec);
      if (ec || !req.keep_alive()) return;
    }
  }

  void connection(FakeVault& self, tcp::socket& sock) {
    if (tls && take_fault("*").kind == FaultKind::tls_error) {
      // What a client gets from a plain-HTTP listener (or a broken TLS terminator): the
      // handshake fails on the first record.
      beast::error_code ec;
      net::write(sock, net::buffer(std::string_view("HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n")), ec);
      sock.shutdown(tcp::socket::shutdown_both, ec);
    } else if (tls) {
      ssl::stream<tcp::socket&> s(sock, *tls);
      beast::error_code ec;
      s.handshake(ssl::stream_base::server, ec);
      if (!ec) {
        serve(self, s, sock);
        s.shutdown(ec);
      }
    } else {
      serve(self, sock, sock);
    }
  }
};

FakeVault::FakeVault(FakeVaultOptions opts) : impl_(std::make_shared<Impl>()) { impl_->opts = std::move(opts); }

FakeVault::~FakeVault() { stop(); }

void FakeVault::start() {
  auto& im = *impl_;
  if (!im.opts.tls_cert_file.empty()) {
    im.tls.emplace(ssl::context::tls_server);
    im.tls->use_certificate_chain_file(im.opts.tls_cert_file);
    im.tls->use_private_key_file(im.opts.tls_key_file, ssl::context::pem);
    if (!im.opts.tls_client_ca_file.empty()) {
      im.tls->load_verify_file(im.opts.tls_client_ca_file);
      im.tls->set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
    }
  }
  im.server.start(im.opts.listen_host, im.opts.port, [this, &im](tcp::socket& sock) { im.connection(*this, sock); });
}

void FakeVault::stop() {
  auto& im = *impl_;
  im.server.stop([&im] {
    std::lock_guard lock(im.mu);
    im.hang_cv.notify_all();
  });
}

unsigned short FakeVault::port() const { return impl_->server.port(); }
std::string FakeVault::address() const {
  return std::string(impl_->tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(port());
}

void FakeVault::set_state(VaultState s) {
  std::lock_guard lock(impl_->mu);
  if (s == VaultState::active && impl_->state != VaultState::active) impl_->active_since = std::chrono::system_clock::now();
  impl_->state = s;
}
VaultState FakeVault::state() const {
  std::lock_guard lock(impl_->mu);
  return impl_->state;
}
void FakeVault::set_version(std::string v) {
  std::lock_guard lock(impl_->mu);
  impl_->version = std::move(v);
}
void FakeVault::set_leader_address(std::string a) {
  std::lock_guard lock(impl_->mu);
  impl_->leader_address = std::move(a);
}
void FakeVault::set_clock_skew(std::chrono::seconds s) {
  std::lock_guard lock(impl_->mu);
  impl_->skew = s;
}
void FakeVault::set_fault(Fault f) {
  std::lock_guard lock(impl_->mu);
  impl_->fault = std::move(f);
  impl_->hang_cv.notify_all();
}
void FakeVault::set_metrics_mode(MetricsMode m) {
  std::lock_guard lock(impl_->mu);
  impl_->metrics_mode = m;
}
void FakeVault::set_metrics_body(std::string t) {
  std::lock_guard lock(impl_->mu);
  impl_->metrics_body = std::move(t);
}
void FakeVault::add_token(std::string token, std::chrono::seconds ttl, std::vector<std::string> policies) {
  std::lock_guard lock(impl_->mu);
  auto now = std::chrono::system_clock::now();
  impl_->tokens[std::move(token)] = {ttl.count() == 0 ? now + std::chrono::hours(24 * 365 * 100) : now + ttl, ttl,
                                     std::move(policies)};
}
void FakeVault::remove_token(const std::string& token) {
  std::lock_guard lock(impl_->mu);
  impl_->tokens.erase(token);
}
void FakeVault::set_secret(const std::string& path, KvSecret s) {
  std::lock_guard lock(impl_->mu);
  impl_->secrets[path] = std::move(s);
}
void FakeVault::remove_secret(const std::string& path) {
  std::lock_guard lock(impl_->mu);
  impl_->secrets.erase(path);
}
void FakeVault::deny_path(const std::string& api_path) {
  std::lock_guard lock(impl_->mu);
  impl_->denied.insert(api_path);
}
std::vector<RecordedRequest> FakeVault::requests() const {
  std::lock_guard lock(impl_->mu);
  return impl_->recorded;
}
std::size_t FakeVault::request_count(const std::string& prefix) const {
  std::lock_guard lock(impl_->mu);
  std::size_t n = 0;
  for (const auto& r : impl_->recorded) n += r.target.starts_with(prefix);
  return n;
}
void FakeVault::clear_requests() {
  std::lock_guard lock(impl_->mu);
  impl_->recorded.clear();
}
FakeVault::Reply FakeVault::handle(const std::string& method, const std::string& target,
                                   const std::map<std::string, std::string>& headers) {
  return impl_->handle(method, target, headers);
}

}  // namespace vw::fake
