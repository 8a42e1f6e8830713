#include "config/web_config.hpp"

#include "config/load.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <tuple>

#include "config/yaml_reader.hpp"
#include "core/bcrypt_hash.hpp"
#include "core/tls_settings.hpp"

namespace vw::config {

namespace {

// exporter-toolkit's extraHTTPHeaders: the only headers that may be configured, and for two of
// them the only values.
const std::map<std::string, std::vector<std::string>>& allowed_headers() {
  static const std::map<std::string, std::vector<std::string>> h = {
      {"Strict-Transport-Security", {}},
      {"X-Content-Type-Options", {"nosniff"}},
      {"X-Frame-Options", {"deny", "sameorigin"}},
      {"X-XSS-Protection", {}},
      {"Content-Security-Policy", {}},
  };
  return h;
}

std::string resolve(const std::filesystem::path& dir, const std::string& p) {
  if (p.empty() || std::filesystem::path(p).is_absolute()) return p;
  return (dir / p).lexically_normal().string();
}

void read_tls(MapReader& t, WebConfig& out, const std::filesystem::path& dir) {
  auto& ctx = t.ctx();
  TlsServerOptions o;
  std::string client_auth, min_version = "TLS12", max_version = "TLS13";
  t.str("cert", o.cert_pem);
  t.str("key", o.key_pem);
  t.str("client_ca", o.client_ca_pem);
  t.str("cert_file", o.cert_file);
  t.str("key_file", o.key_file);
  t.str("client_ca_file", o.client_ca_file);
  if (t.str("client_auth_type", client_auth)) {
    if (auto a = parse_client_auth(client_auth); !a)
      ctx.error(t.node("client_auth_type"), t.path_of("client_auth_type"), a.error().message);
    else
      o.client_auth = *a;
  }
  t.str_list("client_allowed_sans", o.client_allowed_sans);
  for (auto [key, text, target] : {std::tuple{"min_version", &min_version, &o.min_version},
                                   std::tuple{"max_version", &max_version, &o.max_version}}) {
    if (!t.str(key, *text)) continue;
    if (auto v = parse_tls_version(*text); !v)
      ctx.error(t.node(key), t.path_of(key), v.error().message);
    else
      *target = *v;
  }
  if (t.str_list("cipher_suites", o.cipher_suites)) {
    for (std::size_t i = 0; i < o.cipher_suites.size(); ++i)
      if (auto c = find_cipher_suite(o.cipher_suites[i]); !c)
        ctx.error(t.node("cipher_suites"), t.path_of("cipher_suites") + "[" + std::to_string(i) + "]",
                  c.error().message);
  }
  t.boolean("prefer_server_cipher_suites", o.prefer_server_cipher_suites);
  if (t.str_list("curve_preferences", o.curve_preferences)) {
    for (std::size_t i = 0; i < o.curve_preferences.size(); ++i)
      if (auto c = openssl_group_name(o.curve_preferences[i]); !c)
        ctx.error(t.node("curve_preferences"),
                  t.path_of("curve_preferences") + "[" + std::to_string(i) + "]", c.error().message);
  }

  // exporter-toolkit's TLSConfig.IsEnabled: only these keys turn TLS on.
  const bool enabled = !o.cert_file.empty() || !o.cert_pem.empty() || !o.key_file.empty() ||
                       !o.key_pem.empty() || !o.client_ca_file.empty() ||
                       !o.client_ca_pem.empty() || !client_auth.empty();
  if (!enabled) return;
  const auto here = t.self();
  const std::string path = "tls_server_config";
  if (o.cert_file.empty() && o.cert_pem.empty())
    ctx.error(here, path, "missing one of cert or cert_file");
  if (o.key_file.empty() && o.key_pem.empty()) ctx.error(here, path, "missing one of key or key_file");
  if (!o.cert_file.empty() && !o.cert_pem.empty())
    ctx.error(t.node("cert"), t.path_of("cert"), "set cert or cert_file, not both");
  if (!o.key_file.empty() && !o.key_pem.empty())
    ctx.error(t.node("key"), t.path_of("key"), "set key or key_file, not both");
  if (!o.client_ca_file.empty() && !o.client_ca_pem.empty())
    ctx.error(t.node("client_ca"), t.path_of("client_ca"), "set client_ca or client_ca_file, not both");
  const bool has_ca = !o.client_ca_file.empty() || !o.client_ca_pem.empty();
  const bool verifies = o.client_auth == ClientAuth::verify_client_cert_if_given ||
                        o.client_auth == ClientAuth::require_and_verify_client_cert;
  if (has_ca && o.client_auth == ClientAuth::no_client_cert)
    ctx.error(here, path, "client CA's have been configured without a Client Auth Policy (client_auth_type)");
  if (verifies && !has_ca)
    ctx.error(t.node("client_auth_type"), t.path_of("client_auth_type"),
              client_auth + " needs client_ca_file or client_ca to verify client certificates against");
  if (!o.client_allowed_sans.empty() && o.client_auth != ClientAuth::require_any_client_cert &&
      o.client_auth != ClientAuth::require_and_verify_client_cert)
    ctx.error(t.node("client_allowed_sans"), t.path_of("client_allowed_sans"),
              "client_allowed_sans requires client_auth_type to be one of RequireAnyClientCert or "
              "RequireAndVerifyClientCert");
  if (o.min_version > o.max_version)
    ctx.error(t.node("min_version"), t.path_of("min_version"), "is above max_version");
  o.cert_file = resolve(dir, o.cert_file);
  o.key_file = resolve(dir, o.key_file);
  o.client_ca_file = resolve(dir, o.client_ca_file);
  out.tls = std::move(o);
}

void read_http(MapReader& h, WebConfig& out) {
  auto& ctx = h.ctx();
  h.boolean("http2", out.http2);
  if (!h.str_map("headers", out.headers)) return;
  const YAML::Node headers = h.node("headers");
  for (const auto& [name, value] : out.headers) {
    auto it = allowed_headers().find(name);
    const YAML::Node at = headers[name];
    const auto p = h.path_of("headers") + "." + name;
    if (it == allowed_headers().end()) {
      ctx.error(at, p, "HTTP header \"" + name + "\" can not be configured");
      continue;
    }
    const auto& values = it->second;
    if (!values.empty() && std::find(values.begin(), values.end(), value) == values.end()) {
      std::string want;
      for (const auto& v : values) want += (want.empty() ? "" : ", ") + v;
      ctx.error(at, p, "must be one of " + want + ", got \"" + value + "\"");
    }
  }
}

}  // namespace

WebConfigResult parse_web_config(std::string_view yaml, const std::string& file_name) {
  WebConfigResult out;
  out.config.source = file_name;
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    out.diagnostics.push_back(Diagnostic{file_name, e.mark.is_null() ? 0 : e.mark.line + 1,
                                         e.mark.is_null() ? 0 : e.mark.column + 1, "",
                                         "YAML syntax error: " + e.msg});
    return out;
  }
  if (root.IsDefined() && !root.IsNull() && !root.IsMap()) {
    out.diagnostics.push_back(Diagnostic{file_name, root.Mark().line + 1, root.Mark().column + 1,
                                         "", "the top level must be a mapping"});
    return out;
  }
  const auto dir = std::filesystem::path(file_name).parent_path();
  Context ctx(file_name, out.diagnostics, EnvLookup{});
  auto& c = out.config;
  MapReader top(ctx, root, "");
  top.map("tls_server_config", [&](MapReader& t) { read_tls(t, c, dir); });
  top.map("http_server_config", [&](MapReader& h) { read_http(h, c); });
  if (top.str_map("basic_auth_users", c.basic_auth_users)) {
    const YAML::Node users = top.node("basic_auth_users");
    for (const auto& [user, hash] : c.basic_auth_users) {
      const auto p = "basic_auth_users." + user;
      const YAML::Node at = users[user];  // the entry's value, for its line and column
      if (user.find(':') != std::string::npos)
        ctx.error(at, p, "a user name cannot contain ':' (basic auth splits there)");
      if (auto cost = bcrypt_cost(hash); !cost) ctx.error(at, p, cost.error().message);
    }
  }
  top.map("rate_limit", [&](MapReader& r) {
    r.duration("interval", c.rate_limit.interval);
    std::size_t burst = 0;
    if (r.count("burst", burst, 0, 1'000'000)) c.rate_limit.burst = static_cast<int>(burst);
    // Go's limiter with burst 0 refuses every request; that is never what was meant.
    if (c.rate_limit.interval > Duration::zero() && c.rate_limit.burst < 1)
      ctx.error(r.self(), "rate_limit.burst", "must be at least 1 when rate_limit.interval is set");
  });
  top.finish();
  return out;
}

WebConfigResult load_web_config(const std::string& path) {
  std::string why;
  auto text = read_config_text(path, why);
  if (!text) {
    WebConfigResult out;
    out.config.source = path;
    out.diagnostics.push_back(Diagnostic{path, 0, 0, "", why});
    return out;
  }
  return parse_web_config(*text, path);
}

}  // namespace vw::config
