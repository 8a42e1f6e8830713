#include "http/tls.hpp"

#include <boost/system/error_code.hpp>

namespace vw::http {

namespace ssl = boost::asio::ssl;

result<std::shared_ptr<ssl::context>> make_client_tls_context(const TlsClientOptions& opts) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                   ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  boost::system::error_code ec;
  if (!opts.ca_file.empty()) {
    ctx->load_verify_file(opts.ca_file, ec);
    if (ec) return make_error("cannot load CA file " + opts.ca_file + ": " + ec.message());
  } else {
    ctx->set_default_verify_paths(ec);
    if (ec) return make_error("cannot load the system CA store: " + ec.message());
  }
  if (!opts.cert_file.empty() || !opts.key_file.empty()) {
    if (opts.cert_file.empty() || opts.key_file.empty())
      return make_error("a client certificate needs both cert_file and key_file");
    ctx->use_certificate_chain_file(opts.cert_file, ec);
    if (ec)
      return make_error("cannot load client certificate " + opts.cert_file + ": " + ec.message());
    ctx->use_private_key_file(opts.key_file, ssl::context::pem, ec);
    if (ec) return make_error("cannot load client key " + opts.key_file + ": " + ec.message());
  }
  ctx->set_verify_mode(opts.insecure_skip_verify ? ssl::verify_none : ssl::verify_peer);
  return ctx;
}

}  // namespace vw::http
