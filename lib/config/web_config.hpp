#pragma once
// The exporter-toolkit web configuration file (`--web.config.file`, `server.web_config_file`):
// the same YAML keys every Prometheus exporter reads, so an operator's existing file works
// unchanged. Unknown keys are errors (the Go exporters unmarshal it strictly). Values are read
// verbatim (no ${ENV} expansion, as in Go).
//
//   tls_server_config:   cert | cert_file, key | key_file, client_ca | client_ca_file,
//                        client_auth_type, client_allowed_sans, min_version, max_version,
//                        cipher_suites, prefer_server_cipher_suites, curve_preferences
//   http_server_config:  http2, headers (only the five exporter-toolkit allows)
//   basic_auth_users:    {user: bcrypt hash}
//   rate_limit:          {interval, burst}
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "config/diagnostics.hpp"
#include "core/duration.hpp"
#include "core/tls_settings.hpp"

namespace vw::config {

struct WebRateLimit {
  Duration interval{0};  // 0 = no limit
  int burst = 0;
  bool operator==(const WebRateLimit&) const = default;
};

struct WebConfig {
  std::string source;  // the file it was read from
  /// Set when tls_server_config turns TLS on (any of cert, cert_file, key, key_file, client_ca,
  /// client_ca_file or client_auth_type set, as exporter-toolkit decides). Relative paths are
  /// already resolved against the file's directory.
  std::optional<TlsServerOptions> tls;
  /// Accepted for compatibility; vaultwatch serves HTTP/1.1 only (it offers no ALPN "h2").
  bool http2 = true;
  std::map<std::string, std::string> headers;           // added to every response
  std::map<std::string, std::string> basic_auth_users;  // user -> bcrypt hash
  WebRateLimit rate_limit;
  bool operator==(const WebConfig&) const = default;
};

struct WebConfigResult {
  WebConfig config;
  Diagnostics diagnostics;  // empty when valid
  bool ok() const { return diagnostics.empty(); }
};

/// Reads and validates a web config file: every problem with line, column and YAML path. Does
/// not open the certificate files, nor ask OpenSSL whether it has the cipher suites
/// (http::make_server_tls_context does both, and reports them).
WebConfigResult load_web_config(const std::string& path);
/// Same, from text; relative paths are resolved against `file_name`'s directory.
WebConfigResult parse_web_config(std::string_view yaml, const std::string& file_name);

}  // namespace vw::config
