#pragma once
// The exporter-toolkit `tls_server_config` as plain values, and the pure parsers of its names:
// lib/config reads and validates the file into these, lib/http builds the OpenSSL context from
// them (http::make_server_tls_context). Here, not in lib/http, so that config depends on core
// only (no Asio, no OpenSSL); http uses these same types (http/tls.hpp).
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace vw {

/// exporter-toolkit `client_auth_type` values (Go's tls.ClientAuthType).
enum class ClientAuth {
  no_client_cert,                  // NoClientCert (default)
  request_client_cert,             // RequestClientCert: asked for, not required, not verified
  require_any_client_cert,         // RequireAnyClientCert (alias RequireClientCert): required, not verified
  verify_client_cert_if_given,     // VerifyClientCertIfGiven
  require_and_verify_client_cert,  // RequireAndVerifyClientCert: the only secure choice for mTLS
};

/// Parses the exporter-toolkit spelling ("" is NoClientCert).
result<ClientAuth> parse_client_auth(std::string_view name);

/// The values are the TLS wire versions (what OpenSSL's SSL_CTX_set_min_proto_version takes).
enum class TlsVersion { tls10 = 0x0301, tls11 = 0x0302, tls12 = 0x0303, tls13 = 0x0304 };
/// "TLS10".."TLS13" (exporter-toolkit spelling).
result<TlsVersion> parse_tls_version(std::string_view name);

/// A cipher suite Go's tls.CipherSuites() lists (the only ones exporter-toolkit accepts), by its
/// IANA/Go name. TLS 1.3 suites are accepted but, as in Go, not configurable (`tls13`).
struct CipherSuite {
  std::string_view name;
  bool tls13 = false;
};
result<CipherSuite> find_cipher_suite(std::string_view iana_name);

/// The OpenSSL group name of a Go curve name (CurveP256, CurveP384, CurveP521, X25519).
result<std::string> openssl_group_name(std::string_view go_name);

/// The server side of the exporter-toolkit web config, already validated by lib/config (names
/// are known, cert and key are both given). Paths are absolute or relative to the process's
/// working directory (lib/config resolves them against the web config file's directory).
struct TlsServerOptions {
  std::string cert_file, key_file, client_ca_file;
  std::string cert_pem, key_pem, client_ca_pem;  // inline alternatives (`cert`, `key`, `client_ca`)
  ClientAuth client_auth = ClientAuth::no_client_cert;
  std::vector<std::string> client_allowed_sans;  // exact match against the client cert's SANs
  TlsVersion min_version = TlsVersion::tls12;
  TlsVersion max_version = TlsVersion::tls13;
  std::vector<std::string> cipher_suites;        // IANA/Go names; TLS <= 1.2 only
  bool prefer_server_cipher_suites = true;
  std::vector<std::string> curve_preferences;    // Go names
  bool operator==(const TlsServerOptions&) const = default;

  /// The files the context is built from (to notice when they change).
  std::vector<std::string> files() const;
};

}  // namespace vw
