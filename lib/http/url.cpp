#include "http/url.hpp"

#include <boost/url/parse.hpp>

namespace vw::http {

std::string Url::origin() const {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return std::string(tls ? "https://" : "http://") + h + ":" + port;
}

std::string Url::host_header() const {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if ((tls && port == "443") || (!tls && port == "80")) return h;
  return h + ":" + port;
}

result<Url> parse_url(std::string_view text) {
  auto parsed = boost::urls::parse_absolute_uri(text);
  if (!parsed) return make_error("not a URL: \"" + std::string(text) + "\"");
  const auto& u = *parsed;
  Url out;
  if (u.scheme() == "https") out.tls = true;
  else if (u.scheme() != "http")
    return make_error("scheme must be http or https in \"" + std::string(text) + "\"");
  if (u.has_userinfo()) return make_error("credentials in URLs are not allowed (use a file)");
  if (u.has_query() || u.has_fragment())
    return make_error("URL must not have a query or fragment: \"" + std::string(text) + "\"");
  if (u.host_type() == boost::urls::host_type::ipv6) {
    out.host = u.host_address();
  } else {
    out.host = u.host();
  }
  if (out.host.empty()) return make_error("URL has no host: \"" + std::string(text) + "\"");
  out.port = u.has_port() ? std::string(u.port()) : (out.tls ? "443" : "80");
  out.path = u.path();
  while (!out.path.empty() && out.path.back() == '/') out.path.pop_back();
  return out;
}

}  // namespace vw::http
