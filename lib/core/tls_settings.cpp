#include "core/tls_settings.hpp"

#include <array>

namespace vw {

namespace {

// The suites Go's tls.CipherSuites() lists. The OpenSSL spelling comes from OpenSSL itself
// (http/tls.cpp, OPENSSL_cipher_name), not from a second table of ours.
constexpr std::array<CipherSuite, 17> go_cipher_suites = {{
    {"TLS_RSA_WITH_AES_128_CBC_SHA", false},
    {"TLS_RSA_WITH_AES_256_CBC_SHA", false},
    {"TLS_RSA_WITH_AES_128_GCM_SHA256", false},
    {"TLS_RSA_WITH_AES_256_GCM_SHA384", false},
    {"TLS_AES_128_GCM_SHA256", true},
    {"TLS_AES_256_GCM_SHA384", true},
    {"TLS_CHACHA20_POLY1305_SHA256", true},
    {"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", false},
    {"TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", false},
    {"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", false},
    {"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", false},
    {"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", false},
    {"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", false},
    {"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", false},
    {"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", false},
    {"TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", false},
    {"TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", false},
}};

// result<std::string> needs the value spelled out: vw::Error is constructible from a string too.
result<std::string> string_value(std::string s) {
  return result<std::string>(boost::system::in_place_value, std::move(s));
}

}  // namespace

result<ClientAuth> parse_client_auth(std::string_view name) {
  if (name.empty() || name == "NoClientCert") return ClientAuth::no_client_cert;
  if (name == "RequestClientCert") return ClientAuth::request_client_cert;
  if (name == "RequireAnyClientCert" || name == "RequireClientCert")
    return ClientAuth::require_any_client_cert;
  if (name == "VerifyClientCertIfGiven") return ClientAuth::verify_client_cert_if_given;
  if (name == "RequireAndVerifyClientCert") return ClientAuth::require_and_verify_client_cert;
  return make_error("invalid client_auth_type \"" + std::string(name) +
                    "\" (NoClientCert, RequestClientCert, RequireAnyClientCert, "
                    "VerifyClientCertIfGiven or RequireAndVerifyClientCert)");
}

result<TlsVersion> parse_tls_version(std::string_view name) {
  if (name == "TLS10") return TlsVersion::tls10;
  if (name == "TLS11") return TlsVersion::tls11;
  if (name == "TLS12") return TlsVersion::tls12;
  if (name == "TLS13") return TlsVersion::tls13;
  return make_error("unknown TLS version \"" + std::string(name) + "\" (TLS10, TLS11, TLS12 or TLS13)");
}

result<CipherSuite> find_cipher_suite(std::string_view iana_name) {
  for (const auto& c : go_cipher_suites)
    if (c.name == iana_name) return c;
  return make_error("unknown cipher suite \"" + std::string(iana_name) + "\"");
}

result<std::string> openssl_group_name(std::string_view go_name) {
  if (go_name == "CurveP256") return string_value("P-256");
  if (go_name == "CurveP384") return string_value("P-384");
  if (go_name == "CurveP521") return string_value("P-521");
  if (go_name == "X25519") return string_value("X25519");
  return make_error("unknown curve \"" + std::string(go_name) +
                    "\" (CurveP256, CurveP384, CurveP521 or X25519)");
}

std::vector<std::string> TlsServerOptions::files() const {
  std::vector<std::string> out;
  for (const auto* f : {&cert_file, &key_file, &client_ca_file})
    if (!f->empty()) out.push_back(*f);
  return out;
}

}  // namespace vw
