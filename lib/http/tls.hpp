#pragma once
// TLS contexts for outgoing connections (Vault, Alertmanager, webhooks).
#include <boost/asio/ssl/context.hpp>

#include <memory>
#include <string>

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

}  // namespace vw::http
