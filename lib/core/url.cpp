#include "core/url.hpp"

#include <boost/url/parse.hpp>
// Boost.URL compiled here, once (separate compilation; see lib/net/asio_impl.cpp for Asio's).
#include <boost/url/src.hpp>

namespace vw {

std::string Url::origin() const {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return std::string(tls ? "https://" : "http://") + h + ":" + port;
}

std::string Url::host_header() const {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if ((tls && port == "443") || (!tls && port == "80")) return h;
  return h + ":" + port;
}

namespace {

// The URL as an error message may quote it (config diagnostics reach stderr, the log and
// /api/v1/status): scheme, host and port only. Userinfo may hold a password, and webhook paths
// and queries often embed a token (SPEC §8); the diagnostic's file:line:column says which
// value is meant.
std::string shown(const boost::urls::url_view& u) {
  std::string out = std::string(u.scheme()) + "://";
  if (u.has_userinfo()) out += "<redacted>@";
  out += std::string(u.encoded_host_and_port());
  if (!u.encoded_path().empty() && u.encoded_path() != "/") out += "/...";
  if (u.has_query() || u.has_fragment()) out += "?...";
  return out;
}

}  // namespace

result<Url> parse_url(std::string_view text) {
  auto parsed = boost::urls::parse_absolute_uri(text);
  // Not even a URL: nothing of it is quoted (it may be a secret pasted into the wrong key).
  if (!parsed) return make_error("not a URL (want http(s)://host[:port])");
  const auto& u = *parsed;
  Url out;
  if (u.scheme() == "https") out.tls = true;
  else if (u.scheme() != "http")
    return make_error("scheme must be http or https in \"" + shown(u) + "\"");
  if (u.has_userinfo()) return make_error("credentials in URLs are not allowed (use a file)");
  if (u.has_query() || u.has_fragment())
    return make_error("URL must not have a query or fragment: \"" + shown(u) + "\"");
  if (u.host_type() == boost::urls::host_type::ipv6) {
    out.host = u.host_address();
  } else {
    out.host = u.host();
  }
  if (out.host.empty()) return make_error("URL has no host: \"" + shown(u) + "\"");
  out.port = u.has_port() ? std::string(u.port()) : (out.tls ? "443" : "80");
  out.path = u.path();
  while (!out.path.empty() && out.path.back() == '/') out.path.pop_back();
  return out;
}

result<std::pair<std::string, std::string>> split_listen_address(std::string_view a) {
  std::string host, port;
  if (a.starts_with("[")) {
    auto close = a.find(']');
    if (close == std::string_view::npos || close + 1 >= a.size() || a[close + 1] != ':')
      return make_error("bad listen address \"" + std::string(a) + "\" (want [host]:port)");
    host = a.substr(1, close - 1);
    port = a.substr(close + 2);
  } else {
    auto colon = a.rfind(':');
    if (colon == std::string_view::npos)
      return make_error("bad listen address \"" + std::string(a) + "\" (want host:port or :port)");
    host = a.substr(0, colon);
    port = a.substr(colon + 1);
  }
  if (port.empty() || port.find_first_not_of("0123456789") != std::string::npos || port.size() > 5 ||
      std::stoi(port) > 65535)
    return make_error("bad port in listen address \"" + std::string(a) + "\"");
  return std::pair{host, port};
}

}  // namespace vw
