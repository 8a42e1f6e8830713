#pragma once
// http(s) base URLs (vault.address, notify receivers' url): parsed by lib/config to validate,
// by lib/http to connect. Pure (Boost.URL, compiled in core/url.cpp).
#include <string>
#include <utility>
#include <string_view>

#include "core/result.hpp"

namespace vw {

/// An http(s) base URL split into what a client connection needs.
struct Url {
  bool tls = false;
  std::string host;       // without brackets for IPv6 literals
  std::string port;       // always set: explicit, or 80/443 from the scheme
  std::string path;       // base path without trailing '/', "" for the root
  bool operator==(const Url&) const = default;

  /// "https://host:port" (brackets around IPv6), for logs and Host headers.
  std::string origin() const;
  /// The Host header value: host, plus ":port" when it is not the scheme's default.
  std::string host_header() const;
};

/// Parses "http://h:p/base" or "https://h". Rejects other schemes, userinfo, query and fragment.
result<Url> parse_url(std::string_view text);

/// Splits a listen address: "host:port", ":port", "[v6]:port". Port must be numeric (0..65535).
result<std::pair<std::string, std::string>> split_listen_address(std::string_view address);

}  // namespace vw
