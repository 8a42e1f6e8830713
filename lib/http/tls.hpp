#pragma once
// TLS contexts for outgoing connections (Vault, Alertmanager, webhooks) and for the exposition
// server (the exporter-toolkit `tls_server_config`).
#include <boost/asio/ssl/context.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "core/tls_settings.hpp"

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

// The server side's plain values and name parsers live in core (core/tls_settings.hpp: lib/config
// validates with them without Asio or OpenSSL); these names keep http's spelling of them.
using vw::ClientAuth;
using vw::parse_client_auth;
using vw::parse_tls_version;
using vw::TlsServerOptions;
using vw::TlsVersion;

/// The OpenSSL name of a cipher suite given by its IANA/Go name
/// ("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" -> "ECDHE-RSA-AES128-GCM-SHA256"); "" for a TLS 1.3
/// suite (accepted, not configurable, as in Go). Error for an unknown name or one this OpenSSL
/// lacks.
result<std::string> openssl_cipher_name(std::string_view iana_name);

/// Builds a server context: loads certificate, key and client CAs now (an unreadable file or a
/// key that does not match the certificate is an error naming the file), applies versions,
/// ciphers, curves and the client-certificate policy.
result<std::shared_ptr<boost::asio::ssl::context>> make_server_tls_context(
    const TlsServerOptions& opts);

}  // namespace vw::http
