#include "http/tls.hpp"

#include <arpa/inet.h>
#include <boost/asio/ssl/error.hpp>
#include <boost/system/error_code.hpp>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>

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


// ---- server side (exporter-toolkit tls_server_config) ----

namespace {

// result<std::string> needs the value spelled out: vw::Error is constructible from a string too.
result<std::string> string_value(std::string s) {
  return result<std::string>(boost::system::in_place_value, std::move(s));
}

std::string openssl_error_text() {
  unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return "unknown OpenSSL error";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  return buf;
}

// The SAN values of a certificate as exporter-toolkit compares them: DNS names, e-mail addresses,
// IP addresses in their textual form, URIs.
std::vector<std::string> subject_alt_names(X509* cert) {
  std::vector<std::string> out;
  auto* names = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  if (names == nullptr) return out;
  for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* n = sk_GENERAL_NAME_value(names, i);
    auto text = [](const ASN1_STRING* s) {
      return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                         static_cast<std::size_t>(ASN1_STRING_length(s)));
    };
    switch (n->type) {
      case GEN_DNS: out.push_back(text(n->d.dNSName)); break;
      case GEN_EMAIL: out.push_back(text(n->d.rfc822Name)); break;
      case GEN_URI: out.push_back(text(n->d.uniformResourceIdentifier)); break;
      case GEN_IPADD: {
        const ASN1_OCTET_STRING* ip = n->d.iPAddress;
        char buf[INET6_ADDRSTRLEN] = {};
        int len = ASN1_STRING_length(ip);
        if (len == 4 || len == 16) {
          if (inet_ntop(len == 4 ? AF_INET : AF_INET6, ASN1_STRING_get0_data(ip), buf, sizeof buf))
            out.emplace_back(buf);
        }
        break;
      }
      default: break;
    }
  }
  GENERAL_NAMES_free(names);
  return out;
}

// Loads the PEM certificates of `pem` (a CA bundle) into the context's trust store and its list
// of acceptable client CAs (sent in the CertificateRequest). Returns how many were loaded.
result<int> load_client_cas(ssl::context& ctx, const std::string& pem, const std::string& what) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  if (bio == nullptr) return make_error("out of memory");
  int n = 0;
  X509_STORE* store = SSL_CTX_get_cert_store(ctx.native_handle());
  while (X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr)) {
    X509_STORE_add_cert(store, cert);
    SSL_CTX_add_client_CA(ctx.native_handle(), cert);
    X509_free(cert);
    ++n;
  }
  BIO_free(bio);
  ERR_clear_error();  // the loop ends on a "no start line" error
  if (n == 0) return make_error(what + " contains no PEM certificate");
  return n;
}

result<std::string> read_whole_file(const std::string& path, const std::string& what) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return make_error("cannot read " + what + " " + path + ": " + std::strerror(errno));
  std::string out;
  char buf[8192];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  std::fclose(f);
  return string_value(std::move(out));
}

}  // namespace

result<std::string> openssl_cipher_name(std::string_view iana_name) {
  auto c = find_cipher_suite(iana_name);
  if (!c) return c.error();
  if (c->tls13) return string_value({});  // accepted, not configurable (Go ignores them too)
  const std::string name(iana_name);
  const char* o = OPENSSL_cipher_name(name.c_str());
  if (o == nullptr || std::string_view(o) == "(NONE)")
    return make_error("cipher suite " + name + " is not available in this OpenSSL");
  return string_value(o);
}

