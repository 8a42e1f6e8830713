#pragma once
// TLS contexts for outgoing connections (Vault, Alertmanager, webhooks) and for the exposition
// server (the exporter-toolkit `tls_server_config`).
#include <boost/asio/ssl/context.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace vw::http {

struct TlsClientOptions {
  std::string ca_file;           // "" = system trust store
  std::string cert_file;         // client certificate (mTLS), optional
  std::string key_file;
  std::string server_name;       // SNI and verification name; "" = the URL's host
  bool insecure_skip_verify = false;
  bool operator==(const TlsClientOptions&) const = default;
};

/// Builds a client context: TLS 1.2+, peer verification unless skipped, CA and client cert
/// loaded now so that an unreadable file is a startup error that names the file.
result<std::shared_ptr<boost::asio::ssl::context>> make_client_tls_context(
    const TlsClientOptions& opts);

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

enum class TlsVersion { tls10 = 0x0301, tls11 = 0x0302, tls12 = 0x0303, tls13 = 0x0304 };
/// "TLS10".."TLS13" (exporter-toolkit spelling).
result<TlsVersion> parse_tls_version(std::string_view name);

/// The OpenSSL name of a cipher suite given by its IANA/Go name
/// ("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" -> "ECDHE-RSA-AES128-GCM-SHA256"). Only TLS 1.2 suites:
/// like Go, TLS 1.3 suites are not configurable.
result<std::string> openssl_cipher_name(std::string_view iana_name);
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

/// Builds a server context: loads certificate, key and client CAs now (an unreadable file or a
/// key that does not match the certificate is an error naming the file), applies versions,
/// ciphers, curves and the client-certificate policy.
result<std::shared_ptr<boost::asio::ssl::context>> make_server_tls_context(
    const TlsServerOptions& opts);

}  // namespace vw::http