result<std::shared_ptr<ssl::context>> make_server_tls_context(const TlsServerOptions& o) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                   ssl::context::no_sslv3 | ssl::context::single_dh_use);
  SSL_CTX* h = ctx->native_handle();
  SSL_CTX_set_options(h, SSL_OP_NO_RENEGOTIATION);
  if (o.prefer_server_cipher_suites) SSL_CTX_set_options(h, SSL_OP_CIPHER_SERVER_PREFERENCE);
  if (o.min_version > o.max_version) return make_error("min_version is above max_version");
  // Explicit versions override the system-wide OpenSSL defaults (which may be stricter for
  // TLS 1.0/1.1 through the security level; those clients then still fail).
  if (SSL_CTX_set_min_proto_version(h, static_cast<int>(o.min_version)) != 1 ||
      SSL_CTX_set_max_proto_version(h, static_cast<int>(o.max_version)) != 1)
    return make_error("cannot set TLS versions: " + openssl_error_text());

  boost::system::error_code ec;
  if (!o.cert_file.empty()) {
    ctx->use_certificate_chain_file(o.cert_file, ec);
    if (ec) return make_error("cannot load cert_file " + o.cert_file + ": " + ec.message());
  } else {
    ctx->use_certificate_chain(boost::asio::buffer(o.cert_pem), ec);
    if (ec) return make_error("cannot load the inline cert: " + ec.message());
  }
  const std::string key_name = o.key_file.empty() ? "the inline key" : "key_file " + o.key_file;
  if (!o.key_file.empty())
    ctx->use_private_key_file(o.key_file, ssl::context::pem, ec);
  else
    ctx->use_private_key(boost::asio::buffer(o.key_pem), ssl::context::pem, ec);
  // OpenSSL checks the pair while loading the key; say it in the operator's words (a half-done
  // certificate rotation looks exactly like this).
  if (ec && ec.category() == boost::asio::error::get_ssl_category() &&
      ERR_GET_REASON(static_cast<unsigned long>(ec.value())) == X509_R_KEY_VALUES_MISMATCH)
    return make_error("the private key does not match the certificate: " + key_name);
  if (ec) return make_error("cannot load " + key_name + ": " + ec.message());
  if (SSL_CTX_check_private_key(h) != 1) {
    ERR_clear_error();
    return make_error("the private key does not match the certificate" +
                      (o.cert_file.empty() ? std::string() : " " + o.cert_file));
  }

  std::vector<std::string> ciphers;
  for (const auto& c : o.cipher_suites) {
    auto n = openssl_cipher_name(c);
    if (!n) return n.error();
    if (!n->empty()) ciphers.push_back(*n);
  }
  if (!ciphers.empty()) {
    std::string list;
    for (const auto& c : ciphers) list += (list.empty() ? "" : ":") + c;
    if (SSL_CTX_set_cipher_list(h, list.c_str()) != 1)
      return make_error("cannot use cipher_suites: " + openssl_error_text());
  }
  if (!o.curve_preferences.empty()) {
    std::string list;
    for (const auto& c : o.curve_preferences) {
      auto n = openssl_group_name(c);
      if (!n) return n.error();
      list += (list.empty() ? "" : ":") + *n;
    }
    if (SSL_CTX_set1_groups_list(h, list.c_str()) != 1)
      return make_error("cannot use curve_preferences: " + openssl_error_text());
  }

  const bool has_ca = !o.client_ca_file.empty() || !o.client_ca_pem.empty();
  if (has_ca) {
    std::string pem = o.client_ca_pem;
    std::string what = "client_ca";
    if (!o.client_ca_file.empty()) {
      auto f = read_whole_file(o.client_ca_file, "client_ca_file");
      if (!f) return f.error();
      pem = std::move(*f);
      what = "client_ca_file " + o.client_ca_file;
    }
    if (auto n = load_client_cas(*ctx, pem, what); !n) return n.error();
  }
  const bool verify = o.client_auth == ClientAuth::verify_client_cert_if_given ||
                      o.client_auth == ClientAuth::require_and_verify_client_cert;
  if (has_ca && o.client_auth == ClientAuth::no_client_cert)
    return make_error("client CA's have been configured without a Client Auth Policy");
  // Go would verify against the system roots here; a metrics endpoint that accepts any
  // publicly-issued certificate is never what was meant, so it is an error.
  if (verify && !has_ca)
    return make_error("client_auth_type verifies client certificates but no client_ca_file or client_ca is set");
  if (!o.client_allowed_sans.empty() && o.client_auth != ClientAuth::require_any_client_cert &&
      o.client_auth != ClientAuth::require_and_verify_client_cert)
    return make_error("client_allowed_sans requires client_auth_type to be one of RequireAnyClientCert or RequireAndVerifyClientCert");

  int mode = ssl::verify_none;
  switch (o.client_auth) {
    case ClientAuth::no_client_cert: break;
    case ClientAuth::request_client_cert:
    case ClientAuth::verify_client_cert_if_given: mode = ssl::verify_peer; break;
    case ClientAuth::require_any_client_cert:
    case ClientAuth::require_and_verify_client_cert:
      mode = ssl::verify_peer | ssl::verify_fail_if_no_peer_cert;
      break;
  }
  ctx->set_verify_mode(mode);
  if (mode != ssl::verify_none) {
    // OpenSSL calls this for every certificate of the chain (and again for each error). Non-
    // verifying policies accept whatever chain was sent; the SAN allow-list applies to the leaf.
    ctx->set_verify_callback(
        [verify, sans = o.client_allowed_sans](bool preverified, ssl::verify_context& vc) {
          if (verify && !preverified) return false;
          X509_STORE_CTX* sc = vc.native_handle();
          if (sans.empty() || X509_STORE_CTX_get_error_depth(sc) != 0) return true;
          for (const auto& san : subject_alt_names(X509_STORE_CTX_get_current_cert(sc)))
            if (std::find(sans.begin(), sans.end(), san) != sans.end()) return true;
          return false;
        },
        ec);
    if (ec) return make_error("cannot set the client certificate check: " + ec.message());
  }
  // Session IDs are scoped to the context; a fixed id keeps resumption working per context.
  static const unsigned char sid[] = "vaultwatch";
  SSL_CTX_set_session_id_context(h, sid, sizeof sid - 1);
  return ctx;
}

}  // namespace vw::http
